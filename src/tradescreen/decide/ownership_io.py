"""Read ownership edges from CSV, JSON or FollowTheMoney ``Ownership`` entities.

- CSV: header ``owner,owned,percentage[,as_of][,source]`` (``asset`` is accepted for ``owned``).
- JSON: a list of edge objects, or ``{"edges": [...]}``; with ``"parties": [{"id", "name"}]``
  edges may refer to parties by id (``owner_id``/``owned_id``).
- FollowTheMoney: JSON lines (or a JSON list) of entities; ``Ownership`` entities refer to other
  entities in the same file by id (``owner``, ``asset``, ``percentage``, ``startDate``/``date``).

Any error raises InvalidInput naming the file, the row and the field; nothing is returned half.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from tradescreen.decide.ownership import OwnershipEdge, parse_percentage
from tradescreen.errors import InvalidInput


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    text = str(value).strip()[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{where}.as_of: {value!r} is not a YYYY-MM-DD date") from None


def _edge(owner: Any, owned: Any, pct: Any, as_of: Any, source: Any, where: str) -> OwnershipEdge:
    if not owner or not str(owner).strip():
        raise InvalidInput(f"{where}.owner: missing")
    if not owned or not str(owned).strip():
        raise InvalidInput(f"{where}.owned: missing")
    try:
        return OwnershipEdge(
            str(owner).strip(),
            str(owned).strip(),
            parse_percentage(pct, where=f"{where}.percentage"),
            _date(as_of, where),
            str(source).strip() if source else None,
        )
    except InvalidInput as exc:
        if exc.message.startswith(where):
            raise
        raise InvalidInput(f"{where}.{exc.message}") from None


def read_csv_text(text: str, name: str = "ownership.csv") -> list[OwnershipEdge]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower() for f in reader.fieldnames or []}
    if "owner" not in fields or not ({"owned", "asset"} & fields):
        raise InvalidInput(f"{name}: header must name owner, owned and percentage columns")
    out = []
    for i, raw in enumerate(reader, start=2):
        if None in raw:
            raise InvalidInput(
                f"{name}:{i}: more fields than the header (quote names that contain commas)"
            )
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        out.append(
            _edge(
                row.get("owner"),
                row.get("owned") or row.get("asset"),
                row.get("percentage"),
                row.get("as_of"),
                row.get("source"),
                f"{name}:{i}",
            )
        )
    return out


def _ftm_value(props: dict[str, Any], key: str) -> Any:
    values = props.get(key) or []
    if isinstance(values, list):
        return values[0] if values else None
    return values


def read_ftm(entities: list[dict[str, Any]], name: str) -> list[OwnershipEdge]:
    names: dict[str, str] = {}
    for ent in entities:
        if ent.get("schema") != "Ownership" and ent.get("id"):
            props = ent.get("properties", {})
            label = _ftm_value(props, "name") or ent.get("caption")
            if label:
                names[str(ent["id"])] = str(label)
    out = []
    for i, ent in enumerate(entities, start=1):
        if ent.get("schema") != "Ownership":
            continue
        props = ent.get("properties", {})
        where = f"{name}:{i}"
        refs = {}
        for prop, fld in (("owner", "owner"), ("asset", "owned")):
            ref = _ftm_value(props, prop)
            if ref is None:
                raise InvalidInput(f"{where}.{fld}: missing")
            if isinstance(ref, dict):  # nested entity
                ref = ref.get("id")
            if str(ref) not in names:
                raise InvalidInput(f"{where}.{fld}: unknown reference {ref!r}")
            refs[fld] = names[str(ref)]
        out.append(
            _edge(
                refs["owner"],
                refs["owned"],
                _ftm_value(props, "percentage"),
                _ftm_value(props, "startDate") or _ftm_value(props, "date"),
                _ftm_value(props, "sourceUrl") or ent.get("id"),
                where,
            )
        )
    return out


def read_json_value(data: Any, name: str) -> list[OwnershipEdge]:
    if isinstance(data, list) and data and isinstance(data[0], dict) and "schema" in data[0]:
        return read_ftm(data, name)
    parties: dict[str, str] = {}
    if isinstance(data, dict):
        for p in data.get("parties", []) or []:
            if p.get("id") and p.get("name"):
                parties[str(p["id"])] = str(p["name"])
        data = data.get("edges")
    if not isinstance(data, list):
        raise InvalidInput(f"{name}: expected a list of edges or {{'edges': [...]}}")
    out = []
    for i, row in enumerate(data, start=1):
        where = f"{name}:edges[{i - 1}]"
        if not isinstance(row, dict):
            raise InvalidInput(f"{where}: not an object")
        names: dict[str, Any] = {}
        for fld in ("owner", "owned"):
            ref = row.get(f"{fld}_id")
            if ref is not None:
                if str(ref) not in parties:
                    raise InvalidInput(f"{where}.{fld}_id: unknown reference {ref!r}")
                names[fld] = parties[str(ref)]
            else:
                names[fld] = row.get(fld) or (row.get("asset") if fld == "owned" else None)
        out.append(
            _edge(
                names["owner"],
                names["owned"],
                row.get("percentage"),
                row.get("as_of"),
                row.get("source"),
                where,
            )
        )
    return out


def read_ownership_file(path: Path | str) -> list[OwnershipEdge]:
    p = Path(path)
    try:
        text = p.read_text("utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"file: cannot read {p}: {exc.strerror}") from None
    name = p.name
    stripped = text.lstrip()
    if p.suffix.lower() == ".csv" or not stripped.startswith(("{", "[")):
        return read_csv_text(text, name)
    try:
        return read_json_value(json.loads(text), name)
    except json.JSONDecodeError:
        pass
    entities = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entities.append(json.loads(line))
        except json.JSONDecodeError:
            raise InvalidInput(f"{name}:{i}: not JSON") from None
    return read_ftm(entities, name)


__all__ = ["read_csv_text", "read_ftm", "read_json_value", "read_ownership_file"]
