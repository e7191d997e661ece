"""The name pipeline, each step alone, plus properties (never crash, idempotent)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tradescreen.names.legal_forms import is_legal_form, replace_legal_forms
from tradescreen.names.normalize import (
    Tag,
    canonical_tokens,
    fold,
    normalize,
    split_tokens,
    tag_of,
    tokenize,
)
from tradescreen.names.tokens import TokenWeights
from tradescreen.names.translit import transliterate


def test_fold_nfkc_casefold() -> None:
    assert fold("ＨＵＡＷＥＩ") == "huawei"
    assert fold("Straße") == "strasse"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("华为技术有限公司", "huawei technology co ltd"),
        ("杭州海康威视数字技术股份有限公司", "hangzhou haikangweishi digital technology co ltd"),
        ("浙江大华技术股份有限公司", "zhejiang dahua technology co ltd"),
        ("中国电子科技集团公司", "china electronics technology group company"),
        ("中國電子科技集團公司", "china electronics technology group company"),  # traditional
        ("第十四研究所", "14 research institute"),
        ("第三十八研究所", "38 research institute"),
    ],
)
def test_han_segmented_translated_and_pinyin(text: str, expected: str) -> None:
    assert " ".join(transliterate(text).split()) == expected


def test_zhongxing_spellings_meet() -> None:
    assert tokenize("中兴") == ("zhongxing",)
    assert tokenize("Zhongxing") == ("zhongxing",)
    assert tokenize("Zhong Xing") == ("zhong", "xing")  # the scorer joins split syllables


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Путин", "Putin"), ("Ὀδυσσεύς", "Odysseys"), ("ООО", "OOO")],
)
def test_other_scripts(text: str, expected: str) -> None:
    assert transliterate(text) == expected


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("foo co., ltd.", "llc"),
        ("foo limited", "llc"),
        ("ooo foo", "llc"),
        ("foo gmbh", "llc"),
        ("pjsc foo", "jsc"),
        ("foo sa", "jsc"),
    ],
)
def test_legal_forms_rewritten_to_generic(text: str, form: str) -> None:
    assert form in replace_legal_forms(text).split()
    assert is_legal_form(form)


def test_legal_forms_across_scripts_agree() -> None:
    assert tokenize("ООО Ромашка") == tokenize('OOO "Romashka"') == ("llc", "romashka")
    assert tokenize("Huawei Technologies Co., Ltd.") == tokenize("华为技术有限公司")


def test_split_tokens_dots_punctuation_and_ordinals() -> None:
    assert split_tokens("u.s.a. foo-bar, 14th") == ["usa", "foo", "bar", "14th"]
    assert split_tokens("ig0r sech1n") == ["igor", "sechin"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["no", "14"], ["14"]),
        (["14th"], ["14"]),
        (["38th"], ["38"]),
        (["tech"], ["technology"]),
        (["intl"], ["international"]),
        (["corp"], ["corporation"]),
        (["co"], ["company"]),
        (["univ"], ["university"]),
        (["res", "inst"], ["research", "institute"]),
        (["technologies"], ["technology"]),
        (["forty", "four"], ["44"]),
    ],
)
def test_canonical_tokens(raw: list[str], expected: list[str]) -> None:
    assert canonical_tokens(raw) == expected


def test_numbers_are_strong_and_distinct() -> None:
    assert tokenize("CETC No. 14 Res. Inst.") == tokenize("CETC 14th Research Institute")
    assert tokenize("CETC 14th Research Institute") != tokenize("CETC 38th Research Institute")
    assert tag_of("14") is Tag.NUMBER


def test_tags() -> None:
    assert tag_of("llc") is Tag.LEGAL
    assert tag_of("of") is Tag.STOP
    assert tag_of("zhejiang") is Tag.PLACE
    assert tag_of("hikvision") is Tag.NORMAL


def test_weights_from_lists() -> None:
    docs = [["hikvision", "digital", "technology", "llc"]] + [
        ["x" + str(i), "technology", "llc"] for i in range(200)
    ]
    w = TokenWeights.from_token_lists(docs)
    assert w.weight("hikvision") > 2 * w.weight("technology")
    assert w.weight("llc") <= 0.1
    assert w.weight("unseen") == 1.0
    assert w.weight("14") == 1.0


@settings(max_examples=300, deadline=None)
@example("5XX")
@example("X(XX")
@example("Sgr.")
@given(st.text(max_size=60))
def test_normalize_never_crashes_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet="华为技术有限公司中兴通讯第十四研究所海康威视 abcCoLtd.,-1234", max_size=30)
)
def test_normalize_idempotent_on_mixed_han_latin(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
