"""Safe, streaming XML over lxml ``iterparse``: no entity resolution, no network, cleared as read.

``XmlStream`` reads up to the root element at construction (so the reader can take
``dateGenerated`` / ``dataAsOf`` before any entity is built) and then yields the record elements
lazily; a syntax error anywhere becomes ``SourceError`` with the file and line.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml import etree

from tradescreen.errors import SourceError
from tradescreen.sources._io import Blob


def local(tag: object) -> str:
    """The tag without its namespace."""
    t = str(tag)
    return t.rsplit("}", 1)[-1]


class XmlStream:
    def __init__(self, blob: Blob, record_tags: set[str]) -> None:
        self.blob = blob
        self.record_tags = record_tags
        self._it = etree.iterparse(
            io.BytesIO(blob.data),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
        )
        self.root = self._first()

    def _error(self, exc: Exception) -> SourceError:
        line = getattr(exc, "lineno", None) or getattr(exc, "position", (None,))[0]
        msg = str(exc).split(", line")[0] or type(exc).__name__
        return SourceError(f"broken XML ({msg})", path=self.blob.path, line=line)

    def _first(self) -> etree._Element:
        try:
            for event, elem in self._it:
                if event == "start":
                    return elem
        except etree.XMLSyntaxError as exc:
            raise self._error(exc) from exc
        raise SourceError("no XML root element", path=self.blob.path, line=1)

    def records(self) -> Iterator[tuple[int | None, etree._Element]]:
        """(line, element) for every record element; the element is cleared after use."""
        try:
            for event, elem in self._it:
                if event == "end" and local(elem.tag) in self.record_tags:
                    yield elem.sourceline, elem
                    elem.clear(keep_tail=False)
                    parent = elem.getparent()
                    if parent is not None:
                        while elem.getprevious() is not None:
                            del parent[0]
        except etree.XMLSyntaxError as exc:
            raise self._error(exc) from exc


def text(elem: etree._Element | None, path: str | None = None) -> str | None:
    """Whitespace-normalised text of ``elem`` (or of its first descendant matching ``path``)."""
    if elem is None:
        return None
    node = elem if path is None else elem.find(path)
    if node is None or node.text is None:
        return None
    value = " ".join(node.text.split())
    return value or None


def texts(elem: etree._Element, path: str) -> list[str]:
    return [t for t in (text(n) for n in elem.iterfind(path)) if t]


def kids(elem: etree._Element, name: str) -> list[etree._Element]:
    """Direct children with local name ``name`` (any namespace)."""
    return [c for c in elem if isinstance(c.tag, str) and local(c.tag) == name]


def kid_text(elem: etree._Element, *path: str) -> str | None:
    """Text at a path of local names below ``elem`` (first match at each step)."""
    node: etree._Element | None = elem
    for name in path:
        found = kids(node, name) if node is not None else []
        node = found[0] if found else None
    return text(node)
