"""Country names and codes as the lists spell them → ISO 3166-1 alpha-2 (upper case).

Backed by ``rigour.territories`` (OpenSanctions' territory data, which knows "Korea, North",
"Burma", "Iran (Islamic Republic of)", "Region: Gaza"...). A few list-specific spellings that
rigour does not resolve are mapped here; sub-national territories map to their country.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rigour.territories import get_territories, lookup_territory
from rigour.territories.territory import Territory

# Spellings seen in the US lists that rigour does not resolve (checked against the real files).
_EXTRA = {
    "crimea region of ukraine": "UA",
    "crimea": "UA",
    "crimea region": "UA",
    "so-called donetsk people's republic": "UA",
    "so-called luhansk people's republic": "UA",
    "kosovo": "XK",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
    "turkey": "TR",
    "uae": "AE",
    "prc": "CN",
    "burma": "MM",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "taiwan": "TW",
    "korea, north": "KP",
    "korea, south": "KR",
    "north korea": "KP",
    "south korea": "KR",
    "gaza strip": "PS",
    "gaza": "PS",
    "west bank": "PS",
    "palestinian": "PS",
    "curacao": "CW",
    "congo": "CG",
    "iran (islamic republic of)": "IR",
    "viet nam": "VN",
    "former soviet union": None,
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "turkiye": "TR",
    "turkey (turkiye)": "TR",
    "people's republic of china": "CN",
    "people’s republic of china": "CN",
    "peoples republic of china": "CN",
    "uk": "GB",
    "macedonia": "MK",
    "north korea (dprk)": "KP",
    "syrian arab republic": "SY",
    "russian federation": "RU",
    "united republic of tanzania": "TZ",
    "libyan arab jamahiriya": "LY",
    "lao people's democratic republic": "LA",
    "republic of korea": "KR",
    "democratic people's republic of korea": "KP",
    "bahamas, the": "BS",
    "the bahamas": "BS",
    "virgin islands, british": "VG",
    "man, isle of": "IM",
    "region: gaza": "PS",
    "region: crimea": "UA",
    "region: northern mali": "ML",
    "region: kafia kingi": "SD",
    "congo, democratic republic of the": "CD",
    "congo, republic of the": "CG",
    "the gambia": "GM",
    "gambia, the": "GM",
    "cote d ivoire": "CI",
    "cabo verde": "CV",
    "possibly palestinian": None,
    "st. kitts and nevis": "KN",
    "st. kitts & nevis": "KN",
    "st. vincent and the grenadines": "VC",
    "undetermined": None,
    "none identified": None,
    "none": None,
    "unknown": None,
}


def _iso2(terr: Territory | None) -> str | None:
    if terr is None:
        return None
    code = (terr.ftm_country or terr.code or "").split("-")[0].upper()
    return code if len(code) == 2 else None


@lru_cache(maxsize=1)
def _fast() -> dict[str, str | None]:
    """Codes and plain names of every territory. ``lookup_territory`` builds a fuzzy index of
    all names in all languages on first use (about 2 s); most list values hit this table first."""
    table: dict[str, str | None] = {}
    for terr in get_territories():
        for key in (terr.code, terr.alpha3, terr.name, terr.full_name):
            if key:
                table.setdefault(key.lower(), _iso2(terr))
    table.update(_EXTRA)
    return table


@lru_cache(maxsize=8192)
def to_iso2(value: str | None, fuzzy: bool = True) -> str | None:
    """ISO alpha-2 for a country name or code; None when not recognised.

    ``fuzzy=False`` consults only codes and plain names (fast), for text that is often not a
    country at all (the last part of a free-text address)."""
    if not value:
        return None
    text = " ".join(value.split()).strip(" .,;")
    if not text:
        return None
    key = text.lower()
    fast = _fast()
    if key in fast:
        return fast[key]
    if not fuzzy or len(text) <= 3 or len(text) > 40 or any(ch.isdigit() for ch in text):
        return None  # a postcode or street, not a country: skip the slow fuzzy lookup
    terr = lookup_territory(text)
    if terr is None and "(" in text:
        terr = lookup_territory(re.sub(r"\s*\(.*?\)\s*", " ", text).strip())
    return _iso2(terr)


def country_of_address(text: str | None) -> str | None:
    """The country named at the end of a free-text address ("..., Hong Kong." / "..., CN")."""
    if not text:
        return None
    last = text.rstrip(" .;").rsplit(",", 1)[-1].strip()
    return to_iso2(last, fuzzy=False)


# Two-letter codes in rigour's data that ISO 3166-1 does not assign to a country: exceptional
# reservations, groupings, and rigour's own ("Cyberspace", "Global"). XK (Kosovo,
# user-assigned) is kept: the US and EU lists and the Country Chart use it.
_NOT_ISO = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "IC", "IP", "TA", "UN", "ZZ"})


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes a user may give (those in force, plus XK), upper case: the
    one set every channel and the decisions' destinations check against."""
    return frozenset(
        terr.code.upper()
        for terr in get_territories()
        if len(terr.code) == 2 and not terr.is_historical and terr.code.upper() not in _NOT_ISO
    )


def parse_country(value: str | None, *, field: str = "country") -> str | None:
    """A country as a user gives it (``CN``, ``chn``, ``China``, ``People's Republic of China``)
    -> its ISO 3166-1 alpha-2 code, upper case; None for an empty value.

    Every channel (CLI, API, web UI, batch) validates through this, so "China" is CN
    everywhere and "CH" stays Switzerland. Raises InvalidInput naming ``field`` otherwise."""
    from tradescreen.errors import InvalidInput

    text = (value or "").strip()
    if not text:
        return None
    code = to_iso2(text)
    if code is None or code not in country_codes():
        raise InvalidInput(
            f"{field}: {value!r} is not a country (give an ISO 3166 code such as CN, "
            "or a name such as China)"
        )
    return code
