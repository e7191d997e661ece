"""The written words behind a name's canonical tokens ("Co., Ltd." → ``llc``).

The normaliser maps text to tokens without keeping positions (legal forms, abbreviations,
numbers and transliteration merge and split words). ``segments`` recovers them from outside:
the written name is cut into units (a word with its dots and apostrophes; one Han or kana
character), and consecutive units are grouped, fewest first, until the group's own tokens are
the next tokens of the whole name; a dead end backtracks. When no grouping reproduces the
tokens (a rewrite that only happens in context), the name is one segment holding every token,
so an explanation never shows a word that was not written.

Only explanations use this (hits, not every candidate); ``tokenize`` is cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tradescreen.names.normalize import tokenize

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNIT = re.compile(rf"[{_CJK}]|[^\W{_CJK}](?:[^\W{_CJK}]|['’ʼ`.])*")
MAX_GROUP = 8  # units one token may span ("有限公司", "Limited Liability Company")
MAX_STEPS = 4000  # backtracking budget per name


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the written name and the token positions it produced."""

    start: int
    end: int
    first: int  # first token index
    count: int  # number of tokens (0: a written word that yields none)


def _units(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _UNIT.finditer(text)]


def segments(text: str, tokens: tuple[str, ...]) -> tuple[Segment, ...]:
    """Segments of ``text`` covering ``tokens`` in order (see the module docstring)."""
    if not tokens:
        return ()
    whole = (Segment(0, len(text), 0, len(tokens)),)
    person_flags = [p for p in (False, True) if tokenize(text, p) == tokens]
    if not person_flags:
        return whole
    units = _units(text)
    for person in person_flags:
        found = _search(text, units, tokens, person)
        if found is not None:
            return found
    return whole


def _search(
    text: str, units: list[tuple[int, int]], tokens: tuple[str, ...], person: bool
) -> tuple[Segment, ...] | None:
    n, total = len(units), len(tokens)
    steps = 0
    dead: set[tuple[int, int]] = set()

    def walk(i: int, k: int) -> list[Segment] | None:
        nonlocal steps
        if i == n:
            return [] if k == total else None
        if (i, k) in dead:
            return None
        for j in range(i, min(n, i + MAX_GROUP)):
            steps += 1
            if steps > MAX_STEPS:
                return None
            start, end = units[i][0], units[j][1]
            t = tokenize(text[start:end], person)
            if tuple(tokens[k : k + len(t)]) != t:
                continue
            rest = walk(j + 1, k + len(t))
            if rest is not None:
                return [Segment(start, end, k, len(t)), *rest]
        dead.add((i, k))
        return None

    found = walk(0, 0)
    return tuple(found) if found is not None else None


def segment_of(segs: tuple[Segment, ...], token: int) -> int:
    """Index of the segment holding ``token`` (the last one if none does)."""
    for s, seg in enumerate(segs):
        if seg.first <= token < seg.first + seg.count:
            return s
    return len(segs) - 1


def written(text: str, segs: tuple[Segment, ...], token_idx: tuple[int, ...]) -> tuple[str, int]:
    """The written words behind some tokens and the position of the first of them."""
    if not segs:
        return text, 0
    at = sorted({segment_of(segs, i) for i in token_idx})
    first, last = segs[at[0]], segs[at[-1]]
    return text[first.start : last.end], at[0]


__all__ = ["Segment", "segment_of", "segments", "written"]
