"""compare(): token alignment, weak legal forms, penalties, entity features, purity."""

from __future__ import annotations

import pickle

import pytest

from tradescreen.match.compare import MatchResult, compare, token_similarity
from tradescreen.match.config import MatchConfig
from tradescreen.match.explanation import (
    Agreement,
    Feature,
    FeatureKind,
    How,
    MatchedOn,
    PenaltyReason,
)
from tradescreen.match.prepared import prepare_entity, prepare_name, prepare_query
from tradescreen.model import Entity, EntityKind, Identifier, Name, NameKind, Query
from tradescreen.names.normalize import Tag, tokenize
from tradescreen.names.tokens import TokenWeights

CONFIG = MatchConfig()

# A small list: a few distinctive firms among many that share generic words.
LISTED = [
    "Hangzhou Hikvision Digital Technology Co., Ltd.",
    "Dahua Technology",
    "Dahua Electronics Corporation",
    "China Electronics Technology Group Corporation 14th Research Institute",
    "China Electronics Technology Group Corporation 38th Research Institute",
    "Huawei Technologies Co., Ltd.",
] + [
    f"Firm{i} {g} Co., Ltd."
    for i in range(60)
    for g in ("Technology", "Digital Technology", "International Trading", "Electronics Group")
]


@pytest.fixture(scope="module")
def weights() -> TokenWeights:
    return TokenWeights.from_token_lists(tokenize(n) for n in LISTED)


def score(q: str, c: str, w: TokenWeights, **query: object) -> MatchResult:
    return compare(prepare_query(Query(q, **query), w), prepare_name(c, w), CONFIG)  # type: ignore[arg-type]


def test_exact_and_legal_form_variants(weights: TokenWeights) -> None:
    a = score("Hangzhou Hikvision Digital Technology Co Ltd", LISTED[0], weights)
    b = score("HANGZHOU HIKVISION DIGITAL TECHNOLOGY LIMITED", LISTED[0], weights)
    assert a.score == pytest.approx(1.0)
    assert b.score >= 0.95


def test_dropped_prefix_and_legal_form_still_hit(weights: TokenWeights) -> None:
    r = score("Zhejiang Dahua Technology Co., Ltd.", "Dahua Technology", weights)
    assert r.score >= CONFIG.threshold
    assert "zhejiang" in [w.normalised for w in r.explanation.query_only]
    assert "Zhejiang" in [w.written for w in r.explanation.query_only]


def test_el_entry_ranks_ahead_of_unrelated_same_word(weights: TokenWeights) -> None:
    el = score("Zhejiang Dahua Technology Co., Ltd.", "Dahua Technology", weights)
    dpl = score("Zhejiang Dahua Technology Co., Ltd.", "Dahua Electronics Corporation", weights)
    assert el.score > dpl.score


def test_lookalike_sharing_only_generic_words_is_no_hit(weights: TokenWeights) -> None:
    r = score("Hangzhou Xinyuan Digital Technology Co., Ltd.", LISTED[0], weights)
    assert r.score < CONFIG.threshold
    assert "xinyuan" in [w.normalised for w in r.explanation.query_only]


@pytest.mark.parametrize("generic", ["CORP", "Technology Co., Ltd.", "International Trading"])
def test_generic_queries_never_hit(weights: TokenWeights, generic: str) -> None:
    assert all(score(generic, n, weights).score < CONFIG.threshold for n in LISTED)


def test_number_mismatch_is_penalised(weights: TokenWeights) -> None:
    r = score("CETC 14th Research Institute", LISTED[4], weights)
    same = score("China Electronics Technology Group Corp No. 14 Research Inst", LISTED[3], weights)
    assert r.score < CONFIG.threshold
    assert any(
        p.reason is PenaltyReason.NUMBER_MISMATCH
        for p in score(LISTED[3], LISTED[4], weights).explanation.penalties
    )
    assert same.score >= 0.9


def test_typo_is_fuzzy_with_distance(weights: TokenWeights) -> None:
    r = score("Hangzhou Hikvsion Digital Technology", LISTED[0], weights)
    assert r.score >= CONFIG.threshold
    fuzzy = [a for a in r.explanation.aligned if a.how is How.FUZZY]
    assert fuzzy and fuzzy[0].distance == 1
    assert (fuzzy[0].query.written, fuzzy[0].candidate.written) == ("Hikvsion", "Hikvision")


def test_chinese_query_meets_latin_list_name(weights: TokenWeights) -> None:
    assert score("华为技术有限公司", LISTED[5], weights).score >= 0.95


