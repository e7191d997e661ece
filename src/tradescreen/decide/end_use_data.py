"""The data of the Part 744 end-use rules (``data/end_use.json``): the questions, each rule's
dated windows (destinations, items, Federal Register citation, fields not verified) and
Supplement No. 2 to Part 744 as dated rows, with ``supp2_status`` (is an ECCN in the Supplement
on a date). Read by ``decide/end_use.py`` (the evaluation) and ``requirements.py`` (the MEU
List's item scope)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from tradescreen.decide.items import eccn_matches, normalize_eccn
from tradescreen.errors import InvalidInput


class EndUse(StrEnum):
    """A question of Part 744 the exporter answers from what they know."""

    MILITARY_END_USE = "military_end_use"  # § 744.21(f)
    MILITARY_END_USER = "military_end_user"  # § 744.21(g)
    MILITARY_INTELLIGENCE = "military_intelligence"  # § 744.22(f)
    SUPERCOMPUTER = "supercomputer"  # § 744.23(a)(1)
    ADVANCED_NODE_IC = "advanced_node_ic"  # § 744.23(a)(2)(i)
    IC_FACILITY_NODE_UNKNOWN = "ic_facility_node_unknown"  # § 744.23(a)(2)(ii)
    SEMICONDUCTOR_EQUIPMENT = "semiconductor_equipment"  # § 744.23(a)(4)
    D5_HEADQUARTERED = "d5_headquartered"  # § 744.23(a)(3)(i)


# ---------------------------------------------------------------------------
# data


class ItemScope(StrEnum):
    SUPP2 = "supp2"  # items in Supplement No. 2 to Part 744
    ALL_ITEMS = "all_items"  # every item subject to the EAR
    ALL_BUT_FOOD_MEDICINE = "all_but_ear99_food_medicine"
    CCL_ITEMS = "ccl_items"  # items on the CCL (not EAR99)
    ECCNS = "eccns"  # the ECCNs (or paragraphs) named
    CATEGORY_3_BCDE = "category_3_bcde"  # Category 3, product groups B to E
    TEXT_NOT_STORED = "text_not_stored"  # the rule's text of that date is not in this data


@dataclass(frozen=True, slots=True)
class Question:
    id: EndUse
    label: str
    text: str
    defined_in: str


@dataclass(frozen=True, slots=True)
class Exclusion:
    eccns: tuple[str, ...]
    unless: str


@dataclass(frozen=True, slots=True)
class Window:
    """One state of a rule's text for a set of destinations."""

    rule_id: str
    section: str
    questions: tuple[EndUse, ...]
    items: ItemScope
    citation: str
    valid_from: date
    valid_to: date | None = None
    destinations: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    outside_groups: tuple[str, ...] = ()
    outside_add: tuple[str, ...] = ()
    unless_in: tuple[str, ...] = ()
    eccns: tuple[str, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    contracts_before_exempt: date | None = None
    paragraph: str | None = None
    note: str | None = None
    uncertain: tuple[str, ...] = ()

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def cite(self) -> str:
        where = f"15 CFR {self.paragraph}" if self.paragraph else self.section
        return f"{where} ({self.citation})"


@dataclass(frozen=True, slots=True)
class Supp2Row:
    eccn: str
    valid_from: date
    citation: str
    paragraphs_until: date | None = None  # before: only some paragraphs listed (not stored)
    uncertain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TreatedAs:
    destination: str
    as_: str
    valid_from: date
    citation: str


@dataclass(frozen=True, slots=True)
class EndUseData:
    version: str
    source_date: date
    questions: dict[EndUse, Question]
    rules: dict[str, tuple[str, str]]  # id -> (name, policy)
    windows: tuple[Window, ...]
    supp2: tuple[Supp2Row, ...]
    supp2_cite: str
    treated_as: tuple[TreatedAs, ...] = field(default=())


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def parse_end_use_data(raw: dict[str, Any]) -> EndUseData:
    questions = {
        EndUse(k): Question(EndUse(k), v["label"], v["text"], v["defined_in"])
        for k, v in raw["questions"].items()
    }
    if set(questions) != set(EndUse):
        raise InvalidInput("end_use.json: questions must name every EndUse")
    rules: dict[str, tuple[str, str]] = {}
    windows: list[Window] = []
    for r in raw["rules"]:
        rules[r["id"]] = (r["name"], r["policy"])
        for i, w in enumerate(r["windows"]):
            where = f"end_use.json rules[{r['id']}].windows[{i}]"
            items = ItemScope(w["items"])
            if items is ItemScope.ECCNS and not w.get("eccns"):
                raise InvalidInput(f"{where}: items 'eccns' needs the eccns")
            windows.append(
                Window(
                    rule_id=r["id"],
                    section=r["section"],
                    questions=tuple(EndUse(q) for q in w["questions"]),
                    items=items,
                    citation=w["citation"],
                    valid_from=_day(w["from"], where + ".from"),
                    valid_to=_day(w["until"], where + ".until") if w.get("until") else None,
                    destinations=tuple(w.get("destinations", ())),
                    groups=tuple(w.get("groups", ())),
                    outside_groups=tuple(w.get("outside_groups", ())),
                    outside_add=tuple(w.get("outside_add", ())),
                    unless_in=tuple(w.get("unless_in", ())),
                    eccns=tuple(normalize_eccn(e, field_name=where) for e in w.get("eccns", ())),
                    exclusions=tuple(
                        Exclusion(tuple(x["eccns"]), x["unless"]) for x in w.get("exclusions", ())
                    ),
                    contracts_before_exempt=(
                        _day(w["contracts_before_exempt"], where)
                        if w.get("contracts_before_exempt")
                        else None
                    ),
                    paragraph=w.get("paragraph"),
                    note=w.get("note"),
                    uncertain=tuple(w.get("uncertain", ())),
                )
            )
    supp = raw["supp2"]
    rows = tuple(
        Supp2Row(
            normalize_eccn(r["eccn"], field_name="end_use.json supp2"),
            _day(r["from"], f"supp2 {r['eccn']}"),
            r["citation"],
            _day(r["paragraphs_until"], f"supp2 {r['eccn']}")
            if r.get("paragraphs_until")
            else None,
            tuple(r.get("uncertain", ())),
        )
        for r in supp["rows"]
    )
    treated = tuple(
        TreatedAs(t["destination"], t["as"], _day(t["from"], "treated_as"), t["citation"])
        for t in raw.get("treated_as", ())
    )
    return EndUseData(
        version=raw["version"],
        source_date=_day(raw["source_date"], "end_use.json source_date"),
        questions=questions,
        rules=rules,
        windows=tuple(windows),
        supp2=rows,
        supp2_cite=supp["citation"],
        treated_as=treated,
    )


@lru_cache(maxsize=1)
def default_end_use_data() -> EndUseData:
    text = resources.files("tradescreen.decide").joinpath("data/end_use.json").read_text("utf-8")
    return parse_end_use_data(json.loads(text))


# ---------------------------------------------------------------------------
# Supplement No. 2 to Part 744


class Membership(StrEnum):
    LISTED = "listed"
    PARAGRAPHS = "paragraphs"  # only some paragraphs of the entry are listed (not stored)
    NOT_LISTED = "not_listed"
    NOT_KNOWN = "not_known"  # this data cannot tell (the list is not verified complete)


_AT_FAMILY = re.compile(r"^\d[A-E]9\d\d")


@dataclass(frozen=True, slots=True)
class Supp2Status:
    membership: Membership
    note: str
    row: Supp2Row | None = None


def supp2_status(classification: str, as_of: date, data: EndUseData | None = None) -> Supp2Status:
    """Is the item in Supplement No. 2 to Part 744 on ``as_of``? EAR99 never is."""
    data = data or default_end_use_data()
    item = normalize_eccn(classification)
    cite = data.supp2_cite
    if item == "EAR99":
        return Supp2Status(Membership.NOT_LISTED, f"EAR99 items are not in {cite}")
    rows = [r for r in data.supp2 if eccn_matches(r.eccn, item)]
    live = [r for r in rows if r.valid_from <= as_of]
    if live:
        row = live[0]
        if row.paragraphs_until and as_of < row.paragraphs_until:
            return Supp2Status(
                Membership.PARAGRAPHS,
                f"{cite} listed only some paragraphs of {row.eccn} on {as_of.isoformat()} "
                f"({row.citation}); which ones is not stored: read the Supplement",
                row,
            )
        return Supp2Status(
            Membership.LISTED,
            f"{row.eccn} is in {cite} ({row.citation.split(';')[-1].strip()})",
            row,
        )
    if rows:
        row = rows[0]
        return Supp2Status(
            Membership.NOT_LISTED,
            f"{row.eccn} was added to {cite} from {row.valid_from.isoformat()} ({row.citation}); "
            f"not listed on {as_of.isoformat()}",
            row,
        )
    if _AT_FAMILY.match(item):
        return Supp2Status(
            Membership.NOT_KNOWN,
            f"{item.split('.')[0]} is not in this data's {cite} list, which is not verified "
            "complete against the Supplement's text: check the Supplement",
        )
    return Supp2Status(Membership.NOT_LISTED, f"{item.split('.')[0]} is not in {cite}")


__all__ = [
    "EndUse",
    "EndUseData",
    "ItemScope",
    "Membership",
    "Question",
    "Supp2Row",
    "Supp2Status",
    "Window",
    "default_end_use_data",
    "parse_end_use_data",
    "supp2_status",
]
