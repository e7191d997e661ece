"""The name pipeline: text → canonical tokens, each tagged (normal / weak / number / stop / place).

Steps, each a function tested alone:
0. ``strip_symbols``: emoji, pictographs and other non-ASCII symbols, variation selectors,
   joiners and private-use characters are dropped (never transliterated into words: anyascii
   reads 🙂 as "slight smile");
1. ``fold``: Unicode NFKC + casefold;
2. ``transliterate`` (translit.py): Han (segmented, generic words translated), other scripts;
3. ``replace_legal_forms`` (legal_forms.py): rigour's generic legal forms, after typos in legal
   words are corrected ("Liimted") and spaced single letters joined ("S A DE C V" → "sa de cv");
   a short word rigour would read as a legal form is kept when it is not the name's last word
   ("LL Electronic Limited", "IS Vision");
4. ``split_tokens``: dotted abbreviations joined ("S.A." → "sa"), punctuation → space, letters
   and digits split;
5. ``canonical_tokens``: ordinals and "No. 14" → "14", abbreviations expanded (Tech → technology),
   plurals of generic words singularised; a run of adjacent legal forms is reduced to its
   main form ("Pty Company Limited", "Co., Ltd." and "Limited" all end as ``llc``).

``normalize(text)`` is the space-joined result; it is idempotent and never raises.
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum
from functools import lru_cache

from tradescreen.names.legal_forms import (
    collapse_legal_runs,
    correct_legal_typos,
    is_legal_form,
    replace_legal_forms,
)
from tradescreen.names.translit import transliterate


class Tag(IntEnum):
    NORMAL = 0
    LEGAL = 1  # legal form: weak evidence
    NUMBER = 2  # digits: strong evidence, never fuzzy
    STOP = 3  # of, the, and, de...
    PLACE = 4  # country / Chinese province or city: weak when unmatched


ABBREVIATIONS: dict[str, str] = {
    "tech": "technology",
    "techn": "technology",
    "technol": "technology",
    "intl": "international",
    "int": "international",
    "internat": "international",
    "corp": "corporation",
    "co": "company",
    "cos": "company",
    "univ": "university",
    "res": "research",
    "inst": "institute",
    "acad": "academy",
    "sci": "science",
    "natl": "national",
    "nat": "national",
    "assn": "association",
    "assoc": "association",
    "dept": "department",
    "eng": "engineering",
    "engg": "engineering",
    "mfg": "manufacturing",
    "mach": "machinery",
    "equip": "equipment",
    "elec": "electronic",
    "electr": "electronic",
    "ctr": "center",
    "centre": "center",
    "lab": "laboratory",
    "labs": "laboratory",
    "svc": "service",
    "svcs": "service",
    "sys": "system",
    "ind": "industry",
    "inds": "industry",
    "indus": "industry",
    "hldg": "holding",
    "hldgs": "holding",
    "grp": "group",
    "mgmt": "management",
    "dev": "development",
    "trdg": "trading",
    "tradg": "trading",
    "trdng": "trading",
    "mfr": "manufacturer",
    "mfrs": "manufacturer",
    "mfrg": "manufacturing",
    "mnfg": "manufacturing",
    "engrg": "engineering",
    "eqpt": "equipment",
    "indl": "industrial",
    "chem": "chemical",
    "comm": "communication",
    "comms": "communication",
    "mktg": "marketing",
    "mgt": "management",
    "bldg": "building",
    "constr": "construction",
    "distr": "distribution",
    "bros": "brothers",
    "and": "and",
    "et": "and",
    "und": "and",
    "y": "and",
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
}

PLURALS: dict[str, str] = {
    w: w[:-3] + "y" if w.endswith("ies") else w[:-1]
    for w in [
        "technologies",
        "industries",
        "electronics",
        "systems",
        "services",
        "holdings",
        "solutions",
        "communications",
        "networks",
        "resources",
        "sciences",
        "materials",
        "instruments",
        "devices",
        "components",
        "machines",
        "chemicals",
        "metals",
        "products",
        "laboratories",
        "enterprises",
        "engineers",
        "ventures",
        "partners",
        "investments",
        "institutes",
        "universities",
        "academies",
        "companies",
        "corporations",
        "groups",
        "centers",
        "centres",
        "imports",
        "exports",
        "supplies",
        "trades",
        "manufacturers",
        "optics",
        "dynamics",
        "telecommunications",
        "semiconductors",
        "technics",
        "trades",
        "agencies",
        "sciences",
    ]
}

STOPWORDS: frozenset[str] = frozenset(
    [
        "of",
        "the",
        "and",
        "for",
        "de",
        "del",
        "della",
        "der",
        "des",
        "du",
        "da",
        "di",
        "do",
        "dos",
        "das",
        "la",
        "le",
        "les",
        "el",
        "van",
        "von",
        "zu",
        "at",
        "in",
        "on",
        "a",
        "an",
    ]
)

PLACES: frozenset[str] = frozenset(
    [
        "china",
        "chinese",
        "beijing",
        "shanghai",
        "tianjin",
        "chongqing",
        "hebei",
        "shanxi",
        "liaoning",
        "jilin",
        "heilongjiang",
        "jiangsu",
        "zhejiang",
        "anhui",
        "fujian",
        "jiangxi",
        "shandong",
        "henan",
        "hubei",
        "hunan",
        "guangdong",
        "hainan",
        "sichuan",
        "guizhou",
        "yunnan",
        "shaanxi",
        "gansu",
        "qinghai",
        "taiwan",
        "neimenggu",
        "guangxi",
        "xizang",
        "ningxia",
        "xinjiang",
        "shenzhen",
        "hangzhou",
        "guangzhou",
        "nanjing",
        "wuhan",
        "chengdu",
        "xian",
        "suzhou",
        "wuxi",
        "ningbo",
        "hefei",
        "changsha",
        "zhengzhou",
        "jinan",
        "qingdao",
        "dalian",
        "shenyang",
        "harbin",
        "haerbin",
        "changchun",
        "xiamen",
        "fuzhou",
        "zhuhai",
        "dongguan",
        "foshan",
        "kunming",
        "guiyang",
        "nanchang",
        "taiyuan",
        "shijiazhuang",
        "lanzhou",
        "urumqi",
        "wulumuqi",
        "huhehaote",
        "nanning",
        "haikou",
        "mianyang",
        "luoyang",
        "changzhou",
        "wenzhou",
        "baoding",
        "yantai",
        "quanzhou",
        "jiaxing",
        "shaoxing",
        "zhongshan",
        "huizhou",
        "hongkong",
        "macau",
        "moscow",
        "russia",
        "russian",
        "iran",
        "iranian",
        "pakistan",
        "turkey",
        "uae",
        "dubai",
        "syria",
        "korea",
        "hong",
        "kong",
    ]
)

_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?|\b[a-z]\.(?=[a-z]\b)")
_APOS = re.compile(r"[\'’`ʼ]")


def _words(text: str) -> list[str]:
    return text.split()


_TOKEN = re.compile(r"[a-z]+|\d+")
_LEET = re.compile(r"(?<=[a-z])[0134579](?=[a-z])")
_LEET_MAP = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g"}
UNITS: dict[str, int] = {
    w: i
    for i, w in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        )
    )
}
TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ROMAN: dict[str, str] = {
    r: str(i)
    for i, r in enumerate(
        _words("_ _ ii iii iv _ vi vii viii ix _ _ xii xiii xiv xv xvi xvii xviii xix xx")
    )
    if r != "_"
}
_ROMAN_RE = re.compile(r"(?<= )(?:" + "|".join(sorted(ROMAN, key=len, reverse=True)) + r")\b")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|e|er|eme|ая|ый)$")


# Variation selectors, the emoji tag block and joiners: invisible parts of emoji sequences.
_INVISIBLE = re.compile("[\ufe00-\ufe0f\U000e0000-\U000e007f\U000e0100-\U000e01ef\u200b-\u200f]")
# Categories dropped outside ASCII: symbols (So, Sk, Sm, Sc), surrogates, private use,
# unassigned, enclosing marks (keycaps) and format characters (bidi marks, soft hyphen).
_DROPPED = frozenset({"So", "Sk", "Sm", "Sc", "Cs", "Co", "Cn", "Me", "Cf"})


@lru_cache(maxsize=65536)
def strip_symbols(text: str) -> str:
    """Drop emoji, pictographs and other non-ASCII symbols ("HUAWEI 🚀🚀" → "HUAWEI  ")."""
    if text.isascii():
        return text
    text = _INVISIBLE.sub("", text)
    return "".join(
        " " if not ch.isascii() and unicodedata.category(ch) in _DROPPED else ch for ch in text
    )


def fold(text: str) -> str:
    """Unicode NFKC + casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


