"""Persons (issue 18, item 7): surnames that differ, phonetic matches that change consonants,
common full names without a fact to corroborate them (``match/persons.py``)."""

from __future__ import annotations

from datetime import date

import pytest

from tradescreen.match.compare import MatchResult, compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.explanation import How, PenaltyReason
from tradescreen.match.persons import consonant_sequence, surname_positions
from tradescreen.match.prepared import EntityFacts, prepare_name, prepare_query
from tradescreen.match.render import to_text
from tradescreen.model import Entity, EntityKind, Identifier, Listing, Name, Query
from tradescreen.names.tokens import TokenWeights
from tradescreen.screening.matcher import IndexBundle, match_query

CONFIG = MatchConfig()


def _listed(
    name: str, *, birth: str = "", country: str = "", ident: str = "", pos: int = 0
) -> Entity:
    return Entity(
        f"x:{pos}",
        EntityKind.PERSON,
        (Name(name),),
        countries=(country,) if country else (),
        birth_dates=(birth,) if birth else (),
        identifiers=(Identifier("passport", ident),) if ident else (),
        listings=(Listing("us_ofac_sdn", "SDN List", start_date=date(2020, 1, 1)),),
    )


def _compare(query: Query, entity: Entity, weights: TokenWeights | None = None) -> MatchResult:
    name = entity.names[0].value
    facts = EntityFacts.of(entity)
    return compare(prepare_query(query, weights), prepare_name(name, weights, facts=facts), CONFIG)


def _reasons(res: MatchResult) -> list[PenaltyReason]:
    return [p.reason for p in res.explanation.penalties]


@pytest.fixture
def common_weights() -> TokenWeights:
    """Lists in which "michael" and "johnson" are common words and "putin" is rare."""
    docs = [["michael", f"filler{i}"] for i in range(40)]
    docs += [["johnson", f"other{i}"] for i in range(40)]
    docs += [["vladimir", "putin"]]
    return TokenWeights.from_token_lists(docs)


def test_consonant_sequence_collapses_doubles_before_the_vowels_go() -> None:
    assert consonant_sequence("muhammad") == consonant_sequence("mohamed") == "mhmd"
    assert consonant_sequence("putin") == "ptn"
    assert consonant_sequence("potanin") == "ptnn"
    assert consonant_sequence("aleksandr") == consonant_sequence("alexander")


def test_surname_positions() -> None:
    assert surname_positions(prepare_name("POTANIN, Vladimir Olegovich")) == {0}
    assert surname_positions(prepare_name("ABU BAKR, Ahmed")) == {0, 1}
    assert surname_positions(prepare_name("David Wong")) == {0, 1}
    assert surname_positions(prepare_name("John Paul Smith")) == {0, 2}


def test_a_conflicting_surname_is_strong_evidence_against() -> None:
    """ "David Wang" ~ "David Wong" scored 0.839: the squashed "davidwang" lifted it."""
    res = _compare(Query("David Wang", kind=EntityKind.PERSON), _listed("David Wong"))
    assert res.score < CONFIG.threshold
    assert PenaltyReason.SURNAME_CONFLICT in _reasons(res)
    assert res.explanation.squashed is None
    detail = next(p.detail for p in res.explanation.penalties)
    assert detail == "wang ≠ wong"
    assert "surnames differ (wang ≠ wong)" in to_text(res.explanation)
    # an organisation's name is not judged by surnames
    org = compare(prepare_query(Query("David Wang")), prepare_name("David Wong"), CONFIG)
    assert PenaltyReason.SURNAME_CONFLICT not in _reasons(org)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Friedrich Mertz", "Friedrich Merz"),  # one letter added
        ("CHANG MYONGC-HIN", "CHANG MYONG-CHIN"),  # a misplaced hyphen
        ("ADB-AL-HAMID AL-MASLI", "ABD-AL-HAMID AL-MASLI"),  # a transposition
        ("NOUREDDINE BEN ALI BEN BELKASSEM DR", "Noureddine Ben Ali Ben Belkassem DRISSI"),
    ],
)
def test_a_typo_in_the_surname_is_no_conflict(query: str, listed: str) -> None:
    res = _compare(Query(query, kind=EntityKind.PERSON), _listed(listed))
    assert PenaltyReason.SURNAME_CONFLICT not in _reasons(res)
    assert res.score >= CONFIG.threshold


def test_phonetic_never_stands_in_for_other_consonants() -> None:
    """ "Vladimir Putin" hit "POTANIN, Vladimir Olegovich" at 0.753 (same skeleton p-t-n)."""
    res = _compare(
        Query("Vladimir Putin", kind=EntityKind.PERSON), _listed("POTANIN, Vladimir Olegovich")
    )
    assert res.score < CONFIG.threshold
    assert How.PHONETIC not in [p.how for p in res.explanation.aligned]
    assert PenaltyReason.SURNAME_CONFLICT in _reasons(res)
    # the same consonants still match phonetically
    same = _compare(Query("Mohamed Rahimi", kind=EntityKind.PERSON), _listed("Muhammad Rahimi"))
    assert How.PHONETIC in [p.how for p in same.explanation.aligned]


