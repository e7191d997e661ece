"""tradescreen: restricted-party screening and export-control decisions.

The public API is small and pinned (``__all__``; ``tests/unit/test_public_api.py`` keeps it
honest)::

    from datetime import date
    import tradescreen as ts

    settings = ts.Settings(db="screening.db")
    store = ts.open_store(settings)
    ts.load_files(store, ["consolidated.csv"], settings=settings)
    result = ts.Screener(store, settings).screen(ts.Query("Hikvision"), as_of=date.today())

Heavy modules (matching, decisions) load on first use, so ``import tradescreen`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradescreen.errors import TradescreenError
from tradescreen.lazy import lazy_getattr
from tradescreen.model import (
    Address,
    Citation,
    Entity,
    EntityKind,
    Identifier,
    Listing,
    ListVersion,
    Name,
    NameKind,
    Query,
)
from tradescreen.settings import Settings

if TYPE_CHECKING:
    from tradescreen.decide import Decision, Transaction, check
    from tradescreen.loading import LoadReport, load_files
    from tradescreen.results import Hit, ScreenResult
    from tradescreen.screening.screener import Screener
    from tradescreen.store.base import Store
    from tradescreen.store.sql import SqlStore, open_store

__version__ = "0.1.0"

# name -> module that defines it, imported on first attribute access (PEP 562).
_LAZY = {
    "Decision": "tradescreen.decide",
    "Transaction": "tradescreen.decide",
    "check": "tradescreen.decide",
    "LoadReport": "tradescreen.loading",
    "load_files": "tradescreen.loading",
    "Hit": "tradescreen.results",
    "ScreenResult": "tradescreen.results",
    "Screener": "tradescreen.screening.screener",
    "Store": "tradescreen.store.base",
    "SqlStore": "tradescreen.store.sql",
    "open_store": "tradescreen.store.sql",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


__all__ = [
    "Address",
    "Citation",
    "Decision",
    "Entity",
    "EntityKind",
    "Hit",
    "Identifier",
    "ListVersion",
    "Listing",
    "LoadReport",
    "Name",
    "NameKind",
    "Query",
    "ScreenResult",
    "Screener",
    "Settings",
    "SqlStore",
    "Store",
    "TradescreenError",
    "Transaction",
    "__version__",
    "check",
    "load_files",
    "open_store",
]