def join_dotted(text: str) -> str:
    """ "u.s.a." → "usa", "s.a." → "sa" (before legal forms are looked up)."""
    return _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)


_RAW_WORD = re.compile(r"[a-z0-9]+")


def join_single_letters(text: str) -> str:
    """ "s a de c v" → "sa de cv", "a c international" → "ac international": a run of two or
    more one-letter words separated only by spaces or dots is one word (organisations only:
    a person's initials stay apart)."""
    words = list(_RAW_WORD.finditer(text))
    out: list[str] = []
    last = 0
    i = 0
    while i < len(words):
        j = i
        while (
            j + 1 < len(words)
            and len(words[j].group()) == 1
            and len(words[j + 1].group()) == 1
            and words[j].group().isalpha()
            and words[j + 1].group().isalpha()
            and not text[words[j].end() : words[j + 1].start()].strip(" .")
        ):
            j += 1
        if j > i:
            out.append(text[last : words[i].start()])
            out.append("".join(w.group() for w in words[i : j + 1]))
            last = words[j].end()
        i = j + 1
    out.append(text[last:])
    return "".join(out)


def _keep_short_words(text: str) -> str:
    """Legal forms replaced, except a short word (2-3 letters) that rigour alone would read as
    a legal form although it is no common spelling of one (``LEGAL_FORMS``) and it is not the
    name's last word (or the other words are all legal forms): "LL Electronic Limited" keeps
    "ll", "IS Vision" keeps "is", "LLC MBB" keeps "mbb"."""
    words = list(_RAW_WORD.finditer(text))

    def short(w: re.Match[str]) -> bool:
        return (
            2 <= len(w.group()) <= 3
            and w.group().isalpha()
            and not is_legal_form(w.group())
            and replace_legal_forms(w.group()) != w.group()
        )

    keep = [w for w in words[:-1] if short(w)]
    if words and short(words[-1]) and all(is_legal_form(w.group()) for w in words[:-1]):
        keep.append(words[-1])  # "LLC MBB": the name would be made of legal forms only
    if not keep:
        return replace_legal_forms(text)
    out: list[str] = []
    last = 0
    for w in keep:
        out.append(replace_legal_forms(text[last : w.start()]))
        out.append(f" {w.group()} ")
        last = w.end()
    out.append(replace_legal_forms(text[last:]))
    return "".join(out)


