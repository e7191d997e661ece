"""The damage files and customer records do to names (issue 18, item 3): symbols, typos in legal
forms, abbreviations, longer or reordered legal forms, spaced letters; and whole-name evidence
for names made only of generic words (item 1)."""

from __future__ import annotations

from datetime import date

import pytest

from tradescreen.match.compare import compare
from tradescreen.match.config import DEFAULT_THRESHOLD, MatchConfig
from tradescreen.match.explanation import PenaltyReason
from tradescreen.match.prepared import prepare_name, prepare_query
from tradescreen.model import Entity, EntityKind, Listing, Name, Query
from tradescreen.names.legal_forms import collapse_legal_runs, correct_legal_typos
from tradescreen.names.normalize import Tag, join_single_letters, strip_symbols, tagged, tokenize
from tradescreen.screening.matcher import IndexBundle, match_query

AS_OF = date(2026, 8, 1)


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("HUAWEI TECHNOLOGIES CO LTD 🚀🚀", "HUAWEI TECHNOLOGIES CO LTD"),
        ("ERIC BADEGE 🙂🙂", "ERIC BADEGE"),
        ("ERIC 👍🏽 BADEGE ❤️", "ERIC BADEGE"),  # skin tone modifier, variation selector
        ("Hikvision™ Digital ✅ Technology 🇨🇳", "Hikvision Digital Technology"),  # flag
        ("Dahua\u200d Technology ★", "Dahua Technology"),  # zero-width joiner, a star
        ("华为技术有限公司🚀", "华为技术有限公司"),
    ],
)
def test_symbols_are_ignored_never_words(damaged: str, clean: str) -> None:
    assert tokenize(damaged) == tokenize(clean)
    assert not {"rocket", "slight", "smile", "heart", "star", "check"} & set(tokenize(damaged))


def test_strip_symbols_keeps_letters_of_every_script() -> None:
    assert strip_symbols("Müller ГАЗПРОМ 华为 محمد") == "Müller ГАЗПРОМ 华为 محمد"
    assert strip_symbols("ACME 🚀").strip() == "ACME"


@pytest.mark.parametrize(
    ("typo", "right"),
    [
        ("Serko Liimted", "Serko Limited"),
        ("Serko Limted", "Serko Limited"),
        ("Kaisa Trading Compnay", "Kaisa Trading Company"),
        ("Kaisa Technology Corporaton", "Kaisa Technology Corporation"),
        ("Obshestvo s Ogranichenoi Otvetstvenostyu Romashka", "OOO Romashka"),
    ],
)
def test_typos_in_legal_forms(typo: str, right: str) -> None:
    assert tokenize(typo) == tokenize(right)


def test_a_short_distinctive_first_word_is_not_corrected() -> None:
    # "Limitex" is one edit from "limited", but a short first word is usually the name
    assert correct_legal_typos("limitex trading") == "limitex trading"
    assert tokenize("Limitex Trading")[0] == "limitex"


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("ABC Trdg Co", "ABC Trading Co"),
        ("Acme Mfg", "Acme Manufacturing"),
        ("Acme Intl", "Acme International"),
        ("Harbin Ind. Electr.", "Harbin Industry Electronics"),
        ("Acme Res. Inst.", "Acme Research Institute"),
        ("Acme Sci. Dev.", "Acme Science Development"),
    ],
)
def test_abbreviations(short: str, long: str) -> None:
    assert tokenize(short) == tokenize(long)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Huawei Technologies (Australia) Pty Company Limited",
            "Huawei Technologies (Australia) Pty Ltd.",
        ),
        ("Serko Company Limited by Shares", "Serko Co., Ltd."),
        ("Serko Limited Liability Company", "Serko LLC"),
        ("Serko Private Limited", "Serko Pvt. Ltd."),
        ("OOO Romashka", "Romashka LLC"),
        ("Obshchestvo s Ogranichennoi Otvetstvennostyu Romashka", "Romashka LLC"),
        ("AO Romashka", "Romashka JSC"),
        ("Romashka Joint Stock Company", "AO Romashka"),
        ("PAO Gazprom", "PJSC Gazprom"),
        ("Public Joint Stock Company Gazprom", "Gazprom PAO"),
    ],
)
def test_longer_and_reordered_legal_forms_align(a: str, b: str) -> None:
    assert sorted(tokenize(a)) == sorted(tokenize(b))


