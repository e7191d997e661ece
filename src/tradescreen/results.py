"""The screening result shape shared by the library, CLI (``--json``), API and batch output.

JSON (documented in docs/json.md)::

    {"query": ..., "as_of": "YYYY-MM-DD", "known_at": ..., "list_versions": [...],
     "warnings": [...],
     "hits": [{"entity_id", "name", "matched_name", "score", "kind", "countries",
               "listings": [{"list", "source", "list_name", "programs", "federal_register",
                             "start_date", "end_date", "license_requirement", "license_policy",
                             "source_url"}],
               "explanation": {...}}]}   # match.render.to_json, docs/api.md

Hits are best first. ``source`` is the publication a listing came from (``csl``, ``ecfr``,
``ofac`` ...; :mod:`tradescreen.origins`): an entry of one list in force from two sources is one
hit with one listing per source, the preferred source's first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tradescreen.match.explanation import Explanation
from tradescreen.match.render import to_json
from tradescreen.model import Entity, Listing, ListVersion, Query
from tradescreen.origins import origin_name


@dataclass(frozen=True, slots=True)
class Hit:
    entity: Entity
    matched_name: str
    score: float
    explanation: Explanation  # typed; rendered by tradescreen.match.render
    listings: tuple[Listing, ...]  # the entity's listings in force on the as-of date
    version_id: int | None = None
    warnings: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # the source of each of ``listings`` (same order), if known

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity.id,
            "name": self.entity.name,
            "matched_name": self.matched_name,
            "score": round(self.score, 4),
            "kind": self.entity.kind.value,
            "countries": list(self.entity.countries),
            "listings": [
                listing_to_json(x, self.origins[i] if i < len(self.origins) else None)
                for i, x in enumerate(self.listings)
            ],
            "explanation": to_json(self.explanation),
            "warnings": list(self.warnings),
        }


def listing_to_json(x: Listing, origin: str | None = None) -> dict[str, Any]:
    return {
        "list": x.list_code,
        "source": origin,
        "list_name": x.list_name,
        "programs": list(x.programs),
        "federal_register": [str(c) for c in x.citations],
        "start_date": x.start_date.isoformat() if x.start_date else None,
        "published_date": x.published_date.isoformat() if x.published_date else None,
        "end_date": x.end_date.isoformat() if x.end_date else None,
        "license_requirement": x.license_requirement,
        "license_policy": x.license_policy,
        "source_url": x.source_url,
    }


def version_to_json(v: ListVersion) -> dict[str, Any]:
    return {
        "id": v.id,
        "list": v.list_code,
        "list_name": v.list_name,
        "retrieved_at": v.retrieved_at.isoformat(),
        "data_date": v.data_date.isoformat() if v.data_date else None,
        "sha256": v.sha256,
        "records": v.record_count,
        "origin": v.origin,
        "origin_name": origin_name(v.origin),
    }


@dataclass(frozen=True, slots=True)
class ScreenResult:
    query: Query
    as_of: date
    list_versions: tuple[ListVersion, ...]
    hits: tuple[Hit, ...]
    known_at: datetime | None = None
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        q: dict[str, Any] = {"name": self.query.name}
        if self.query.country:
            q["country"] = self.query.country
        if self.query.kind:
            q["kind"] = self.query.kind.value
        return {
            "query": q,
            "as_of": self.as_of.isoformat(),
            "known_at": self.known_at.isoformat() if self.known_at else None,
            "list_versions": [version_to_json(v) for v in self.list_versions],
            "warnings": list(self.warnings),
            "hits": [h.to_dict() for h in self.hits],
        }
