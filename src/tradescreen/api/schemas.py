"""Request and response models. Requests forbid unknown fields (except yente's models, which
ignore them as yente does); responses document the JSON the library already produces
(``ScreenResult.to_dict()`` and friends), which the routes return as is.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradescreen.countries import parse_country
from tradescreen.errors import InvalidInput
from tradescreen.model import MAX_NAME_CHARS, MIN_NAME_CHARS, EntityKind, name_problem


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


# ---------------------------------------------------------------------------- errors


class ErrorOut(_Out):
    error: str = Field(examples=["invalid_input"], description="A stable machine-readable code.")
    detail: str = Field(examples=["name: String should have at least 1 character"])


# ---------------------------------------------------------------------------- screening


class QueryIn(_In):
    name: str = Field(
        min_length=MIN_NAME_CHARS, max_length=MAX_NAME_CHARS, examples=["Hangzhou Hikvision"]
    )
    country: str | None = Field(
        default=None,
        max_length=100,
        description='ISO 3166-1 alpha-2 code or a country name ("China" is CN)',
        examples=["CN"],
    )
    kind: EntityKind | None = Field(default=None, examples=["organization"])

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        problem = name_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        try:
            return parse_country(value)
        except InvalidInput as err:
            raise ValueError(str(err)) from None


class _ScreenOptions(_In):
    as_of: date | None = Field(
        default=None, description="Date the listings must be in force (default: today, UTC)."
    )
    known_at: datetime | None = Field(
        default=None, description="Replay against the list versions loaded at this time."
    )
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    limit: int | None = Field(default=None, ge=1, le=500)


class ScreenIn(QueryIn, _ScreenOptions):
    counterparty: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Your key for this party: hits open review cases (alerts) under it.",
    )
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"name": "Hangzhou Hikvision", "country": "CN", "as_of": "2024-01-01"}]
        },
    )


class BatchIn(_ScreenOptions):
    queries: list[QueryIn] = Field(
        min_length=1, description="At most `api_batch_max` queries; results come back in order."
    )
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"queries": [{"name": "Dahua Technology"}, {"name": "Huawei"}]}]
        },
    )


class ListingOut(_Out):
    list_code: str = Field(alias="list", examples=["us_bis_el"])
    source: str | None = Field(
        default=None,
        examples=["csl"],
        description="The publication this listing came from (docs/sources.md, two sources).",
    )
    list_name: str = Field(examples=["Entity List"])
    programs: list[str] = []
    federal_register: list[str] = Field(default=[], examples=[["84 FR 54002 (2019-10-09)"]])
    start_date: date | None = None
    published_date: date | None = None
    end_date: date | None = None
    license_requirement: str | None = None
    license_policy: str | None = None
    source_url: str | None = None


class HitOut(_Out):
    entity_id: str = Field(examples=["us_bis_el-7f3a9c"])
    name: str = Field(examples=["Hangzhou Hikvision Digital Technology Co., Ltd."])
    matched_name: str = Field(examples=["Hikvision"])
    score: float = Field(ge=0, le=1, examples=[0.93])
    kind: str = Field(examples=["organization"])
    countries: list[str] = Field(default=[], examples=[["CN"]])
    listings: list[ListingOut] = []
    explanation: dict[str, Any] = {}
    warnings: list[str] = []


class VersionOut(_Out):
    id: int
    list_code: str = Field(alias="list", examples=["us_bis_el"])
    list_name: str
    retrieved_at: datetime
    data_date: date | None = None
    sha256: str
    records: int
    origin: str = Field(
        default="",
        examples=["csl"],
        description="The source of the version: each list is kept per source (docs/sources.md).",
    )
    origin_name: str = Field(default="", examples=["trade.gov Consolidated Screening List"])


class ScreenOut(_Out):
    """Exactly the JSON of ``tradescreen screen --json`` (``ScreenResult.to_dict()``)."""

    query: dict[str, Any] = Field(examples=[{"name": "Hangzhou Hikvision", "country": "CN"}])
    as_of: date
    known_at: datetime | None = None
    list_versions: list[VersionOut] = []
    warnings: list[str] = []
    hits: list[HitOut] = []


class BatchOut(_Out):
    results: list[ScreenOut]


# ---------------------------------------------------------------------------- lists, entities


class ListStatusOut(VersionOut):
    age_days: int | None = Field(default=None, description="Days since the version was loaded.")
    stale: bool = False


class ListsOut(_Out):
    lists: list[ListStatusOut]
    stale_after_days: int
    ready: bool


class LoadIn(_In):
    paths: list[str] = Field(
        min_length=1,
        max_length=100,
        description="The files of ONE source (e.g. OFAC sdn.csv, add.csv, alt.csv) on the server.",
    )
    format: str | None = Field(
        default=None, max_length=32, description="Reader name; default: detected."
    )


class EntityOut(_Out):
    id: str
    kind: str
    names: list[dict[str, Any]]
    listings: list[dict[str, Any]] = []


class StatusOut(_Out):
    status: Literal["ok", "not_ready"]
    detail: str | None = None


# ---------------------------------------------------------------------------- keys


class KeyIn(_In):
    name: str = Field(min_length=1, max_length=200, examples=["erp-integration"])
    role: Literal["screener", "reviewer", "admin"] = "screener"


class KeyOut(_Out):
    id: str
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None = None
    active: bool


class NewKeyOut(KeyOut):
    key: str = Field(description="The API key. It is shown once and cannot be recovered.")


class KeysOut(_Out):
    keys: list[KeyOut]


# ---------------------------------------------------------------------------- yente /match


class EntityExample(BaseModel):
    """yente's ``EntityExample``: unknown fields ignored, property values cleaned by type."""

    id: str | None = Field(default=None, max_length=200, examples=["my-entity-id"])
    schema_: str = Field(alias="schema", max_length=50, examples=["Company"])
    properties: dict[str, Any] = Field(
        examples=[{"name": ["Hangzhou Hikvision"], "country": ["cn"]}]
    )
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class MatchIn(BaseModel):
    """yente's match request (``EntityMatchQuery``)."""

    queries: dict[str, EntityExample]
    weights: dict[str, float] = Field(default={}, description="Refused (400) unless empty.")
    config: dict[str, Any] = Field(default={}, description="Refused (400) unless empty.")
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "queries": {
                        "q1": {
                            "schema": "Company",
                            "properties": {"name": ["Hikvision"], "country": ["cn"]},
                        }
                    }
                }
            ]
        },
    )


class TotalOut(_Out):
    value: int
    relation: str = "eq"


class FeatureResultOut(_Out):
    """One feature's explanation (yente ≥ 5.2.1, nomenklatura's ``FtResult``)."""

    score: float
    detail: str | None = None
    query: str | None = None  # the query's value the feature compared, as written
    candidate: str | None = None  # the listed value, as written


class ScoredEntityOut(_Out):
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = True
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    score: float
    features: dict[str, float]
    explanations: dict[str, FeatureResultOut] = {}
    match: bool


class MatchesOut(_Out):
    status: int = 200
    results: list[ScoredEntityOut]
    total: TotalOut
    query: dict[str, Any]


class MatchOut(_Out):
    responses: dict[str, MatchesOut]
    limit: int
