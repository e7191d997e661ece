"""The manifest of a batch run: what every row was screened against, written once per run.

The list versions, the as-of date, the replay time, the threshold and the settings that shape a
result are the same for every row of a run, so they are not repeated on each output row (they
were 73 % of a JSONL line). They go in one JSON file beside the output (``OUTPUT.manifest.json``,
or ``_manifest.json`` in an ``--output-dir``) with the code fingerprint, the input file and the
run's counts; it is rewritten (atomically) when the run ends, with ``complete`` set.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tradescreen.model import ListVersion
from tradescreen.results import version_to_json
from tradescreen.settings import Settings

MANIFEST_KIND = "tradescreen.batch.manifest"
MANIFEST_VERSION = 1

# The settings that change a result (never a database URL or a secret).
RESULT_SETTINGS = ("max_hits", "stale_after_days", "stale_policy", "required_lists", "timezone")


def manifest_path(output: Path, output_dir: Path | None = None) -> Path:
    """``OUTPUT.manifest.json`` beside a single output file, ``DIR/_manifest.json`` for parts."""
    if output_dir is not None:
        return output_dir / "_manifest.json"
    return output.with_name(output.name + ".manifest.json")


@functools.cache
def package_fingerprint() -> str:
    """A digest of every Python module and data file of the installed tradescreen package (read
    through ``importlib.resources``, so the same from a wheel or a source tree): two runs with
    the same fingerprint ran the same code."""
    from importlib import resources
    from importlib.resources.abc import Traversable

    h = hashlib.sha256()

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    walk(child, name + "/")
            elif not child.name.endswith((".pyc", ".so", ".pyd")):
                h.update(name.encode())
                h.update(child.read_bytes())

    walk(resources.files("tradescreen"), "")
    return h.hexdigest()[:16]


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def build_manifest(
    *,
    input_path: Path,
    input_format: str,
    input_columns: Sequence[str],
    output: Path,
    output_format: str,
    rejects: Path,
    csv_rows: str | None,
    bom: bool,
    name_column: str,
    country_column: str | None,
    as_of: date,
    known_at: datetime | None,
    threshold: float | None,
    settings: Settings,
    versions: Sequence[ListVersion] | None,
    warnings: Sequence[str],
    match_config: Any,
    started_at: datetime,
) -> dict[str, Any]:
    from tradescreen import __version__
    from tradescreen.screening.index_cache import code_fingerprint

    st = input_path.stat()
    return {
        "kind": MANIFEST_KIND,
        "manifest_version": MANIFEST_VERSION,
        "engine_version": __version__,
        "code_fingerprint": {"package": package_fingerprint(), "index": code_fingerprint()},
        "input": {
            "path": str(input_path.resolve()),
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "format": input_format,
            "columns": list(input_columns),
        },
        "output": {
            "path": str(output.resolve()),
            "format": output_format,
            "csv_rows": csv_rows,
            "bom": bom,
            "rejects": str(rejects.resolve()),
        },
        "name_column": name_column,
        "country_column": country_column,
        "as_of": as_of.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        "threshold": threshold,
        "match_config": _plain(match_config) if match_config is not None else None,
        "settings": {k: _plain(getattr(settings, k)) for k in RESULT_SETTINGS},
        # None: a screener that does not say which versions it holds (a test stand-in)
        "list_versions": None if versions is None else [version_to_json(v) for v in versions],
        "warnings": list(warnings),
        "started_at": started_at.isoformat(),
        "finished_at": None,
        "complete": False,
        "counts": None,
    }


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write ``manifest`` atomically (a temporary file, fsynced, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("kind") == MANIFEST_KIND else None


def version_ids(manifest: Mapping[str, Any] | None) -> list[int] | None:
    """The list version ids a manifest pins (None when it does not say)."""
    if manifest is None or manifest.get("list_versions") is None:
        return None
    return [int(v["id"]) for v in manifest["list_versions"] if v.get("id") is not None]


__all__ = [
    "MANIFEST_KIND",
    "build_manifest",
    "manifest_path",
    "package_fingerprint",
    "read_manifest",
    "version_ids",
    "write_manifest",
]
