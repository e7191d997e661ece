"""Control characters in text: removed from list data as it is loaded, escaped on a terminal.

A list file may carry a NUL or another C0/C1 control character in a name or a remark (a stray
byte, padding). PostgreSQL cannot store NUL in text at all, and on a terminal an escape
sequence in a key or list name would be obeyed, not shown. So:

- :func:`without_controls` removes them (not tab, newline, carriage return) from every string of
  an entity (names, addresses, remarks ...), the same on every backend; the loader counts the
  entries it changed in a warning;
- :func:`terminal_safe` shows them as ``\\xNN`` / ``\\uNNNN`` escapes (tab and newline too, and
  the bidirectional overrides that reorder what is displayed), for text printed by the CLI.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

import orjson

T = TypeVar("T")

# C0 and C1 controls (Unicode category Cc) except tab, newline and carriage return.
_STORED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Everything a terminal would act on instead of showing: all of Cc, and the bidirectional
# embedding/override/isolate controls (a name could otherwise display reversed).
_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# The same characters as orjson writes them: \b \f and \u00XX escapes for C0 (tab, newline and
# carriage return excluded), DEL and C1 as raw UTF-8. A literal backslash-u text in the data can
# match too: then the exact walk below finds nothing to change.
_ESCAPED = re.compile(rb"\\(?:[bf]|u00(?:0[0-8bcef]|1[0-9a-fA-F]))|\x7f|\xc2[\x80-\x9f]")


def without_controls(value: T) -> T:
    """``value`` (a string, a tuple, a frozen dataclass such as an Entity, nested) with the
    control characters of its strings removed; the same object when there were none.

    A whole entity is first checked in one pass over its JSON form (orjson, in C): walking
    every field of every entity in Python took seconds on the SDN list."""
    try:
        quick = _ESCAPED.search(orjson.dumps(value)) is None
    except TypeError:  # not JSON-serialisable as it is: walk it
        quick = False
    return value if quick else _clean(value)


_FIELDS: dict[type, tuple[str, ...]] = {}  # dataclass -> field names (empty: not one)


def _fields(t: type) -> tuple[str, ...]:
    try:
        return _FIELDS[t]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(t)) if dataclasses.is_dataclass(t) else ()
        _FIELDS[t] = names
        return names


def _clean(value: Any) -> Any:
    t = type(value)
    if t is str:
        return _STORED.sub("", value) if _STORED.search(value) else value
    if value is None or t is int or t is float or t is bool:
        return value
    if t is tuple:
        items = tuple(_clean(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    names = _fields(t)
    if not names:
        return value
    changed: dict[str, Any] = {}
    for name in names:
        old = getattr(value, name)
        new = _clean(old)
        if new is not old:
            changed[name] = new
    return dataclasses.replace(value, **changed) if changed else value


def terminal_safe(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``)."""
    if not _TERMINAL.search(text):
        return text
    return _TERMINAL.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


__all__ = ["terminal_safe", "without_controls"]
