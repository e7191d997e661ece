"""Delta re-screening equals a full re-screen, on the real OFAC SDN of 2021-07 and 2024-05-03."""

from __future__ import annotations

import csv
import gzip
import random
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, select
from tests.data_paths import DATA, require_data

from tradescreen.db import all_tables, make_engine
from tradescreen.model import Entity
from tradescreen.monitor.counterparties import import_counterparties
from tradescreen.monitor.delta import rescreen_delta, rescreen_full
from tradescreen.review.tables import review_alerts
from tradescreen.screening.screener import Screener
from tradescreen.settings import Settings
from tradescreen.store.base import NewVersion
from tradescreen.store.sql import SqlStore

from .sdn import SDN_2021, SDN_2024, read_sdn

AS_OF = date(2024, 6, 1)
SETTINGS = Settings(threshold=0.75, db="sqlite://")


def new_version(entities: tuple[Entity, ...], when: datetime, path: Path) -> NewVersion:
    return NewVersion(
        list_code="us_ofac_sdn",
        list_name="Specially Designated Nationals List",
        source=str(path),
        format="ofac_csv",
        sha256=str(hash(path)),
        entities=entities,
        retrieved_at=when,
    )


def vary(name: str, rng: random.Random) -> str:
    """A customer-file spelling of a listed name."""
    choice = rng.randrange(4)
    if choice == 0:
        return name.title()
    if choice == 1:
        return name.lower().replace(",", "")
    if choice == 2:
        return " ".join(reversed(name.replace(",", "").split())) if "," in name else name
    return name + " LTD" if "," not in name else name.upper()


def write_register(path: Path) -> None:
    rng = random.Random(7)
    old = {e.id: e for e in read_sdn(SDN_2021)}
    new = {e.id: e for e in read_sdn(SDN_2024)}
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    both = sorted(old.keys() & new.keys())
    changed = [k for k in both if old[k].content_hash() != new[k].content_hash()]
    renamed = [k for k in changed if old[k].name != new[k].name]
    rows: list[tuple[str, str]] = []
    for k in rng.sample(added, 150):
        rows.append((new[k].name, "added"))
    for k in rng.sample(removed, 60):
        rows.append((old[k].name, "removed"))
    for k in rng.sample(both, 80):
        rows.append((vary(new[k].name, rng), "both"))
    for k in renamed[:40]:
        rows.append((old[k].name, "renamed-old"))
        rows.append((new[k].name, "renamed-new"))
    for k in rng.sample(changed, 30):
        rows.append((vary(new[k].name, rng), "changed"))
    with gzip.open(
        require_data(DATA / "eval/yente_candidate_generation/negatives_global.csv.gz"), "rt"
    ) as fh:
        for _, r in zip(range(400), csv.DictReader(fh), strict=False):
            rows.append((r["full_name"], "negative"))
    rng.shuffle(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country", "why"])
        for i, (name, why) in enumerate(rows):
            w.writerow([f"CP{i:05d}", name, "", why])


def alerts(conn: Connection) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        select(
            review_alerts.c.counterparty_key,
            review_alerts.c.entity_id,
            review_alerts.c.status,
            review_alerts.c.entity_hash,
        )
    )
    return {(r.counterparty_key, r.entity_id): f"{r.status}:{r.entity_hash}" for r in rows}


def test_delta_equals_full_rescreen(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    write_register(register)
    old, new = read_sdn(SDN_2021), read_sdn(SDN_2024)
    t_old, t_new = datetime(2021, 7, 15, tzinfo=UTC), datetime(2024, 5, 3, tzinfo=UTC)
    outcome = {}
    for mode in ("delta", "full"):
        engine = make_engine("sqlite://")
        all_tables().create_all(engine)
        store = SqlStore(engine)
        [v1] = store.add_versions([new_version(old, t_old, SDN_2021)])
        with engine.begin() as conn:
            import_counterparties(conn, register)
        rescreen_full(store, SETTINGS, as_of=AS_OF, now=t_old)
        with engine.connect() as conn:
            before = alerts(conn)
        [v2] = store.add_versions([new_version(new, t_new, SDN_2024)])
        screener = Screener(store, SETTINGS)
        if mode == "delta":
            rep = rescreen_delta(
                store, v1.id, v2.id, SETTINGS, screener=screener, as_of=AS_OF, now=t_new
            )
            assert rep.diffs[0]["added"] == 6870 and rep.diffs[0]["removed"] == 881
            assert rep.counterparties_screened < 600  # not the whole register
        else:
            rep = rescreen_full(
                store, SETTINGS, screener=screener, as_of=AS_OF, now=t_new, workers=2
            )
        with engine.connect() as conn:
            outcome[mode] = (before, alerts(conn), rep)
        engine.dispose()
    before, after_delta, rep_d = outcome["delta"]
    _, after_full, rep_f = outcome["full"]
    assert before == outcome["full"][0]
    opened = {k for k, v in after_full.items() if v.startswith("open")}
    closed = {k for k, v in after_full.items() if v.startswith("closed")}
    assert len(opened) > 200 and len(closed) > 40  # the case is not trivial
    assert after_delta == after_full
    assert rep_d.alerts_closed == rep_f.alerts_closed
