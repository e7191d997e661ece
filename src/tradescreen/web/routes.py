"""The analysts' web UI, served under ``/ui`` by the API app: parse, call the library, render.

Pages: search (screen a name, explanation highlighted), entity detail, the review queue and an
alert with its actions, list status and freshness, and (admins) the audit trail. Sign-in is
with an API key (see :mod:`tradescreen.web.session`); screeners search, reviewers review,
admins also see the audit trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from tradescreen import __version__
from tradescreen.errors import InvalidInput, NotFound, TradescreenError
from tradescreen.model import Query, parse_query
from tradescreen.services import Services
from tradescreen.settings import Settings
from tradescreen.web import session
from tradescreen.web.views import (
    STATUS_LABEL,
    explanation_view,
    fmt_time,
    link_url,
    ownership_view,
    score_class,
)

log = logging.getLogger("tradescreen.web")

HERE = Path(__file__).parent
STATIC = HERE / "static"
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["time"] = fmt_time
templates.env.filters["link_url"] = link_url
templates.env.globals.update(
    STATUS_LABEL=STATUS_LABEL, score_class=score_class, version=__version__
)

router = APIRouter(prefix="/ui", include_in_schema=False)

MESSAGES = {
    "decided": "Verdict recorded.",
    "pending": "Clearing proposed. A second reviewer must approve it.",
    "approved": "Clearing approved. The hit is suppressed for this counterparty.",
    "rejected": "Clearing rejected. The alert is open again.",
    "signed_out": "You are signed out.",
}
QUEUE_PAGE = 200
QUEUES = ("open", "pending_approval", "true_match", "false_positive", "closed")
Text = Annotated[str, Form()]


@dataclass
class Web:
    """What a page needs, taken from ``app.state`` (set by ``tradescreen.server.create_app``)."""

    request: Request
    settings: Settings
    engine: Engine
    store: Any
    screener: Any
    key: bytes
    services: Services

    @property
    def secret(self) -> bytes:
        return session.session_secret(self.key)

    @property
    def cookie(self) -> str | None:
        return self.request.cookies.get(session.COOKIE)

    def current_session(self) -> session.Session | None:
        return session.read_cookie(self.secret, self.cookie)

    def user(self) -> session.WebUser | None:
        found = self.current_session()
        return session.user_of(self.engine, found) if found else None

    def csrf_ok(self, token: str) -> bool:
        return session.check_csrf(self.secret, self.cookie, token)

    def render(
        self, name: str, user: session.WebUser | None, status: int = 200, **ctx: Any
    ) -> Response:
        msg = MESSAGES.get(self.request.query_params.get("msg", ""))
        base = {
            "user": user,
            "csrf": session.csrf_token(self.secret, self.cookie) if self.cookie else "",
            "message": msg,
            "path": self.request.url.path,
        }
        return templates.TemplateResponse(self.request, name, {**base, **ctx}, status_code=status)

    def need_store(self) -> Any:
        if self.store is None:
            raise TradescreenError("the list store is not available")
        return self.store


def web(request: Request) -> Web:
    services: Services = request.app.state.services
    return Web(
        request=request,
        settings=services.settings,
        engine=services.engine,
        store=services.store,
        screener=services.screener,
        key=services.audit_key,
        services=services,
    )


def _login_redirect(request: Request) -> Response:
    nxt = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return RedirectResponse(f"/ui/login?next={nxt}", status_code=303)


def _guard(w: Web, role: str) -> session.WebUser | Response:
    user = w.user()
    if user is None:
        return _login_redirect(w.request)
    if not user.allows(role):
        return w.render(
            "error.html",
            user,
            403,
            title="Not allowed",
            detail=f"This page needs the {role} role; your key has the {user.role} role.",
        )
    return user


def _error(w: Web, user: session.WebUser | None, err: TradescreenError) -> Response:
    status = err.http_status if err.http_status >= 400 else 500
    return w.render("error.html", user, status, title="Something went wrong", detail=err.message)


def approval_score(settings: Settings) -> float | None:
    """Scores at or above this need a second reviewer to clear (``review_approval_score``)."""
    return settings.review_approval_score


# ---------------------------------------------------------------------------
# Sign-in, static files


@router.get("")
@router.get("/")
def home() -> Response:
    return RedirectResponse("/ui/search", status_code=303)


@router.get("/static/{name}")
def static(name: str) -> Response:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    media = STATIC_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "max-age=3600"})


def _safe_next(nxt: str | None) -> str:
    return nxt if nxt and nxt.startswith("/ui") and "//" not in nxt else "/ui/search"


def _login_form(w: Web, next: str | None, status: int = 200, error: str | None = None) -> Response:
    """The sign-in page with a CSRF token bound to a fresh pre-session cookie (login CSRF: a
    forged form cannot sign a victim in under the attacker's key)."""
    nonce = session.login_nonce()
    resp = w.render(
        "login.html",
        None if status != 200 else w.user(),
        status,
        next=_safe_next(next),
        error=error,
        login_csrf=session.csrf_token(w.secret, "login:" + nonce),
    )
    resp.set_cookie(
        session.LOGIN_COOKIE,
        nonce,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=w.request.url.scheme == "https",
        path="/ui",
    )
    return resp


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return _login_form(web(request), next)


@router.post("/login")
def login(
    request: Request, api_key: Text = "", next: Text = "/ui/search", csrf: Text = ""
) -> Response:
    w = web(request)
    nonce = request.cookies.get(session.LOGIN_COOKIE)
    if not nonce or not session.check_csrf(w.secret, "login:" + nonce, csrf):
        return _login_form(w, next, 400, "Your sign-in form expired; please try again.")
    user = session.login(w.engine, api_key) if api_key.strip() else None
    if user is None:
        return _login_form(w, next, 401, "That API key is not valid (unknown or revoked).")
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.delete_cookie(session.LOGIN_COOKIE, path="/ui")
    resp.set_cookie(
        session.COOKIE,
        session.make_cookie(w.secret, user.key_id),
        max_age=session.TTL_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/ui",
    )
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Text = "") -> Response:
    w = web(request)
    resp = RedirectResponse("/ui/login?msg=signed_out", status_code=303)
    found = w.current_session()
    if found is not None and w.csrf_ok(csrf):
        session.end_session(w.engine, found)  # a copy of the cookie is refused from now on
        resp.delete_cookie(session.COOKIE, path="/ui")
    return resp