def test_legal_runs_collapse() -> None:
    assert collapse_legal_runs(("acme", "pty", "company", "llc")) == ("acme", "llc")
    assert collapse_legal_runs(("acme", "company")) == ("acme", "company")  # alone: kept
    assert collapse_legal_runs(("llc", "acme", "llc")) == ("llc", "acme", "llc")  # not a run


def test_short_word_is_not_read_as_a_legal_form_unless_last() -> None:
    assert tagged("LL Electronic Limited")[0] == ("ll", Tag.NORMAL)
    assert tagged("IS Vision")[0] == ("is", Tag.NORMAL)
    assert tagged("AO Romashka")[0][1] == Tag.LEGAL  # a common spelling stays a legal form
    assert tagged("Vision AS")[-1][1] == Tag.LEGAL


def test_spaced_single_letters_join_for_organisations_only() -> None:
    assert join_single_letters("agricola s a de c v") == "agricola sa de cv"
    assert tokenize("AGRICOLA GAXIOLA S A DE C V") == tokenize("Agricola Gaxiola S.A. de C.V.")
    assert tokenize("A C INTERNATIONAL") == tokenize("A.C. International")
    assert tokenize("J R Smith", person=True) == ("j", "r", "smith")
    assert join_single_letters("j smith") == "j smith"


def _org(eid: str, *names: str) -> Entity:
    return Entity(
        eid,
        EntityKind.ORGANIZATION,
        tuple(Name(n) for n in names),
        (Listing("us_bis_el", "Entity List"),),
    )


@pytest.fixture(scope="module")
def bundle() -> IndexBundle:
    ents = [
        _org("hit", "Harbin Institute of Technology"),
        _org("bit", "Beijing Institute of Technology"),
        _org("ll", "LL Electronic Limited"),
        _org("bom", "BANK OF MOSCOW"),
        _org("cec", "CHINA ELECTRONICS CORPORATION"),
        _org("ecl", "Engineering Center Ltd."),
        _org("serko", "Serko Limited"),
        _org("gaz", "Public Joint Stock Company Gazprom", "Gazprom"),
    ]
    # generic words must look generic: many listed names use them
    ents += [
        _org(f"g{i}", f"{w} Institute of Technology")
        for i, w in enumerate(["Nanjing", "Xian", "Wuhan", "Luoyang", "Shenyang", "Dalian"])
    ]
    ents += [
        _org(f"e{i}", f"{w} Electronic Limited") for i, w in enumerate(["Kaxo", "Lumo", "Tira"])
    ]
    ents += [_org(f"b{i}", f"Bank of {w}") for i, w in enumerate(["Kazan", "Tula", "Perm"])]
    ents += [
        _org(f"c{i}", f"{w} Electronics Corporation") for i, w in enumerate(["Fujian", "Anhui"])
    ]
    ents += [_org(f"n{i}", f"{w} Engineering Center") for i, w in enumerate(["Volga", "Ural"])]
    return IndexBundle.build(ents, 1)


def _ids(bundle: IndexBundle, name: str) -> list[str]:
    return [h.entity.id for h in match_query(bundle, Query(name), MatchConfig(), AS_OF)]


