"""POST /v1/check: a licence decision, delegated to :func:`tradescreen.decide.decision.check`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from tradescreen.api import auth
from tradescreen.api.context import Ctx
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.api.schemas import _In, _Out
from tradescreen.services.decision_data import (
    ActivityCategory,
    Item,
    Party,
    Role,
    Transaction,
    parse_end_use,
)

router = APIRouter(prefix="/v1", tags=["decisions"])


class PartyIn(_In):
    name: str = Field(min_length=1, max_length=500, examples=["Huawei Technologies Co., Ltd."])
    role: Role = Role.ULTIMATE_CONSIGNEE


class CheckIn(_In):
    parties: list[PartyIn] = Field(min_length=1, max_length=20)
    item: str = Field(
        min_length=1, max_length=40, description="EAR99 or an ECCN", examples=["5A992.c"]
    )
    item_type: Literal["commodity", "software", "technology"] = "commodity"
    food_or_medicine: bool = False
    value: float | None = Field(default=None, ge=0, le=1e15, description="USD")
    destination: str = Field(
        min_length=2,
        max_length=80,
        description="ISO 3166-1 alpha-2, an ISO 3166-2 region (UA-43), or a country name "
        "(China); an unknown code or name is refused (422), as in the CLI",
        examples=["CN"],
    )
    date: dt.date | None = Field(default=None, description="Default: today (UTC).")
    activity: str | None = Field(
        default=None, max_length=500, description="What the export is for (recorded only)."
    )
    activity_category: ActivityCategory | None = Field(
        default=None, description="What the export is for, as an authorisation scope names it."
    )
    contract_date: dt.date | None = Field(
        default=None, description="When the contract the export performs was executed."
    )
    handset_public_date: dt.date | None = Field(
        default=None, description="When the handsets supported were available to the public."
    )
    end_use: list[str] | None = Field(
        default=None,
        max_length=20,
        description="What you know of the end use and end user (15 CFR Part 744): question "
        "names (military_end_use, military_end_user, military_intelligence, supercomputer, "
        "advanced_node_ic, ic_facility_node_unknown, semiconductor_equipment, d5_headquartered), "
        "QUESTION=no for a no, or 'none' for no to all; unanswered questions are returned as "
        "conditions",
        examples=[["military_end_user"]],
    )
    known_at: dt.datetime | None = Field(
        default=None, description="Screen against the list versions loaded at this time."
    )
    record: bool = Field(default=True, description="Store the decision (decision record id).")


class DecisionOut(_Out):
    decision: Literal[
        "prohibited", "license_required", "authorized", "no_restriction", "needs_review"
    ]
    reasons: list[dict[str, object]]
    authorizations: list[dict[str, object]]
    list_versions: list[dict[str, object]]
    warnings: list[str]
    conditions: list[dict[str, object]] = Field(
        default_factory=list,
        description="Part 744 questions left unanswered: no licence required unless you know of…",
    )
    end_use: list[dict[str, object]] = Field(
        default_factory=list, description="Each Part 744 end-use rule window, answered"
    )
    record_id: int | None = None


@router.post(
    "/check",
    response_model=DecisionOut,
    summary="Decide whether an export needs a licence, is prohibited, or may proceed",
    responses=errors(*AUTHED, 503),
)
def check_route(body: CheckIn, key: auth.ScreenerKey, ctx: Ctx) -> Response:
    day = body.date or ctx.need_services().today()
    tx = Transaction(
        parties=tuple(Party(name=p.name, role=p.role) for p in body.parties),
        item=Item.parse(
            body.item, body.item_type, food_or_medicine=body.food_or_medicine, value=body.value
        ),
        destination=body.destination,
        date=day,
        activity=body.activity,
        activity_category=body.activity_category,
        contract_date=body.contract_date,
        handset_public_date=body.handset_public_date,
        end_use=parse_end_use(body.end_use),
    )
    done = ctx.need_services().check_and_record(
        tx, actor=key.name, channel="api", known_at=body.known_at, record=body.record
    )
    result, record_id = done.result, done.record_id
    return json_response({**result, "record_id": record_id})
