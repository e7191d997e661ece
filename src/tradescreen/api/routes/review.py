"""Cases (alerts) and reviewer actions, delegating to :mod:`tradescreen.review`."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi import Query as QueryParam
from fastapi.responses import Response
from pydantic import Field

from tradescreen.api import auth
from tradescreen.api.context import Ctx
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.api.schemas import _In, _Out

router = APIRouter(prefix="/v1/cases", tags=["review"])
CaseId = PathParam(ge=1, le=2**62, description="The alert id")


class DecisionIn(_In):
    verdict: Literal["true_match", "false_positive"]
    reason: str = Field(min_length=1, max_length=4000, examples=["Different company, other city"])


class ApproveIn(_In):
    reason: str | None = Field(default=None, max_length=4000)


class RejectIn(_In):
    reason: str = Field(min_length=1, max_length=4000)


class CaseOut(_Out):
    id: int
    counterparty_key: str
    entity_id: str
    entity_name: str
    list_codes: list[str]
    score: float
    status: str


class CasesOut(_Out):
    cases: list[CaseOut]


def _case(ctx: Any, alert_id: int) -> dict[str, Any]:
    return dict(ctx.need_services().case(alert_id).to_dict())


@router.get("", response_model=CasesOut, summary="Alerts to review", responses=errors(*AUTHED))
def list_cases(
    key: auth.ReviewerKey,
    ctx: Ctx,
    status: str | None = QueryParam(None, max_length=32, examples=["open"]),
    counterparty: str | None = QueryParam(None, max_length=255),
) -> Response:
    alerts = ctx.need_services().cases(status=status, counterparty_key=counterparty)
    return json_response({"cases": [a.to_dict() for a in alerts]})


@router.get(
    "/{case_id}",
    response_model=CaseOut,
    summary="One alert with its history",
    responses=errors(*AUTHED, 404),
)
def get_case(key: auth.ReviewerKey, ctx: Ctx, case_id: int = CaseId) -> Response:
    return json_response(_case(ctx, case_id))


@router.post(
    "/{case_id}/decision",
    response_model=CaseOut,
    summary="A reviewer's verdict: true_match or false_positive (with a reason)",
    responses=errors(*AUTHED, 404, 503),
)
def decide_case(
    body: DecisionIn, key: auth.ReviewerKey, ctx: Ctx, case_id: int = CaseId
) -> Response:
    ctx.need_services().decide_case(
        case_id, reviewer=key.name, verdict=body.verdict, reason=body.reason
    )
    return json_response(_case(ctx, case_id))


@router.post(
    "/{case_id}/approve",
    response_model=CaseOut,
    summary="A second reviewer approves a proposed clearing",
    responses=errors(*AUTHED, 404, 503),
)
def approve_case(
    body: ApproveIn, key: auth.ReviewerKey, ctx: Ctx, case_id: int = CaseId
) -> Response:
    ctx.need_services().approve_case(case_id, approver=key.name, reason=body.reason)
    return json_response(_case(ctx, case_id))


@router.post(
    "/{case_id}/reject",
    response_model=CaseOut,
    summary="A second reviewer sends a proposed clearing back to the queue",
    responses=errors(*AUTHED, 404, 503),
)
def reject_case(body: RejectIn, key: auth.ReviewerKey, ctx: Ctx, case_id: int = CaseId) -> Response:
    ctx.need_services().reject_case(case_id, approver=key.name, reason=body.reason)
    return json_response(_case(ctx, case_id))
