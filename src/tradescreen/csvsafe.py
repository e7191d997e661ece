"""CSV cells that spreadsheets will not run as formulas (CSV/formula injection, OWASP).

Every CSV the product writes (batch output, the demo report, audit exports) goes through
:func:`safe_cell`: a cell starting with ``= + - @``, a tab or a carriage return gets a leading
apostrophe, so a listed name such as ``=HYPERLINK(...)`` reaches the analyst as text.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """``value`` as CSV cell text that no spreadsheet runs as a formula; ``None`` is empty."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


__all__ = ["FORMULA_START", "safe_cell"]
