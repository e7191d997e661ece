"""One validation of what a user screens, shared by the CLI, the API, the web UI and batch."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradescreen.countries import country_codes, parse_country
from tradescreen.errors import InvalidInput
from tradescreen.model import EntityKind, name_problem, parse_query


@pytest.mark.parametrize(
    ("given_value", "code"),
    [
        ("CN", "CN"),
        ("cn", "CN"),
        ("CHN", "CN"),
        ("China", "CN"),
        ("People's Republic of China", "CN"),
        ("CH", "CH"),  # Switzerland, never a cut-down "China"
        ("Egypt", "EG"),
        ("Russian Federation", "RU"),
        ("Hong Kong", "HK"),
        ("Kosovo", "XK"),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_country_accepts_codes_and_names(given_value: str | None, code: str | None) -> None:
    assert parse_country(given_value) == code


@pytest.mark.parametrize("bad", ["ZZ", "EU", "Chinaa", "XX", "Atlantis", "12"])
def test_parse_country_refuses_what_is_no_country(bad: str) -> None:
    with pytest.raises(InvalidInput, match=r"^destination: .* is not a country"):
        parse_country(bad, field="destination")


def test_country_codes_are_iso_alpha2() -> None:
    codes = country_codes()
    assert {"CN", "RU", "IR", "KP", "US", "GB", "HK", "PS", "XK", "TW"} <= codes
    assert not {"ZZ", "EU", "UN", "SU"} & codes
    assert all(len(c) == 2 and c.isupper() for c in codes)


@given(st.sampled_from(sorted(country_codes())))
def test_every_code_parses_to_itself(code: str) -> None:
    assert parse_country(code) == code
    assert parse_country(code.lower()) == code


def test_parse_query_one_message_per_field() -> None:
    q = parse_query("  Huawei Technologies ", country="China", kind="Organization")
    assert (q.name, q.country, q.kind) == ("Huawei Technologies", "CN", EntityKind.ORGANIZATION)
    with pytest.raises(InvalidInput, match=r"^name too short \(1 character\)$"):
        parse_query("A")
    with pytest.raises(InvalidInput, match=r"^kind: 'company' is not one of organization"):
        parse_query("Huawei", kind="company")
    with pytest.raises(InvalidInput, match=r"^country: "):
        parse_query("Huawei", country="Chinaa")


@given(st.text(max_size=20))
def test_name_problem_agrees_with_parse_query(text: str) -> None:
    problem = name_problem(text)
    if problem is None:
        assert parse_query(text).name == text.strip()
    else:
        with pytest.raises(InvalidInput):
            parse_query(text)
