"""Hypothesis properties: the name normaliser and the FtM export -> import round trip."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tradescreen.model import Entity
from tradescreen.names.normalize import normalize, tagged, tokenize
from tradescreen.sources import read_source
from tradescreen.sources.ftm import write_ftm

LISTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "lists"

# Names as lists write them: Latin with punctuation and digits, Cyrillic, Arabic, CJK, combining
# marks, odd spaces and control characters.
NAME_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("ABCIVXLabcivx0123456789 .,-'\"()&/\t\n\u00a0\u200b\u0301")),
        st.characters(min_codepoint=0x0400, max_codepoint=0x04FF),
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=40,
)
# Roman numerals and digits next to letters: the boundary where idempotence used to break.
ROMANISH = st.text(alphabet=list("XIV5 ()-.Y"), min_size=1, max_size=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NAME_TEXT)
def test_normaliser_never_crashes_and_is_canonical(text: str) -> None:
    out = normalize(text)
    assert isinstance(out, str)
    assert out == out.strip() and "  " not in out
    toks = tokenize(text)
    assert all(t and " " not in t for t in toks)
    assert " ".join(toks) == out
    assert len(tagged(text)) == len(toks)


@settings(max_examples=400, deadline=None)
@given(NAME_TEXT)
def test_normaliser_idempotent_on_names(text: str) -> None:
    """normalize(normalize(x)) == normalize(x) over realistic names."""
    once = normalize(text)
    assert normalize(once) == once


# Regression: found by fuzz/fuzz_names.py ("5XX" -> "5 xx" -> "5 20"); fixed in normalize.py.
@settings(max_examples=200, deadline=None)
@example("5XX")
@example("X(XX")
@given(ROMANISH)
def test_normaliser_idempotent_with_roman_numerals(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


# Regression: fuzz/fuzz_names.py's second finding ('no no no no no no 9' -> 'no no 9' -> '9').
@settings(max_examples=100, deadline=None)
@example(k=6, word="no")
@given(st.integers(min_value=5, max_value=12), st.sampled_from(["no", "nr", "No.", "number"]))
def test_normaliser_idempotent_with_number_words(k: int, word: str) -> None:
    text = " ".join([word] * k) + " 9"
    once = normalize(text)
    assert normalize(once) == once


@functools.cache
def _read(rel: str) -> tuple[Entity, ...]:
    return tuple(read_source(LISTS / rel).entities)


def _canon(e: Entity) -> dict[str, Any]:
    """An entity as comparable data; tuple fields compared as sorted multisets."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        out[f.name] = sorted(map(repr, v)) if isinstance(v, tuple) else v
    return out


def _round_trip(ents: tuple[Entity, ...], tmp: Path) -> dict[str, Entity]:
    path = tmp / "export.ftm.json"
    with open(path, "wb") as fp:
        write_ftm(ents, fp)
    return {e.id: e for e in read_source(path, format="ftm_json").entities}


@pytest.mark.parametrize(
    "rel",
    ["us_bis_dpl/bis_dpl_2026-04-14.json", "us_bis_entity_list/bis_entity_list_ecfr_2026-07.json"],
)
def test_ftm_round_trip_lossless(rel: str, tmp_path: Path) -> None:
    ents = _read(rel)
    back = _round_trip(ents, tmp_path)
    assert set(back) == {e.id for e in ents}
    bad = [e.id for e in ents if _canon(e) != _canon(back[e.id])]
    assert not bad, f"{len(bad)} entities changed, e.g. {bad[:3]}"


@pytest.mark.xfail(
    strict=True,
    reason="sources/ftm.py to_ftm: NATIVE names are written as 'alias' and read back as AKA "
    "(378 UN entities), and nationalities of non-persons are dropped (10 SDN entities)",
)
@pytest.mark.parametrize("rel", ["un_sc/UN_consolidated_2026-02-27.xml.gz", "us_ofac_sdn/2021-07"])
def test_ftm_round_trip_keeps_name_kinds_and_nationalities(rel: str, tmp_path: Path) -> None:
    ents = _read(rel)
    back = _round_trip(ents, tmp_path)
    bad = [e.id for e in ents if _canon(e) != _canon(back[e.id])]
    assert not bad, f"{len(bad)} entities changed, e.g. {bad[:3]}"


@pytest.mark.xfail(
    strict=True,
    reason="sources/ftm.py writes NATIVE names as FtM 'alias' and reads them back as AKA, so an "
    "unchanged UN list re-imported via FtM shows its entries with native-script names as "
    "changed in diff() (the hash no longer depends on name order)",
)
def test_ftm_round_trip_keeps_content_hash(tmp_path: Path) -> None:
    ents = _read("un_sc/UN_consolidated_2026-02-27.xml.gz")
    back = _round_trip(ents, tmp_path)
    changed = [e.id for e in ents if e.content_hash() != back[e.id].content_hash()]
    assert not changed, f"{len(changed)} content hashes changed"
