"""Hypothesis properties: the name normaliser and the FtM export -> import round trip."""

from __future__ import annotations

import dataclasses
import functools
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.data_paths import require_data

from tradescreen.model import Address, Entity, EntityKind, Identifier, Listing, Name, NameKind
from tradescreen.names.normalize import normalize, tagged, tokenize
from tradescreen.sources import read_source
from tradescreen.sources.ftm import write_ftm

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
    """normalize(normalize(x)) == normalize(x) over realistic names, as an organisation's
    and as a person's (no legal forms read)."""
    once = normalize(text)
    assert normalize(once) == once
    as_person = normalize(text, person=True)
    assert normalize(as_person, person=True) == as_person


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
    return tuple(read_source(require_data("lists", rel)).entities)


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


# Every real list we read, in every format that has people, native-script names, non-person
# nationalities, addresses, identifiers and FR citations.
ROUND_TRIP_LISTS = [
    "us_bis_dpl/bis_dpl_2026-04-14.json",
    "us_bis_dpl/dpl_2023-11.txt",
    "us_bis_entity_list/bis_entity_list_ecfr_2026-07.json",
    "us_bis_meu/bis_meu_ecfr_2026-07.json",
    "un_sc/UN_consolidated_2026-02-27.xml.gz",
    "us_ofac_sdn/2021-07",
    "us_ofac_cons/2025-01",
    "us_csl/consolidated_2022-04.csv.gz",
    "eu_opensanctions_journal/32014R0269.csv.gz",
]


@pytest.mark.parametrize("rel", ROUND_TRIP_LISTS)
def test_ftm_round_trip_is_lossless_on_real_lists(rel: str, tmp_path: Path) -> None:
    """Export -> import gives back every entity field for field (names with their kind and
    language, nationalities of organisations and vessels), and the same content hash, so an
    unchanged list re-imported through FtM shows no change in ``diff()``."""
    ents = _read(rel)
    back = _round_trip(ents, tmp_path)
    assert set(back) == {e.id for e in ents}
    bad = [e.id for e in ents if _canon(e) != _canon(back[e.id])]
    assert not bad, f"{len(bad)} entities changed, e.g. {bad[:3]}"
    changed = [e.id for e in ents if e.content_hash() != back[e.id].content_hash()]
    assert not changed, f"{len(changed)} content hashes changed"


def test_ftm_round_trip_covers_what_ftm_cannot_hold() -> None:
    """The lists above do exercise the extension: UN has native names, SDN 2021-07 has
    organisations with a nationality of registration."""
    un = _read("un_sc/UN_consolidated_2026-02-27.xml.gz")
    sdn = _read("us_ofac_sdn/2021-07")
    assert sum(any(n.kind is NameKind.NATIVE for n in e.names) for e in un) > 300
    assert sum(bool(e.nationalities) and e.kind is not EntityKind.PERSON for e in sdn) >= 10


_TEXT = (
    st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]), min_size=1)
    .map(str.strip)
    .filter(bool)
)
_COUNTRY = st.sampled_from(["CN", "RU", "IR", "KP", "US", "DE", "AE", "HK"])
_NAME = st.builds(
    Name,
    _TEXT,
    st.sampled_from(list(NameKind)),
    st.one_of(st.none(), st.sampled_from(["zh", "ru", "ar", "fa"])),
)
_ENTITY = st.builds(
    Entity,
    id=st.just("us_bis_el:1"),
    kind=st.sampled_from(list(EntityKind)),
    names=st.lists(_NAME, min_size=1, max_size=6, unique=True).map(tuple),
    listings=st.just((Listing("us_bis_el", "Entity List"),)),
    nationalities=st.lists(_COUNTRY, max_size=3, unique=True).map(tuple),
    countries=st.lists(_COUNTRY, max_size=3, unique=True).map(tuple),
    addresses=st.lists(
        st.builds(Address, full=_TEXT, country=st.one_of(st.none(), _COUNTRY)),
        max_size=2,
        unique=True,
    ).map(tuple),
    identifiers=st.lists(
        st.builds(Identifier, st.sampled_from(["Passport", "IMO", "Registration Number"]), _TEXT),
        max_size=2,
        unique=True,
    ).map(tuple),
    title=st.one_of(st.none(), _TEXT),
    remarks=st.one_of(st.none(), _TEXT),
    birth_dates=st.lists(
        st.sampled_from(["1970", "1970-02", "1970-02-03"]), max_size=2, unique=True
    ).map(tuple),
).filter(lambda e: e.kind is not EntityKind.ADDRESS or bool(e.addresses))  # as the EL has them


@settings(max_examples=300, deadline=None)
@given(_ENTITY)
def test_ftm_round_trip_property(entity: Entity) -> None:
    """Any entity a reader could produce (stripped text, ISO countries, any name kind and
    language, any entity kind) comes back from FtM unchanged."""
    buf = io.BytesIO()
    write_ftm([entity], buf)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.ftm.json"
        path.write_bytes(buf.getvalue())
        (back,) = list(read_source(path, format="ftm_json").entities)
    if entity.kind is not EntityKind.PERSON:
        entity = dataclasses.replace(entity, birth_dates=())  # FtM: only people have them
    assert _canon(back) == _canon(entity)
    assert back.content_hash() == entity.content_hash()
