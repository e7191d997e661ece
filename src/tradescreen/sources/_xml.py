"""Safe, streaming XML over lxml ``iterparse``: no entity resolution, no network, cleared as read.

``XmlStream`` checks the declared encoding against the bytes, reads up to the root element at
construction (so the reader can take ``dateGenerated`` / ``dataAsOf`` before any entity is built)
and then yields the record elements lazily; a syntax error anywhere becomes ``SourceError`` with
the file and line. Elements outside records are cleared as soon as they end, and the number of
elements is bounded (``max_xml_elements``), so a flood of ``<X/>`` cannot grow the tree.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator

from lxml import etree

from tradescreen.errors import LimitExceeded, SourceError
from tradescreen.sources import limits
from tradescreen.sources._io import Blob

_DECLARATION = re.compile(rb"^<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_UNICODE = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


def _bad_position(data: bytes, encoding: str) -> tuple[int, str] | None:
    """Where ``data`` stops being valid ``encoding`` (byte offset, reason), read in chunks."""
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    step = 1 << 20
    for start in range(0, len(data) or 1, step):
        try:
            dec.decode(data[start : start + step], final=start + step >= len(data))
        except UnicodeDecodeError as exc:
            return start + max(exc.start, 0), exc.reason
    return None


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    return not data.isascii() and _bad_position(data, "utf-8") is None


def check_encoding(blob: Blob) -> None:
    """Refuse an XML file whose bytes are not valid in its declared (or, without a declaration,
    its BOM's or the default UTF-8) encoding, and one that declares a single-byte encoding
    (ISO-8859-1, windows-1252) while its bytes are UTF-8 with non-ASCII text: parsed as declared,
    every accented name would be stored as mojibake."""
    data = blob.data
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        implied = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        implied = "utf-16"
    else:
        implied = "utf-8"
    declared: str | None = None
    if implied == "utf-8":
        m = _DECLARATION.match(data.removeprefix(codecs.BOM_UTF8)[:200])
        declared = m.group(1).decode("ascii") if m else None
    name = declared or implied
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise SourceError(f"unknown XML encoding {name!r}", path=blob.path, line=1) from None
    if codec not in _UNICODE and _is_utf8_with_non_ascii(data):
        raise SourceError(
            f"declares encoding {name!r} but its bytes are UTF-8 (its non-ASCII text would be"
            " garbled): fix the declaration",
            path=blob.path,
            line=1,
        )
    if codec.startswith(("utf-16", "utf-32")) and implied == "utf-8":
        raise SourceError(
            f"declares encoding {name!r} but has no byte-order mark", path=blob.path, line=1
        )
    bad = _bad_position(data, "utf-8-sig" if codec == "utf-8" else codec)
    if bad is not None:
        pos, reason = bad
        line = data[:pos].count(b"\n") + 1
        raise SourceError(
            f"not valid {name} text as declared (byte 0x{data[pos]:02X}: {reason})",
            path=blob.path,
            line=line,
        )


def local(tag: object) -> str:
    """The tag without its namespace."""
    t = str(tag)
    return t.rsplit("}", 1)[-1]


class XmlStream:
    def __init__(self, blob: Blob, record_tags: set[str]) -> None:
        check_encoding(blob)
        self.blob = blob
        self.record_tags = record_tags
        self.max_elements = limits.current().max_xml_elements
        self.elements = 0
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
                    self.elements += 1
                    return elem
        except etree.XMLSyntaxError as exc:
            raise self._error(exc) from exc
        raise SourceError("no XML root element", path=self.blob.path, line=1)

    def _count(self) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise LimitExceeded(
                f"more than {self.max_elements:,} XML elements (limit: max_xml_elements)",
                path=self.blob.path,
            )

    def records(self) -> Iterator[tuple[int | None, etree._Element]]:
        """(line, element) for every record element; the element is cleared after use, and so
        is every element outside a record as soon as it ends."""
        depth = 0  # record elements open around the current position
        try:
            for event, elem in self._it:
                is_record = local(elem.tag) in self.record_tags
                if event == "start":
                    self._count()
                    depth += is_record
                    continue
                if is_record:
                    depth -= 1
                    yield elem.sourceline, elem
                elif depth:
                    continue  # part of a record: the reader needs it until the record ends
                _drop(elem)
        except etree.XMLSyntaxError as exc:
            raise self._error(exc) from exc


def _drop(elem: etree._Element) -> None:
    """Clear an ended element and remove it, and its earlier siblings, from the tree."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


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