def _org_legal_forms(text: str) -> str:
    return _keep_short_words(correct_legal_typos(join_single_letters(text)))


def split_tokens(text: str) -> list[str]:
    """Lower-case Latin text → raw tokens; "s.a." → "sa", "14th" stays one token."""
    text = join_dotted(_APOS.sub("", text))
    text = _LEET.sub(lambda m: _LEET_MAP[m.group(0)], text)
    out: list[str] = []
    for chunk in re.split(r"[^a-z0-9]+", text):
        if not chunk:
            continue
        if _ORDINAL.match(chunk):
            out.append(chunk)
        else:
            out.extend(_TOKEN.findall(chunk))
    return out


NUMBER_MARKERS = frozenset({"no", "nr", "num", "number"})


def canonical_tokens(raw: list[str]) -> list[str]:
    """Ordinals, "No. 14", abbreviations and generic plurals → one canonical spelling."""
    out: list[str] = []
    n = len(raw)
    skip: set[int] = set()
    for i, tok in enumerate(raw):
        if i in skip:
            continue
        m = _ORDINAL.match(tok)
        if m:
            out.append(str(int(m.group(1))))
            continue
        if tok.isdigit():
            out.append(str(int(tok)) if len(tok) < 18 else tok)
            continue
        if tok in NUMBER_MARKERS:
            # "No. 14", "nr 14", "no no 14": a run of markers before a number goes in one pass
            j = i + 1
            while j < n and raw[j] in NUMBER_MARKERS:
                j += 1
            if j < n and raw[j][:1].isdigit():
                continue
        if tok in TENS:
            nxt = raw[i + 1] if i + 1 < n else ""
            if nxt in UNITS and 0 < UNITS[nxt] < 10:
                out.append(str(TENS[tok] + UNITS[nxt]))
                skip.add(i + 1)
            elif nxt.isdigit() and len(nxt) == 1 and nxt != "0":
                out.append(str(TENS[tok] + int(nxt)))
                skip.add(i + 1)
            else:
                out.append(str(TENS[tok]))
            continue
        if tok in UNITS and len(raw) > 1:
            out.append(str(UNITS[tok]))
            continue
        tok = ABBREVIATIONS.get(tok, tok)
        tok = PLURALS.get(tok, tok)
        out.append(tok)
    return out


