"""Bytes in, rows out: decompression, hashing, sniffing and the row-rejection budget.

Every reader goes through :func:`load` so ``.gz`` and ``.zip`` are handled in one place. A list
file is at most tens of megabytes, so the decompressed bytes are held in memory (this is what lets
a truncated archive fail *before* any entity is yielded), within the limits of ``limits.py``;
entities themselves are built lazily. Text is UTF-8, strictly (:func:`decode`,
:func:`decode_rows`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol, TypeVar

from tradescreen.errors import LimitExceeded, SourceError
from tradescreen.model import Entity, has_surrogates
from tradescreen.sources import limits
from tradescreen.sources.base import ParsedSource
from tradescreen.sources.embedded import with_embedded_names

T = TypeVar("T")

HEAD_BYTES = 4096
# Row-level failures tolerated before the whole file is rejected: max(5, 1% of rows).
MIN_REJECTS = 5
REJECT_SHARE = 0.01
# What a row builder may raise on a malformed row; anything else is a bug and propagates.
ROW_ERRORS = (ValueError, KeyError, TypeError, IndexError, AttributeError, ArithmeticError)


@dataclass(frozen=True, slots=True)
class Blob:
    """One input file, decompressed."""

    path: str  # the file on disk
    name: str  # inner name: zip member or the file name without .gz
    data: bytes
    raw_sha256: str  # of the bytes on disk


def _gunzip(raw: bytes, path: str) -> bytes:
    return limits.gunzip(raw, path, limits.current())


def _members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's files, without directories and the resource forks macOS adds."""
    return [
        i
        for i in zf.infolist()
        if not i.is_dir()
        and not i.filename.startswith("__MACOSX/")
        and not PurePosixPath(i.filename).name.startswith(".")
    ]


def choose_member(members: Sequence[zipfile.ZipInfo], archive: str, path: str) -> zipfile.ZipInfo:
    """The one member that is the list: the only file, else the only one named like the archive
    (``CONS_ENHANCED.ZIP`` -> ``CONS_ENHANCED.XML``). Anything else is ambiguous and refused:
    taking the largest would load whatever decoy was added beside the list."""
    if not members:
        raise SourceError("zip archive is empty", path=path)
    if len(members) == 1:
        return members[0]
    stem = PurePosixPath(archive).stem.lower()
    named = [i for i in members if PurePosixPath(i.filename).stem.lower() == stem]
    if len(named) == 1:
        return named[0]
    listed = ", ".join(i.filename for i in members[:5]) + (", ..." if len(members) > 5 else "")
    raise SourceError(
        f"zip archive holds {len(members)} files ({listed}) and "
        + ("several are" if named else "none is")
        + f" named like the archive ({PurePosixPath(archive).stem}.*): which one is the list"
        " is ambiguous",
        path=path,
    )


def _unzip(raw: bytes, path: str) -> tuple[str, bytes]:
    lim = limits.current()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            info = choose_member(_members(zf), Path(path).name, path)
            with zf.open(info) as member:
                data = limits.read_member(member, info.file_size, info.compress_size, path, lim)
            return info.filename, data
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, ValueError) as exc:
        raise SourceError(f"truncated or corrupt zip ({exc})", path=path) from exc


