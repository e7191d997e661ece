"""Stable entity ids for lists without ids of their own.

``<list code>:<16 hex>`` where the hex is the start of the sha256 of
``list code | slug(primary name) | country``; ``slug`` is ``normality.slugify`` (lower-case,
transliterated, punctuation dropped), so spacing, case and punctuation edits keep the id. When two
entries of one file share that key (the Entity List has several "Huawei Technologies Co., Ltd."
rows, one per address), the later ones add their address text to the hash, then a counter.
"""

from __future__ import annotations

import hashlib

from normality import slugify


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def stable_key(list_code: str, name: str, country: str | None) -> str:
    return f"{list_code}:{_digest(list_code, slugify(name) or name.strip(), country or '')}"


class IdAllocator:
    """Hands out stable ids within one file, disambiguating collisions deterministically."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def allocate(
        self, list_code: str, name: str, country: str | None, extra: str | None = None
    ) -> str:
        key = stable_key(list_code, name, country)
        if key in self._seen and extra:
            key = f"{list_code}:{_digest(list_code, slugify(name) or name, country or '', extra)}"
        base, n = key, 1
        while key in self._seen:
            n += 1
            key = f"{base}-{n}"
        self._seen.add(key)
        return key

    def own(self, key: str) -> str:
        """Register an id the source supplies (OFAC ent_num); a repeat gets a counter."""
        base, n = key, 1
        while key in self._seen:
            n += 1
            key = f"{base}-{n}"
        self._seen.add(key)
        return key