def test_split_syllables_align_with_joined_token() -> None:
    r = score("Zhong Xing Telecom", "Zhongxing Telecom", TokenWeights())
    assert r.score >= 0.9
    assert any(a.how is How.JOINED for a in r.explanation.aligned)


def test_unmatched_query_word_costs_more_than_unmatched_list_word(weights: TokenWeights) -> None:
    extra_query = score("Dahua Technology Foobar", "Dahua Technology", weights)
    extra_list = score("Dahua Technology", "Dahua Technology Foobar", weights)
    assert extra_list.score > extra_query.score


def test_token_similarity_rules() -> None:
    n, lg = int(Tag.NUMBER), int(Tag.LEGAL)
    assert token_similarity("14", "38", "", "", n, n, CONFIG)[0] == 0.0
    assert token_similarity("llc", "jsc", "", "", lg, lg, CONFIG)[1] == "legal_form"
    assert token_similarity("scholz", "scholze", "", "", 0, 0, CONFIG)[1] == "fuzzy"
    assert token_similarity("tim", "tom", "", "", 0, 0, CONFIG)[0] == 0.0  # too short to fuzz


def entity(**kw: object) -> Entity:
    base: dict[str, object] = {
        "id": "e1",
        "kind": EntityKind.PERSON,
        "names": (Name("Ivan Petrov"),),
    }
    base.update(kw)
    return Entity(**base)  # type: ignore[arg-type]


def test_entity_features_kind_country_dob_identifier() -> None:
    e = entity(
        countries=("RU",),
        birth_dates=("1970-01-02",),
        identifiers=(Identifier("Passport", "AB-123 456"),),
    )
    base = compare(prepare_query(Query("Ivan Petrov")), e, CONFIG).score
    kind = compare(prepare_query(Query("Ivan Petrov", kind=EntityKind.VESSEL)), e, CONFIG)
    country = compare(prepare_query(Query("Ivan Petrov", country="FR")), e, CONFIG)
    dob_bad = compare(prepare_query(Query("Ivan Petrov", birth_date="1990")), e, CONFIG)
    dob_ok = compare(prepare_query(Query("Ivan Petrov", birth_date="1970")), e, CONFIG)
    ident = compare(
        prepare_query(Query("I. Petrof", identifiers=(Identifier("Passport", "ab123456"),))),
        e,
        CONFIG,
    )
    assert kind.score < base and country.score < base and dob_bad.score < base
    assert dob_ok.score >= base
    assert dob_ok.explanation.feature(FeatureKind.BIRTH_DATE) == Feature(
        FeatureKind.BIRTH_DATE, Agreement.AGREE, "1970", "1970"
    )
    assert ident.score >= CONFIG.identifier_match
    found = ident.explanation.feature(FeatureKind.IDENTIFIER)
    assert found is not None and found.query == "AB123456"
    conflict = country.explanation.feature(FeatureKind.COUNTRY)
    assert conflict == Feature(FeatureKind.COUNTRY, Agreement.CONFLICT, "FR", "RU", 0.92)
    assert [p.reason for p in kind.explanation.penalties] == [PenaltyReason.KIND_MISMATCH]
    assert kind.explanation.penalties[0].detail == "person"


def test_weak_alias_penalised() -> None:
    strong = entity(names=(Name("Abu Foo", NameKind.AKA),))
    weak = entity(names=(Name("Abu Foo", NameKind.WEAK_AKA),))
    q = prepare_query(Query("Abu Foo"))
    w = compare(q, weak, CONFIG)
    assert w.score < compare(q, strong, CONFIG).score
    assert any(p.reason is PenaltyReason.WEAK_ALIAS for p in w.explanation.penalties)


def test_address_query_matches_address_entities() -> None:
    addr = Entity("a1", EntityKind.ADDRESS, (Name("Room 1203, 12/F, Nan Fung Tower, Hong Kong"),))
    q = prepare_query(Query("Acme Widgets", address="12/F Nan Fung Tower Room 1203 Hong Kong"))
    r = compare(q, addr, CONFIG)
    assert r.score >= CONFIG.threshold and r.explanation.matched_on is MatchedOn.ADDRESS


def test_compare_is_pure_and_config_picklable() -> None:
    cfg = pickle.loads(pickle.dumps(CONFIG))
    q = prepare_query(Query("Dahua Technology"))
    names = prepare_entity(entity(names=(Name("Dahua Technology"),)))
    first = compare(q, names[0], cfg)
    assert compare(q, names[0], cfg) == first
    assert pickle.loads(pickle.dumps(first)) == first  # the typed explanation too
    assert 0.0 <= first.score <= 1.0
