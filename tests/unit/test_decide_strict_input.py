"""Strict input (issue 16 item 7): an unknown party role or an unknown country/region code is
refused with one line naming the field; country names are accepted (the CLI's exit 2 is in
tests/decide/test_decide_cli.py, the API's 422 in tests/api/test_check.py)."""

from __future__ import annotations

from datetime import date

import pytest

from tradescreen.decide.destinations import iso_countries
from tradescreen.decide.items import Item as DecideItem
from tradescreen.decide.items import Party, Role, Transaction, normalize_destination
from tradescreen.errors import InvalidInput


def test_unknown_role_is_refused_not_screened_as_a_name() -> None:
    with pytest.raises(InvalidInput, match=r"^party: unknown role 'enduser' in 'enduser=Hik"):
        Party.parse("enduser=Hikvision")
    with pytest.raises(InvalidInput, match=r"^party: unknown role"):
        Party.parse("consignee=Hikvision")
    with pytest.raises(InvalidInput, match=r"^party: unknown role 'Acme'"):
        Party.parse("Acme = Co")  # a name with "=" is given after a role:
    assert Party.parse("ultimate_consignee=Acme = Co") == Party("Acme = Co")
    assert Party.parse("A.B. = C") == Party("A.B. = C")  # not words: part of the name
    assert Party.parse("End-User=Hikvision") == Party("Hikvision", Role.END_USER)
    assert Party.parse("end user = Hikvision") == Party("Hikvision", Role.END_USER)
    assert Party.parse("Hikvision") == Party("Hikvision", Role.ULTIMATE_CONSIGNEE)
    assert Party.parse("purchaser=A=B Ltd") == Party("A=B Ltd", Role.PURCHASER)


@pytest.mark.parametrize("bad", ["ZZ", "zz", "XX", "EU", "UN", "AN", "UK", "Z9", "C", "FR-99"])
def test_codes_iso_3166_does_not_assign_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match=r"^destination: ") as exc:
        normalize_destination(bad)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("cn", "CN"),
        ("China", "CN"),
        ("people's republic of china", "CN"),
        ("Deutschland", "DE"),
        ("XK", "XK"),
        ("ua-43", "UA-43"),
        ("UA-14", "UA-14"),
        ("Crimea", "UA-43"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Korea, North", "KP"),
    ],
)
def test_codes_and_names_are_normalised(given: str, code: str) -> None:
    assert normalize_destination(given) == code


def test_the_iso_list_is_the_real_one() -> None:
    codes = iso_countries()
    assert len(codes) == 250  # the 249 ISO 3166-1 countries and XK
    assert {"CN", "RU", "KP", "SY", "CU", "IR", "AQ", "SS", "XK"} <= codes
    assert not codes & {"ZZ", "EU", "UN", "AN", "DD", "ZR", "UK", "SU"}


def test_unknown_name_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^destination: 'Zzyzx'"):
        Transaction((Party("A"),), DecideItem.parse("EAR99"), "Zzyzx", date(2024, 1, 1))


@pytest.mark.parametrize("name", ["Korea", "congo", "Virgin  Islands"])
def test_a_name_of_several_countries_is_refused_not_guessed(name: str) -> None:
    with pytest.raises(InvalidInput, match=r"^destination: .* names more than one country"):
        normalize_destination(name)