# ---------------------------------------------------------------------------
# Search


def _parse_query(name: str, country: str, kind: str, as_of: str, today: date) -> tuple[Query, date]:
    if not name.strip():
        raise InvalidInput("Enter a name to screen.")
    query = parse_query(name, country=country, kind=kind)
    try:
        day = date.fromisoformat(as_of) if as_of.strip() else today
    except ValueError:
        raise InvalidInput("The 'as of' date must look like 2026-01-31.") from None
    return query, day


@router.get("/search")
def search_page(request: Request) -> Response:
    w = web(request)
    user = _guard(w, "screener")
    if isinstance(user, Response):
        return user
    form = {
        "name": "",
        "country": "",
        "kind": "",
        "as_of": w.services.today().isoformat(),
        "cp": "",
    }
    return w.render("search.html", user, form=form, outcome=None, error=None)


@router.post("/search")
def search(
    request: Request,
    name: Text = "",
    country: Text = "",
    kind: Text = "",
    as_of: Text = "",
    counterparty: Text = "",
    csrf: Text = "",
) -> Response:
    w = web(request)
    user = _guard(w, "screener")
    if isinstance(user, Response):
        return user
    form = {"name": name, "country": country, "kind": kind, "as_of": as_of, "cp": counterparty}
    if not w.csrf_ok(csrf):
        return w.render(
            "search.html",
            user,
            400,
            form=form,
            outcome=None,
            error="Your session expired; please submit the form again.",
        )
    try:
        query, day = _parse_query(name, country, kind, as_of, w.services.today())
        outcome = w.services.screen_and_record(
            query,
            as_of=day,
            actor=user.name,
            channel="web",
            counterparty_key=counterparty,
        )
    except TradescreenError as err:
        status = err.http_status if 400 <= err.http_status < 500 else 500
        return w.render("search.html", user, status, form=form, outcome=None, error=err.message)
    views = {h.entity.id: explanation_view(h.explanation) for h in outcome.result.hits}
    return w.render("search.html", user, form=form, outcome=outcome, expl=views, error=None)


# ---------------------------------------------------------------------------
# Entities and lists


