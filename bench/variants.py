"""Seeded generator of Entity List name variants (positives) and look-alikes (negatives).

Positives, one transformation each of a listed name: legal form changed or dropped, city or
province prefix dropped, case and punctuation changed, one typo, pinyin split ("Zhongxing" →
"Zhong Xing", at a syllable boundary). The damage files do (issue 18, drawn with a second
generator so the first kinds stay as they were): emoji or symbols added, a typo in the legal
form ("Liimted"), a longer legal form ("Company Limited by Shares"), a Russian legal form
spelt another way (OOO / LLC / Obshchestvo s Ogranichennoi Otvetstvennostyu, AO / JSC, PAO /
PJSC), one generic word dropped, common abbreviations (Trdg, Mfg, Intl, Ind., Electr., Res.
Inst., Sci., Dev.). Look-alikes keep only the GENERIC words of a listed
firm (city, "Digital Technology Co., Ltd.") and replace its distinctive word with an invented
one, e.g. "Hangzhou Xinyuan Digital Technology Co., Ltd.": none of them should raise a hit.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tradescreen.names.normalize import PLACES as NAME_PLACES

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


EMOJI = ["🚀🚀", "🙂🙂", "✅", "★", "🇨🇳", "👍🏽", "™", "❤️"]
LEGAL_TYPOS = {
    "Limited": ["Liimted", "Limted", "Limitd"],
    "Company": ["Compnay", "Comapny", "Compay"],
    "Corporation": ["Corportion", "Coproration", "Corporaton"],
}
_STOP = {"of", "the", "and", "for", "de", "&"}
LONGER_LEGAL = [
    "Company Limited by Shares",
    "Pty Company Limited",
    "Limited Liability Company",
    "Co., Ltd.",
    "Private Limited",
]
RUSSIAN_LEGAL = [
    ["OOO", "LLC", "Obshchestvo s Ogranichennoi Otvetstvennostyu", "Limited Liability Company"],
    ["AO", "JSC", "Joint Stock Company", "Aktsionernoe Obshchestvo"],
    ["PAO", "PJSC", "Public Joint Stock Company"],
    ["OAO", "OJSC", "Open Joint Stock Company"],
    ["ZAO", "CJSC", "Closed Joint Stock Company"],
]
_RU_FORM = {f.lower(): group for group in RUSSIAN_LEGAL for f in group}
_RU_RE = re.compile(
    r"^(" + "|".join(sorted((re.escape(f) for f in _RU_FORM), key=len, reverse=True)) + r")\b"
    r"|\b(" + "|".join(sorted((re.escape(f) for f in _RU_FORM), key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)
ABBREVIATE = {
    "Trading": "Trdg",
    "Manufacturing": "Mfg",
    "International": "Intl",
    "Industry": "Ind.",
    "Industries": "Ind.",
    "Electronics": "Electr.",
    "Research Institute": "Res. Inst.",
    "Science": "Sci.",
    "Sciences": "Sci.",
    "Development": "Dev.",
}
_ABBR_RE = re.compile(r"\b(" + "|".join(sorted(ABBREVIATE, key=len, reverse=True)) + r")\b")


def damage_of(name: str, rng: random.Random, vocabulary: set[str]) -> list[Variant]:
    """The damage real files and customer records do to a listed name (positives)."""
    out: list[Variant] = []
    core = _core(name)
    words = core.split()
    if len(words) < 1 or len(core) < 4:
        return out
    out.append(Variant(f"{name} {rng.choice(EMOJI)}", name, "emoji", True))
    m = re.search(r"\b(Limited|Company|Corporation)\b", name, re.IGNORECASE)
    if m:
        typo = rng.choice(LEGAL_TYPOS[m.group(1).capitalize()])
        typo = typo.upper() if m.group(1).isupper() else typo
        out.append(Variant(name[: m.start()] + typo + name[m.end() :], name, "legal_typo", True))
    if LEGAL_RE.search(name):
        out.append(Variant(f"{core} {rng.choice(LONGER_LEGAL)}", name, "longer_legal", True))
    r = _RU_RE.search(name)
    if r:
        form = r.group(0)
        other = rng.choice([f for f in _RU_FORM[form.lower()] if f.lower() != form.lower()])
        rest = (name[: r.start()] + name[r.end() :]).strip(" ,")
        query = f"{other} {rest}" if rng.random() < 0.5 else f"{rest} {other}"
        out.append(Variant(query, name, "russian_legal", True))
    generic = [i for i, w in enumerate(words) if w.lower().strip(",.") in vocabulary]
    distinct = [
        w
        for w in words
        if w.lower().strip(",.") not in vocabulary
        and w not in PLACES
        and w.lower() not in NAME_PLACES
        and w.lower() not in _STOP
    ]
    if len(words) >= 3 and generic and distinct:
        i = rng.choice(generic)
        out.append(Variant(" ".join(words[:i] + words[i + 1 :]), name, "generic_dropped", True))
    if _ABBR_RE.search(name):
        out.append(
            Variant(
                _ABBR_RE.sub(lambda x: ABBREVIATE[x.group(0)], name), name, "abbreviation", True
            )
        )
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
    damage = random.Random(seed + 1)  # the damage kinds: a second stream, the first unchanged
    vocab = generic_vocabulary or set()
    out: list[Variant] = []
    for name in names:
        out.extend(variants_of(name, rng))
        la = lookalike_of(name, rng, vocab)
        if la is not None:
            out.append(la)
        out.extend(damage_of(name, damage, vocab))
    return out
