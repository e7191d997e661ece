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
import zlib
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
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
    line: int | None = None  # the physical line it starts on (CSV, JSONL; the header is line 1)


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


MAX_ROW_CHARS = 131_072
"""The longest row a CSV or JSONL input may have (one record, every field, in characters). A
longer row is rejected with its line number, without being held in memory, and reading goes on
at the next line."""

MAX_ROW_LINES = 50
"""The most physical lines one CSV record may span (a quoted value with line breaks, such as an
address). A quote still open after that many lines, or at the end of the file, is an
unterminated quote: its line is rejected and reading starts again on the next line."""

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def sniff_encoding(head: bytes, where: str) -> tuple[str, str]:
    """(codec, name) of a text input from its first bytes: a byte-order mark (UTF-8, UTF-16,
    UTF-32) or else UTF-8. A file that is mostly NUL bytes without a byte-order mark (UTF-16 or
    UTF-32 without one) cannot be split into lines reliably: it is refused up front with
    :class:`InvalidInput`, never read as garbage."""
    for bom, codec, name in _BOMS:
        if head.startswith(bom):
            return codec, name
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):
        order = "big-endian" if sample[0::2].count(0) > sample[1::2].count(0) else "little-endian"
        raise InvalidInput(
            f"{where}: line 1: the file looks like UTF-16 ({order}) without a byte-order mark;"
            " save it as UTF-8, or as UTF-16 with a byte-order mark"
        )
    return "utf-8", "UTF-8"


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # physical line number in the file, from 1
    text: str
    too_long: bool = False


def _physical_lines(text: IO[str], max_chars: int) -> Iterator[_Line]:
    """The lines of ``text`` with their numbers; a line over ``max_chars`` is skipped to its end
    (never held whole) and yielded empty with ``too_long``."""
    number = 0
    ends = ("\n", "\r")
    while line := text.readline(max_chars + 1):
        number += 1
        if len(line) > max_chars and not line.endswith(ends):
            while (more := text.readline(max_chars)) and not more.endswith(ends):
                pass
            yield _Line(number, "", too_long=True)
        else:
            yield _Line(number, line)


@contextmanager
def _text(path: Path) -> Iterator[tuple[IO[str], str]]:
    """``path`` as text in its sniffed encoding, undecodable bytes kept as lone surrogates (so
    the row holding them is rejected, not the file); the encoding's name for messages. A read
    error part-way (a truncated gzip stream) is :class:`InvalidInput` naming the file."""
    with _open_binary(path) as raw:
        try:
            head = raw.peek(4096) if hasattr(raw, "peek") else b""
        except (OSError, EOFError, zlib.error) as exc:
            raise InvalidInput(f"{path}: cannot read the file: {exc}") from None
        codec, name = sniff_encoding(head, str(path))
        yield io.TextIOWrapper(raw, encoding=codec, errors="surrogateescape", newline=""), name


_READ_ERRORS = (OSError, EOFError, zlib.error)


def _guarded(lines: Iterator[_Line], path: Path) -> Iterator[_Line]:
    """Stop with the line number when the file itself cannot be read further (a corrupt or
    truncated gzip stream): continuing is impossible, so say where and fail."""
    last = 0
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except _READ_ERRORS as exc:
            raise InvalidInput(
                f"{path}: line {last + 1}: cannot read the file further: {exc}"
            ) from None
        last = line.number
        yield line


