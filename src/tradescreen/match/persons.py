"""Evidence rules for persons' names (issue 18, item 7): fewer false alarms on people.

- **Surnames conflict.** A person's surname is the part before a comma ("POTANIN, Vladimir
  Olegovich"), else the first or the last word ("David Wong", "ZHANG Lei"). When a surname word
  of the query and one of the listed name are both left unmatched, the names disagree on the
  surname: strong evidence of two people (``MatchConfig.surname_conflict``), and the squashed
  whole-name similarity ("davidwang" ~ "davidwong") may not lift the score back. A typo is not
  a conflict ("Merz" / "Mertz", "Nandela" / "Nadella", "DR" / "DRISSI": a prefix, or one edit
  below five letters and two from five), but a vowel changed in a short word is ("Wang" /
  "Wong", "Chen" / "Chan": no fuzzy edit is allowed there, each is a surname of its own).
- **Phonetic never stands in for different consonants.** Two words with one consonant
  skeleton match phonetically ("Mohamed" ~ "Muhammad": m-h-m-d); in a person's name that needs
  the same consonants once doubled letters are collapsed, so "Putin" (p-t-n) is not "Potanin"
  (p-t-n-n): the skeleton merges the two n, which a vowel keeps apart.
- **Common full names need corroboration.** A person's name whose aligned words are all
  common in the lists ("David Wang", "Maria Garcia", "Muhammad Ali") names many people: it
  raises a hit only with a fact that agrees (birth year, country, identifier). Without one the
  score is multiplied by ``uncorroborated_common`` and the penalty says which facts are missing.

Pure functions of prepared names; ``compare`` calls them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA

from tradescreen.match.config import MatchConfig
from tradescreen.match.prepared import PreparedName
from tradescreen.names.normalize import Tag, tokenize

_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouy]+")
_SPELLINGS = (("kh", "h"), ("ph", "f"), ("ck", "k"), ("ks", "x"), ("w", "v"))

Aligned = Sequence[tuple[float, tuple[int, ...], tuple[int, ...], str, int]]


@lru_cache(maxsize=65536)
def consonant_sequence(token: str) -> str:
    """The consonants of a word in order, doubled letters collapsed first ("muhammad" →
    "mhmd", "potanin" → "ptnn", "putin" → "ptn"), with the skeleton's spellings (ks = x,
    w = v, ...); the first letter is kept even if a vowel."""
    t = _DOUBLE.sub(r"\1", token)
    for a, b in _SPELLINGS:  # the skeleton's own ("aleksandr" ~ "alexander")
        t = t.replace(a, b)
    return t[:1] + _VOWELS.sub("", t[1:])


def same_consonants(a: str, b: str) -> bool:
    return consonant_sequence(a) == consonant_sequence(b)


@lru_cache(maxsize=65536)
def _surname_count(text: str, tokens: tuple[str, ...]) -> int:
    """Tokens before the comma of "SURNAME, Given" (0 when there is no such comma)."""
    head, comma, _ = text.partition(",")
    if not comma:
        return 0
    lead = tokenize(head, True)
    return len(lead) if lead and tokens[: len(lead)] == lead else 0


def surname_positions(name: PreparedName) -> frozenset[int]:
    """Token positions that may hold the surname (see the module docstring)."""
    n = len(name.tokens)
    if n == 0:
        return frozenset()
    lead = _surname_count(name.text, name.tokens)
    if lead:
        return frozenset(range(lead))
    return frozenset({0, n - 1})


def _name_word(name: PreparedName, i: int) -> bool:
    return name.tags[i] == Tag.NORMAL and len(name.tokens[i]) > 1


def _vowel_change(a: str, b: str) -> bool:
    """Two short words that differ only in vowels: another name, not a typo ("wang" / "wong",
    "chen" / "chan"; at most four letters, where no fuzzy edit is allowed)."""
    return (
        len(a) == len(b) <= 4
        and a != b
        and all(x == y or (x in "aeiou" and y in "aeiou") for x, y in zip(a, b, strict=True))
    )


def _typo_near(a: str, b: str) -> bool:
    """Within the damage of a typo: one word starts the other ("DR" / "DRISSI"), or a few edits
    apart (one below five letters, two from five: "Merz" / "Mertz", "Vukić" / "Vučić")."""
    if a.startswith(b) or b.startswith(a):
        return True
    if _vowel_change(a, b):
        return False
    k = 1 if min(len(a), len(b)) < 5 else 2
    return OSA.distance(a, b, score_cutoff=k) <= k


def surname_conflict(
    q: PreparedName,
    c: PreparedName,
    aligned: Aligned,
    miss_q: Sequence[int],
    miss_c: Sequence[int],
) -> tuple[str, str] | None:
    """(query word, listed word) when some name word aligned and both names keep an unmatched
    word at a surname position that no typo explains."""
    qs = [i for i in miss_q if _name_word(q, i)]
    cs = [j for j in miss_c if _name_word(c, j)]
    if not qs or not cs or not any(all(_name_word(q, i) for i in qi) for _, qi, *_ in aligned):
        return None
    q_pos, c_pos = surname_positions(q), surname_positions(c)
    pairs = [(q.tokens[i], c.tokens[j]) for i in qs if i in q_pos for j in cs if j in c_pos]
    if not pairs or any(_typo_near(a, b) for a, b in pairs):
        return None
    return pairs[0]


def common_name(q: PreparedName, c: PreparedName, aligned: Aligned, config: MatchConfig) -> bool:
    """Every name word of the query aligned, two or three of them, each common in the lists
    (weight below ``common_word_weight`` on the listed side) and together light
    (below ``common_name_total``): a name many people bear."""
    words = [i for i in range(len(q.tokens)) if _name_word(q, i)]
    if not 2 <= len(words) <= 3:
        return False
    met: dict[int, float] = {}
    for _, qi, cj, how, _ in aligned:
        if how == "initial":
            continue
        wc = max(c.weights[j] for j in cj)
        for i in qi:
            met[i] = wc
    if any(i not in met for i in words):
        return False
    ws = [met[i] for i in words]
    return max(ws) < config.common_word_weight and sum(ws) < config.common_name_total


__all__ = [
    "common_name",
    "consonant_sequence",
    "same_consonants",
    "surname_conflict",
    "surname_positions",
]
