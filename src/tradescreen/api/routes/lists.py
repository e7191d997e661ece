"""List versions and freshness, list loads (admin), and entity look-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import Response

from tradescreen.api import auth
from tradescreen.api.context import ApiContext, Ctx
from tradescreen.api.render import json_response
from tradescreen.api.routes import AUTHED, errors
from tradescreen.api.schemas import EntityOut, ListsOut, LoadIn
from tradescreen.errors import Forbidden, InvalidInput, NotFound
from tradescreen.model import to_dict
from tradescreen.results import version_to_json

router = APIRouter(prefix="/v1", tags=["lists"])


def list_status(ctx: ApiContext) -> dict[str, Any]:
    """The active versions with their age, and whether the service is ready to screen."""
    status = ctx.need_services().list_status()
    rows = [
        {**version_to_json(s.version), "age_days": s.whole_days, "stale": s.stale}
        for s in status.lists
    ]
    return {
        "lists": rows,
        "stale_after_days": status.stale_after_days,
        "ready": status.ready,
        "missing": list(status.missing),
    }


@router.get(
    "/lists",
    response_model=ListsOut,
    summary="Active list versions and their freshness",
    responses=errors(*AUTHED),
)
def get_lists(key: auth.ScreenerKey, ctx: Ctx) -> Response:
    return json_response(list_status(ctx))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the filesystem, or unreadable: not a list file
        return False


@router.post(
    "/lists/load",
    summary="Load list files from the server's list directory (admin)",
    responses=errors(*AUTHED, 503),
)
def load_lists(body: LoadIn, key: auth.AdminKey, ctx: Ctx) -> Response:
    paths = [confined(p, ctx.settings.list_dir) for p in body.paths]
    missing = [str(p) for p in paths if not _is_file(p)]
    if missing:
        raise InvalidInput(f"not a readable file in the list directory: {missing[0]!r}")
    services = ctx.need_services()
    report = services.load_files(paths, format=body.format, actor=key.name, channel="api")
    if report.created and hasattr(services.screener, "warm"):
        services.screener.warm()  # the load answers once the new versions are what screening uses
    return json_response(report.to_dict())


def confined(path: str, list_dir: Path | None) -> Path:
    """``path`` (relative to ``list_dir``, or absolute) resolved, refused unless it lies inside
    ``list_dir``: the API never reads a file an administrator did not put there on purpose."""
    if list_dir is None:
        raise Forbidden("loading lists by path is disabled: set TRADESCREEN_LIST_DIR")
    root = list_dir.expanduser().resolve()
    try:
        target = (root / path).resolve()  # an absolute ``path`` replaces ``root``
    except (OSError, ValueError) as exc:  # embedded NUL, name too long...
        raise InvalidInput(f"not a usable path: {path!r}") from exc
    if not target.is_relative_to(root):
        raise Forbidden(f"{path!r} is outside the list directory")
    return target


@router.get(
    "/entities/{entity_id}",
    response_model=EntityOut,
    summary="One listed entity as the active list versions give it",
    responses=errors(*AUTHED, 404),
)
def get_entity(
    key: auth.ScreenerKey,
    ctx: Ctx,
    entity_id: str = PathParam(min_length=1, max_length=300),
) -> Response:
    entity = ctx.need_store().get_entity(entity_id)
    if entity is None:
        raise NotFound(f"no entity {entity_id!r} in the active list versions")
    return json_response(to_dict(entity))
