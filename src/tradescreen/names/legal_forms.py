"""Legal forms ("Co., Ltd.", "ООО", "GmbH", "PJSC", "S.A."...): recognised, kept as WEAK evidence.

rigour's organisation-type table (many languages; applied after transliteration, so "ООО" and
"OOO" both become ``llc``) rewrites every form to a generic one; the tokens below are then
flagged weak. Two weak tokens align with each other as a "legal form variant" and an unmatched
legal form costs little, so "Dahua Technology" meets "Zhejiang Dahua Technology Co., Ltd." while a
name made only of legal forms and generic words never scores high.
"""

from __future__ import annotations

from functools import lru_cache

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
    ]
)


@lru_cache(maxsize=65536)
def replace_legal_forms(text: str) -> str:
    """Rewrite legal forms in casefolded Latin text to rigour's generic compare forms."""
    return str(replace_org_types_compare(text, generic=True))


def is_legal_form(token: str) -> bool:
    return token in LEGAL_FORMS
