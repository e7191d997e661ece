"""Every Federal Register rule the decision data cites carries its publication and effective
dates (issue 16 item 5); the effective date governs."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

import pytest

import tradescreen.decide
from tradescreen.decide.authorizations import default_authorization_data
from tradescreen.decide.federal_register import FR_CITATION, fr_rules, rule_for
from tradescreen.sources.notices import rules as listing_rules

DECIDE = Path(tradescreen.decide.__file__).parent


def cited() -> set[str]:
    texts = [p.read_text("utf-8") for p in sorted((DECIDE / "data").glob("*.json"))]
    texts += [p.read_text("utf-8") for p in sorted(DECIDE.glob("*.py"))]
    found = set()
    for text in texts:
        found |= {f"{v} FR {p}" for v, p in FR_CITATION.findall(text)}
    return found


def test_the_data_cites_rules() -> None:
    assert {"84 FR 23468", "87 FR 22130", "90 FR 42315", "89 FR 20107"} <= cited()


@pytest.mark.parametrize("citation", sorted(cited()))
def test_every_cited_rule_has_both_dates(citation: str) -> None:
    rule = rule_for(citation)
    assert rule is not None, f"{citation}: not in decide/data/fr_rules.json"
    assert rule.published and rule.effective


def test_rows_are_unique_and_well_formed() -> None:
    rows = fr_rules()
    assert len({r.citation for r in rows}) == len(rows)
    for r in rows:
        assert set(r.uncertain) <= {"published", "effective", "first_page", "last_page"}, r.citation
        # 85 FR 23459 (published 2020-04-28) took effect 62 days later, on 2020-06-29
        assert abs((r.published - r.effective).days) < 90, r.citation


def test_authorisations_and_rule_windows_agree_with_the_rules() -> None:
    data = default_authorization_data()
    for a in data.authorizations:
        rule = rule_for(a.citation)
        assert rule is not None and a.published == rule.published, a.id
    affiliates = data.rules["bis_affiliates_rule"]
    (first, *_rest) = affiliates.windows
    rule = rule_for(affiliates.citation)
    assert rule is not None and first.valid_from == rule.effective == date(2025, 9, 29)


def test_the_listing_date_table_agrees_with_this_one() -> None:
    """sources/data/fr_rules.json re-dates listings by their rule; where both tables know a
    rule they give the same dates."""
    for lr in listing_rules():
        mine = rule_for(f"{lr.volume} FR {lr.first_page}")
        if mine is not None:
            assert (mine.published, mine.effective) == (lr.published, lr.effective)
    assert resources.files("tradescreen.decide").joinpath("data/fr_rules.json").is_file()
