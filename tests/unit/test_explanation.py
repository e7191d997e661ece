"""The typed explanation (match/explanation.py), the written words behind tokens (match/words.py)
and every renderer (match/render.py: JSON, text, HTML view, yente)."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradescreen.match.compare import compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.explanation import (
    Agreement,
    Explanation,
    Feature,
    FeatureKind,
    How,
    MatchedOn,
    Penalty,
    PenaltyReason,
    TokenPair,
    Word,
    WordRole,
)
from tradescreen.match.prepared import EntityFacts, prepare_name, prepare_query
from tradescreen.match.render import (
    from_json,
    html_view,
    to_json,
    to_text,
    yente_explanations,
    yente_features,
)
from tradescreen.match.words import segments
from tradescreen.model import Entity, EntityKind, Identifier, Name, Query
from tradescreen.names.normalize import tokenize

CONFIG = MatchConfig()
HUAWEI = Entity(
    id="el:huawei",
    kind=EntityKind.ORGANIZATION,
    names=(Name("Huawei Technologies Co., Ltd."),),
    countries=("CN",),
    identifiers=(Identifier("Registration", "914403001922038216"),),
)


def explain(query: Query, listed: str = "Huawei Technologies Co., Ltd.") -> Explanation:
    name = prepare_name(listed, facts=EntityFacts.of(HUAWEI))
    return compare(prepare_query(query), name, CONFIG).explanation


# ---------------------------------------------------------------------------- the types


def test_types_are_frozen_slotted_hashable_and_picklable() -> None:
    e = explain(Query("HUAWEI TECHNOLOGIES COMPANY LIMITED", country="CN"))
    for obj in (e, e.aligned[0], e.aligned[0].query, e.features[0]):
        assert not hasattr(obj, "__dict__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, dataclasses.fields(obj)[0].name, None)
    assert hash(e) == hash(pickle.loads(pickle.dumps(e)))
    assert pickle.loads(pickle.dumps(e)) == e


def test_compare_is_deterministic() -> None:
    q = Query("Huawei Tech Co Ltd", country="DE")
    assert explain(q) == explain(q)


def test_words_are_kept_as_written_with_the_normalised_form_beside() -> None:
    e = explain(Query("HUAWEI TECHNOLOGIES COMPANY LIMITED"))
    legal = [p for p in e.aligned if p.how is How.LEGAL_FORM_EQUIVALENT]
    assert len(legal) == 1
    # "COMPANY LIMITED" is one legal form written long ("Co., Ltd."): the run is one pair
    assert legal[0].query.written == "COMPANY LIMITED" and legal[0].candidate.written == "Co., Ltd."
    assert legal[0].query.normalised == legal[0].candidate.normalised  # the canonical form
    assert legal[0].candidate.role is WordRole.LEGAL_FORM
    assert [w.written for w in e.query_only] == []  # nothing of the query left over


def test_chinese_words_are_shown_in_the_users_script() -> None:
    e = explain(Query("华为技术有限公司"))
    pairs = {p.query.written: (p.candidate.written, p.how) for p in e.aligned}
    assert pairs == {
        "华为": ("Huawei", How.TRANSLITERATION),
        "技术": ("Technologies", How.TRANSLITERATION),
        "有限公司": ("Co., Ltd.", How.LEGAL_FORM_EQUIVALENT),
    }


def test_features_agree_and_conflict() -> None:
    agree = explain(
        Query("Huawei", country="CN", identifiers=(Identifier("x", "914403001922038216"),))
    )
    assert agree.feature(FeatureKind.COUNTRY) == Feature(
        FeatureKind.COUNTRY, Agreement.AGREE, "CN", "CN"
    )
    ident = agree.feature(FeatureKind.IDENTIFIER)
    assert ident is not None and ident.query == "914403001922038216"
    conflict = explain(Query("Huawei Technologies", country="DE"))
    assert conflict.feature(FeatureKind.COUNTRY) == Feature(
        FeatureKind.COUNTRY, Agreement.CONFLICT, "DE", "CN", CONFIG.country_mismatch
    )
    assert Penalty(PenaltyReason.COUNTRY_MISMATCH, CONFIG.country_mismatch) in conflict.penalties


def test_explain_false_keeps_the_score() -> None:
    pq = prepare_query(Query("Huawei Tech Co Ltd", country="DE"))
    name = prepare_name("Huawei Technologies Co., Ltd.", facts=EntityFacts.of(HUAWEI))
    full = compare(pq, name, CONFIG)
    quick = compare(pq, name, CONFIG, explain=False)
    assert quick.score == full.score and quick.explanation.aligned == ()
    assert full.explanation.score == round(full.score, 4)


# ---------------------------------------------------------------------------- written words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Huawei Technologies Co., Ltd.", ["Huawei", "Technologies", "Co., Ltd."]),
        ("华为技术有限公司", ["华为", "技术", "有限公司"]),
        ("ООО Ромашка", ["ООО", "Ромашка"]),
        ("No. 14 Research Institute", ["No. 14", "Research", "Institute"]),
        ("Hikvision Digital Tech.", ["Hikvision", "Digital", "Tech."]),
    ],
)
def test_segments_find_the_written_words(text: str, expected: list[str]) -> None:
    segs = segments(text, tokenize(text))
    assert [text[s.start : s.end] for s in segs] == expected


NAME_WORDS = [
    "Co.,",
    "Ltd.",
    "Company",
    "Limited",
    "No.",
    "14",
    "XIV",
    "Tech",
    "LLC",
    "华为",
    "Ромашка",
    "S.A.",
]


@settings(max_examples=150, deadline=None)
@given(
    st.text(st.characters(codec="utf-8"), max_size=30)
    | st.text(st.sampled_from(list("Ab. ,-'&14XIV华为有限公司ООО")), max_size=30)
    | st.lists(st.sampled_from(NAME_WORDS), max_size=8).map(" ".join)
)
def test_segments_cover_every_token_in_order(text: str) -> None:
    tokens = tokenize(text)
    segs = segments(text, tokens)
    assert sum(s.count for s in segs) == len(tokens)
    pos = 0
    for s in segs:
        assert s.first == pos and 0 <= s.start <= s.end <= len(text)
        pos += s.count
    if len(segs) > 1:  # not the fallback: each written word yields exactly its tokens
        for s in segs:
            part = text[s.start : s.end]
            mine = tokens[s.first : s.first + s.count]
            assert mine in (tokenize(part), tokenize(part, True))


# ---------------------------------------------------------------------------- renderers


def test_to_text_in_the_users_words() -> None:
    text = to_text(explain(Query("Huawei Tech Company Limited", country="DE")))
    assert text == (
        "words “Huawei”, “Tech” ≈ “Technologies” (same word: technology), "
        "“Company Limited” ≈ “Co., Ltd.” (same legal form); "
        "penalty: country mismatch ×0.92 (query DE, list CN)"
    )


def test_html_view_tokens_in_written_order() -> None:
    view = html_view(explain(Query("Tech Huawei", country="CN")))
    assert [(t.text, t.cls) for t in view.query] == [("Tech", "match"), ("Huawei", "match")]
    assert [(t.text, t.cls) for t in view.candidate] == [
        ("Huawei", "match"),
        ("Technologies", "match"),
        ("Co., Ltd.", "differ"),
    ]
    assert view.facts == ("country agrees (CN)",)
    assert view.query[0].note == "matches “Technologies”: same word: technology"


def test_to_json_keeps_the_legacy_keys_and_round_trips() -> None:
    e = explain(Query("Huawei Tech Co Ltd", country="CN"))
    data = json.loads(json.dumps(to_json(e)))
    assert from_json(data) == e
    row = next(r for r in data["aligned"] if r["query"] == "huawei")
    assert {"query", "candidate", "how", "similarity", "weight"} <= set(row)
    assert row["query_words"]["written"] == "Huawei"
    assert data["country"] == "match" and data["weak"] == ["llc"]
    assert data["text"] == to_text(e)


def test_yente_features_are_real_features() -> None:
    e = explain(Query("Huawei Technologies", country="DE"))
    features = yente_features(e)
    assert set(features) == {"name_match", "country_mismatch"}
    assert features["name_match"] == e.name_score
    assert features["country_mismatch"] == CONFIG.country_mismatch
    expl = yente_explanations(e)
    assert set(expl) == set(features)
    assert set(expl["name_match"]) == {"score", "detail", "query", "candidate"}
    assert expl["name_match"]["query"] == "Huawei Technologies"
    assert expl["name_match"]["candidate"] == "Huawei Technologies Co., Ltd."
    assert "“Huawei”" in expl["name_match"]["detail"]
    assert (expl["country_mismatch"]["query"], expl["country_mismatch"]["candidate"]) == (
        "DE",
        "CN",
    )


def test_squashed_and_address_features() -> None:
    sq = compare(prepare_query(Query("SiemensAG")), prepare_name("Siemens AG"), CONFIG)
    assert sq.explanation.squashed == 1.0
    assert yente_features(sq.explanation)["name_squashed"] == 1.0
    assert to_text(sq.explanation).endswith(
        "same letters once spaces are ignored (1.00): this sets the score"
    )
    address = Entity("a1", EntityKind.ADDRESS, (Name("Room 1203, Nan Fung Tower, Hong Kong"),))
    q = prepare_query(Query("Acme Widgets", address="Nan Fung Tower Room 1203 Hong Kong"))
    res = compare(q, address, CONFIG)
    assert res.explanation.matched_on is MatchedOn.ADDRESS
    assert res.explanation.query_text == "Nan Fung Tower Room 1203 Hong Kong"
    assert "address_match" in yente_features(res.explanation)
    assert "matched on the listed address" in to_text(res.explanation)
    assert to_json(res.explanation)["matched_on"] == "address"


def test_a_rule_hit_renders_its_note() -> None:
    e = Explanation.of_note("expires in 3 days", 1.0)
    assert to_text(e) == "expires in 3 days"
    assert html_view(e).note == "expires in 3 days"
    assert yente_features(e) == {"rule": 1.0}
    assert from_json(to_json(e)) == e


# ---------------------------------------------------------------------------- round trip


_text = st.text(max_size=12)
_ratio = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 3))
_words = st.builds(Word, _text, _text, st.sampled_from(WordRole), st.integers(0, 20))
_pairs = st.builds(
    TokenPair,
    _words,
    _words,
    st.sampled_from(How),
    _ratio,
    _ratio,
    st.none() | st.integers(0, 3),
)
_features = st.builds(
    Feature,
    st.sampled_from(FeatureKind),
    st.sampled_from(Agreement),
    _text,
    _text,
    st.none() | _ratio,
)
_explanations = st.builds(
    Explanation,
    score=_ratio,
    query_text=_text,
    candidate_text=_text,
    aligned=st.lists(_pairs, max_size=4).map(tuple),
    query_only=st.lists(_words, max_size=3).map(tuple),
    candidate_only=st.lists(_words, max_size=3).map(tuple),
    penalties=st.lists(
        st.builds(Penalty, st.sampled_from(PenaltyReason), _ratio, _text), max_size=3
    ).map(tuple),
    features=st.lists(_features, max_size=3).map(tuple),
    name_score=_ratio,
    matched_on=st.sampled_from(MatchedOn),
    squashed=st.none() | _ratio,
    note=_text,
)


@settings(max_examples=200, deadline=None)
@given(_explanations)
def test_json_round_trip_and_every_renderer_accepts_any_explanation(e: Explanation) -> None:
    data = json.loads(json.dumps(to_json(e)))
    assert from_json(data) == e
    assert isinstance(to_text(e), str)
    view = html_view(e)
    assert len(view.pairs) == len(e.aligned)
    assert all(isinstance(v, float) and v != 0 for v in yente_features(e).values())
    assert set(yente_features(e)) <= set(yente_explanations(e))


POOL = [
    "Huawei", "HUAWEI", "Technologies", "Tech.", "Co.,", "Ltd.", "Company", "Limited", "LLC",
    "Zhejiang", "Dahua", "No.", "14", "Fourteenth", "Research", "Institute", "华为", "技术",
    "有限公司", "ООО", "Ромашка", "Zhong", "Xing", "Zhongxing", "S.A.", "Hikvison", "Hikvision",
]  # fmt: skip
NAMES = st.lists(st.sampled_from(POOL), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(NAMES, NAMES, st.sampled_from([None, EntityKind.PERSON]))
def test_every_word_shown_was_written_and_every_token_is_accounted_for(
    query: str, listed: str, kind: EntityKind | None
) -> None:
    e = compare(prepare_query(Query(query, kind=kind)), prepare_name(listed), CONFIG).explanation
    for pair in e.aligned:
        assert pair.query.written in query and pair.candidate.written in listed
    assert all(w.written in query for w in e.query_only)
    assert all(w.written in listed for w in e.candidate_only)
    q_tokens = [t for p in e.aligned for t in p.query.normalised.split()]
    q_tokens += [w.normalised for w in e.query_only]
    assert sorted(q_tokens) == sorted(tokenize(query, kind is EntityKind.PERSON))
    assert from_json(json.loads(json.dumps(to_json(e)))) == e
