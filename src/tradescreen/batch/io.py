"""Streaming readers and writers for batch files: CSV, Parquet and JSONL, of any size.

Readers yield :class:`InputRow` records in input order, numbered from 1 (the header of a CSV is
not a row). A row that cannot be read (undecodable bytes, broken JSON) is still yielded, with
``error`` set, so it reaches the rejects file with its row number. Memory stays bounded: CSV and
JSONL are read line by line, Parquet batch by batch.

Writers append and are flushed (and fsynced) per chunk by the engines, so an interrupted run keeps
everything it wrote; :class:`Checkpoint` records how far a run got so it can resume.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from tradescreen.csvsafe import safe_cell
from tradescreen.errors import InvalidInput
from tradescreen.model import has_surrogates

FORMATS = ("csv", "jsonl", "parquet")


@dataclass(frozen=True, slots=True)
class InputRow:
    number: int  # 1-based data row number in the input (CSV header excluded)
    columns: dict[str, Any]  # the row as read, every column under its own name
    error: str | None = None  # set when the row itself could not be read


def detect_format(path: str | Path, explicit: str | None = None) -> str:
    """``csv``, ``jsonl`` or ``parquet`` from ``explicit`` or the file name (``.gz`` allowed)."""
    if explicit:
        fmt = explicit.lower()
        if fmt == "ndjson":
            fmt = "jsonl"
        if fmt not in FORMATS:
            raise InvalidInput(f"unknown format {explicit!r}; use one of {', '.join(FORMATS)}")
        return fmt
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix, fmt in (
        (".csv", "csv"),
        (".tsv", "csv"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "jsonl"),
        (".parquet", "parquet"),
        (".pq", "parquet"),
    ):
        if name.endswith(suffix):
            return fmt
    raise InvalidInput(f"{path}: cannot tell the format from the name; pass --format")


def _open_binary(path: Path) -> IO[bytes]:
    if str(path).lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _iter_csv(path: Path) -> Iterator[InputRow]:
    delimiter = "\t" if str(path).lower().removesuffix(".gz").endswith(".tsv") else ","
    with _open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip() for h in header]
        for number, record in enumerate(reader, start=1):
            if not record:  # a blank line
                yield InputRow(number, {}, "empty row")
                continue
            cols: dict[str, Any] = dict(zip(header, record, strict=False))
            if len(record) > len(header):
                cols["_extra"] = record[len(header) :]
            bad = [k for k, v in cols.items() if isinstance(v, str) and has_surrogates(v)]
            if bad:
                clean = {
                    k: v.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                    if isinstance(v, str)
                    else v
                    for k, v in cols.items()
                }
                yield InputRow(number, clean, f"undecodable bytes (not UTF-8) in {bad[0]!r}")
            else:
                yield InputRow(number, cols)


def jsonl_row(number: int, line: bytes) -> InputRow:
    """Row ``number`` of a JSONL file from its line (the local and the Spark engine's reader)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return InputRow(
            number,
            {"_raw": line.decode("utf-8", "replace").rstrip()},
            "undecodable bytes (not UTF-8)",
        )
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return InputRow(number, {"_raw": text.rstrip()[:200]}, f"invalid JSON: {exc}")
    if not isinstance(obj, dict):
        return InputRow(number, {"_raw": text.rstrip()[:200]}, "not a JSON object")
    return InputRow(number, obj)


def _iter_jsonl(path: Path) -> Iterator[InputRow]:
    with _open_binary(path) as raw:
        number = 0
        for line in raw:
            if not line.strip():
                continue
            number += 1
            yield jsonl_row(number, line)


def _iter_parquet(path: Path, batch_size: int) -> Iterator[InputRow]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    number = 0
    for batch in pf.iter_batches(batch_size=batch_size):
        for rec in batch.to_pylist():
            number += 1
            yield InputRow(number, {k: json_safe(v) for k, v in rec.items()})


def json_safe(value: Any) -> Any:
    """A column value as JSON output holds it (bytes as text, dates and times ISO)."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("utf-8", "replace")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def iter_rows(
    path: str | Path, fmt: str | None = None, *, batch_size: int = 10_000
) -> Iterator[InputRow]:
    """Every row of ``path`` in input order, streamed."""
    p = Path(path)
    if not p.exists():
        raise InvalidInput(f"{p}: no such file")
    kind = detect_format(p, fmt)
    if kind == "csv":
        return _iter_csv(p)
    if kind == "jsonl":
        return _iter_jsonl(p)
    return _iter_parquet(p, batch_size)


def count_rows(path: str | Path, fmt: str | None = None) -> int | None:
    """A fast row count for the progress bar (exact for Parquet and JSONL, lines for CSV)."""
    p = Path(path)
    kind = detect_format(p, fmt)
    if kind == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(p).metadata.num_rows)
    n = 0
    with _open_binary(p) as raw:
        while block := raw.read(1 << 20):
            n += block.count(b"\n")
    return max(n - 1, 0) if kind == "csv" else n


def chunked(rows: Iterator[InputRow], size: int) -> Iterator[list[InputRow]]:
    chunk: list[InputRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---------------------------------------------------------------------------
# Output


def dump_jsonl(obj: Mapping[str, Any]) -> bytes:
    return orjson.dumps(obj, default=str, option=orjson.OPT_APPEND_NEWLINE)


RESULT_CSV_COLUMNS = (
    "screen_row",
    "screen_hit_count",
    "screen_top_score",
    "screen_top_entity_id",
    "screen_top_name",
    "screen_top_matched_name",
    "screen_top_lists",
    "screen_top_programs",
    "screen_warnings",
)


def flatten_result(row_number: int, result: Mapping[str, Any]) -> dict[str, Any]:
    """The CSV columns of one ScreenResult.to_dict(): the top hit and the hit count."""
    hits = result.get("hits") or []
    top = hits[0] if hits else None
    out: dict[str, Any] = {
        "screen_row": row_number,
        "screen_hit_count": len(hits),
        "screen_top_score": "",
        "screen_top_entity_id": "",
        "screen_top_name": "",
        "screen_top_matched_name": "",
        "screen_top_lists": "",
        "screen_top_programs": "",
        "screen_warnings": "; ".join(result.get("warnings") or []),
    }
    if top is not None:
        listings = top.get("listings") or []
        out.update(
            screen_top_score=top.get("score", ""),
            screen_top_entity_id=top.get("entity_id", ""),
            screen_top_name=top.get("name", ""),
            screen_top_matched_name=top.get("matched_name", ""),
            screen_top_lists=";".join(sorted({str(x.get("list")) for x in listings})),
            screen_top_programs=";".join(
                sorted({str(p) for x in listings for p in x.get("programs") or []})
            ),
        )
    return out


def csv_cell(value: Any) -> str:
    """A neutralised CSV cell (no spreadsheet formulas); lists and dicts as JSON."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return safe_cell(value)