def tag_of(token: str, person: bool = False) -> Tag:
    """A token's tag; in a person's name no word is a legal form (see ``tokenize``)."""
    if token.isdigit():
        return Tag.NUMBER
    if not person and is_legal_form(token):
        return Tag.LEGAL
    if token in STOPWORDS:
        return Tag.STOP
    if token in PLACES:
        return Tag.PLACE
    return Tag.NORMAL


def _no_legal_forms(text: str) -> str:
    return text


@lru_cache(maxsize=131072)
def tokenize(text: str, person: bool = False) -> tuple[str, ...]:
    """The canonical tokens of a name (never raises; may be empty).

    Legal forms and canonical spellings are applied until nothing changes, so a name made of
    canonical tokens maps to itself (``normalize`` is idempotent). ``person``: the name is a
    person's, so no word is read as a legal form (rigour's table turns "Sa'd", "Yu", "Ku",
    "Pao", "Se" into jsc / llc / soe, which made 148 names of listed people, 0.5 %, lose a
    distinctive word).
    """
    legal = _no_legal_forms if person else _org_legal_forms
    finish = _identity if person else collapse_legal_runs
    latin = join_dotted(_APOS.sub("", fold(transliterate(fold(strip_symbols(text))))))
    latin = _ROMAN_RE.sub(lambda m: ROMAN[m.group(0)], latin)
    tokens = finish(tuple(canonical_tokens(split_tokens(legal(latin)))))
    for _ in range(3):
        text2 = _ROMAN_RE.sub(lambda m: ROMAN[m.group(0)], " ".join(tokens))
        again = finish(tuple(canonical_tokens(split_tokens(legal(text2)))))
        if again == tokens:
            break
        tokens = again
    return tokens


def _identity(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tokens


def normalize(text: str, person: bool = False) -> str:
    """Canonical form of a name: its tokens joined by single spaces."""
    return " ".join(tokenize(text, person))


def tagged(text: str, person: bool = False) -> tuple[tuple[str, Tag], ...]:
    return tuple((t, tag_of(t, person)) for t in tokenize(text, person))
