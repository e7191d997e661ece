"""yente-compatible routes: ``POST /match/{dataset}``, ``GET /search/{dataset}``,
``GET /entities/{id}``, ``/catalog``, ``/manifest``, ``/algorithms`` (yente's routers: match.py,
search.py, admin.py; shapes: yente/data/common.py). The compatibility table is docs/api.md.

Every parameter yente defines is either applied or refused with 400 (never silently ignored);
a query parameter yente does not define is refused too, so a typo is never taken as "no filter".
Datasets: each list in force by its code, and the collections ``default`` and ``all`` (every
list in force), named in ``/catalog``. Entity ids are FtM-valid (:func:`tradescreen.model.ftm_id`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from tradescreen.api import auth
from tradescreen.api.context import ApiContext, Ctx
from tradescreen.api.errors import BadRequest, PayloadTooLarge
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.api.schemas import MatchIn, MatchOut
from tradescreen.api.yente_query import BadExample, parse_example, schema_of
from tradescreen.api.yente_render import entity_response, hit_evidence
from tradescreen.errors import NotFound
from tradescreen.model import ListVersion, ftm_id
from tradescreen.results import Hit
from tradescreen.services.ftm import find_entity

router = APIRouter(tags=["yente compatibility"])

COLLECTIONS = ("default", "all")
ALGORITHM = "tradescreen"
ALGORITHM_ALIASES = frozenset({ALGORITHM, "best"})
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"
SCREEN_CAP = 500  # candidates screened per query before filters and the limit
MATCH_PARAMS = frozenset(
    {
        "limit", "threshold", "cutoff", "algorithm", "include_dataset", "exclude_schema",
        "exclude_dataset", "topics", "changed_since", "exclude_entity_ids", "fuzzy",
    }
)  # fmt: skip
SEARCH_PARAMS = frozenset(
    {
        "q", "schema", "include_dataset", "exclude_dataset", "exclude_schema", "changed_since",
        "countries", "topics", "datasets", "limit", "offset", "fuzzy", "filter", "sort",
        "target", "simple", "facets", "filter_op",
    }
)  # fmt: skip
ALGORITHM_DOC = {
    "name": ALGORITHM,
    "description": "tradescreen's name score: normalised, transliterated, legal-form aware "
    "comparison of the best name pair, with country, birth date and identifier evidence. "
    "'best' names it too.",
    "config": {},
    "features": {
        "name": {
            "description": "Score of the best pair of query and listed names.",
            "coefficient": 1.0,
            "url": "https://github.com/tradescreen/tradescreen/blob/main/docs/matching.md",
        }
    },
}


class Refused(BadRequest):
    """A yente parameter tradescreen cannot apply: refused with 400, never ignored."""


def _check_params(request: Request, known: frozenset[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise Refused(f"unsupported query parameter(s): {', '.join(unknown)}")


def _lists(ctx: ApiContext, dataset: str) -> tuple[list[ListVersion], list[str]]:
    """The versions in force and the list codes ``dataset`` stands for (404 if unknown)."""
    versions = ctx.need_store().active_versions()
    codes = [v.list_code for v in versions]
    if dataset in COLLECTIONS:
        return versions, codes
    if dataset in codes:
        return versions, [dataset]
    raise NotFound(f"No such dataset: {dataset!r}; use one of {', '.join(COLLECTIONS)} or a list")


def _scope(
    codes: list[str], include: Sequence[str], exclude: Sequence[str], known: Iterable[str]
) -> list[str]:
    names = set(known) | set(COLLECTIONS)
    bad = sorted((set(include) | set(exclude)) - names)
    if bad:
        raise Refused(f"unknown dataset(s) in include_dataset/exclude_dataset: {', '.join(bad)}")
    inc = {c for d in include for c in (codes if d in COLLECTIONS else [d])}
    exc = {c for d in exclude for c in (codes if d in COLLECTIONS else [d])}
    return [c for c in codes if (not include or c in inc) and c not in exc]


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    if not re.match(TS_PATTERN, value):
        raise Refused(f"changed_since must look like 2024-01-31 or 2024-01-31T12:00: {value!r}")
    text = value + {10: "T00:00:00", 13: ":00:00", 16: ":00"}.get(len(value), "")
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Filters:
    """The result filters of /match and /search, applied to rendered entities."""

    def __init__(
        self,
        *,
        exclude_schema: Sequence[str] = (),
        topics: Sequence[str] = (),
        changed_since: datetime | None = None,
        exclude_ids: Sequence[str] = (),
        schema: str | None = None,
        countries: Sequence[str] = (),
    ) -> None:
        from followthemoney import model

        for name in [*exclude_schema, *([schema] if schema else [])]:
            if model.get(name) is None:
                raise Refused(f"Invalid schema: {name!r}")
        self.exclude_schema = frozenset(exclude_schema)
        self.topics = frozenset(topics)
        self.changed_since = changed_since
        self.exclude_ids = frozenset(exclude_ids) | frozenset(ftm_id(i) for i in exclude_ids)
        self.schema = schema
        self.countries = frozenset(c.lower() for c in countries)

    @property
    def active(self) -> bool:
        return bool(
            self.exclude_schema or self.topics or self.changed_since or self.exclude_ids
            or self.schema or self.countries
        )  # fmt: skip

    def keep(self, data: dict[str, Any]) -> bool:
        from followthemoney import model

        props = data["properties"]
        if data["schema"] in self.exclude_schema or data["id"] in self.exclude_ids:
            return False
        if self.schema and self.schema != "Thing":
            found = model.get(data["schema"])
            if found is None or not found.is_a(self.schema):
                return False
        if self.topics and not self.topics & set(props.get("topics", [])):
            return False
        if self.countries and not self.countries & set(props.get("country", [])):
            return False
        if self.changed_since is not None:
            last = data.get("last_change")
            if last is None or datetime.fromisoformat(last) < self.changed_since:
                return False
        return True


def scored_entity(
    ctx: ApiContext,
    hit: Hit,
    threshold: float,
    in_force: dict[str, ListVersion],
) -> dict[str, Any]:
    """One match result: the entity (not nested, as yente's /match), score and evidence."""
    seen = ctx.entity_history().seen(hit.entity, hit.version_id, in_force)
    features, explanations = hit_evidence(hit)
    score = round(float(hit.score), 4)
    return {
        **entity_response(hit.entity, seen, nested=False),
        "score": score,
        "features": features,
        "explanations": explanations,
        "match": score >= threshold,
    }


def match_results(
    ctx: ApiContext,
    ranked: list[tuple[Hit, str]],
    *,
    threshold: float,
    limit: int,
    filters: Filters,
    in_force: dict[str, ListVersion],
) -> tuple[list[dict[str, Any]], int]:
    """The first ``limit`` results that pass the filters, and how many matches pass them.
    Only what is returned or must be filtered to be counted is rendered (``ranked``: best
    first)."""
    out: list[dict[str, Any]] = []
    total = 0
    for i, (hit, _name) in enumerate(ranked):
        is_match = round(float(hit.score), 4) >= threshold
        if len(out) >= limit:
            if not is_match:  # best first: no match follows
                break
            if not filters.active:  # every remaining match counts, none is rendered
                total += sum(1 for h, _ in ranked[i:] if round(float(h.score), 4) >= threshold)
                break
        data = scored_entity(ctx, hit, threshold, in_force)
        if not filters.keep(data):
            continue
        total += is_match
        if len(out) < limit:
            out.append(data)
    return out, total


@router.post(
    "/match/{dataset}",
    response_model=MatchOut,
    summary="Query-by-example matching, compatible with yente's /match",
    responses=errors(*AUTHED, 404, 503),
)
def match(
    request: Request,
    key: auth.YenteReader,
    ctx: Ctx,
    body: MatchIn,
    dataset: str = PathParam(max_length=100, description="`default`, `all` or a list code"),
    threshold: float = Query(0.7, ge=0.0, le=1.0, description="Score for `match: true`."),
    cutoff: float | None = Query(None, ge=0.0, le=1.0, description="Lowest score returned."),
    limit: int = Query(5, ge=1, le=SCREEN_CAP, description="Results per query."),
    algorithm: str = Query("best", max_length=50, description="`best` or `tradescreen`."),
    include_dataset: Annotated[
        tuple[str, ...], Query(description="Only these lists (or collections).")
    ] = (),
    exclude_dataset: Annotated[
        tuple[str, ...], Query(description="Not these lists (or collections).")
    ] = (),
    exclude_schema: Annotated[
        tuple[str, ...], Query(description="Drop results of these schemata.")
    ] = (),
    topics: Annotated[
        tuple[str, ...], Query(description="Only results with one of these topics.")
    ] = (),
    changed_since: str | None = Query(None, description="Only entities changed since then."),
    exclude_entity_ids: Annotated[
        tuple[str, ...], Query(max_length=50, description="Drop these ids.")
    ] = (),
    fuzzy: bool = Query(False, description="Not a yente /match parameter; no effect."),
) -> Response:
    _check_params(request, MATCH_PARAMS)
    if algorithm.lower().strip() not in ALGORITHM_ALIASES:
        raise Refused(f"Invalid algorithm: {algorithm}; use 'best' or '{ALGORITHM}'")
    if body.config:
        raise Refused(f"Invalid configuration parameter: {sorted(body.config)[0]} for {ALGORITHM}")
    if body.weights:
        raise Refused(f"weights are not supported by {ALGORITHM}: {sorted(body.weights)[0]}")
    if len(body.queries) > ctx.settings.api_batch_max:
        raise PayloadTooLarge(
            f"{len(body.queries)} queries in one batch; the limit is {ctx.settings.api_batch_max}"
        )
    ctx.need_services().require_lists()  # 503, as /v1/screen: no "no match" against nothing
    versions, codes = _lists(ctx, dataset)
    lists = _scope(codes, include_dataset, exclude_dataset, (v.list_code for v in versions))
    filters = Filters(
        exclude_schema=exclude_schema,
        topics=topics,
        changed_since=_since(changed_since),
        exclude_ids=exclude_entity_ids,
    )
    if not body.queries:
        raise BadExample("No queries provided.")
    parsed = {qid: parse_example(ex.schema_, ex.properties) for qid, ex in body.queries.items()}
    screener = ctx.need_screener()
    in_force = {v.list_code: v for v in versions}
    floor = min(cutoff if cutoff is not None else threshold, threshold)
    as_of = ctx.need_services().today()
    responses: dict[str, Any] = {}
    screened = []
    for qid, example in parsed.items():
        best: dict[str, tuple[Hit, str]] = {}
        for q in example.queries() if lists else []:
            result = screener.screen(q, as_of=as_of, threshold=floor, limit=SCREEN_CAP, lists=lists)
            screened.append(result)
            for hit in result.hits:
                if hit.entity.id not in best or hit.score > best[hit.entity.id][0].score:
                    best[hit.entity.id] = (hit, q.name)
        ranked = sorted(best.values(), key=lambda h: (-float(h[0].score), h[0].entity.id))
        results, total = match_results(
            ctx, ranked, threshold=threshold, limit=limit, filters=filters, in_force=in_force
        )
        responses[qid] = {
            "status": 200,
            "results": results,
            "total": {"value": total, "relation": "eq"},
            "query": {
                "id": body.queries[qid].id,
                "schema": example.schema,
                "properties": example.properties,
            },
        }
    ctx.need_services().record_screenings(
        screened, actor=key.name, channel="api", context={"route": "match", "dataset": dataset}
    )
    response = json_response({"responses": responses, "limit": limit})
    response.headers["x-batch-size"] = str(len(responses))
    return response


@router.get(
    "/search/{dataset}",
    summary="Simple name search, compatible with yente's /search",
    responses=errors(*AUTHED, 404, 503),
)
def search(
    request: Request,
    key: auth.YenteReader,
    ctx: Ctx,
    dataset: str = PathParam(max_length=100),
    q: str = Query("", max_length=500, description="The name to search."),
    schema: str = Query("Thing", max_length=50, description="Only entities of this schema."),
    include_dataset: Annotated[tuple[str, ...], Query()] = (),
    exclude_dataset: Annotated[tuple[str, ...], Query()] = (),
    exclude_schema: Annotated[tuple[str, ...], Query()] = (),
    changed_since: str | None = Query(None),
    countries: Annotated[
        tuple[str, ...], Query(description="Only entities naming one of these.")
    ] = (),
    topics: Annotated[tuple[str, ...], Query()] = (),
    datasets: Annotated[
        tuple[str, ...], Query(description="Only these lists (as include_dataset).")
    ] = (),
    limit: int = Query(10, ge=0, le=SCREEN_CAP),
    offset: int = Query(0, ge=0, le=SCREEN_CAP),
    fuzzy: bool = Query(False, description="The name score is always fuzzy; false accepted."),
) -> Response:
    _check_params(request, SEARCH_PARAMS)
    for name in ("filter", "sort", "target", "simple", "facets", "filter_op"):
        if name in request.query_params:
            raise Refused(f"{name} is not supported by tradescreen's /search")
    if fuzzy:
        raise Refused("fuzzy=true (query syntax) is not supported: the name score is fuzzy")
    if q.strip():  # a name search is a screening: refused with no list in force (503)
        ctx.need_services().require_lists()
    versions, codes = _lists(ctx, dataset)
    known = [v.list_code for v in versions]
    in_force = {v.list_code: v for v in versions}
    lists = _scope(codes, [*include_dataset, *datasets], exclude_dataset, known)
    filters = Filters(
        exclude_schema=exclude_schema,
        topics=topics,
        changed_since=_since(changed_since),
        schema=schema if schema != "Thing" else None,
        countries=countries,
    )
    if schema != "Thing":
        schema_of(schema)
    results: list[dict[str, Any]] = []
    if q.strip() and lists:
        from tradescreen.model import Query as ScreenQuery

        result = ctx.need_screener().screen(
            ScreenQuery(name=q.strip()),
            as_of=ctx.need_services().today(),
            limit=SCREEN_CAP,
            lists=lists,
        )
        ctx.need_services().record_screenings(
            [result], actor=key.name, channel="api", context={"route": "search", "dataset": dataset}
        )
        for hit in result.hits:
            seen = ctx.entity_history().seen(hit.entity, hit.version_id, in_force)
            data = entity_response(hit.entity, seen, nested=False)
            if filters.keep(data):
                results.append(data)
    return json_response(
        {
            "results": results[offset : offset + limit],
            "facets": {},
            "total": {"value": len(results), "relation": "eq"},
            "limit": limit,
            "offset": offset,
        }
    )


@router.get(
    "/entities/{entity_id}",
    summary="One entity in FollowTheMoney form, compatible with yente's /entities",
    responses=errors(*AUTHED, 404),
)
def fetch_entity(
    request: Request,
    key: auth.YenteReader,
    ctx: Ctx,
    entity_id: str = PathParam(min_length=1, max_length=300),
    nested: bool = Query(True, description="Nest the Sanction, Address, Identification."),
) -> Response:
    _check_params(request, frozenset({"nested"}))
    entity = find_entity(ctx.need_store(), entity_id)
    if entity is None:
        raise NotFound(f"No such entity: {entity_id!r}")
    seen = ctx.entity_history().seen(entity)
    return json_response(entity_response(entity, seen, nested=nested))


def _catalog(ctx: ApiContext) -> dict[str, Any]:
    versions = ctx.need_store().active_versions()
    models: list[dict[str, Any]] = [
        {
            "name": v.list_code,
            "title": v.list_name,
            "version": str(v.id),
            "index_version": str(v.id),
            "index_current": True,
            "load": True,
            "updated_at": v.retrieved_at.replace(microsecond=0).isoformat(),
            "last_export": v.data_date.isoformat() if v.data_date else None,
            "entity_count": v.record_count,
            "children": [],
        }
        for v in versions
    ]
    stamp = ",".join(str(v.id) for v in versions)
    for name in COLLECTIONS:
        models.append(
            {
                "name": name,
                "title": f"Every list in force ({name})",
                "version": stamp,
                "index_version": stamp,
                "index_current": True,
                "load": True,
                "children": [v.list_code for v in versions],
            }
        )
    return {
        "datasets": models,
        "current": [m["name"] for m in models],
        "outdated": [],
        "index_stale": False,
    }


@router.get(
    "/catalog",
    summary="The datasets: each list in force, and the collections over them",
    responses=errors(*AUTHED),
)
def catalog(key: auth.YenteReader, ctx: Ctx) -> Response:
    return json_response(_catalog(ctx))


@router.get("/manifest", summary="Same as /catalog (as in yente)", responses=errors(*AUTHED))
def manifest(key: auth.YenteReader, ctx: Ctx) -> Response:
    return json_response(_catalog(ctx))


@router.get("/algorithms", summary="The scoring algorithm /match uses", responses=errors(*AUTHED))
def algorithms(key: auth.YenteReader) -> Response:
    desc = {
        "name": ALGORITHM,
        "description": ALGORITHM_DOC["description"],
        "features": ALGORITHM_DOC["features"],
        "docs": ALGORITHM_DOC,
    }
    return json_response({"algorithms": [desc], "default": ALGORITHM, "best": ALGORITHM})