def csv_line(values: Sequence[Any]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([csv_cell(v) for v in values])
    return buf.getvalue().encode("utf-8")


REJECT_COLUMNS = ("row", "reason", "name", "record")


def reject_line(row: InputRow, reason: str, name_column: str) -> bytes:
    name = row.columns.get(name_column)
    shown = csv_cell(name)[:200] if name is not None else ""
    record = json.dumps(row.columns, ensure_ascii=False, default=str)
    if len(record) > 2000:
        record = record[:2000] + "...(truncated)"
    return csv_line([row.number, reason, shown, record])


class AppendFile:
    """An output file opened for appending, truncated back to ``offset`` first (resume)."""

    def __init__(self, path: Path, offset: int | None, header: bytes | None = None) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh: IO[bytes]
        if offset is None or not path.exists():
            self.fh = open(path, "wb")  # noqa: SIM115 - closed in close()
            if header:
                self.fh.write(header)
        else:
            self.fh = open(path, "r+b")  # noqa: SIM115
            self.fh.truncate(offset)
            self.fh.seek(offset)

    def write(self, data: bytes) -> None:
        self.fh.write(data)

    def commit(self) -> int:
        """Flush to disk; the size written so far."""
        self.fh.flush()
        os.fsync(self.fh.fileno())
        return self.fh.tell()

    def close(self) -> None:
        self.fh.close()


class PartsWriter:
    """A directory of part files, one per committed chunk (``part-00000.jsonl`` ...).

    Same interface as :class:`AppendFile`; ``commit`` returns the number of parts written, which
    the checkpoint keeps: on resume, parts beyond it (written after the last checkpoint) go."""

    def __init__(
        self, directory: Path, ext: str, offset: int | None, header: bytes | None = None
    ) -> None:
        self.dir, self.ext, self.header = directory, ext, header
        directory.mkdir(parents=True, exist_ok=True)
        self.seq = offset or 0
        for old in directory.glob(f"part-*.{ext}"):
            try:
                n = int(old.name.split("-")[1].split(".")[0])
            except (IndexError, ValueError):
                continue
            if n >= self.seq:
                old.unlink()
        self.buf: list[bytes] = []

    def write(self, data: bytes) -> None:
        if data:
            self.buf.append(data)

    def commit(self) -> int:
        if self.buf:
            path = self.dir / f"part-{self.seq:05d}.{self.ext}"
            with open(path, "wb") as fh:
                if self.header:
                    fh.write(self.header)
                fh.write(b"".join(self.buf))
                fh.flush()
                os.fsync(fh.fileno())
            self.seq += 1
            self.buf = []
        return self.seq

    def close(self) -> None:
        self.buf = []


@dataclass
class Checkpoint:
    """How far a batch run got: rows completed and the byte size of each output at that point."""

    input: str
    input_size: int
    input_mtime_ns: int
    output: str
    rows_done: int = 0
    output_bytes: int = 0
    rejects_bytes: int = 0
    screened: int = 0
    rejected: int = 0
    hits_rows: int = 0
    complete: bool = False

    @staticmethod
    def path_for(output: Path) -> Path:
        return output.with_name(output.name + ".checkpoint.json")

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None

    def matches(self, input_path: Path, output: Path) -> bool:
        st = input_path.stat()
        return (
            self.input == str(input_path.resolve())
            and self.input_size == st.st_size
            and self.input_mtime_ns == st.st_mtime_ns
            and self.output == str(output.resolve())
        )


__all__ = [
    "FORMATS",
    "REJECT_COLUMNS",
    "RESULT_CSV_COLUMNS",
    "AppendFile",
    "Checkpoint",
    "InputRow",
    "PartsWriter",
    "chunked",
    "count_rows",
    "csv_line",
    "detect_format",
    "dump_jsonl",
    "flatten_result",
    "iter_rows",
    "json_safe",
    "jsonl_row",
    "reject_line",
]