@pytest.mark.parametrize(
    ("query", "eid"),
    [
        ("Harbin Institute of Technology", "hit"),
        ("HARBIN INSTITUTE OF TECHNOLOGY", "hit"),
        ("BANK OF MOSCOW", "bom"),
        ("China Electronics Corporation", "cec"),
        ("Engineering Center Ltd", "ecl"),
        ("LL Electronic Limited", "ll"),
        ("LL ELECTRONIC LIMITED", "ll"),
        ("Serko Liimted", "serko"),
        ("PUBLIC JOINT STOCK COMPANY GAZPROM", "gaz"),
        ("Gazprom", "gaz"),
        ("PJSC Gazprom", "gaz"),
    ],
)
def test_exact_generic_names_find_themselves(bundle: IndexBundle, query: str, eid: str) -> None:
    assert eid in _ids(bundle, query)


@pytest.mark.parametrize(
    ("query", "not_eid"),
    [
        ("Harbin Institute of Technology", "bit"),  # shares only generic words
        ("Qingdao Institute of Technology", "hit"),
        ("Harbin Institute", "hit"),  # a part of the whole name is not the whole
        ("Bank of Moscow Region Development", "bom"),
    ],
)
def test_lookalikes_sharing_only_generic_words_still_clear(
    bundle: IndexBundle, query: str, not_eid: str
) -> None:
    assert not_eid not in _ids(bundle, query)


def test_whole_name_lifts_only_the_no_distinctive_penalty(bundle: IndexBundle) -> None:
    cfg = MatchConfig()
    w = bundle.index.weights
    listed = prepare_name("Harbin Institute of Technology", w)
    exact = compare(prepare_query(Query("Harbin Institute of Technology"), w), listed, cfg)
    assert exact.score >= DEFAULT_THRESHOLD
    assert PenaltyReason.NO_DISTINCTIVE not in {p.reason for p in exact.explanation.penalties}
    other = compare(prepare_query(Query("Beijing Institute of Technology"), w), listed, cfg)
    assert other.score < DEFAULT_THRESHOLD
    assert PenaltyReason.NO_DISTINCTIVE in {p.reason for p in other.explanation.penalties}


def test_a_name_of_common_words_is_always_a_candidate_of_itself() -> None:
    """More than ``max_candidates`` names share every word the query weighs ("des" is a stop
    word, "co ltd" a legal form): the exact name still comes first (``NameIndex.whole``)."""
    words = [f"Q{a}{b}" for a in "aeiou" for b in "bdfgklmn"][:40]  # one token each
    ents = [_org(f"i{i}", f"{w} International Co., Ltd.") for i, w in enumerate(words)]
    ents.append(_org("des", "DES INTERNATIONAL CO., LTD."))
    people = [
        Entity(f"p{i}", EntityKind.PERSON, (Name(f"Abu {w}"),), ents[0].listings)
        for i, w in enumerate(words)
    ]
    people.append(Entity("sa", EntityKind.PERSON, (Name("Abu Sa"),), ents[0].listings))
    bundle = IndexBundle.build(ents + people, 1)
    assert MatchConfig().max_candidates < 40
    assert "des" in _ids(bundle, "DES INTERNATIONAL CO LTD")
    # a query of unknown kind reads a last "Sa" as a legal form; the listed person keeps it
    assert "sa" in _ids(bundle, "ABU SA")


def test_a_cyrillic_legal_form_spelt_out_is_the_same_name_but_han_characters_differ() -> None:
    """Same script on both sides: Cyrillic maps letter for letter, so "ООО" against "Общество
    с ограниченной ответственностью" is only a legal form; Han characters sharing a pinyin
    reading are still capped at their character similarity (高石早苗 ~ 高市早苗: 3 of 4)."""
    cfg = MatchConfig()
    long_ru = prepare_name("Общество с ограниченной ответственностью “Алабуга Машинери”")
    res = compare(prepare_query(Query("ООО Алабуга Машинери")), long_ru, cfg)
    assert res.score >= DEFAULT_THRESHOLD
    han = compare(prepare_query(Query("高石早苗")), prepare_name("高市早苗"), cfg)
    assert han.score <= 0.75
    assert PenaltyReason.NATIVE_SCRIPT in {p.reason for p in han.explanation.penalties}