def load(path: Path) -> Blob:
    """Read ``path``, transparently decompressing gzip and zip (by content, not by name), within
    the read limits (``sources/limits.py``)."""
    p = str(path)
    lim = limits.current()
    try:
        size = Path(path).stat().st_size
        if size > lim.max_decompressed_bytes:
            raise LimitExceeded(
                f"file of {size:,} bytes is larger than {lim.max_decompressed_bytes:,}"
                " (limit: max_decompressed_bytes)",
                path=p,
            )
        raw = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise SourceError("file not found", path=p) from exc
    except IsADirectoryError as exc:
        raise SourceError("is a directory, expected a file", path=p) from exc
    except OSError as exc:
        raise SourceError(f"cannot read file ({exc.strerror})", path=p) from exc
    digest = hashlib.sha256(raw).hexdigest()
    name = Path(path).name
    if raw[:2] == b"\x1f\x8b":
        data = _gunzip(raw, p)
        name = name[:-3] if name.lower().endswith(".gz") else name
        return Blob(p, name, data, digest)
    if raw[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
        inner, data = _unzip(raw, p)
        return Blob(p, inner, data, digest)
    return Blob(p, name, raw, digest)


def combined_sha256(blobs: Sequence[Blob]) -> str:
    """sha256 of the files' bytes on disk, concatenated in path order."""
    h = hashlib.sha256()
    for b in sorted(blobs, key=lambda b: b.path):
        h.update(Path(b.path).read_bytes())
    return h.hexdigest()


def decode(blob: Blob) -> str:
    """The file as UTF-8 text (a BOM dropped), strictly: a file that is not valid UTF-8 is
    refused with the line of the first bad byte. Never decoded by fallback."""
    try:
        return blob.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = blob.data[: exc.start].count(b"\n") + 1
        bad = blob.data[exc.start]
        raise SourceError(
            f"not valid UTF-8 text (byte 0x{bad:02X}: {exc.reason})", path=blob.path, line=line
        ) from exc


def decode_rows(blob: Blob) -> str:
    """The file as UTF-8 text for a row-by-row reader: bytes that are not valid UTF-8 are kept
    as lone surrogates (``surrogateescape``), so the rows holding them are rejected with their
    line (:func:`bad_bytes`, ``csv_records``) while every other row, accented names included,
    reads as written. A file is never decoded file-wide in another encoding by fallback (one
    stray Latin-1 byte would turn every UTF-8 name into mojibake); a file mostly in another
    encoding fails the row budget and is refused."""
    return blob.data.decode("utf-8-sig", errors="surrogateescape")


def bad_bytes(row: Sequence[str]) -> str | None:
    """Why a decoded row cannot be used (undecodable bytes), or None."""
    for cell in row:
        if has_surrogates(cell):
            ch = next(c for c in cell if "\udc80" <= c <= "\udcff")
            return f"not valid UTF-8 text (byte 0x{ord(ch) - 0xDC00:02X}); row rejected"
    return None


def single(paths: Sequence[Path], fmt: str) -> Path:
    if len(paths) != 1:
        raise SourceError(f"{fmt} reads exactly one file, got {len(paths)}")
    return paths[0]


class RowGuard:
    """Counts rows, records row failures in ``parsed.rejected`` and enforces the budget."""

    def __init__(self, parsed: ParsedSource) -> None:
        self.parsed = parsed
        self.rows = 0
        self.failed = 0  # rows whose builder raised

    def reject(self, path: str, line: int | None, why: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        self.parsed.rejected.append(f"{where}: {why}")

    def build(self, path: str, line: int | None, fn: Callable[[], T]) -> T | None:
        self.rows += 1
        try:
            return fn()
        except ROW_ERRORS as exc:
            self.failed += 1
            self.reject(path, line, f"{type(exc).__name__}: {exc}")
            return None

    def finish(self, path: str) -> None:
        # Rows a reader rejected before building (wrong field count, bytes not UTF-8) count too.
        rows = self.rows + max(0, len(self.parsed.rejected) - self.failed)
        budget = max(MIN_REJECTS, int(rows * REJECT_SHARE))
        if len(self.parsed.rejected) > budget:
            first = self.parsed.rejected[0]
            raise SourceError(
                f"{len(self.parsed.rejected)} of {rows} rows rejected (budget {budget});"
                f" first: {first}",
                path=path,
            )


def guarded(
    parsed: ParsedSource,
    path: str,
    rows: Iterable[tuple[int | None, Callable[[], Entity | None]]],
) -> Iterator[Entity]:
    """Yield the entities the row builders make, with the names embedded in their text added
    (``embedded.py``, counted in ``parsed.derived_names``); failures go to ``rejected``;
    budget at the end."""
    guard = RowGuard(parsed)
    for line, fn in rows:
        ent = guard.build(path, line, fn)
        if ent is not None:
            full = with_embedded_names(ent)
            parsed.derived_names += len(full.names) - len(ent.names)
            yield full
    guard.finish(path)


def clean(value: str | None) -> str | None:
    """Strip whitespace; empty (and OFAC's ``-0-``) become None."""
    if value is None:
        return None
    v = " ".join(value.split())
    return None if v in ("", "-0-") else v


def split_multi(value: str | None, sep: str = ";") -> list[str]:
    if not value:
        return []
    return [c for c in (clean(p) for p in value.split(sep)) if c]


def dedupe(items: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


def prebuild(fn: Callable[[], Entity]) -> Callable[[], Entity]:
    """Build now (while a streamed XML element is still filled), raise or return later."""
    try:
        entity = fn()
    except ROW_ERRORS as exc:
        error = exc

        def fail() -> Entity:
            raise error

        return fail
    return lambda: entity


class LineReader(Protocol):
    """What ``csv.reader`` gives: rows, and the physical line reached."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def csv_records(
    reader: LineReader,
    header: list[str],
    parsed: ParsedSource,
    path: str,
    *,
    truncated_tail_ok: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, record)`` for each well-formed row of a ``csv.reader`` past its ``header``.

    Blank rows and repeated header rows are skipped (the latter with a warning); a row with the
    wrong number of fields goes to ``parsed.rejected``; broken quoting fails the file with its
    line, except, with ``truncated_tail_ok``, a file that ends inside a quoted field: then only
    that last, cut row is rejected.
    """
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if truncated_tail_ok and "unexpected end of data" in str(exc):
                parsed.rejected.append(
                    f"{path}:{line}: last row truncated (end of file inside quotes)"
                )
                return
            raise SourceError(f"broken CSV quoting ({exc})", path=path, line=line) from exc
        if not any(c.strip() for c in row):
            continue
        if [c.strip() for c in row] == header:
            parsed.warnings.append(f"{path}:{line}: repeated header row skipped")
            continue
        if len(row) != len(header):
            parsed.rejected.append(f"{path}:{line}: {len(row)} fields, header has {len(header)}")
            continue
        why = bad_bytes(row)
        if why is not None:
            parsed.rejected.append(f"{path}:{line}: {why}")
            continue
        yield line, dict(zip(header, row, strict=True))
