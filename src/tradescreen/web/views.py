"""View models for the templates: presentation only, no rules.

:func:`explanation_view` is the one HTML renderer of a hit's typed explanation
(``match.render.html_view``, through ``services.explain``): the words as the user and the list
wrote them, highlighted as matching, close (fuzzy, initial, legal form, other script) or differing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tradescreen.model import Entity
from tradescreen.services.explain import ExplView, Token
from tradescreen.services.explain import html_view as explanation_view


@dataclass(frozen=True, slots=True)
class OwnershipView:
    owners: tuple[Any, ...]  # edges (tradescreen.decide.ownership.OwnershipEdge) owning it
    owned: tuple[Any, ...]  # edges it owns


def ownership_view(entity: Entity, edges: list[Any]) -> OwnershipView | None:
    """The recorded ownership edges touching any of the entity's names, or None."""
    from tradescreen.services.decision_data import party_key

    keys = {party_key(n.value) for n in entity.names}
    owners = tuple(e for e in edges if party_key(e.owned) in keys)
    owned = tuple(e for e in edges if party_key(e.owner) in keys)
    return OwnershipView(owners, owned) if owners or owned else None


def score_class(score: float) -> str:
    return "high" if score >= 0.9 else "mid" if score >= 0.8 else "low"


def fmt_time(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


STATUS_LABEL = {
    "open": "Open",
    "pending_approval": "Awaiting approval",
    "true_match": "True match",
    "false_positive": "False positive",
    "closed": "Closed",
}

__all__ = [
    "STATUS_LABEL",
    "ExplView",
    "OwnershipView",
    "Token",
    "explanation_view",
    "fmt_time",
    "link_url",
    "ownership_view",
    "score_class",
]


def link_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL, else None: a list's source URL is data from a file,
    and ``javascript:`` or ``data:`` in an ``href`` would run in the analyst's session."""
    from urllib.parse import urlsplit

    text = (value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None
