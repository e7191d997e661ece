"""The earliest date a listing without a start date can have been in force
(``data/programme_starts.json``): not before its list existed, nor before the order that
created the earliest of its programmes. Pure; read by the decision for "start unknown" listings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from tradescreen.errors import InvalidInput
from tradescreen.model import Listing


@dataclass(frozen=True, slots=True)
class Floor:
    earliest: date
    citation: str


@dataclass(frozen=True, slots=True)
class StartFloors:
    version: str
    lists: dict[str, Floor]  # list code -> floor
    programmes: dict[str, Floor]  # OFAC programme tag (upper case) -> floor

    def floor(self, listing: Listing) -> Floor | None:
        """The earliest the listing can be in force: its list's floor, and at least the
        earliest floor among its programmes when every programme has one."""
        tags = [p.strip("[] ").upper() for p in listing.programs if p.strip("[] ")]
        by_prog = [self.programmes.get(t) for t in tags]
        prog = min((f for f in by_prog if f), key=lambda f: f.earliest, default=None)
        if any(f is None for f in by_prog):
            prog = None  # a programme without a floor: it may be older than the known ones
        lst = self.lists.get(listing.list_code)
        found = [f for f in (lst, prog) if f is not None]
        return max(found, key=lambda f: f.earliest) if found else None


def _floor(row: dict[str, Any], where: str) -> Floor:
    try:
        return Floor(date.fromisoformat(str(row["from"])), str(row["citation"]))
    except (KeyError, ValueError):
        raise InvalidInput(f"{where}: needs 'from' (YYYY-MM-DD) and 'citation'") from None


def parse_start_floors(raw: dict[str, Any]) -> StartFloors:
    lists = {r["list_code"]: _floor(r, f"lists.{r['list_code']}") for r in raw.get("lists", [])}
    progs = {
        r["tag"].upper(): _floor(r, f"programmes.{r['tag']}") for r in raw.get("programmes", [])
    }
    return StartFloors(str(raw.get("version", "")), lists, progs)


@lru_cache(maxsize=1)
def default_start_floors() -> StartFloors:
    path = resources.files("tradescreen.decide").joinpath("data/programme_starts.json")
    return parse_start_floors(json.loads(path.read_text("utf-8")))


__all__ = ["Floor", "StartFloors", "default_start_floors", "parse_start_floors"]