def _csv_records(
    lines: Iterator[_Line], delimiter: str
) -> Iterator[tuple[int, list[str] | None, str | None, str]]:
    """(first line number, fields or None, problem, the first line as read) for each record,
    the header first.

    Each record is parsed on its own from a small look-ahead buffer, so a malformed one is
    rejected alone: an unterminated quote rejects its line and parsing restarts on the next
    line (it never swallows the rest of the file); a record with more fields than the header
    is rejected; a multi-line record must have exactly the header's fields, or it is taken as
    an unterminated quote."""
    buf: deque[_Line] = deque()
    expect: int | None = None

    def fill(k: int) -> bool:
        while len(buf) < k:
            nxt = next(lines, None)
            if nxt is None:
                return False
            buf.append(nxt)
        return True

    while buf or fill(1):
        first = buf[0]
        if first.too_long:
            buf.popleft()
            yield first.number, None, f"row longer than {MAX_ROW_CHARS:,} characters", ""
            continue
        if '"' not in first.text:  # the common case: no quoting, so a plain split is exact
            buf.popleft()
            body = _strip_line_end(first.text)
            fields = body.split(delimiter) if body else []
            if expect is not None and len(fields) > expect:
                many = f"too many fields ({len(fields)}; the header has {expect})"
                yield first.number, None, many, first.text
                continue
            if expect is None:
                expect = len(fields)
            yield first.number, fields, None, first.text
            continue
        used = size = 0
        over = False

        def feed() -> Iterator[str]:
            nonlocal used, size, over
            while used < MAX_ROW_LINES and (used < len(buf) or fill(used + 1)):
                line = buf[used]
                size += len(line.text)
                if line.too_long or size > MAX_ROW_CHARS:
                    over = True
                    return
                used += 1
                yield line.text

        problem: str | None = None
        record: list[str] | None = None
        try:
            record = next(csv.reader(feed(), delimiter=delimiter, strict=True), [])
        except csv.Error as exc:
            if used > 1 or over or "unexpected end of data" in str(exc):
                problem = _unterminated(over)
            else:
                problem = f"malformed CSV: {exc}"
        else:
            if over and used == 0:
                problem = f"row longer than {MAX_ROW_CHARS:,} characters"
            elif expect is not None and used > 1 and len(record) != expect:
                problem = _unterminated(False)
            elif expect is not None and len(record) > expect:
                problem = f"too many fields ({len(record)}; the header has {expect})"
        if problem is not None:
            buf.popleft()  # reject this line alone; the next line starts a new record
            yield first.number, None, problem, first.text
            continue
        for _ in range(max(used, 1)):
            buf.popleft()
        if expect is None:
            expect = len(record or [])
        yield first.number, record, None, first.text


