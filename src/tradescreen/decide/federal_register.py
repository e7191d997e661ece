"""The Federal Register rules the decision data cites, with publication and effective dates
(``data/fr_rules.json``). The effective date governs; the publication date is kept beside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from tradescreen.errors import InvalidInput

FR_CITATION = re.compile(r"\b(\d{2,3}) FR (\d{1,6})\b")


@dataclass(frozen=True, slots=True)
class FrRule:
    volume: int
    first_page: int
    last_page: int
    published: date
    effective: date
    title: str
    uncertain: tuple[str, ...]

    def covers(self, volume: int, page: int) -> bool:
        return volume == self.volume and self.first_page <= page <= self.last_page

    @property
    def citation(self) -> str:
        return f"{self.volume} FR {self.first_page}"


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def parse_fr_rules(raw: dict[str, Any]) -> tuple[FrRule, ...]:
    out = []
    for i, r in enumerate(raw.get("rules", [])):
        where = f"fr_rules[{i}]"
        first = int(r["first_page"])
        last = int(r.get("last_page", first))
        if last < first:
            raise InvalidInput(f"{where}.last_page: before first_page")
        out.append(
            FrRule(
                int(r["volume"]),
                first,
                last,
                _date(r.get("published"), where + ".published"),
                _date(r.get("effective"), where + ".effective"),
                r["title"],
                tuple(r.get("uncertain", ())),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def fr_rules() -> tuple[FrRule, ...]:
    text = resources.files("tradescreen.decide").joinpath("data/fr_rules.json").read_text("utf-8")
    return parse_fr_rules(json.loads(text))


def rule_for(citation: str) -> FrRule | None:
    """The rule a citation such as ``"85 FR 51603"`` falls in, if the data has it."""
    m = FR_CITATION.search(citation)
    if not m:
        return None
    volume, page = int(m.group(1)), int(m.group(2))
    return next((r for r in fr_rules() if r.covers(volume, page)), None)


__all__ = ["FR_CITATION", "FrRule", "fr_rules", "parse_fr_rules", "rule_for"]
