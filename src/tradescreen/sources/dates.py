"""Date parsing for the spellings the lists use.

Hand-written rather than ``dateutil.parser``: the lists mix US ``m/d/yy`` with ISO and
``31 Aug 1960``; a general parser guesses day/month order and silently accepts garbage, while we
want a strict, small set of shapes and ``None`` for anything else.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_DMY = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3})[a-z]*\.?[ -,]*(\d{4})$")
_MDY = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$")
_MY = re.compile(r"^([A-Za-z]{3})[a-z]* (\d{4})$")
_Y = re.compile(r"^(\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def century(yy: int, near_year: int | None = None) -> int:
    """Expand a two-digit year: nearest to ``near_year`` if given, else 1940-2039."""
    if near_year is not None:
        base = near_year - near_year % 100
        cands = [base - 100 + yy, base + yy, base + 100 + yy]
        return min(cands, key=lambda y: abs(y - near_year))
    return 1900 + yy if yy >= 40 else 2000 + yy


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str | None, near_year: int | None = None) -> date | None:
    """A full date from ISO, ``m/d/yy[yy]``, ``31 Aug 1960``, ``June 21, 2022``; else None."""
    if not text:
        return None
    t = text.strip().rstrip(".")
    if m := _ISO.match(t):
        return _mk(int(m[1]), int(m[2]), int(m[3]))
    if m := _US.match(t):
        y = int(m[3])
        if len(m[3]) == 2:
            y = century(y, near_year)
        return _mk(y, int(m[1]), int(m[2]))
    if m := _DOTTED.match(t):
        return _mk(int(m[3]), int(m[2]), int(m[1]))
    if (m := _DMY.match(t)) and m[2].lower() in _MONTHS:
        return _mk(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    if (m := _MDY.match(t)) and m[1].lower()[:3] in _MONTHS:
        return _mk(int(m[3]), _MONTHS[m[1].lower()[:3]], int(m[2]))
    return None


def parse_partial(text: str | None) -> str | None:
    """An ISO date, possibly partial ("1973", "1973-03"), for dates of birth."""
    if not text:
        return None
    t = text.strip().rstrip(".")
    t = re.sub(r"^(circa|about|approximately|ca\.?)\s+", "", t, flags=re.I)
    full = parse_date(t)
    if full:
        return full.isoformat()
    if m := _Y.match(t):
        return m[1]
    if (m := _MY.match(t)) and m[1].lower() in _MONTHS:
        return f"{m[2]}-{_MONTHS[m[1].lower()]:02d}"
    if m := re.match(r"^(\d{4})-(\d{2})$", t):
        return t
    return None


def parse_datetime_date(text: str | None) -> date | None:
    """The date part of an ISO timestamp (``2025-01-10T00:00:00``, ``...Z``)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return parse_date(text)
