"""List readers and the registry that picks one (``sources/registry.py``).

``read_source(paths)`` detects the format from the content (first bytes, after transparently
decompressing ``.gz`` / ``.zip``); ``format=`` overrides. Each reader module exposes ``FORMAT``,
``sniff(head, name)`` and ``read(paths) -> ParsedSource`` (see ``base.py``). A directory is read
as an OFAC legacy CSV set (``sdn.csv`` + ``add.csv`` + ``alt.csv`` + ``sdn_comments.csv``, or the
``cons_*`` equivalents).

The registry's names load on first use (PEP 562): importing one module of this package (the
``ParsedSource`` type, the download feeds) does not import every reader and lxml, which a
command that reads no list file (a screening) would otherwise pay for at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradescreen.lazy import lazy_getattr

if TYPE_CHECKING:
    from tradescreen.sources.registry import (
        ALIASES,
        FORMATS,
        detect,
        group_sources,
        read_source,
    )

_REGISTRY = frozenset({"ALIASES", "FORMATS", "detect", "group_sources", "read_source"})


__getattr__ = lazy_getattr(
    __name__, dict.fromkeys(_REGISTRY, "tradescreen.sources.registry"), globals()
)


__all__ = ["ALIASES", "FORMATS", "detect", "group_sources", "read_source"]
