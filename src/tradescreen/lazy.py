"""Package names that import their module on first use (PEP 562 ``__getattr__``).

``tradescreen``, ``tradescreen.decide`` and ``tradescreen.sources`` export names whose modules
are costly to import (every rule and its data, every list reader and lxml); a command that does
not use them should not pay for them at start (``tests/unit/test_lazy_imports.py``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(
    package: str, modules: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``modules`` maps each name to the module that
    defines it; a name once loaded is stored in ``namespace`` (the package's globals)."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__


__all__ = ["lazy_getattr"]
