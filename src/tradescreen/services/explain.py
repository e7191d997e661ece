"""Rendering a hit's explanation, for the adapters (which import the application layer only).

Every channel renders the typed :class:`~tradescreen.match.explanation.Explanation` through these
functions (``match/render.py``); none reads explanation keys itself.
"""

from __future__ import annotations

from tradescreen.match.explanation import Explanation
from tradescreen.match.render import (
    ExplView,
    Token,
    from_json,
    html_view,
    to_json,
    to_text,
    yente_explanations,
    yente_features,
)

__all__ = [
    "ExplView",
    "Explanation",
    "Token",
    "from_json",
    "html_view",
    "to_json",
    "to_text",
    "yente_explanations",
    "yente_features",
]
