"""yente-compatible ``POST /match/{dataset}``: yente's request in, yente's response shape out.

A yente example becomes a :class:`~tradescreen.model.Query` (one per name value, hits merged by
entity, best score kept); each hit is rendered as a FollowTheMoney-style scored entity.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from tradescreen.api import auth
from tradescreen.api.context import Ctx
from tradescreen.api.errors import PayloadTooLarge
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.api.schemas import EntityExample, MatchIn, MatchOut
from tradescreen.errors import InvalidInput, NotFound
from tradescreen.model import Entity, EntityKind, Identifier, NameKind
from tradescreen.model import Query as ScreenQuery
from tradescreen.services.explain import yente_explanations, yente_features

router = APIRouter(tags=["yente compatibility"])

ALL_DATASETS = frozenset({"default", "sanctions", "all", "tradescreen"})
MAX_NAMES = 5
SCHEMA_KIND: dict[str, EntityKind | None] = {
    "Thing": None,
    "LegalEntity": None,
    "Person": EntityKind.PERSON,
    "Organization": EntityKind.ORGANIZATION,
    "Company": EntityKind.ORGANIZATION,
    "PublicBody": EntityKind.ORGANIZATION,
    "Vessel": EntityKind.VESSEL,
    "Airplane": EntityKind.AIRCRAFT,
    "Address": EntityKind.ADDRESS,
}
KIND_SCHEMA = {
    EntityKind.PERSON: "Person",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.VESSEL: "Vessel",
    EntityKind.AIRCRAFT: "Airplane",
    EntityKind.ADDRESS: "Address",
    EntityKind.UNKNOWN: "LegalEntity",
}
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry", "flag")
ID_PROPS = (
    "registrationNumber",
    "idNumber",
    "passportNumber",
    "taxNumber",
    "imoNumber",
    "leiCode",
    "swiftBic",
    "isin",
    "innCode",
    "ogrnCode",
)
MATCHER = {
    "tradescreen": {
        "description": "tradescreen name score: normalised, transliterated, legal-form aware "
        "comparison, with country and identifier evidence (see each result's features).",
        "coefficient": 1.0,
        "url": "https://github.com/tradescreen/tradescreen/blob/main/docs/api.md",
    }
}


def _values(props: dict[str, str | list[str]], name: str) -> list[str]:
    raw = props.get(name, [])
    items = [raw] if isinstance(raw, str) else raw
    return [v.strip() for v in items if v and v.strip()]


def example_queries(example: EntityExample) -> list[ScreenQuery]:
    """The queries a yente example stands for (one per name)."""
    if example.schema_ not in SCHEMA_KIND:
        known = ", ".join(sorted(SCHEMA_KIND))
        raise InvalidInput(f"unsupported schema {example.schema_!r}; use one of {known}")
    props = example.properties
    names = _values(props, "name")
    if not names:
        raise InvalidInput("each query needs at least one properties.name value")
    country = next(
        (c.upper() for p in COUNTRY_PROPS for c in _values(props, p) if len(c) == 2), None
    )
    birth = next(iter(_values(props, "birthDate")), None)
    address = next(iter(_values(props, "address")), None)
    ids = tuple(Identifier(kind=p, value=v) for p in ID_PROPS for v in _values(props, p))
    kind = SCHEMA_KIND[example.schema_]
    return [
        ScreenQuery(
            name=n[:500],
            kind=kind,
            country=country,
            birth_date=birth,
            identifiers=ids,
            address=address,
        )
        for n in names[:MAX_NAMES]
    ]


def entity_properties(entity: Entity) -> dict[str, list[str]]:
    by_kind: dict[str, list[str]] = {}
    prop = {
        NameKind.PRIMARY: "name",
        NameKind.AKA: "alias",
        NameKind.NATIVE: "alias",
        NameKind.WEAK_AKA: "weakAlias",
        NameKind.FKA: "previousName",
    }
    for n in entity.names:
        by_kind.setdefault(prop[n.kind], []).append(n.value)
    if entity.countries:
        by_kind["country"] = [c.lower() for c in entity.countries]
    if entity.nationalities:
        by_kind["nationality"] = [c.lower() for c in entity.nationalities]
    if entity.addresses:
        by_kind["address"] = [a.text() for a in entity.addresses if a.text()]
    if entity.birth_dates:
        by_kind["birthDate"] = list(entity.birth_dates)
    programs = sorted({p for x in entity.listings for p in x.programs})
    if programs:
        by_kind["program"] = programs
    for ident in entity.identifiers:
        by_kind.setdefault("idNumber", []).append(ident.value)
    by_kind["topics"] = ["sanction"]
    return by_kind


def scored_entity(hit: Any, threshold: float) -> dict[str, Any]:
    entity: Entity = hit.entity
    return {
        "id": entity.id,
        "caption": entity.name,
        "schema": KIND_SCHEMA.get(entity.kind, "LegalEntity"),
        "properties": entity_properties(entity),
        "datasets": sorted({x.list_code for x in entity.listings}),
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "score": round(float(hit.score), 4),
        "features": yente_features(hit.explanation),
        "explanations": yente_explanations(hit.explanation),
        "match": float(hit.score) >= threshold,
    }


@router.post(
    "/match/{dataset}",
    response_model=MatchOut,
    summary="Query-by-example matching, compatible with yente's /match",
    responses=errors(*AUTHED, 404, 503),
)
def match(
    key: auth.ScreenerKey,
    ctx: Ctx,
    body: MatchIn,
    dataset: str = PathParam(max_length=100, description="`default` or a list code"),
    threshold: float = Query(0.7, ge=0.0, le=1.0, description="Score for `match: true`."),
    cutoff: float | None = Query(None, ge=0.0, le=1.0, description="Lowest score returned."),
    limit: int = Query(5, ge=1, le=500, description="Results per query."),
    algorithm: str | None = Query(None, max_length=50, description="Accepted, ignored."),
) -> Response:
    if len(body.queries) > ctx.settings.api_batch_max:
        raise PayloadTooLarge(
            f"{len(body.queries)} queries in one batch; the limit is {ctx.settings.api_batch_max}"
        )
    if dataset not in ALL_DATASETS:
        codes = {v.list_code for v in ctx.need_store().active_versions()}
        if dataset not in codes:
            raise NotFound(f"unknown dataset {dataset!r}; use 'default' or a loaded list code")
    if not body.queries:
        raise InvalidInput("no queries provided")
    screener = ctx.need_screener()
    floor = min(cutoff if cutoff is not None else threshold, threshold)
    as_of = ctx.need_services().today()
    lists = None if dataset in ALL_DATASETS else [dataset]
    parsed = {qid: example_queries(example) for qid, example in body.queries.items()}
    responses: dict[str, Any] = {}
    screened = []
    for qid, queries in parsed.items():
        best: dict[str, Any] = {}
        for q in queries:
            result = screener.screen(q, as_of=as_of, threshold=floor, limit=limit, lists=lists)
            for hit in result.hits:
                if hit.entity.id not in best or hit.score > best[hit.entity.id].score:
                    best[hit.entity.id] = hit
            screened.append(result)
        hits = sorted(best.values(), key=lambda h: -float(h.score))
        results = [scored_entity(h, threshold) for h in hits[:limit]]
        example = body.queries[qid]
        responses[qid] = {
            "status": 200,
            "results": results,
            "total": {"value": len(hits), "relation": "eq"},
            "query": {
                "id": example.id,
                "schema": example.schema_,
                "properties": {k: _values(example.properties, k) for k in example.properties},
            },
        }
    ctx.need_services().record_screenings(
        screened, actor=key.name, channel="api", context={"route": "match", "dataset": dataset}
    )
    response = json_response({"responses": responses, "matcher": MATCHER, "limit": limit})
    response.headers["x-batch-size"] = str(len(responses))
    return response
