"""The written words behind a name's canonical tokens ("Co., Ltd." → ``llc``).

The normaliser maps text to tokens without keeping positions (legal forms, abbreviations,
numbers and transliteration merge and split words). ``segments`` recovers them from outside:
the written name is cut into units (a word with its dots and apostrophes; one Han or kana
character), and consecutive units are grouped, fewest first, until the group's own tokens are
the next tokens of the whole name; a dead end backtracks. When no grouping reproduces the
tokens (a rewrite that only happens in context), the name is one segment holding every token,
so an explanation never shows a word that was not written.

Only explanations use this (hits, not every candidate); results and ``tokenize`` are cached,
and a plain word equal to its token is taken as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tradescreen.names.normalize import ABBREVIATIONS, PLURALS, tokenize

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


def _plain_token(word: str) -> str:
    """The canonical spelling of one lower-case Latin word (``canonical_tokens`` on one word)."""
    word = ABBREVIATIONS.get(word, word)
    return PLURALS.get(word, word)


def _units(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _UNIT.finditer(text)]


@lru_cache(maxsize=65536)
def segments(text: str, tokens: tuple[str, ...], person: bool = False) -> tuple[Segment, ...]:
    """Segments of ``text`` covering ``tokens`` in order (see the module docstring).

    ``person`` is a hint: the normaliser's mode tried first (the other one is tried when the
    tokens are not the hinted mode's)."""
    if not tokens:
        return ()
    whole = (Segment(0, len(text), 0, len(tokens)),)
    units = _units(text)
    for flag in (person, not person):  # the hinted mode first: its tokens are cached
        if tokenize(text, flag) != tokens:
            continue
        found = _search(text, units, tokens, flag)
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
            part = text[start:end]
            if j == i and k < total and part.isascii() and part.isalpha():
                # a plain word whose spelling or abbreviation is its token ("DAHUA" → dahua,
                # "Technologies" → technology): no re-tokenising
                low = part.lower()
                t = (tokens[k],) if _plain_token(low) == tokens[k] else tokenize(part, person)
            else:
                t = tokenize(part, person)
            if tuple(tokens[k : k + len(t)]) != t:
                continue
            rest = walk(j + 1, k + len(t))
            if rest is not None:
                return [Segment(start, end, k, len(t)), *rest]
        dead.add((i, k))
        return None

    found = walk(0, 0)
    return tuple(found) if found is not None else None


@dataclass(frozen=True, slots=True)
class Layout:
    """A name's segments with, for each token, its written words and their position."""

    text: str
    segments: tuple[Segment, ...]
    words: tuple[tuple[str, int], ...]  # per token: (written words, segment index)

    def written(self, idx: tuple[int, ...]) -> tuple[str, int]:
        """The written words behind some tokens and the position of the first of them."""
        if len(idx) == 1:
            return self.words[idx[0]]
        first = min(self.words[i][1] for i in idx)
        last = max(self.words[i][1] for i in idx)
        return self.text[self.segments[first].start : self.segments[last].end], first


@lru_cache(maxsize=65536)
def layout(text: str, tokens: tuple[str, ...], person: bool = False) -> Layout:
    segs = segments(text, tokens, person)  # they hold every token, in order
    words = [(text, 0)] * len(tokens)
    for s, seg in enumerate(segs):
        for t in range(seg.first, seg.first + seg.count):
            words[t] = (text[seg.start : seg.end], s)
    return Layout(text, segs, tuple(words))


__all__ = ["Layout", "Segment", "layout", "segments"]
