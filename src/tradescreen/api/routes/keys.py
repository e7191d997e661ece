"""API key management (admin)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import Response

from tradescreen.access import keys as keylib
from tradescreen.api import auth
from tradescreen.api.context import Ctx
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.api.schemas import KeyIn, KeyOut, KeysOut, NewKeyOut

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.get("", response_model=KeysOut, summary="List API keys", responses=errors(*AUTHED))
def list_keys(key: auth.AdminKey, ctx: Ctx) -> Response:
    return json_response({"keys": [k.to_dict() for k in keylib.list_keys(ctx.engine)]})


@router.post(
    "",
    response_model=NewKeyOut,
    status_code=201,
    summary="Create an API key (shown once)",
    responses=errors(*AUTHED),
)
def create_key(body: KeyIn, key: auth.AdminKey, ctx: Ctx) -> Response:
    record, token = ctx.need_services().create_key(
        body.name, body.role, actor=key.name, channel="api"
    )
    return json_response({**record.to_dict(), "key": token}, status=201)


@router.delete(
    "/{name_or_id}",
    response_model=KeyOut,
    summary="Revoke an API key by id or name",
    responses=errors(*AUTHED, 404),
)
def revoke_key(
    key: auth.AdminKey,
    ctx: Ctx,
    name_or_id: str = PathParam(min_length=1, max_length=200),
) -> Response:
    record = ctx.need_services().revoke_key(name_or_id, actor=key.name, channel="api")
    return json_response(record.to_dict())
