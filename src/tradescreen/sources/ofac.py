"""OFAC legacy CSV sets: ``sdn.csv`` + ``add.csv`` + ``alt.csv`` + ``sdn_comments.csv`` (SDN), and
``cons_prim.csv`` + ``cons_add.csv`` + ``cons_alt.csv`` + ``cons_comments.csv`` (non-SDN).

No header row; ``-0-`` means empty; files end with a ``\\x1a`` byte; text is UTF-8 (OFAC's files
are ASCII): a row holding bytes that are not UTF-8 is rejected with its line, never decoded
file-wide in cp1252 by fallback. Pass the directory, the primary file, or the files themselves;
siblings are found by name next to the primary. A set without its primary file (``add``/``alt``
only, as in the 2025-12 SDN snapshot) is refused: the primary holds every entry's name, type and
programs.

Join: aliases (``aka``/``fka``/``nka`` → AKA/FKA; ``a.k.a. 'X'`` in remarks → WEAK_AKA), addresses,
and remarks continued in the comments file. ``ofac_remarks.parse_remarks`` extracts DOB, POB,
nationality, identifiers and ``Linked To:``. Ids are ``<list code>:<ent_num>``; the list code is
``us_ofac_sdn`` for the SDN set and, for the non-SDN set, the list of the entry's program
(``lists.OFAC_PROGRAMS``: NS-CMIC → us_ofac_nscmic, UKRAINE-EO13662 → us_ofac_ssi, ...).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from tradescreen.countries import to_iso2
from tradescreen.errors import SourceError
from tradescreen.model import (
    Address,
    Entity,
    EntityKind,
    Identifier,
    Listing,
    Name,
    NameKind,
    VesselInfo,
)
from tradescreen.sources import _io
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.ids import IdAllocator
from tradescreen.sources.lists import list_name, ofac_program_list
from tradescreen.sources.ofac_remarks import parse_remarks

FORMAT = "ofac_csv"
SDN_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV"
CONS_URL = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_PRIM.CSV"
)
_SETS = {
    "sdn.csv": ("sdn", "add.csv", "alt.csv", "sdn_comments.csv"),
    "cons_prim.csv": ("cons", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
}
_COMPANIONS = {n for v in _SETS.values() for n in v[1:]}
_PRIMARY_ROW = re.compile(rb'^\d+,"[^"\r\n]*",(-0- ?|"[^"\r\n]*"),')
_KINDS = {
    "individual": EntityKind.PERSON,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
}
_ALT_KINDS = {"aka": NameKind.AKA, "fka": NameKind.FKA, "nka": NameKind.AKA}


def sniff(head: bytes, name: str) -> bool:
    return name.lower() in _SETS or name.lower() in _COMPANIONS or bool(_PRIMARY_ROW.match(head))


def _find(directory: Path, name: str) -> Path | None:
    for p in directory.iterdir():
        if p.name.lower() in (name, name + ".gz"):
            return p
    return None


def _resolve(paths: Sequence[Path]) -> tuple[str, Path, dict[str, Path | None]]:
    """(set kind, primary file, {role: companion file or None})."""
    given = {p.name.lower(): p for p in paths if p.is_file()}
    dirs = [p for p in paths if p.is_dir()]
    directory = dirs[0] if dirs else paths[0].parent
    primary: Path | None = None
    for pname in _SETS:
        primary = given.get(pname) or given.get(pname + ".gz")
        if primary is None and dirs:
            primary = _find(directory, pname)
        if primary is not None:
            break
    if primary is None and len(paths) == 1 and paths[0].is_file():
        if paths[0].name.lower().removesuffix(".gz") not in _COMPANIONS:
            primary = paths[0]  # a primary file under another name: treat as SDN-shaped
        else:  # a companion file: its primary is expected next to it
            for pname in _SETS:
                primary = primary or _find(directory, pname)
    if primary is None:
        raise SourceError(
            "no primary file (sdn.csv or cons_prim.csv): add/alt/comments files alone hold no"
            " names, types or programs",
            path=str(directory),
        )
    kind, add, alt, com = _SETS.get(primary.name.lower().removesuffix(".gz"), _SETS["sdn.csv"])
    where = primary.parent
    roles: dict[str, Path | None] = {}
    for role, fname in (("add", add), ("alt", alt), ("comments", com)):
        roles[role] = given.get(fname) or given.get(fname + ".gz") or _find(where, fname)
    return kind, primary, roles


def _rows(blob: _io.Blob, width: int, parsed: ParsedSource) -> Iterator[tuple[int, list[str]]]:
    text = _io.decode_rows(blob).replace("\x1a", "")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceError(f"broken CSV quoting ({exc})", path=blob.path, line=line) from exc
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < width or not row[0].strip().isdigit():
            parsed.rejected.append(f"{blob.path}:{line}: expected {width} fields, got {len(row)}")
            continue
        why = _io.bad_bytes(row)
        if why is not None:
            parsed.rejected.append(f"{blob.path}:{line}: {why}")
            continue
        yield line, [c if _io.clean(c) else "" for c in row]


def _programs(value: str) -> tuple[str, ...]:
    return tuple(p.strip(" []") for p in value.split("] [") if p.strip(" []"))


def read(paths: Sequence[Path]) -> ParsedSource:
    if not paths:
        raise SourceError("no input file given")
    for p in paths:
        if not p.exists():
            raise SourceError("file not found", path=str(p))
    kind, primary, roles = _resolve(paths)
    pblob = _io.load(primary)
    blobs = {role: _io.load(p) for role, p in roles.items() if p is not None}
    all_blobs = [pblob, *blobs.values()]
    parsed = ParsedSource(
        FORMAT, tuple(b.path for b in all_blobs), _io.combined_sha256(all_blobs), iter(())
    )
    missing = [role for role, p in roles.items() if p is None]
    if missing:
        parsed.warnings.append(f"{primary}: no {', '.join(missing)} file alongside")

    # Companion files are small: index them by ent_num up front.
    addresses: dict[str, list[Address]] = defaultdict(list)
    aliases: dict[str, list[Name]] = defaultdict(list)
    comments: dict[str, list[str]] = defaultdict(list)
    if "add" in blobs:
        for _, r in _rows(blobs["add"], 6, parsed):
            addr = Address(
                street=_io.clean(r[2]),
                city=_io.clean(r[3]),
                country=to_iso2(r[4]) if r[4] else None,
            )
            if addr.street or addr.city or addr.country:
                addresses[r[0].strip()].append(addr)
    if "alt" in blobs:
        for line, r in _rows(blobs["alt"], 5, parsed):
            name = _io.clean(r[3])
            if not name:
                parsed.rejected.append(f"{blobs['alt'].path}:{line}: alias without a name")
                continue
            nk = _ALT_KINDS.get(r[2].strip().strip('"').lower(), NameKind.AKA)
            if "weak" in r[4].lower():
                nk = NameKind.WEAK_AKA
            aliases[r[0].strip()].append(Name(name, nk))
    if "comments" in blobs:
        for _, r in _rows(blobs["comments"], 2, parsed):
            comments[r[0].strip()].append(r[1])

    def build(r: list[str]) -> Entity:
        ent_num = r[0].strip()
        name = _io.clean(r[1])
        if not name:
            raise ValueError("empty name")
        programs = _programs(r[3])
        code = "us_ofac_sdn" if kind == "sdn" else ofac_program_list(programs)
        # The comments file continues a remarks field cut at the primary's field limit.
        remarks_text = _io.clean(r[11] + "".join(comments.get(ent_num, ())))
        rem = parse_remarks(remarks_text)
        names = [Name(name), *aliases.get(ent_num, ())]
        names += [Name(a, NameKind.WEAK_AKA) for a in rem.weak_aliases]
        idents = list(rem.identifiers)
        if call_sign := _io.clean(r[5]):
            idents.append(Identifier("Call Sign", call_sign))
        addrs = tuple(addresses.get(ent_num, ()))
        flag = to_iso2(r[9]) if _io.clean(r[9]) else None
        countries = _io.dedupe(
            [a.country for a in addrs if a.country] + rem.nationalities + ([flag] if flag else [])
        )
        listing = Listing(
            list_code=code,
            list_name=list_name(code),
            programs=programs,
            remarks=remarks_text,
            source_url=SDN_URL if kind == "sdn" else CONS_URL,
            source_id=ent_num,
        )
        vessel = VesselInfo(*(_io.clean(r[i]) for i in (6, 7, 8, 9, 10)))
        return Entity(
            vessel=vessel or None,
            id=ids_seen.own(f"{code}:{ent_num}"),
            kind=_KINDS.get(r[2].strip().lower(), EntityKind.ORGANIZATION),
            names=_io.dedupe(names),
            listings=(listing,),
            addresses=addrs,
            identifiers=_io.dedupe(idents),
            birth_dates=_io.dedupe(rem.birth_dates),
            birth_places=_io.dedupe(rem.birth_places),
            nationalities=_io.dedupe(rem.nationalities),
            countries=countries,
            title=_io.clean(r[4]),
            remarks=remarks_text,
        )

    ids_seen = IdAllocator()

    def rows() -> Iterator[tuple[int | None, Callable[[], Entity | None]]]:
        for line, r in _rows(pblob, 12, parsed):
            yield line, partial(build, r)

    parsed.entities = _io.guarded(parsed, pblob.path, rows())
    return parsed
