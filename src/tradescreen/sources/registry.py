"""The registry of list readers, and the one that picks a reader for a file.

``read_source(paths)`` detects the format from the content (first bytes, after transparently
decompressing ``.gz`` / ``.zip``); ``format=`` overrides. Each reader module exposes ``FORMAT``,
``sniff(head, name)`` and ``read(paths) -> ParsedSource`` (see ``base.py``). A directory is read
as an OFAC legacy CSV set (``sdn.csv`` + ``add.csv`` + ``alt.csv`` + ``sdn_comments.csv``, or the
``cons_*`` equivalents).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from tradescreen.errors import InvalidInput, SourceError
from tradescreen.sources import (
    _io,
    csl,
    csl_json,
    dpl,
    eu,
    ftm,
    nsf_json,
    ofac,
    ofac_xml,
    os_journal,
    uk,
    un,
)
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.limits import Limits, using

# Order matters only when two sniffers could both say yes: most specific first.
FORMATS: dict[str, ModuleType] = {
    m.FORMAT: m
    for m in (
        csl,
        csl_json,
        nsf_json,
        ofac_xml,
        un,
        eu,
        uk,
        dpl,
        os_journal,
        ofac,
        ftm,
    )
}
# Reader names also accepted by ``format=`` (short forms users type).
ALIASES = {
    "csl": "csl_csv",
    "ofac": "ofac_csv",
    "sdn": "ofac_csv",
    "un": "un_xml",
    "eu": "eu_xml",
    "uk": "uk_xml",
    "ecfr": "nsf_json",
    "nsf": "nsf_json",
    "dpl": "dpl_txt",
    "ftm": "ftm_json",
}


def _single_file(p: Path) -> Path:
    """A directory holding one list file (not an OFAC CSV set) stands for that file."""
    if not p.is_dir():
        return p
    files = [f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")]
    if len(files) == 1 and not ofac.sniff(b"", files[0].name):
        return files[0]
    return p


def detect(path: Path | str) -> str:
    """The reader name for ``path`` (a file, possibly compressed, or an OFAC directory)."""
    p = _single_file(Path(path))
    if p.is_dir():
        return ofac.FORMAT
    blob = _io.load(p)
    head = blob.data[: _io.HEAD_BYTES]
    for fmt, module in FORMATS.items():
        if module.sniff(head, blob.name):
            return fmt
    raise SourceError("unknown list format (no reader recognises the first bytes)", path=str(p))


def read_source(
    paths: Sequence[Path] | Path | str,
    format: str | None = None,
    limits: Limits | None = None,
) -> ParsedSource:
    """Read one list file (or an OFAC file set / directory) into a lazy ``ParsedSource``, within
    ``limits`` (default: those in effect, see ``sources/limits.py``; an XML reader keeps the
    element limit it started with while its entities are iterated)."""
    with using(limits):
        return _read_source(paths, format)


def _read_source(paths: Sequence[Path] | Path | str, format: str | None) -> ParsedSource:
    if isinstance(paths, str | Path):
        paths = [Path(paths)]
    plist = [Path(p) for p in paths]
    if len(plist) == 1:
        plist = [_single_file(plist[0])]
    if not plist:
        raise SourceError("no input file given")
    for p in plist:
        if not p.exists():
            raise SourceError("file not found", path=str(p))
    if format is not None:
        fmt = ALIASES.get(format, format)
        if fmt not in FORMATS:
            known = ", ".join(sorted(FORMATS))
            # A mistyped --source is the user's input, not a broken file: exit 2, no alert.
            raise InvalidInput(f"--source: unknown format {format!r} (known: {known})")
    else:
        fmt = detect(plist[0])
    return FORMATS[fmt].read(plist)  # type: ignore[no-any-return]


def group_sources(paths: Sequence[Path | str]) -> list[list[Path]]:
    """Split command-line paths into sources, in order: the files of an OFAC CSV set given one
    by one (``sdn.csv add.csv alt.csv`` in one directory) form one source; every other path
    (a file, or an OFAC set's directory) is a source of its own."""
    groups: list[list[Path]] = []
    ofac_sets: dict[Path, list[Path]] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_file() and ofac.sniff(b"", p.name):
            key = p.resolve().parent
            if key not in ofac_sets:
                ofac_sets[key] = []
                groups.append(ofac_sets[key])
            ofac_sets[key].append(p)
        else:
            groups.append([p])
    return groups


__all__ = [
    "ALIASES",
    "FORMATS",
    "ParsedSource",
    "detect",
    "group_sources",
    "read_source",
]
