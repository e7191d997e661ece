"""Reading back what the Spark engine's executors wrote (tests only: the engine never does)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tradescreen.batch.io import REJECT_COLUMNS, csv_line
from tradescreen.batch.spark import MANIFEST


def parts(directory: Path, kind: str) -> list[Path]:
    return sorted((directory / f"kind={kind}").glob("part-*"))


def text_output(directory: Path) -> tuple[bytes, bytes]:
    """The result lines and the rejects file (with the local engine's header), part files in
    name (= partition) order."""
    results = b"".join(p.read_bytes() for p in parts(directory, "result"))
    rejects = b"".join(p.read_bytes() for p in parts(directory, "reject"))
    return results, csv_line(REJECT_COLUMNS) + rejects


def without_lines(rejects: bytes) -> list[list[str]]:
    """Reject rows without their ``line`` column: the local reader knows the physical line of
    each row, Spark's readers do not (the row number, its position, is the same in both)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(rejects.decode("utf-8-sig"))))
    if not rows or "line" not in rows[0]:
        return rows
    i = rows[0].index("line")
    return [r[:i] + r[i + 1 :] for r in rows]


def manifest(directory: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    return data
