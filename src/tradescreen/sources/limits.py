"""Limits on what reading a list file may cost: decompressed size and ratio, XML elements.

A list file is at most tens of megabytes (the largest official one, OFAC's SDN_ENHANCED.XML, is
about 100 MB), so these bounds leave room for growth while a zip or gzip bomb, or a flood of XML
elements, is refused after a few megabytes of output with memory bounded by the limit, never a
``MemoryError``. The values come from ``Settings`` (``max_decompressed_bytes``,
``max_compression_ratio``, ``max_xml_elements``); readers see them through :func:`current`,
which :func:`using` sets for the duration of a read.

Refusals raise :class:`tradescreen.errors.LimitExceeded` (a ``SourceError``: exit 3, HTTP 422,
the ``list.rejected`` alert), naming the file and the setting that bounds it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from tradescreen.errors import LimitExceeded, SourceError

if TYPE_CHECKING:
    from tradescreen.settings import Settings

# The ratio limit applies once this much has been decompressed: a file's first kilobytes (an XML
# header, a run of blank padding) may compress far better than the whole.
RATIO_FLOOR_BYTES = 8 << 20
CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Limits:
    max_decompressed_bytes: int = 512 << 20
    max_compression_ratio: float = 100.0
    max_xml_elements: int = 20_000_000

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_decompressed_bytes=settings.max_decompressed_bytes,
            max_compression_ratio=settings.max_compression_ratio,
            max_xml_elements=settings.max_xml_elements,
        )

    def check_output(self, produced: int, consumed: int, path: str | None) -> None:
        """Refuse when ``produced`` decompressed bytes (from ``consumed`` compressed ones) pass
        the size limit, or the ratio limit once past ``RATIO_FLOOR_BYTES``."""
        if produced > self.max_decompressed_bytes:
            raise LimitExceeded(
                f"decompresses to more than {self.max_decompressed_bytes:,} bytes"
                " (limit: max_decompressed_bytes)",
                path=path,
            )
        if produced > RATIO_FLOOR_BYTES and produced > consumed * self.max_compression_ratio:
            raise LimitExceeded(
                f"compression ratio above {self.max_compression_ratio:g}:1 ({produced:,} bytes"
                f" from {consumed:,}; limit: max_compression_ratio): refused as a"
                " decompression bomb",
                path=path,
            )


_CURRENT: ContextVar[Limits] = ContextVar("tradescreen_read_limits", default=Limits())  # noqa: B039


def current() -> Limits:
    return _CURRENT.get()


@contextmanager
def using(limits: Limits | None) -> Iterator[Limits]:
    """Make ``limits`` the ones readers apply (in this thread/context) until the block ends."""
    if limits is None:
        yield current()
        return
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def gunzip(raw: bytes, path: str, limits: Limits) -> bytes:
    """Decompress a (possibly multi-member) gzip stream in bounded steps, checking the limits
    after every step, so a bomb stops after a few megabytes of output."""
    out = bytearray()
    data = memoryview(raw)
    pos = 0
    before = 0  # compressed bytes of the members already read
    d = zlib.decompressobj(31)
    try:
        while True:
            if d.unconsumed_tail:
                buf = d.unconsumed_tail
            else:
                buf = bytes(data[pos : pos + CHUNK])
                pos += len(buf)
            out += d.decompress(buf, CHUNK)
            limits.check_output(len(out), before + pos - len(d.unconsumed_tail), path)
            if d.eof:
                rest = d.unused_data + bytes(data[pos:])
                if not rest.strip(b"\0"):
                    return bytes(out)
                # Another gzip member follows (``cat a.gz b.gz``): go on with it.
                before += len(data) - len(rest)
                data, pos = memoryview(rest), 0
                d = zlib.decompressobj(31)
                continue
            if pos >= len(data) and not d.unconsumed_tail:
                raise SourceError(
                    "truncated or corrupt gzip (the data ends before the end of the stream)",
                    path=path,
                )
    except zlib.error as exc:
        raise SourceError(f"truncated or corrupt gzip ({exc})", path=path) from exc


def read_member(
    stream: IO[bytes], declared: int, compressed: int, path: str, limits: Limits
) -> bytes:
    """Read one zip member in chunks, checking the limits against the bytes produced."""
    # The sizes the archive declares are checked first: a bomb is refused before inflating.
    limits.check_output(declared, max(compressed, 1), path)
    out = bytearray()
    while chunk := stream.read(CHUNK):
        out += chunk
        limits.check_output(len(out), max(compressed, 1), path)
    return bytes(out)


__all__ = ["RATIO_FLOOR_BYTES", "Limits", "current", "gunzip", "read_member", "using"]
