"""Legal forms ("Co., Ltd.", "ООО", "GmbH", "PJSC", "S.A."...): recognised, kept as WEAK evidence.

rigour's organisation-type table (many languages; applied after transliteration, so "ООО" and
"OOO" both become ``llc``) rewrites every form to a generic one; the tokens below are then
flagged weak. Two weak tokens align with each other as a "legal form variant" and an unmatched
legal form costs little, so "Dahua Technology" meets "Zhejiang Dahua Technology Co., Ltd." while a
name made only of legal forms and generic words never scores high.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA
from rigour.names import replace_org_types_compare

# Generic outputs of rigour plus common forms it leaves alone.
LEGAL_FORMS: frozenset[str] = frozenset(
    [
        "llc",
        "jsc",
        "lp",
        "llp",
        "gp",
        "coop",
        "sp",
        "soe",
        "plc",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "company",
        "co",
        "gmbh",
        "ag",
        "sa",
        "nv",
        "bv",
        "oy",
        "ab",
        "kg",
        "spa",
        "srl",
        "sarl",
        "pte",
        "pvt",
        "bhd",
        "sdn",
        "fze",
        "fzco",
        "fzc",
        "fzllc",
        "ooo",
        "oao",
        "zao",
        "pao",
        "ojsc",
        "cjsc",
        "pjsc",
        "tov",
        "ao",
        "kft",
        "zrt",
        "doo",
        "ead",
        "tic",
        "sti",
        "ltda",
        "cia",
        "kk",
        "kabushiki",
        "kaisha",
        "ug",
        "ohg",
        "se",
        "sas",
        "eurl",
        "sprl",
        "cv",
        # common spellings rigour reads too (kept as legal forms wherever they stand)
        "as",
        "sia",
        "sro",
        "mmc",
        "ood",
        "oyj",
        "aps",
        "pt",
        # other generic outputs of rigour's table ("Na" → fin)
        "fin",
        "ngo",
        "mil",
        # parts of longer forms rigour leaves alone ("Pty Company Limited", "Private Limited")
        "pty",
        "private",
        "proprietary",
    ]
)

# Parts of a run of legal forms that add nothing when another form stands beside them:
# "Pty Ltd", "Company Limited", "Private Limited" and "Co., Ltd." all mean ``llc``.
_RUN_FILLERS = frozenset({"company", "co", "pty", "pte", "pvt", "private", "proprietary"})

# Words of legal forms long enough to be mistyped ("Liimted", "Compnay", "Corporatoin"); a
# word within one edit (two from nine letters) of one of them is read as it.
LEGAL_WORDS: tuple[str, ...] = (
    "limited",
    "company",
    "corporation",
    "incorporated",
    "liability",
    "proprietary",
    "private",
    "public",
    "joint",
    "stock",
    "obshchestvo",
    "ogranichennoi",
    "ogranichennoy",
    "otvetstvennostyu",
    "aktsionernoe",
    "zakrytoe",
    "otkrytoe",
    "publichnoe",
    "gesellschaft",
    "aktiengesellschaft",
    "sociedad",
    "anonima",
    "societe",
    "anonyme",
    "berhad",
)
_BY_LENGTH: dict[int, list[str]] = {}
for _w in LEGAL_WORDS:
    _BY_LENGTH.setdefault(len(_w), []).append(_w)
_WORD = re.compile(r"[a-z]{6,}")


def _typo_of(word: str) -> str | None:
    k = 1 if len(word) < 9 else 2
    for n in range(len(word) - k, len(word) + k + 1):
        for target in _BY_LENGTH.get(n, ()):
            if target[0] == word[0] and OSA.distance(word, target, score_cutoff=k) <= k:
                return target
    return None


@lru_cache(maxsize=65536)
def correct_legal_typos(text: str) -> str:
    """ "serko liimted" → "serko limited": a mistyped legal word becomes the word it was meant
    to be. A name's first word is corrected only from nine letters ("Obshestvo s ..."): a short
    first word is more often the distinctive one."""
    words = list(_WORD.finditer(text))
    if not words:
        return text
    out: list[str] = []
    last = 0
    first_start = next(iter(re.finditer(r"[a-z0-9]+", text))).start()
    for m in words:
        w = m.group()
        if (m.start() == first_start and len(w) < 9) or w in LEGAL_WORDS:
            continue
        fixed = _typo_of(w)
        if fixed is None:
            continue
        out.append(text[last : m.start()])
        out.append(fixed)
        last = m.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def collapse_legal_runs(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A run of adjacent legal forms reduced to its main forms: ("pty", "company", "llc") →
    ("llc",), ("company", "llc") → ("llc",); a repeated form is kept once."""
    if sum(1 for t in tokens if t in LEGAL_FORMS) < 2:
        return tokens
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        if tokens[i] not in LEGAL_FORMS:
            out.append(tokens[i])
            i += 1
            continue
        j = i
        while j < n and tokens[j] in LEGAL_FORMS:
            j += 1
        run = tokens[i:j]
        main = [t for t in run if t not in _RUN_FILLERS] or [run[-1]]
        out.extend(dict.fromkeys(main))
        i = j
    return tuple(out)


@lru_cache(maxsize=65536)
def replace_legal_forms(text: str) -> str:
    """Rewrite legal forms in casefolded Latin text to rigour's generic compare forms."""
    return str(replace_org_types_compare(text, generic=True))


def is_legal_form(token: str) -> bool:
    return token in LEGAL_FORMS
