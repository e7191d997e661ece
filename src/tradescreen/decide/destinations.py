"""Destinations as a user gives them: an ISO 3166-1 alpha-2 code, an ISO 3166-2 region the
embargo data keys on (UA-43 Crimea, UA-14/UA-09 Donetsk/Luhansk), or a country name.

Backed by ``rigour.territories`` (OpenSanctions' territory data) alone. Stricter than a list
reader's country parsing: a code ISO 3166-1 does not assign to a country (ZZ, EU, UN, the
exceptional reservations AC, CP, DG, EA, IC, TA; historical AN, DD, ZR) is refused, a name of
several countries (Korea, Congo) is refused rather than guessed, and the embargoed regions keep
their region code (Crimea -> UA-43, not UA).
"""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import get_territories, lookup_territory

from tradescreen.countries import country_codes

# Names of the regions the embargo data keys on, and rigour's codes for them, as ISO 3166-2.
_REGION_NAMES = {
    "crimea": "UA-43",
    "crimea region": "UA-43",
    "crimea region of ukraine": "UA-43",
    "region: crimea": "UA-43",
    "autonomous republic of crimea": "UA-43",
    "republic of crimea": "UA-43",
    "sevastopol": "UA-40",
    "donetsk": "UA-14",
    "donetsk people's republic": "UA-14",
    "so-called donetsk people's republic": "UA-14",
    "luhansk": "UA-09",
    "luhansk people's republic": "UA-09",
    "so-called luhansk people's republic": "UA-09",
}
_RIGOUR_REGIONS = {"ua-cri": "UA-43", "ua-dpr": "UA-14", "ua-lpr": "UA-09"}

# Names that stand for more than one country: a destination given so is refused, not guessed.
AMBIGUOUS_NAMES = {
    "korea": ("KP", "KR"),
    "congo": ("CD", "CG"),
    "the congo": ("CD", "CG"),
    "virgin islands": ("VG", "VI"),
}


# The ISO 3166-1 codes in force (plus XK): the one definition in tradescreen.countries.
iso_countries = country_codes


@lru_cache(maxsize=1)
def known_subdivisions() -> frozenset[str]:
    """ISO 3166-2 codes known to rigour (``UA-05``, ``CN-XZ``...) and the regions above."""
    subs = {
        t.code.upper()
        for t in get_territories()
        if "-" in t.code and t.code[:2].upper() in iso_countries() and t.code not in _RIGOUR_REGIONS
    }
    return frozenset(subs | set(_REGION_NAMES.values()))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Codes, alpha-3 codes and names of every current country, lower case -> alpha-2."""
    table: dict[str, str] = {}
    codes = iso_countries()
    for t in get_territories():
        code = t.code.upper()
        if code in codes:
            for key in (t.code, t.alpha3, t.name, t.full_name):
                if key:
                    table.setdefault(key.lower(), code)
    return table


def place_code(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code (``China`` -> ``CN``) or, for the regions the embargo data
    names, an ISO 3166-2 code (``Crimea`` -> ``UA-43``), from a name; None when unknown or
    ambiguous. A name of another sub-national territory gives its country (``Tibet`` -> CN)."""
    text = " ".join(value.split()).strip(" .,;")
    key = text.lower()
    if not key or key in AMBIGUOUS_NAMES:
        return None
    if key in _REGION_NAMES:
        return _REGION_NAMES[key]
    if key in _names():
        return _names()[key]
    if len(text) > 60:
        return None
    terr = lookup_territory(text)
    if terr is None:
        return None
    if terr.code in _RIGOUR_REGIONS:
        return _RIGOUR_REGIONS[terr.code]
    code = (terr.ftm_country or terr.code).split("-")[0].upper()
    return code if code in iso_countries() else None


__all__ = ["AMBIGUOUS_NAMES", "iso_countries", "known_subdivisions", "place_code"]
