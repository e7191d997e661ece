"""Person names: repeated words, words that rigour reads as legal forms, doubled letters."""

from __future__ import annotations

from tradescreen.match.compare import compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.explanation import How, PenaltyReason
from tradescreen.match.prepared import EntityFacts, prepare_name, prepare_query
from tradescreen.model import Entity, EntityKind, Name, Query
from tradescreen.names.normalize import Tag, tokenize

CONFIG = MatchConfig()


def _person(name: str) -> EntityFacts:
    return EntityFacts.of(Entity("x:1", EntityKind.PERSON, (Name(name),)), 0)


def _score(query: Query, listed: str, kind: EntityKind = EntityKind.PERSON) -> float:
    facts = EntityFacts.of(Entity("x:1", kind, (Name(listed),)), 0)
    return compare(prepare_query(query), prepare_name(listed, facts=facts), CONFIG).score


def test_a_persons_words_are_never_legal_forms() -> None:
    # rigour's table reads these as legal forms in an organisation's name (as its last word;
    # a short word before others is kept: "LL Electronic Limited", see test_names_damage)
    assert tokenize("Li Yu") == ("li", "llc")
    assert tokenize("Li Yu", person=True) == ("li", "yu")
    assert tokenize("SA'D KU", person=True) == ("sad", "ku")
    name = prepare_name("Ao Yu", facts=_person("Ao Yu"))
    assert name.tokens == ("ao", "yu") and set(name.tags) == {Tag.NORMAL}


def test_a_repeated_word_is_kept() -> None:
    """ "Li Li" is not "Li": the second "li" must be matched too (was deduplicated, so "Yu Li"
    scored 0.94 against the listed "Li Li")."""
    assert prepare_name("Li Li").tokens == ("li", "li")
    assert _score(Query("瑜 李", kind=EntityKind.PERSON), "Li Li") < 0.6
    assert _score(Query("Li Li", kind=EntityKind.PERSON), "LI, Li") == 1.0


def test_query_of_unknown_kind_still_meets_the_listed_person() -> None:
    """Without a kind the query reads a last "Ku" as a legal form; the listed person keeps it."""
    res = compare(
        prepare_query(Query("Ja Hyong Ku")),
        prepare_name("Ja Hyong KU", facts=_person("Ja Hyong KU")),
        CONFIG,
    )
    assert res.score == 1.0
    assert How.LEGAL_FORM_READING in [a.how for a in res.explanation.aligned]
    # and an organisation's legal form still does not make a person match
    assert _score(Query("Ku Trading"), "KU Ja Hyong") < CONFIG.threshold


def test_a_doubled_letter_in_a_short_word() -> None:
    assert _score(Query("HAN YYU-RO", kind=EntityKind.PERSON), "HAN YU-RO") >= CONFIG.threshold
    assert _score(Query("HAN YO-RO", kind=EntityKind.PERSON), "HAN YU-RO") < CONFIG.threshold


def test_a_persons_one_word_alias_does_not_carry_a_fuller_name() -> None:
    """ "Lucas Rivera" met a listed person only through the alias "LUCAS" (0.78, a hit); the
    query's other word found nothing to agree or disagree with."""
    q = Query("Lucas Rivera", kind=EntityKind.PERSON)
    res = compare(prepare_query(q), prepare_name("LUCAS", facts=_person("LUCAS")), CONFIG)
    assert res.score < CONFIG.threshold
    assert PenaltyReason.ONE_WORD_NAME in [p.reason for p in res.explanation.penalties]
    # the one word alone still meets it, and two words meet two words as before
    assert _score(Query("Lucas", kind=EntityKind.PERSON), "LUCAS") == 1.0
    assert _score(Query("Ramon Quintero", kind=EntityKind.PERSON), "QUINTERO, Ramon") == 1.0