@router.get("/entities/{entity_id:path}")
def entity_page(request: Request, entity_id: str) -> Response:
    w = web(request)
    user = _guard(w, "screener")
    if isinstance(user, Response):
        return user
    try:
        entity = w.need_store().get_entity(entity_id)
        if entity is None:
            raise NotFound(f"No list entry {entity_id!r} in the lists in force.")
    except TradescreenError as err:
        return _error(w, user, err)
    alerts: list[Any] = []
    if user.allows("reviewer"):
        alerts = w.services.cases_for_entity(entity.id)
    return w.render(
        "entity.html", user, entity=entity, alerts=alerts, ownership=_ownership(w, entity)
    )


def _ownership(w: Web, entity: Any) -> Any:
    """Ownership edges recorded for the decisions that name this entity (if any)."""
    try:
        return ownership_view(entity, w.services.ownership_edges())
    except (SQLAlchemyError, TradescreenError) as exc:
        log.warning("ownership edges unavailable: %s", exc)
        return None


@router.get("/lists")
def lists_page(request: Request) -> Response:
    w = web(request)
    user = _guard(w, "screener")
    if isinstance(user, Response):
        return user
    try:
        status = w.services.list_status()
    except TradescreenError as err:
        return _error(w, user, err)
    return w.render(
        "lists.html",
        user,
        rows=status.lists,
        missing=list(status.missing),
        stale_after=status.stale_after_days,
        now=status.at,
    )


# ---------------------------------------------------------------------------
# Review


@router.get("/alerts")
def alerts_page(request: Request, status: str = "open", counterparty: str = "") -> Response:
    w = web(request)
    user = _guard(w, "reviewer")
    if isinstance(user, Response):
        return user
    if status not in QUEUES:
        status = "open"
    alerts = w.services.cases(
        status=status, counterparty_key=counterparty.strip() or None, limit=QUEUE_PAGE + 1
    )
    tally = w.services.case_counts()
    more = len(alerts) > QUEUE_PAGE
    return w.render(
        "alerts.html",
        user,
        alerts=alerts[:QUEUE_PAGE],
        more=more,
        queue=status,
        counts=tally,
        queues=QUEUES,
        counterparty=counterparty,
    )


def _alert_page(
    w: Web, user: session.WebUser, alert_id: int, status: int = 200, error: str | None = None
) -> Response:
    try:
        found = w.services.case(alert_id)
    except TradescreenError as err:
        return _error(w, user, err)
    return w.render(
        "alert.html",
        user,
        status,
        alert=found.alert,
        history=found.history,
        proposal=found.proposal,
        clearing=found.clearing,
        entity=found.entity,
        changed=found.entry_changed,
        error=error,
        approval_score=approval_score(w.settings),
    )


@router.get("/alerts/{alert_id}")
def alert_page(request: Request, alert_id: int) -> Response:
    w = web(request)
    user = _guard(w, "reviewer")
    if isinstance(user, Response):
        return user
    return _alert_page(w, user, alert_id)


@router.post("/alerts/{alert_id}/{action}")
def alert_action(
    request: Request,
    alert_id: int,
    action: str,
    verdict: Text = "",
    reason: Text = "",
    csrf: Text = "",
) -> Response:
    w = web(request)
    user = _guard(w, "reviewer")
    if isinstance(user, Response):
        return user
    if not w.csrf_ok(csrf):
        return _alert_page(w, user, alert_id, 400, "Your session expired; please try again.")
    try:
        services = w.services
        if action == "decide":
            alert = services.decide_case(
                alert_id, reviewer=user.name, verdict=verdict, reason=reason
            )
            msg = "pending" if alert.status == "pending_approval" else "decided"
        elif action == "approve":
            services.approve_case(alert_id, approver=user.name, reason=reason)
            msg = "approved"
        elif action == "reject":
            services.reject_case(alert_id, approver=user.name, reason=reason)
            msg = "rejected"
        else:
            raise NotFound(f"unknown action {action!r}")
    except TradescreenError as err:
        status = err.http_status if 400 <= err.http_status < 500 else 500
        return _alert_page(w, user, alert_id, status, err.message)
    return RedirectResponse(f"/ui/alerts/{alert_id}?msg={msg}", status_code=303)


# ---------------------------------------------------------------------------
# Audit trail (admins)


@router.get("/audit")
def audit_page(request: Request) -> Response:
    w = web(request)
    user = _guard(w, "admin")
    if isinstance(user, Response):
        return user
    report = w.services.verify_audit()
    return w.render("audit.html", user, report=report, rows=w.services.recent_audit(limit=100))


__all__ = ["approval_score", "router", "templates"]
