"""Comprehensive embargoes and broad destination controls as dated data (``data/embargoes.json``).

``destination_controls(destination, as_of)`` gives the windows in force for an ISO country or
region code on a date; an ``unknown`` window is returned too so the decision can warn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from tradescreen.decide.items import Item
from tradescreen.decide.outcomes import Effect, EmbargoStatus, effect_of
from tradescreen.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class EmbargoWindow:
    destination_id: str
    name: str
    status: EmbargoStatus
    valid_from: date | None
    valid_to: date | None
    decision_ear99: Effect  # what the destination alone means for an EAR99 item
    decision_eccn: Effect  # ... and for an item on the CCL
    ear_section: str
    ofac_program: str
    policy: str
    citation: str
    uncertain: tuple[str, ...]
    decision_food_medicine: Effect | None = None  # for EAR99 food and medicine, when it differs
    eccn_categories: str | None = None  # CCL categories ("3456789") decision_eccn covers

    def in_force(self, as_of: date) -> bool:
        return (self.valid_from is None or as_of >= self.valid_from) and (
            self.valid_to is None or as_of <= self.valid_to
        )

    def decision_for(self, item: Item) -> Effect:
        """What the destination alone means for the item in this window."""
        if item.is_ear99:
            if item.food_or_medicine and self.decision_food_medicine is not None:
                return self.decision_food_medicine
            return self.decision_ear99
        if self.eccn_categories and item.classification[0] not in self.eccn_categories:
            return Effect.NOT_APPLICABLE  # outside the categories the control then covered
        return self.decision_eccn

    def to_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination_id,
            "name": self.name,
            "status": self.status.value,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "ear_section": self.ear_section,
            "ofac_program": self.ofac_program,
            "policy": self.policy,
            "citation": self.citation,
            "eccn_categories": self.eccn_categories,
            "uncertain": list(self.uncertain),
        }


@dataclass(frozen=True, slots=True)
class EmbargoData:
    version: str
    windows: tuple[tuple[frozenset[str], EmbargoWindow], ...]  # (codes, window)
    hints: dict[str, str]


def _d(value: Any, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def _effect(window: dict[str, Any], key: str, where: str) -> Effect:
    try:
        return effect_of(window[key])
    except InvalidInput:
        raise InvalidInput(f"{where}.{key}: unknown decision {window[key]!r}") from None


def _categories(value: Any, where: str) -> str | None:
    if value is None:
        return None
    text = str(value)
    if not text or not text.isdigit() or len(set(text)) != len(text):
        raise InvalidInput(f"{where}.eccn_categories: {value!r} is not a set of CCL categories")
    return text


def parse_embargo_data(raw: dict[str, Any]) -> EmbargoData:
    out: list[tuple[frozenset[str], EmbargoWindow]] = []
    for dest in raw.get("destinations", []):
        codes = frozenset(
            [c.upper() for c in dest.get("countries", [])]
            + [r.upper() for r in dest.get("regions", [])]
        )
        for i, w in enumerate(dest["windows"]):
            where = f"embargoes.{dest['id']}.windows[{i}]"
            food = w.get("decision_food_medicine")
            try:
                status = EmbargoStatus(w["status"])
            except ValueError:
                raise InvalidInput(f"{where}.status: unknown status {w['status']!r}") from None
            out.append(
                (
                    codes,
                    EmbargoWindow(
                        destination_id=dest["id"],
                        name=dest["name"],
                        status=status,
                        valid_from=_d(w.get("from"), where + ".from"),
                        valid_to=_d(w.get("to"), where + ".to"),
                        decision_ear99=_effect(w, "decision_ear99", where),
                        decision_eccn=_effect(w, "decision_eccn", where),
                        ear_section=w["ear_section"],
                        ofac_program=w["ofac_program"],
                        policy=w["policy"],
                        citation=w["citation"],
                        uncertain=tuple(w.get("uncertain", ())),
                        decision_food_medicine=(
                            None if food is None else _effect(w, "decision_food_medicine", where)
                        ),
                        eccn_categories=_categories(w.get("eccn_categories"), where),
                    ),
                )
            )
    hints = {h["country"].upper(): h["message"] for h in raw.get("region_hints", [])}
    return EmbargoData(str(raw.get("version", "")), tuple(out), hints)


@lru_cache(maxsize=1)
def default_embargo_data() -> EmbargoData:
    text = resources.files("tradescreen.decide").joinpath("data/embargoes.json").read_text("utf-8")
    return parse_embargo_data(json.loads(text))


def destination_controls(
    destination: str, as_of: date, data: EmbargoData | None = None
) -> tuple[list[EmbargoWindow], list[str]]:
    """Windows in force on ``as_of`` for the destination (a country also matches its own
    region codes' country-level entries), and hint warnings (e.g. plain ``UA``)."""
    data = data or default_embargo_data()
    dest = destination.upper()
    country = dest[:2]
    found = [w for codes, w in data.windows if (dest in codes or country in codes)]
    found = [w for w in found if w.in_force(as_of)]
    hints = [data.hints[country]] if dest == country and country in data.hints else []
    return found, hints


__all__ = [
    "EmbargoData",
    "EmbargoWindow",
    "default_embargo_data",
    "destination_controls",
    "parse_embargo_data",
]
