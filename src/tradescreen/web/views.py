"""View models for the templates: presentation only, no rules.

:func:`explanation_view` turns a hit's explanation (``tradescreen.match``: aligned token pairs,
unmatched tokens, penalties) into tokens the search page highlights: words that match, words
that are close (fuzzy, initial, legal form, transliteration) and words that differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tradescreen.model import Entity

HOW_LABEL = {
    "exact": "same word",
    "fuzzy": "spelling differs slightly",
    "initial": "initial",
    "legal_form": "legal form variant",
    "transliteration": "same word in another script",
    "joined": "joined words",
}


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    cls: str  # match | near | differ
    note: str  # accessible description


@dataclass(frozen=True, slots=True)
class ExplView:
    query: tuple[Token, ...]
    candidate: tuple[Token, ...]
    penalties: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str, str], ...] = field(default=())  # (query, candidate, how)


def _cls(how: str) -> str:
    return "match" if how == "exact" else "near"


def explanation_view(expl: dict[str, Any] | None) -> ExplView:
    expl = expl or {}
    q: list[Token] = []
    c: list[Token] = []
    pairs: list[tuple[str, str, str]] = []
    for row in expl.get("aligned") or ():
        if not isinstance(row, dict):
            continue
        how = str(row.get("how") or "exact")
        label = HOW_LABEL.get(how, how.replace("_", " "))
        qt, ct = str(row.get("query", "")), str(row.get("candidate", ""))
        if "distance" in row:
            label = f"{label} ({row['distance']} edit{'s' if row['distance'] != 1 else ''})"
        q.append(Token(qt, _cls(how), f"matches “{ct}”: {label}"))
        c.append(Token(ct, _cls(how), f"matches “{qt}”: {label}"))
        pairs.append((qt, ct, label))
    for t in expl.get("unmatched_query") or ():
        q.append(Token(str(t), "differ", "not in the listed name"))
    for t in expl.get("unmatched_candidate") or ():
        c.append(Token(str(t), "differ", "not in the screened name"))
    penalties = tuple(
        f"{p.get('reason', '?')} (×{p.get('factor')})" if isinstance(p, dict) else str(p)
        for p in expl.get("penalties") or ()
    )
    facts: list[str] = []
    if expl.get("country") == "match":
        facts.append("country matches")
    if expl.get("birth_date") == "match":
        facts.append("birth date matches")
    if expl.get("identifiers"):
        facts.append("identifier matches: " + ", ".join(map(str, expl["identifiers"])))
    if expl.get("matched_on") == "address":
        facts.append("matched on the listed address")
    if expl.get("weak"):
        facts.append("weak words (legal forms): " + ", ".join(map(str, expl["weak"])))
    return ExplView(tuple(q), tuple(c), penalties, tuple(facts), tuple(pairs))


@dataclass(frozen=True, slots=True)
class OwnershipView:
    owners: tuple[Any, ...]  # edges (tradescreen.decide.ownership.OwnershipEdge) owning it
    owned: tuple[Any, ...]  # edges it owns


def ownership_view(entity: Entity, edges: list[Any]) -> OwnershipView | None:
    """The recorded ownership edges touching any of the entity's names, or None."""
    from tradescreen.decide.ownership import party_key

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
