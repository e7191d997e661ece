"""yente's response shapes (``yente/data/common.py``) from tradescreen's entities and hits.

- :func:`entity_response`: an ``EntityResponse`` (id, caption, schema, properties, datasets,
  referents, target, first_seen, last_seen, last_change), optionally with its adjacent entities
  nested as yente nests them: the Address entities under ``addressEntity``, the Sanction entities
  under ``sanctions`` and the Identification entities under ``identification`` (the reverse
  properties of ``Sanction.entity`` and ``Identification.holder``; the latter only where the
  schema has that link: a Vessel's IMO number is its ``imoNumber``), each without its back
  reference to the parent, which a client restores (nomenklatura's ``_traverse_nested`` does).
- :func:`hit_evidence`: the one seam from a screening hit to yente's ``features`` (numbers) and
  ``explanations`` (``{feature: {score, detail, query, candidate}}``, yente ≥ 5.2.1).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from tradescreen.model import Entity
from tradescreen.results import Hit
from tradescreen.services.explain import yente_explanations, yente_features
from tradescreen.services.ftm import EXTENSION_KEY, Seen, ftm_records

# reverse property (on the parent) of the back reference each adjacent schema carries
NESTED_UNDER = {"Sanction": ("sanctions", "entity"), "Identification": ("identification", "holder")}


@lru_cache(maxsize=64)
def schema_props(schema: str) -> frozenset[str]:
    from followthemoney import model

    found = model.get(schema)
    return frozenset(found.properties) if found is not None else frozenset()


@lru_cache(maxsize=64)
def _caption_props(schema: str) -> tuple[tuple[str, ...], str]:
    from followthemoney import model

    found = model.get(schema)
    if found is None:
        return (), schema
    return tuple(found.caption), str(found.label)


def caption(schema: str, properties: dict[str, list[Any]]) -> str:
    """The first value of the schema's caption properties (FtM's rule), else its label."""
    props, label = _caption_props(schema)
    for prop in props:
        for value in properties.get(prop, []):
            if isinstance(value, str) and value:
                return value
    return label


def _iso(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() if value is not None else None


def _response(record: dict[str, Any], seen: Seen | None, target: bool) -> dict[str, Any]:
    props = record["properties"]
    return {
        "id": record["id"],
        "caption": caption(record["schema"], props),
        "schema": record["schema"],
        "properties": props,
        "datasets": list(record.get("datasets", [])),
        "referents": [],
        "target": target,
        "first_seen": _iso(seen.first_seen) if seen else None,
        "last_seen": _iso(seen.last_seen) if seen else None,
        "last_change": _iso(seen.last_change) if seen else None,
    }


def entity_response(entity: Entity, seen: Seen, *, nested: bool) -> dict[str, Any]:
    """``entity`` in yente's ``EntityResponse`` shape, its adjacent entities nested or not."""
    records = ftm_records(entity, schema_props)
    main = dict(records[0])
    main.pop(EXTENSION_KEY, None)
    main["properties"] = {k: list(v) for k, v in main["properties"].items()}
    out = _response(main, seen, target=True)
    if not nested:
        return out
    props: dict[str, list[Any]] = out["properties"]
    by_id = {r["id"]: r for r in records[1:]}
    if "addressEntity" in props:
        props["addressEntity"] = [
            _response(by_id[a], seen, target=False) if a in by_id else a
            for a in props["addressEntity"]
        ]
    for record in records[1:]:
        under = NESTED_UNDER.get(record["schema"])
        if under is None:
            continue
        reverse, back = under
        if reverse not in schema_props(main["schema"]):
            continue  # FtM has no such link for this schema (Identification of a Vessel)
        child = dict(record)
        child["properties"] = {k: v for k, v in record["properties"].items() if k != back}
        props.setdefault(reverse, []).append(_response(child, seen, target=False))
    return out


def hit_evidence(hit: Hit) -> tuple[dict[str, float], dict[str, Any]]:
    """The ``features`` and ``explanations`` of one hit (yente >= 5.2.1: every feature with its
    score, detail and the query's and the candidate's words), rendered from the typed
    explanation ``compare`` gives by :mod:`tradescreen.match.render`, the one yente renderer."""
    return yente_features(hit.explanation), yente_explanations(hit.explanation)


__all__ = ["caption", "entity_response", "hit_evidence", "schema_props"]
