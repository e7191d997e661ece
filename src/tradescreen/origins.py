"""Two sources, one list: which publication a list version comes from, and which copy of an
entry a screening reports first.

Several publications carry the same list: the trade.gov Consolidated Screening List (CSL)
holds the BIS Entity List and OFAC's SDN list, which the eCFR (Entity List) and OFAC's own
files (SDN) also publish. The rule (docs/sources.md, "Two sources, one list"):

- a list version's **source** (``ListVersion.origin``) is the publication its file belongs to,
  fixed by the reader format (:data:`FORMAT_ORIGIN`): ``csl`` for the CSL CSV and JSON,
  ``ecfr`` for the NSF/eCFR JSON, ``ofac`` for OFAC's CSV and XML, and so on;
- each (list code, source) pair is a list of its own: it has its own version in force, and a
  load of one source is checked (same SHA-256, older data date, shrink guard) against that
  source's previous versions only. Loading the eCFR Entity List never replaces the CSL's Entity
  List, and a later CSL is never compared with the eCFR's;
- a screening uses every version in force. The same entry (same entity id) of the same list
  found in two sources is one hit: one party whose names, addresses, identifiers and countries
  are those of both copies, with one listing per source, each labelled with its source. The
  copy of the source earliest in :data:`PRECEDENCE` comes first (its primary name, its
  listing): an agency's own file, then the CSL, then third-party parses.

Pure: no I/O, and no import from the package but the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from tradescreen.model import Entity, NameKind

# reader format -> source id
FORMAT_ORIGIN: dict[str, str] = {
    "ofac_csv": "ofac",
    "ofac_xml": "ofac",
    "un_xml": "un",
    "eu_xml": "eu",
    "uk_xml": "uk",
    "dpl_txt": "bis",
    "csl_csv": "csl",
    "csl_json": "csl",
    "nsf_json": "ecfr",
    "os_csv": "opensanctions",
    "ftm_json": "ftm",
}

# source id -> what a person reads
ORIGIN_NAMES: dict[str, str] = {
    "ofac": "OFAC (Treasury) list files",
    "un": "UN Security Council consolidated list",
    "eu": "EU financial sanctions (FSF) export",
    "uk": "UK Sanctions List (FCDO)",
    "bis": "BIS Denied Persons List file",
    "csl": "trade.gov Consolidated Screening List",
    "ecfr": "eCFR and agency lists (NSF JSON parse)",
    "opensanctions": "OpenSanctions transcription",
    "ftm": "FollowTheMoney file",
}

# Which source's copy of an entry a hit reports first: the publishing agency's own file, then
# trade.gov's consolidation (it carries the Entity List's licence review policy), then
# third-party parses (the eCFR parse has no review policy and often one citation only).
PRECEDENCE: tuple[str, ...] = (
    "ofac",
    "un",
    "eu",
    "uk",
    "bis",
    "csl",
    "ecfr",
    "opensanctions",
    "ftm",
)


def origin_of(format: str) -> str:
    """The source id of a reader format (an unknown format is its own source)."""
    return FORMAT_ORIGIN.get(format, format)


def origin_name(origin: str) -> str:
    return ORIGIN_NAMES.get(origin, origin)


def rank(origin: str) -> int:
    """Position in :data:`PRECEDENCE` (unknown sources after every known one)."""
    try:
        return PRECEDENCE.index(origin)
    except ValueError:
        return len(PRECEDENCE)


T = TypeVar("T")


def _union(groups: Iterable[Sequence[T]]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(x for g in groups for x in g))


def merge_copies(copies: Sequence[Entity]) -> Entity:
    """One party from copies of one entry, given in precedence order: the first copy's id,
    kind, primary name, title and remarks; the names, listings, addresses, identifiers, dates
    and countries of every copy, the first copy's first (repeats dropped)."""
    if not copies:
        raise ValueError("no copy to merge")
    first = copies[0]
    if len(copies) == 1:
        return first
    names = list(first.names)
    for c in copies[1:]:
        for n in c.names:
            if any(n.value == x.value for x in names):
                continue
            # another copy's primary name is an alias of the party: the first copy names it
            names.append(replace(n, kind=NameKind.AKA) if n.kind is NameKind.PRIMARY else n)
    return replace(
        first,
        names=tuple(names),
        listings=_union(c.listings for c in copies),
        addresses=_union(c.addresses for c in copies),
        identifiers=_union(c.identifiers for c in copies),
        birth_dates=_union(c.birth_dates for c in copies),
        birth_places=_union(c.birth_places for c in copies),
        nationalities=_union(c.nationalities for c in copies),
        countries=_union(c.countries for c in copies),
        title=first.title or next((c.title for c in copies if c.title), None),
        remarks=first.remarks or next((c.remarks for c in copies if c.remarks), None),
    )


__all__ = [
    "FORMAT_ORIGIN",
    "ORIGIN_NAMES",
    "PRECEDENCE",
    "merge_copies",
    "origin_name",
    "origin_of",
    "rank",
]
