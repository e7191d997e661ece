"""FtM export (``tradescreen export``, ``services/ftm.py``) over every real list, and FtM import
of OpenSanctions-style files (``sources/ftm.py``).

- ``ftm validate`` (FollowTheMoney's own command) over an export of every real list source changes
  nothing: the test counts the lines whose id, schema, datasets or property values differ;
- export → import → export gives the same bytes, for each source;
- import reads the list code from ``datasets``, a Person with only name parts, nested entities,
  and reports Ownership and Security entities as skipped.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from followthemoney import model as ftm_model
from followthemoney import registry

from tradescreen.model import EntityKind, NameKind, ftm_id
from tradescreen.services.ftm import export_lines
from tradescreen.sources import read_source

from .conftest import entities, real

# Every complete list source in the data folder (us_ofac_sdn/2025-12 lacks its sdn.csv: not a
# source on its own; _meta holds no list).
REAL_SOURCES = (
    "us_csl/consolidated_2022-04.csv.gz",
    "us_csl/csl_partial_2023-11.csv.gz",
    "un_sc/UN_consolidated_2026-02-27.xml.gz",
    "us_bis_entity_list/bis_entity_list_ecfr_2026-07.json",
    "us_bis_meu/bis_meu_ecfr_2026-07.json",
    "us_bis_dpl/bis_dpl_2026-04-14.json",
    "us_bis_dpl/dpl_2023-11.txt",
    "us_ofac_sdn/2021-07",
    "us_ofac_sdn/2024-05-03/sdn.csv",
    "us_ofac_cons/2025-12",
    "us_ofac_cons/2025-01/CONS_ENHANCED.ZIP",
    "us_ofac_nscmic/ofac_nscmic_2026-07.json",
    "us_ofac_nscmic/ofac_eo14032_annex_2021-06.json",
    "us_dod_1260h/dow_1260h_2026-06-10.json",
    "us_dod_1260h/opensanctions_dod_chinese_milcorps.csv",
    "us_dod_1286/dow_1286_fy24.json",
    "us_state_ddtc_debarred/ddtc_statutory_2025-08-25.json",
    "us_state_ddtc_debarred/ddtc_admin_2023-06-01.json",
    "us_state_isn/state_nonproliferation_2025-05.json",
    "us_fcc_covered/fcc_covered_2026-07.json",
    "us_dhs_uflpa/dhs_uflpa_2026-07.json",
    "us_cbp_wro/cbp_wro_2026-06-23.json",
    "eu_opensanctions_journal/32014R0833.csv.gz",
    "eu_opensanctions_journal/32014R0269.csv.gz",
)


def _export(rel: str) -> bytes:
    return b"".join(chunk for _n, chunk in export_lines(entities(rel), "ftm"))


def _semantic(obj: dict[str, Any]) -> tuple[Any, ...]:
    """What FtM means by an entity: id, schema, the set of datasets, each property's values."""
    props = {k: sorted(v) for k, v in obj["properties"].items()}
    return obj["id"], obj["schema"], sorted(obj.get("datasets") or []), props


@pytest.mark.realdata
def test_ftm_validate_changes_nothing_in_an_export_of_every_real_list(tmp_path: Path) -> None:
    src = tmp_path / "all.ftm.json"
    with src.open("wb") as fp:
        for rel in REAL_SOURCES:
            real(rel)
            fp.write(_export(rel))
    out = tmp_path / "validated.ftm.json"
    ftm = Path(sys.executable).parent / "ftm"
    subprocess.run([str(ftm), "validate", "-i", str(src), "-o", str(out)], check=True)
    before, after = src.read_bytes().splitlines(), out.read_bytes().splitlines()
    assert len(before) == len(after) > 190_000
    differences: Counter[str] = Counter()
    references = 0
    for a, b in zip(before, after, strict=True):
        x, y = orjson.loads(a), orjson.loads(b)
        assert y.pop("referents", []) == []
        sx, sy = _semantic(x), _semantic(y)
        if sx != sy:
            px, py = sx[3], sy[3]
            changed = {k for k in set(px) | set(py) if px.get(k) != py.get(k)}
            differences.update(f"{x['schema']}.{k}" for k in changed or {"id/datasets"})
        for key in ("entity", "holder", "addressEntity"):
            references += len(y["properties"].get(key, []))
        assert registry.entity.validate(x["id"]), x["id"]
    assert differences == Counter()
    assert references > 90_000  # every Sanction.entity, holder, addressEntity kept


@pytest.mark.realdata
@pytest.mark.parametrize("rel", REAL_SOURCES)
def test_export_import_export_is_identical(rel: str, tmp_path: Path) -> None:
    first = _export(rel)
    path = tmp_path / "export.ftm.json"
    path.write_bytes(first)
    parsed = read_source(path)
    assert parsed.format == "ftm_json"
    back = list(parsed.entities)
    assert parsed.rejected == [] and parsed.warnings == []
    assert [e.id for e in back] == [e.id for e in entities(rel)]
    again = b"".join(chunk for _n, chunk in export_lines(back, "ftm"))
    assert again == first