def test_a_common_name_needs_corroboration(common_weights: TokenWeights) -> None:
    listed = _listed("JOHNSON, Michael", birth="1970-05-01", country="GB", ident="X1234567")
    bare = _compare(Query("Michael Johnson", kind=EntityKind.PERSON), listed, common_weights)
    # the exact name still finds its entry (the self-screen invariant), flagged ×0.8
    assert CONFIG.threshold <= bare.score == CONFIG.uncorroborated_common
    penalty = next(p for p in bare.explanation.penalties)
    assert penalty.reason is PenaltyReason.UNCORROBORATED
    assert penalty.detail == (
        "missing: birth year not given, country not given, identifier not given"
    )
    for query in (
        Query("Michael Johnson", kind=EntityKind.PERSON, birth_date="1970"),
        Query("Michael Johnson", kind=EntityKind.PERSON, country="GB"),
        Query(
            "Michael Johnson",
            kind=EntityKind.PERSON,
            identifiers=(Identifier("passport", "X1234567"),),
        ),
    ):
        res = _compare(query, listed, common_weights)
        assert res.score >= CONFIG.threshold, query
        assert PenaltyReason.UNCORROBORATED not in _reasons(res)
    # a fact given that disagrees corroborates nothing, and the detail says so
    other = _compare(
        Query("Michael Johnson", kind=EntityKind.PERSON, country="FR"), listed, common_weights
    )
    assert "country differs" in other.explanation.penalties[-1].detail
    # a listed person without the facts: the detail says the list lacks them
    plain = _compare(
        Query("Michael Johnson", kind=EntityKind.PERSON, country="GB"),
        _listed("JOHNSON, Michael"),
        common_weights,
    )
    assert plain.explanation.penalties[-1].detail == (
        "missing: birth year not given, country not listed, identifier not given"
    )


def test_a_rare_name_needs_no_corroboration(common_weights: TokenWeights) -> None:
    res = _compare(
        Query("Vladimir Putin", kind=EntityKind.PERSON),
        _listed("PUTIN, Vladimir", birth="1952-10-07", country="RU"),
        common_weights,
    )
    assert res.score == 1.0 and not res.explanation.penalties


def test_screening_a_common_name(common_weights: TokenWeights) -> None:
    """Through the matcher: a near form of a common name (a listed middle name the query
    lacks) raises no hit without corroboration, and one with a birth year that agrees; the
    exact name hits, and its explanation says what is missing."""
    people = [_listed("JOHNSON, Michael Paul", birth="1970-05-01", pos=1)]
    people += [_listed(f"Michael Filler{i}", pos=10 + i) for i in range(40)]
    people += [_listed(f"Johnson Other{i}", pos=60 + i) for i in range(40)]
    bundle = IndexBundle.build(people)
    on = date(2026, 1, 1)
    assert not match_query(bundle, Query("Michael Johnson", kind=EntityKind.PERSON), CONFIG, on)
    hits = match_query(
        bundle, Query("Michael Johnson", kind=EntityKind.PERSON, birth_date="1970"), CONFIG, on
    )
    assert [h.entity.id for h in hits] == ["x:1"]
    people[0] = _listed("JOHNSON, Michael", birth="1970-05-01", pos=1)
    exact = match_query(
        IndexBundle.build(people), Query("Michael Johnson", kind=EntityKind.PERSON), CONFIG, on
    )
    assert [h.entity.id for h in exact] == ["x:1"]
    assert "missing: birth year not given" in to_text(exact[0].explanation)


def test_a_firms_one_word_met_only_by_sound() -> None:
    """ "Palmer Co., Ltd." hit "JOINT STOCK COMPANY POLIMER" (skeleton p-l-m-r) in a customer
    file of ordinary names; a typo of a one-word name stays unpenalised."""
    res = compare(
        prepare_query(Query("Palmer Co., Ltd.")),
        prepare_name("JOINT STOCK COMPANY POLIMER"),
        CONFIG,
    )
    assert How.PHONETIC in [p.how for p in res.explanation.aligned]
    assert PenaltyReason.APPROXIMATE_ONLY in _reasons(res)
    typo = compare(prepare_query(Query("Hikvison")), prepare_name("Hikvision"), CONFIG)
    assert How.FUZZY in [p.how for p in typo.explanation.aligned]
    assert PenaltyReason.APPROXIMATE_ONLY not in _reasons(typo)
    # two name words: the other one tells the firms apart, no penalty
    two = compare(
        prepare_query(Query("Palmer Ventures Ltd.")),
        prepare_name("POLIMER VENTURES LIMITED"),
        CONFIG,
    )
    assert PenaltyReason.APPROXIMATE_ONLY not in _reasons(two)
