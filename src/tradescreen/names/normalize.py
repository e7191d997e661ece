"""The name pipeline: text → canonical tokens, each tagged (normal / weak / number / stop / place).

Steps, each a function tested alone:
1. ``fold``: Unicode NFKC + casefold;
2. ``transliterate`` (translit.py): Han (segmented, generic words translated), other scripts;
3. ``replace_legal_forms`` (legal_forms.py): rigour's generic legal forms;
4. ``split_tokens``: dotted abbreviations joined ("S.A." → "sa"), punctuation → space, letters
   and digits split;
5. ``canonical_tokens``: ordinals and "No. 14" → "14", abbreviations expanded (Tech → technology),
   plurals of generic words singularised.

``normalize(text)`` is the space-joined result; it is idempotent and never raises.
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum
from functools import lru_cache

from tradescreen.names.legal_forms import is_legal_form, replace_legal_forms
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


def fold(text: str) -> str:
    """Unicode NFKC + casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


def join_dotted(text: str) -> str:
    """ "u.s.a." → "usa", "s.a." → "sa" (before legal forms are looked up)."""
    return _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)


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
    legal = _no_legal_forms if person else replace_legal_forms
    latin = join_dotted(_APOS.sub("", fold(transliterate(fold(text)))))
    latin = _ROMAN_RE.sub(lambda m: ROMAN[m.group(0)], latin)
    tokens = tuple(canonical_tokens(split_tokens(legal(latin))))
    for _ in range(3):
        text2 = _ROMAN_RE.sub(lambda m: ROMAN[m.group(0)], " ".join(tokens))
        again = tuple(canonical_tokens(split_tokens(legal(text2))))
        if again == tokens:
            break
        tokens = again
    return tokens


def normalize(text: str, person: bool = False) -> str:
    """Canonical form of a name: its tokens joined by single spaces."""
    return " ".join(tokenize(text, person))


def tagged(text: str, person: bool = False) -> tuple[tuple[str, Tag], ...]:
    return tuple((t, tag_of(t, person)) for t in tokenize(text, person))