def _strip_line_end(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith(("\n", "\r")):
        return text[:-1]
    return text


def _unterminated(over: bool) -> str:
    limit = f"{MAX_ROW_CHARS:,} characters" if over else f"{MAX_ROW_LINES} lines"
    return (
        f"unterminated quote (no closing quote within {limit} or before the end of the file, "
        "or a quoted value over several lines that leaves the wrong number of fields)"
    )


def _delimiter(path: Path) -> str:
    return "\t" if str(path).lower().removesuffix(".gz").endswith(".tsv") else ","


def _iter_csv(path: Path) -> Iterator[InputRow]:
    delimiter = _delimiter(path)
    with _text(path) as (text, encoding):
        records = _csv_records(_guarded(_physical_lines(text, MAX_ROW_CHARS), path), delimiter)
        first = next(records, None)
        if first is None:
            return
        line_no, header_fields, problem, _ = first
        if header_fields is None:
            raise InvalidInput(f"{path}: line {line_no}: cannot read the header row: {problem}")
        header = [h.strip() for h in header_fields]
        for number, (line_no, record, problem, raw) in enumerate(records, start=1):
            if record is None:  # the line as read, for the rejects file
                yield InputRow(number, {"_raw": _replace_undecodable(raw)[:200]}, problem, line_no)
                continue
            if not record:  # a blank line
                yield InputRow(number, {}, "empty row", line_no)
                continue
            cols: dict[str, Any] = dict(zip(header, record, strict=False))
            bad = [k for k, v in cols.items() if isinstance(v, str) and has_surrogates(v)]
            if bad:
                clean = {k: _replace_undecodable(v) for k, v in cols.items()}
                yield InputRow(
                    number, clean, f"undecodable bytes (not {encoding}) in {bad[0]!r}", line_no
                )
            else:
                yield InputRow(number, cols, None, line_no)


def _replace_undecodable(value: Any) -> Any:
    if isinstance(value, str) and has_surrogates(value):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value


def jsonl_text_row(
    number: int, text: str, line: int | None = None, encoding: str = "UTF-8"
) -> InputRow:
    """Row ``number`` of a JSONL file from its decoded text (``line``: where it was read)."""
    if has_surrogates(text):
        return InputRow(
            number,
            {"_raw": _replace_undecodable(text).rstrip()[:200]},
            f"undecodable bytes (not {encoding})",
            line,
        )
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return InputRow(number, {"_raw": text.rstrip()[:200]}, f"invalid JSON: {exc}", line)
    if not isinstance(obj, dict):
        return InputRow(number, {"_raw": text.rstrip()[:200]}, "not a JSON object", line)
    return InputRow(number, obj, None, line)


def jsonl_row(number: int, line: bytes) -> InputRow:
    """Row ``number`` of a JSONL file from its raw line (the Spark engine's reader; the local
    one decodes the file as a stream and calls :func:`jsonl_text_row`)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return InputRow(
            number,
            {"_raw": line.decode("utf-8", "replace").rstrip()[:200]},
            "undecodable bytes (not UTF-8)",
        )
    return jsonl_text_row(number, text)


def _iter_jsonl(path: Path) -> Iterator[InputRow]:
    with _text(path) as (text, encoding):
        number = 0
        for line in _guarded(_physical_lines(text, MAX_ROW_CHARS), path):
            if line.too_long:
                number += 1
                yield InputRow(
                    number, {}, f"row longer than {MAX_ROW_CHARS:,} characters", line.number
                )
                continue
            if not line.text.strip():
                continue
            number += 1
            yield jsonl_text_row(number, line.text, line.number, encoding)


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


def input_columns(path: Path, fmt: str) -> tuple[str, ...]:
    """The columns of an input: the CSV header, the Parquet schema, the keys of the first JSONL
    object that reads (``()`` when there is none)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return tuple(pq.ParquetFile(path).schema_arrow.names)
    if fmt == "csv":
        with _text(path) as (text, _):
            lines = _physical_lines(text, MAX_ROW_CHARS)
            first = next(_csv_records(lines, _delimiter(path)), None)
        if first is None or first[1] is None:
            return ()
        return tuple(h.strip() for h in first[1])
    for row in iter_rows(path, fmt):
        if row.error is None:
            return tuple(row.columns)
    return ()


def check_columns(
    path: Path, fmt: str, name_column: str, country_column: str | None
) -> tuple[str, ...]:
    """The input's columns, once ``name_column`` and (unless it is the default ``country``,
    which is optional) ``country_column`` are known to be among them: a column that does not
    exist is one up-front :class:`InvalidInput`, not a reject on every row."""
    columns = input_columns(path, fmt)
    if not columns:
        raise InvalidInput(f"{path}: no header row or first record: nothing to screen")
    shown = ", ".join(repr(c) for c in columns[:20]) + (", ..." if len(columns) > 20 else "")
    if name_column not in columns:
        raise InvalidInput(f"--name-column {name_column!r} is not a column of {path} ({shown})")
    if country_column and country_column != "country" and country_column not in columns:
        raise InvalidInput(
            f"--country-column {country_column!r} is not a column of {path} ({shown})"
        )
    return columns


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


_HIT_FIELDS = (
    "score",
    "entity_id",
    "name",
    "matched_name",
    "lists",
    "list_names",
    "programs",
    "federal_register",
    "start_date",
    "explanation",
)

RESULT_CSV_COLUMNS = (
    "screen_row",
    "screen_hit_count",
    *(f"screen_top_{f}" for f in _HIT_FIELDS),
    "screen_warnings",
)
"""CSV output, one row per input (``csv_rows="input"``): the hit count and the top hit."""

HIT_CSV_COLUMNS = (
    "screen_row",
    "screen_hit_count",
    "screen_hit_rank",
    *(f"screen_{f}" for f in _HIT_FIELDS),
    "screen_warnings",
)
"""CSV output, one row per hit (``csv_rows="hit"``); an input with no hit has one row, rank 0."""

CSV_ROWS = ("input", "hit")
EXPLANATION_CHARS = 300  # the explanation column: one line, cut with an ellipsis beyond this


def _joined(values: Sequence[Any], sep: str = "; ") -> str:
    return sep.join(dict.fromkeys(str(v) for v in values if v not in (None, "")))


def hit_fields(hit: Mapping[str, Any] | None) -> list[Any]:
    """The CSV cells of one hit of ``ScreenResult.to_dict()`` in ``_HIT_FIELDS`` order: score,
    entity, names, lists (codes and names), programmes, Federal Register citations, start dates
    and the one-line explanation (``match.render.to_text``). Empty cells for no hit."""
    if hit is None:
        return [""] * len(_HIT_FIELDS)
    from tradescreen.match.render import from_json, to_text

    listings = hit.get("listings") or []
    expl = hit.get("explanation")
    return [
        hit.get("score", ""),
        hit.get("entity_id", ""),
        hit.get("name", ""),
        hit.get("matched_name", ""),
        ";".join(sorted({str(x.get("list")) for x in listings})),
        _joined([x.get("list_name") for x in listings]),
        ";".join(sorted({str(p) for x in listings for p in x.get("programs") or []})),
        _joined([c for x in listings for c in x.get("federal_register") or []]),
        _joined(sorted({x["start_date"] for x in listings if x.get("start_date")}), ";"),
        to_text(from_json(expl), EXPLANATION_CHARS) if isinstance(expl, dict) else "",
    ]


def flatten_result(row_number: int, result: Mapping[str, Any]) -> dict[str, Any]:
    """The CSV columns of one ScreenResult.to_dict(), one row per input: the top hit."""
    hits = result.get("hits") or []
    cells = [row_number, len(hits), *hit_fields(hits[0] if hits else None)]
    cells.append("; ".join(result.get("warnings") or []))
    return dict(zip(RESULT_CSV_COLUMNS, cells, strict=True))


def hit_rows(row_number: int, result: Mapping[str, Any]) -> list[list[Any]]:
    """The CSV rows of one ScreenResult.to_dict(), one per hit (``HIT_CSV_COLUMNS``), best
    first; one row with rank 0 and empty hit cells when there is no hit."""
    hits = result.get("hits") or [None]
    warnings = "; ".join(result.get("warnings") or [])
    n = len(result.get("hits") or [])
    return [
        [row_number, n, rank if hit else 0, *hit_fields(hit), warnings]
        for rank, hit in enumerate(hits, start=1)
    ]


UTF8_BOM = "\ufeff".encode()


def csv_header(columns: Sequence[str], *, bom: bool) -> bytes:
    """The header line of a CSV output, after a UTF-8 byte-order mark with ``bom`` (so that
    Excel reads the file as UTF-8, not in the machine's code page)."""
    return (UTF8_BOM if bom else b"") + csv_line(columns)


def csv_cell(value: Any) -> str:
    """A neutralised CSV cell (no spreadsheet formulas); lists and dicts as JSON."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return safe_cell(value)


def csv_line(values: Sequence[Any]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([csv_cell(v) for v in values])
    return buf.getvalue().encode("utf-8")


REJECT_COLUMNS = ("row", "line", "reason", "name", "record")


def reject_line(row: InputRow, reason: str, name_column: str) -> bytes:
    """One rejects-file row: the row number, the line it starts on (CSV and JSONL), why."""
    name = row.columns.get(name_column)
    shown = csv_cell(name)[:200] if name is not None else ""
    record = json.dumps(row.columns, ensure_ascii=False, default=str)
    if len(record) > 2000:
        record = record[:2000] + "...(truncated)"
    return csv_line([row.number, "" if row.line is None else row.line, reason, shown, record])


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
    "CSV_ROWS",
    "FORMATS",
    "HIT_CSV_COLUMNS",
    "MAX_ROW_CHARS",
    "MAX_ROW_LINES",
    "REJECT_COLUMNS",
    "RESULT_CSV_COLUMNS",
    "UTF8_BOM",
    "AppendFile",
    "Checkpoint",
    "InputRow",
    "PartsWriter",
    "check_columns",
    "chunked",
    "count_rows",
    "csv_header",
    "csv_line",
    "detect_format",
    "dump_jsonl",
    "flatten_result",
    "hit_fields",
    "hit_rows",
    "input_columns",
    "iter_rows",
    "json_safe",
    "jsonl_row",
    "reject_line",
    "sniff_encoding",
]
