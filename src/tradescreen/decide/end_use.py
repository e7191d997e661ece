"""End-use and end-user rules of 15 CFR Part 744 that turn on what the exporter knows: § 744.21
(military end use / end user, with its Supplement No. 2 item list), § 744.22 (military-intelligence)
and § 744.23 (supercomputer, advanced-node IC, advanced computing, semiconductor equipment).

The transaction states what the exporter knows (``EndUseAnswers``: ``--end-use`` in the CLI,
``end_use`` in the API). For each rule in force on the date whose destinations and items cover
the transaction, an answer that triggers the rule gives ``license_required`` with its citation;
an unanswered question leaves the decision to the chart and the lists and becomes a condition
("no licence required unless you know of a military end use or a military end user: 15 CFR
744.21"). The rules, their dated windows and the Supplement No. 2 list are data
(``data/end_use.json``), each row with its Federal Register citation. Pure: no I/O beyond the
packaged data file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from tradescreen.decide.ear_tables import EarTables
from tradescreen.decide.items import Item, eccn_matches, normalize_eccn
from tradescreen.decide.outcomes import Effect
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


NONE_KNOWN = "none"  # "I know of none of these end uses or end users"


@dataclass(frozen=True, slots=True)
class EndUseAnswers:
    """What the exporter answered: ``known`` (yes), ``denied`` (no); the rest is unanswered."""

    known: frozenset[EndUse] = frozenset()
    denied: frozenset[EndUse] = frozenset()

    def answer(self, question: EndUse) -> bool | None:
        if question in self.known:
            return True
        if question in self.denied:
            return False
        return None

    def to_dict(self) -> dict[str, list[str]]:
        return {
            "known": sorted(q.value for q in self.known),
            "denied": sorted(q.value for q in self.denied),
        }


UNANSWERED = EndUseAnswers()


def parse_end_use(
    values: Iterable[str] | None, *, field_name: str = "end_use"
) -> EndUseAnswers | None:
    """``["military_end_user"]`` (known), ``["supercomputer=no"]`` (answered no), ``["none"]``
    (no to every question). An unknown question or a contradiction is one ``InvalidInput``
    line naming the field."""
    if values is None:
        return None
    known: set[EndUse] = set()
    denied: set[EndUse] = set()
    none = False
    for raw in values:
        text = raw.strip().lower().replace("-", "_")
        if not text:
            continue
        if text == NONE_KNOWN:
            none = True
            continue
        name, sep, value = text.partition("=")
        try:
            question = EndUse(name.strip())
        except ValueError:
            raise InvalidInput(
                f"{field_name}: {raw!r} is not one of none, "
                + ", ".join(q.value for q in EndUse)
                + " (QUESTION or QUESTION=no)"
            ) from None
        answer = value.strip() if sep else "yes"
        if answer not in ("yes", "no"):
            raise InvalidInput(f"{field_name}: {raw!r}: the answer must be yes or no")
        (known if answer == "yes" else denied).add(question)
    both = known & denied
    if both:
        raise InvalidInput(
            f"{field_name}: {', '.join(sorted(q.value for q in both))} answered both yes and no"
        )
    if none:
        if known:
            raise InvalidInput(
                f"{field_name}: 'none' contradicts {', '.join(sorted(q.value for q in known))}"
            )
        denied = set(EndUse)
    return EndUseAnswers(frozenset(known), frozenset(denied))


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


# ---------------------------------------------------------------------------
# evaluation


@dataclass(frozen=True, slots=True)
class EndUseFinding:
    """One rule window answered for the transaction."""

    rule: str
    section: str
    questions: tuple[EndUse, ...]
    effect: Effect  # LICENSE_REQUIRED, NEEDS_REVIEW or NOT_APPLICABLE
    message: str
    citations: tuple[str, ...]
    applies_to_item: bool | None = None
    known: tuple[EndUse, ...] = ()
    unanswered: tuple[EndUse, ...] = ()
    condition: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "section": self.section,
            "questions": [q.value for q in self.questions],
            "effect": self.effect.value,
            "message": self.message,
            "citations": list(self.citations),
            "applies_to_item": self.applies_to_item,
            "known": [q.value for q in self.known],
            "unanswered": [q.value for q in self.unanswered],
            "condition": self.condition,
        }


@dataclass(frozen=True, slots=True)
class EndUseResult:
    findings: tuple[EndUseFinding, ...]
    warnings: tuple[str, ...]

    @property
    def conditions(self) -> list[dict[str, Any]]:
        return [
            {
                "rule": f.rule,
                "questions": [q.value for q in f.unanswered],
                "text": f.condition,
                "citations": list(f.citations),
            }
            for f in self.findings
            if f.condition
        ]


def _country(destination: str, as_of: date, data: EndUseData) -> tuple[str, str | None]:
    code = destination[:2]
    for t in data.treated_as:
        if t.destination == code and as_of >= t.valid_from:
            return (
                t.as_,
                f"{code} treated as {t.as_} from {t.valid_from.isoformat()} ({t.citation})",
            )
    return code, None


def _destination_hit(w: Window, code: str, tables: EarTables) -> bool:
    if code in w.destinations:
        return True
    if any(tables.in_group(code, g) for g in w.groups):
        return True
    if w.outside_groups:
        inside = code in w.outside_add or any(tables.in_group(code, g) for g in w.outside_groups)
        excused = any(tables.in_group(code, g) for g in w.unless_in)
        return not inside or excused
    return False


def _item_scope(w: Window, item: Item, as_of: date, data: EndUseData) -> tuple[bool | None, str]:
    """(applies, why): None when this data cannot tell (the answer then needs review)."""
    cls = item.classification
    if w.items is ItemScope.ALL_ITEMS:
        return True, "every item subject to the EAR"
    if w.items is ItemScope.ALL_BUT_FOOD_MEDICINE:
        if item.is_ear99 and item.food_or_medicine:
            return False, "EAR99 food and medicine are excluded"
        for x in w.exclusions:
            if any(eccn_matches(p, cls) for p in x.eccns):
                return None, f"{', '.join(x.eccns)}: licence required only if {x.unless}"
            if any(p.split(".")[0] == cls for p in x.eccns):
                return (
                    None,
                    f"give the paragraph: {', '.join(x.eccns)} are excluded unless {x.unless}",
                )
        return True, "every item subject to the EAR other than EAR99 food and medicine"
    if w.items is ItemScope.CCL_ITEMS:
        return (not item.is_ear99), ("EAR99 is not on the CCL" if item.is_ear99 else "a CCL item")
    if w.items is ItemScope.CATEGORY_3_BCDE:
        hit = not item.is_ear99 and cls[0] == "3" and cls[1] in "BCDE"
        return hit, "Category 3, product groups B to E" + ("" if hit else f": not {cls}")
    if w.items is ItemScope.ECCNS:
        if any(eccn_matches(p, cls) for p in w.eccns):
            return True, f"{cls} is named ({', '.join(w.eccns)})"
        if any(p.split(".")[0] == cls for p in w.eccns):
            return None, f"give the paragraph: the rule names {', '.join(w.eccns)}"
        return False, f"the rule names {', '.join(w.eccns)}, not {cls}"
    if w.items is ItemScope.TEXT_NOT_STORED:
        return None, f"the text in force then ({w.citation}) is not stored: read it for its items"
    status = supp2_status(cls, as_of, data)
    if status.membership is Membership.LISTED:
        return True, status.note
    if status.membership is Membership.NOT_LISTED:
        return False, status.note
    return None, status.note


def _phrase(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def evaluate(
    item: Item,
    destination: str,
    as_of: date,
    answers: EndUseAnswers | None,
    *,
    tables: EarTables,
    contract_date: date | None = None,
    data: EndUseData | None = None,
) -> EndUseResult:
    """Every Part 744 end-use window in force on ``as_of`` for the destination, answered."""
    data = data or default_end_use_data()
    answers = answers or UNANSWERED
    code, basis = _country(destination, as_of, data)
    findings: list[EndUseFinding] = []
    warnings: list[str] = []
    if basis:
        warnings.append(f"Part 744 end-use rules: {basis}")
    group_rule = False
    for w in data.windows:
        if not w.in_force(as_of) or not _destination_hit(w, code, tables):
            continue
        group_rule = group_rule or bool(w.groups or w.outside_groups)
        cites = (w.cite,)
        if w.uncertain:
            warnings.append(
                f"{w.cite}: not verified against the rule text: {', '.join(w.uncertain)}"
            )
        if (
            w.contracts_before_exempt
            and contract_date
            and contract_date < w.contracts_before_exempt
        ):
            findings.append(
                EndUseFinding(
                    w.rule_id,
                    w.section,
                    w.questions,
                    Effect.NOT_APPLICABLE,
                    f"{w.section}: contract signed {contract_date.isoformat()}, before "
                    f"{w.contracts_before_exempt.isoformat()}: not subject to the rule",
                    cites,
                    False,
                )
            )
            continue
        applies, why = _item_scope(w, item, as_of, data)
        if w.items is ItemScope.SUPP2:
            status = supp2_status(item.classification, as_of, data)
            if status.row and status.row.uncertain and applies is not False:
                warnings.append(f"{data.supp2_cite}: {status.row.eccn}: not verified: listed")
        if applies is False:
            findings.append(
                EndUseFinding(
                    w.rule_id,
                    w.section,
                    w.questions,
                    Effect.NOT_APPLICABLE,
                    f"{w.section}: does not reach {item.classification}: {why}",
                    cites,
                    False,
                )
            )
            continue
        known = tuple(q for q in w.questions if answers.answer(q) is True)
        unanswered = tuple(q for q in w.questions if answers.answer(q) is None)
        labels = [data.questions[q].label for q in w.questions]
        name = data.rules[w.rule_id][0]
        if known:
            what = _phrase([data.questions[q].label for q in known])
            if applies:
                effect = Effect.LICENSE_REQUIRED
                message = (
                    f"{name} ({w.cite}): you know of {what} for {item.classification} to {code}: "
                    f"licence required ({why}); {data.rules[w.rule_id][1]}"
                )
            else:
                effect = Effect.NEEDS_REVIEW
                message = (
                    f"{name} ({w.cite}): you know of {what}: licence required if the rule "
                    f"reaches {item.classification}: {why}"
                )
            findings.append(
                EndUseFinding(
                    w.rule_id, w.section, w.questions, effect, message, cites, applies, known
                )
            )
            continue
        if unanswered:
            scope = "" if applies else f" (if it reaches {item.classification}: {why})"
            condition = (
                f"no licence required unless you know of "
                f"{_phrase([data.questions[q].label for q in unanswered])}: {w.cite}{scope}"
            )
        else:
            condition = None
        findings.append(
            EndUseFinding(
                w.rule_id,
                w.section,
                w.questions,
                Effect.NOT_APPLICABLE,
                (
                    f"{name} ({w.cite}): answered no to {_phrase(labels)}"
                    if not unanswered
                    else f"{name} ({w.cite}): unanswered: {_phrase(labels)}"
                ),
                cites,
                applies,
                (),
                unanswered,
                condition,
            )
        )
    if group_rule and as_of < date.fromisoformat(tables.issue_date):
        warnings.append(
            f"Country Groups of the Part 744 end-use rules as in the eCFR of {tables.issue_date}; "
            f"the groups in force on {as_of.isoformat()} may have differed"
        )
    return EndUseResult(tuple(findings), tuple(dict.fromkeys(warnings)))


__all__ = [
    "NONE_KNOWN",
    "UNANSWERED",
    "EndUse",
    "EndUseAnswers",
    "EndUseData",
    "EndUseFinding",
    "EndUseResult",
    "Membership",
    "Supp2Status",
    "default_end_use_data",
    "evaluate",
    "parse_end_use",
    "parse_end_use_data",
    "supp2_status",
]