@pytest.mark.realdata
def test_export_keeps_what_ftm_cleaning_would_change() -> None:
    """An OFAC SDN listing date the CSL gives as 0097-06-30 is no FtM date: the export leaves
    it out of startDate (FtM-valid) and keeps it in the extension key; import restores it."""
    ents = entities("us_csl/consolidated_2022-04.csv.gz")
    odd = [e for e in ents for x in e.listings if x.start_date and x.start_date.year < 1000]
    if not odd:
        pytest.skip("no pre-1000 start date in this copy")
    records = [orjson.loads(line) for _n, c in export_lines(odd[:1], "ftm") for line in
               c.splitlines()]  # fmt: skip
    sanction = next(r for r in records if r["schema"] == "Sanction")
    assert "startDate" not in sanction["properties"]
    assert sanction["tradescreen"]["raw"]["startDate"][0].startswith("0")
    for r in records:
        assert ftm_model.get_proxy(r, cleaned=False).to_dict()["properties"] == r["properties"]


# ---------------------------------------------------------------------------- import


def _write(tmp_path: Path, lines: list[dict[str, Any]]) -> Path:
    path = tmp_path / "os.ftm.json"
    path.write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    return path


def test_import_takes_the_list_code_from_datasets_not_program_id(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {"id": "NK-abc", "schema": "Person", "datasets": ["un_sc_sanctions"],
             "properties": {"firstName": ["Ivan"], "lastName": ["Petrov"]}},
            {"id": "s1", "schema": "Sanction", "datasets": ["un_sc_sanctions"],
             "properties": {"entity": ["NK-abc"], "programId": ["UN-SC1267"],
                            "authority": ["UN Security Council"]}},
            {"id": "s2", "schema": "Sanction", "datasets": ["eu_fsf"],
             "properties": {"entity": ["NK-abc"], "programId": ["EU-TERR"],
                            "program": ["EU terrorist list"]}},
        ],
    )  # fmt: skip
    (person,) = read_source(path).entities
    assert person.id == "un_sc_sanctions:NK-abc" and person.kind is EntityKind.PERSON
    assert person.name == "Ivan Petrov" and person.names[0].kind is NameKind.PRIMARY
    assert [(x.list_code, x.programs) for x in person.listings] == [
        ("un_sc_sanctions", ("UN-SC1267",)),
        ("eu_fsf", ("EU terrorist list",)),
    ]


def test_import_reads_yente_nested_entities(tmp_path: Path) -> None:
    nested = {
        "id": "ves-1", "schema": "Vessel", "datasets": ["gb_hmt"],
        "properties": {
            "name": ["SEA STAR"],
            "sanctions": [{"id": "sx", "schema": "Sanction", "datasets": ["gb_hmt"],
                           "properties": {"startDate": ["2022-03-01"]}}],
            "addressEntity": [{"id": "ad", "schema": "Address",
                               "properties": {"full": ["Port Said, Egypt"]}}],
        },
    }  # fmt: skip
    (vessel,) = read_source(_write(tmp_path, [nested])).entities
    assert vessel.kind is EntityKind.VESSEL and vessel.id == "gb_hmt:ves-1"
    assert vessel.listings[0].list_code == "gb_hmt"
    assert str(vessel.listings[0].start_date) == "2022-03-01"
    assert [a.full for a in vessel.addresses] == ["Port Said, Egypt"]


def test_import_reports_ownership_and_security_as_skipped(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {"id": "c1", "schema": "Company", "datasets": ["x"], "properties": {"name": ["Co"]}},
            {"id": "o1", "schema": "Ownership", "datasets": ["x"],
             "properties": {"owner": ["c1"], "asset": ["c2"], "percentage": ["60"]}},
            {"id": "o2", "schema": "Ownership", "datasets": ["x"],
             "properties": {"owner": ["c1"], "asset": ["c3"]}},
            {"id": "sec", "schema": "Security", "datasets": ["x"],
             "properties": {"name": ["Co shares"], "isin": ["US0000000000"], "issuer": ["c1"]}},
        ],
    )  # fmt: skip
    parsed = read_source(path)
    assert [e.name for e in parsed.entities] == ["Co"]
    assert parsed.warnings == [
        "2 Ownership entities skipped: ownership links are not list entries (load them with "
        "`tradescreen ownership load`)",
        "1 Security entity skipped: securities are not parties (their issuer is screened)",
    ]


def test_exported_ids_are_ftm_valid_and_restored_on_import(tmp_path: Path) -> None:
    from tradescreen.model import Entity, Listing, Name

    ent = Entity(
        id="us_ofac_sdn:20157",
        kind=EntityKind.ORGANIZATION,
        names=(Name("ACME"),),
        listings=(Listing("us_ofac_sdn", "SDN List", programs=("IRAN",)),),
    )
    lines = b"".join(c for _n, c in export_lines([ent], "ftm"))
    head = orjson.loads(lines.splitlines()[0])
    assert head["id"] == ftm_id(ent.id) == "us-ofac-sdn-20157"
    assert head["tradescreen"]["id"] == "us_ofac_sdn:20157"
    path = tmp_path / "x.ftm.json"
    path.write_bytes(lines)
    (back,) = read_source(path).entities
    assert back == ent
