"""The entities of a screening index, decoded only when a hit needs one.

A screener holds every entity of the lists in force (16,571 with the CSL, the Entity List and
the UN list), but a screening reads only the few that reach a hit. Decoding them all from the
store's JSON when a process starts cost about a second of a CLI command's time (``orjson`` and
``entity_from_dict`` over every row); :class:`EntityRows` keeps the stored JSON and decodes an
entity the first time it is asked for. It is a read-only sequence aligned with the index's
entity positions, and pickles as its JSON alone (what a batch worker or a Spark executor is
sent), so its decoded cache never travels.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import orjson

from tradescreen.model import Entity, entity_from_dict


class EntityRows(Sequence[Entity]):
    """Entities by position, from their stored JSON (decoded on first use, then kept)."""

    __slots__ = ("_data", "_decoded", "ids")

    def __init__(self, ids: Sequence[str], data: Sequence[str | bytes]) -> None:
        if len(ids) != len(data):
            raise ValueError(f"{len(ids)} entity ids for {len(data)} records")
        self.ids: list[str] = list(ids)
        self._data: list[str | bytes] = list(data)
        self._decoded: dict[int, Entity] = {}

    @classmethod
    def of(cls, records: Iterable[tuple[str, str | bytes]]) -> EntityRows:
        """From ``(entity id, stored JSON)`` pairs, as ``Store.iter_entity_records`` gives them."""
        ids: list[str] = []
        data: list[str | bytes] = []
        for entity_id, blob in records:
            ids.append(entity_id)
            data.append(blob)
        return cls(ids, data)

    @classmethod
    def concat(cls, parts: Sequence[EntityRows]) -> EntityRows:
        out = cls([], [])
        for p in parts:
            out.ids.extend(p.ids)
            out._data.extend(p._data)
        return out

    def __len__(self) -> int:
        return len(self._data)

    @overload
    def __getitem__(self, index: int) -> Entity: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entity]: ...

    def __getitem__(self, index: int | slice) -> Entity | list[Entity]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        got = self._decoded.get(index)
        if got is None:
            got = entity_from_dict(orjson.loads(self._data[index]))
            self._decoded[index] = got
        return got

    def __iter__(self) -> Iterator[Entity]:
        for i in range(len(self)):
            yield self[i]

    def __getstate__(self) -> tuple[list[str], list[str | bytes]]:
        return self.ids, self._data

    def __setstate__(self, state: tuple[list[str], list[str | bytes]]) -> None:
        self.ids, self._data = state
        self._decoded = {}


def concat_entities(parts: Sequence[Sequence[Entity]]) -> Sequence[Entity]:
    """The entities of several index parts, in order: still undecoded where every part is."""
    if all(isinstance(p, EntityRows) for p in parts):
        return EntityRows.concat([p for p in parts if isinstance(p, EntityRows)])
    return [e for p in parts for e in p]


__all__ = ["EntityRows", "concat_entities"]
