"""Federal Register citations: ``84 FR 54002, 10/9/19.`` → ``Citation(84, 54002, 2019-10-09)``.

The lists spell them many ways: ``84 FR 54002, 10/9/19.``, ``68 F.R. 38290 6/27/03 71 F.R. ...``,
several per field separated by ``;``, ``,``, `` and `` or newlines, and ``91 FR 35189 (June 10,
2026)``. A date belongs to the citation right before it. Two-digit years are expanded using the
volume (FR volume *v* is year 1935 + *v*), so ``66 FR 24266, 5/14/01`` is 2001, never 1901.
"""

from __future__ import annotations

import re
from datetime import date

from tradescreen.model import Citation
from tradescreen.sources.dates import parse_date

_DATE = (
    r"\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})(?!\d)"
    r"|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}"
    r"|\d{4}-\d{2}-\d{2}"
)
_CITE = re.compile(
    r"(?<![\d.])(\d{1,3})\s*F\.?\s?R\.?\s+(\d{1,6})(?!\d)"  # volume FR page
    r"(?:[\s,;:]*\(?\s*(" + _DATE + r")\s*\)?)?",
)


def volume_year(volume: int) -> int:
    """The calendar year of a Federal Register volume (volume 1 = 1936)."""
    return 1935 + volume


def parse_citations(text: str | None) -> tuple[Citation, ...]:
    """Every FR citation in ``text``, in order, without duplicates; ``()`` when none."""
    if not text:
        return ()
    out: dict[tuple[int, int], Citation] = {}
    for m in _CITE.finditer(text):
        vol, page = int(m[1]), int(m[2])
        if vol == 0 or page == 0:
            continue
        when = parse_date(m[3], near_year=volume_year(vol)) if m[3] else None
        key = (vol, page)
        if key not in out or (out[key].date is None and when is not None):
            out[key] = Citation(volume=vol, page=page, date=when)
    return tuple(out.values())


def earliest_date(citations: tuple[Citation, ...]) -> date | None:
    dates = [c.date for c in citations if c.date is not None]
    return min(dates) if dates else None
