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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tradescreen.decide.ear_tables import EarTables
from tradescreen.decide.end_use_data import (
    EndUse,
    EndUseData,
    ItemScope,
    Membership,
    Supp2Status,
    Window,
    default_end_use_data,
    parse_end_use_data,
    supp2_status,
)
from tradescreen.decide.items import Item, eccn_matches
from tradescreen.decide.outcomes import Effect
from tradescreen.errors import InvalidInput

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

    @classmethod
    def of(
        cls,
        w: Window,
        effect: Effect,
        message: str,
        applies_to_item: bool | None = False,
        *,
        known: tuple[EndUse, ...] = (),
        unanswered: tuple[EndUse, ...] = (),
        condition: str | None = None,
    ) -> EndUseFinding:
        """The finding of window ``w`` (its rule, section, questions and citation)."""
        return cls(
            w.rule_id, w.section, w.questions, effect, message, (w.cite,), applies_to_item,
            known, unanswered, condition,
        )  # fmt: skip

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
                EndUseFinding.of(
                    w,
                    Effect.NOT_APPLICABLE,
                    f"{w.section}: contract signed {contract_date.isoformat()}, before "
                    f"{w.contracts_before_exempt.isoformat()}: not subject to the rule",
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
                EndUseFinding.of(
                    w,
                    Effect.NOT_APPLICABLE,
                    f"{w.section}: does not reach {item.classification}: {why}",
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
            findings.append(EndUseFinding.of(w, effect, message, applies, known=known))
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
            EndUseFinding.of(
                w,
                Effect.NOT_APPLICABLE,
                (
                    f"{name} ({w.cite}): answered no to {_phrase(labels)}"
                    if not unanswered
                    else f"{name} ({w.cite}): unanswered: {_phrase(labels)}"
                ),
                applies,
                unanswered=unanswered,
                condition=condition,
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
