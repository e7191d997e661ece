"""The candidate index: keys, candidate recall with typos and splits, bytes, merge."""

from __future__ import annotations

import pickle

from tradescreen.index.build import NameIndex
from tradescreen.match.config import MatchConfig
from tradescreen.match.prepared import prepare_name
from tradescreen.model import Entity, EntityKind, Identifier, Listing, Name, NameKind

CONFIG = MatchConfig()
EL = Listing("us_bis_el", "Entity List")


def ent(i: int, *names: str, kind: EntityKind = EntityKind.ORGANIZATION, **kw: object) -> Entity:
    ns = tuple(Name(n, NameKind.PRIMARY if j == 0 else NameKind.AKA) for j, n in enumerate(names))
    return Entity(f"e{i}", kind, ns, (EL,), **kw)  # type: ignore[arg-type]


ENTITIES = [
    ent(1, "Hangzhou Hikvision Digital Technology Co., Ltd.", "Hikvision"),
    ent(2, "Dahua Technology"),
    ent(3, "Zhongxing Telecommunication Equipment Corporation", "ZTE"),
    ent(4, "Vessel Star", kind=EntityKind.VESSEL, identifiers=(Identifier("IMO", "IMO 9123456"),)),
] + [ent(10 + i, f"Generic{i} Technology Co., Ltd.") for i in range(50)]


def top(index: NameIndex, text: str) -> list[str]:
    q = prepare_name(text, index.weights)
    return [index.facts[index.name_entity[n]].entity_id for n in index.candidates(q, CONFIG)]


def test_every_name_and_alias_indexed() -> None:
    idx = NameIndex.build(ENTITIES, 7)
    assert idx.version_ids == (7,)
    assert len(idx.facts) == len(ENTITIES)
    assert {"hikvision", "zte", "dahua"} <= set(idx.postings)


def test_candidates_exact_typo_split() -> None:
    idx = NameIndex.build(ENTITIES)
    assert top(idx, "Hikvision")[0] == "e1"
    assert top(idx, "Hikvsion Digital")[0] == "e1"  # one transposition
    assert top(idx, "Zhong Xing Telecommunication")[0] == "e3"  # split syllables
    assert "e2" in top(idx, "Zhejiang Dahua Technology Co Ltd")[:3]


def test_common_words_do_not_flood_candidates() -> None:
    idx = NameIndex.build(ENTITIES)
    assert len(top(idx, "Technology Co., Ltd.")) <= CONFIG.max_candidates


def test_identifiers_indexed_normalised() -> None:
    idx = NameIndex.build(ENTITIES)
    assert idx.identifiers["IMO9123456"] == [3]


def test_bytes_round_trip_and_merge_reweights() -> None:
    a = NameIndex.build(ENTITIES[:2], 1)
    b = NameIndex.build(ENTITIES[2:], 2)
    back = NameIndex.from_bytes(a.to_bytes())
    assert [n.tokens for n in back.names] == [n.tokens for n in a.names]
    assert back.postings == a.postings
    merged = NameIndex.merge([NameIndex.from_bytes(a.to_bytes(), with_keys=False), b])
    assert merged.version_ids == (1, 2)
    assert [f.entity_id for f in merged.facts] == [e.id for e in ENTITIES]
    # "technology" is rare in list 1 alone but common over both: merge re-weights it
    assert merged.weights.weight("technology") < a.weights.weight("technology")
    assert top(merged, "Dahua Technology")[0] == "e2"
    assert pickle.loads(pickle.dumps(merged)).names == merged.names
