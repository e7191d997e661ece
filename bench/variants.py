"""Seeded generator of Entity List name variants (positives) and look-alikes (negatives).

Positives, one transformation each of a listed name: legal form changed or dropped, city or
province prefix dropped, case and punctuation changed, one typo, pinyin split ("Zhongxing" →
"Zhong Xing", at a syllable boundary). Look-alikes keep only the GENERIC words of a listed
firm (city, "Digital Technology Co., Ltd.") and replace its distinctive word with an invented
one, e.g. "Hangzhou Xinyuan Digital Technology Co., Ltd.": none of them should raise a hit.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

LEGAL = ["Co., Ltd.", "Co Ltd", "Limited", "LLC", "Inc.", "Corporation", "Company Limited", ""]
LEGAL_RE = re.compile(
    r"[,\s]*(co\.?,?\s*ltd\.?|company limited|limited|ltd\.?|llc|inc\.?|corporation|corp\.?|"
    r"gmbh|jsc|ooo|pjsc|s\.a\.|fze|l\.l\.c\.)\s*$",
    re.IGNORECASE,
)
PLACES = [
    "Beijing",
    "Shanghai",
    "Shenzhen",
    "Hangzhou",
    "Guangzhou",
    "Zhejiang",
    "Jiangsu",
    "Wuhan",
    "Chengdu",
    "Xian",
    "Tianjin",
    "Nanjing",
    "Moscow",
    "Dubai",
    "Hong Kong",
]
SYLLABLES = [
    "xin",
    "yuan",
    "hua",
    "tai",
    "feng",
    "jia",
    "long",
    "sheng",
    "rui",
    "kang",
    "bo",
    "da",
    "tong",
    "hong",
    "mei",
    "lian",
    "zhi",
    "chuang",
    "wei",
    "yi",
]


_SYLLABLE = re.compile(
    r"(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|ua|uo"
    r"|ue|ui|a|o|e|i|u|v)"
)


def pinyin_syllables(word: str) -> list[str] | None:
    """A word's pinyin syllables ("zhongxing" → ["zhong", "xing"]), or None if it is not pinyin."""
    w = word.lower()
    if not w:
        return []
    for m in sorted(
        {w[: m.end()] for k in range(len(w), 0, -1) if (m := _SYLLABLE.fullmatch(w[:k]))},
        key=len,
        reverse=True,
    ):
        rest = pinyin_syllables(w[len(m) :])
        if rest is not None:
            return [m, *rest]
    return None


@dataclass(frozen=True)
class Variant:
    query: str
    source: str  # the listed name it came from
    how: str
    positive: bool


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["swap", "drop", "sub"])
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]


def _core(name: str) -> str:
    return LEGAL_RE.sub("", name).strip(" ,.")


def variants_of(name: str, rng: random.Random) -> list[Variant]:
    out: list[Variant] = []
    core = _core(name)
    words = core.split()
    if len(words) < 1 or len(core) < 4:
        return out
    out.append(Variant(f"{core} {rng.choice(LEGAL)}".strip(), name, "legal_form", True))
    if words[0].strip(",") in PLACES and len(words) > 2:
        out.append(Variant(" ".join(words[1:]), name, "place_dropped", True))
    out.append(Variant(re.sub(r"[.,()\-]", " ", name).upper(), name, "case_punct", True))
    long_words = [i for i, w in enumerate(words) if len(w) >= 6]
    if long_words:
        i = rng.choice(long_words)
        typo = [*words[:i], _typo(rng, words[i]), *words[i + 1 :]]
        out.append(Variant(" ".join(typo), name, "typo", True))
    for i, w in enumerate(words):
        syl = pinyin_syllables(w) if w.isalpha() and w not in PLACES else None
        if syl and len(syl) >= 2:  # pinyin split: "Zhongxing" → "Zhong Xing"
            cut = sum(len(x) for x in syl[: rng.randrange(1, len(syl))])
            split = [*words[:i], w[:cut], w[cut:].capitalize(), *words[i + 1 :]]
            out.append(Variant(" ".join(split), name, "pinyin_split", True))
            break
    return out


def lookalike_of(name: str, rng: random.Random, vocabulary: set[str]) -> Variant | None:
    """Replace the distinctive word(s) of ``name`` (rare in the list) with an invented word."""
    words = _core(name).split()
    generic = {w.lower() for w in words if w.lower() in vocabulary or w in PLACES}
    distinctive = [i for i, w in enumerate(words) if w.lower() not in generic]
    if not distinctive or len(words) - len(distinctive) < 2:
        return None
    invented = "".join(rng.sample(SYLLABLES, 2)).capitalize()
    new = [
        invented if i == distinctive[0] else w
        for i, w in enumerate(words)
        if i == distinctive[0] or i not in distinctive
    ]
    legal = name[len(_core(name)) :].strip(" ,") or "Co., Ltd."
    return Variant(f"{' '.join(new)} {legal}", name, "lookalike", False)


def generate(
    names: Iterable[str], seed: int = 20260701, generic_vocabulary: set[str] | None = None
) -> list[Variant]:
    rng = random.Random(seed)
    vocab = generic_vocabulary or set()
    out: list[Variant] = []
    for name in names:
        out.extend(variants_of(name, rng))
        la = lookalike_of(name, rng, vocab)
        if la is not None:
            out.append(la)
    return out
