"""Ownership: OFAC 50% rule (cascading, no multiplication), BIS affiliates rule windows,
significant minority, data problems, and the CSV / JSON / FollowTheMoney readers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tradescreen.decide.authorizations import default_authorization_data
from tradescreen.decide.ownership import (
    OwnershipEdge,
    OwnershipFinding,
    OwnerStatus,
    analyse,
    party_key,
)
from tradescreen.decide.ownership_io import read_ownership_file
from tradescreen.errors import InvalidInput

SDN = OwnerStatus(ofac_blocked=True, bis_listed=False, restricted=True, labels=("us_ofac_sdn",))
EL = OwnerStatus(bis_listed=True, restricted=True, labels=("us_bis_el",))
CLEAN = OwnerStatus()


def statuses(**by_name: OwnerStatus):  # type: ignore[no-untyped-def]
    table = {party_key(k.replace("_", " ")): v for k, v in by_name.items()}
    return lambda name: table.get(party_key(name), CLEAN)


def run(target: str, edges: list[OwnershipEdge], status, day: date):  # type: ignore[no-untyped-def]
    window = default_authorization_data().rules["bis_affiliates_rule"].state_on(day)
    return analyse(
        target,
        edges,
        status,
        as_of=day,
        bis_rule_state=window.state if window else None,
        bis_rule_citation=window.citation if window else "",
    )


def by_rule(findings: list[OwnershipFinding], rule: str) -> list[OwnershipFinding]:
    return [f for f in findings if f.rule == rule]


def e(owner: str, owned: str, pct: float | None, as_of: date | None = None) -> OwnershipEdge:
    return OwnershipEdge(owner, owned, pct, as_of)


TWO_SDN = [e("Alpha Sanctioned", "Target Co", 30), e("Beta Sanctioned", "Target Co", 25)]
TWO_EL = [e("Alpha Listed", "Target Co", 30), e("Beta Listed", "Target Co", 25)]


@pytest.mark.parametrize("day", [date(2012, 1, 1), date(2025, 10, 15), date(2026, 1, 15)])
def test_two_sdn_owners_in_aggregate_block_on_any_date(day: date) -> None:
    status = statuses(Alpha_Sanctioned=SDN, Beta_Sanctioned=SDN)
    findings, _ = run("Target Co", TWO_SDN, status, day)
    (ofac,) = by_rule(findings, "ofac_50")
    assert ofac.effect == "prohibited" and ofac.share == 55
    assert sorted(ofac.paths) == [
        "Alpha Sanctioned -30%-> Target Co",
        "Beta Sanctioned -25%-> Target Co",
    ]


def test_two_el_owners_depend_on_the_affiliates_rule_window() -> None:
    status = statuses(Alpha_Listed=EL, Beta_Listed=EL)
    in_force, _ = run("Target Co", TWO_EL, status, date(2025, 10, 15))
    assert not by_rule(in_force, "ofac_50")
    (bis,) = by_rule(in_force, "bis_affiliates")
    assert bis.effect == "license_required" and "90 FR 47201" in (bis.citation or "")
    assert not by_rule(in_force, "significant_minority")  # already captured

    suspended, _ = run("Target Co", TWO_EL, status, date(2026, 1, 15))
    assert not by_rule(suspended, "ofac_50")
    (bis,) = by_rule(suspended, "bis_affiliates")
    assert bis.effect == "informational" and "suspended" in bis.message
    minority = by_rule(suspended, "significant_minority")
    assert {f.share for f in minority} == {30, 25}
    assert all(f.effect == "needs_review" for f in minority)

    before, _ = run("Target Co", TWO_EL, status, date(2024, 6, 1))
    (bis,) = by_rule(before, "bis_affiliates")
    assert bis.effect == "informational" and "no BIS affiliates rule" in bis.message

    # reinstated on 2026-11-10 by the suspension rule itself (absent an extension)
    after, _ = run("Target Co", TWO_EL, status, date(2026, 11, 15))
    (bis,) = by_rule(after, "bis_affiliates")
    assert bis.effect == "license_required" and "reimposed" in (bis.citation or "")


def test_significant_minority_by_a_listed_party() -> None:
    findings, _ = run(
        "Target Co",
        [e("Alpha Listed", "Target Co", 42)],
        statuses(Alpha_Listed=EL),
        date(2024, 1, 1),
    )
    (f,) = by_rule(findings, "significant_minority")
    assert f.effect == "needs_review" and f.share == 42
    assert f.paths == ("Alpha Listed -42%-> Target Co",)
    small, _ = run(
        "Target Co",
        [e("Alpha Listed", "Target Co", 10)],
        statuses(Alpha_Listed=EL),
        date(2024, 1, 1),
    )
    assert small == []


def test_blocked_intermediate_counts_with_its_full_share() -> None:
    # 60% x 60% = 36% if multiplied; OFAC counts the blocked holding company's full 60%.
    edges = [e("Alpha Sanctioned", "Holding Ltd", 60), e("Holding Ltd", "Target Co", 60)]
    findings, _ = run("Target Co", edges, statuses(Alpha_Sanctioned=SDN), date(2024, 1, 1))
    (ofac,) = by_rule(findings, "ofac_50")
    assert ofac.share == 60
    assert ofac.paths == ("Alpha Sanctioned -60%-> Holding Ltd -60%-> Target Co",)


def test_cascade_aggregates_derived_and_direct_owners() -> None:
    edges = [
        e("Alpha Sanctioned", "Holding Ltd", 50),
        e("Holding Ltd", "Target Co", 30),
        e("Beta Sanctioned", "Target Co", 20),
    ]
    status = statuses(Alpha_Sanctioned=SDN, Beta_Sanctioned=SDN)
    findings, _ = run("Target Co", edges, status, date(2024, 1, 1))
    (ofac,) = by_rule(findings, "ofac_50")
    assert ofac.share == 50
    assert "Alpha Sanctioned -50%-> Holding Ltd -30%-> Target Co" in ofac.paths


def test_unblocked_intermediate_does_not_pass_on_a_minority_share() -> None:
    edges = [e("Alpha Sanctioned", "Holding Ltd", 40), e("Holding Ltd", "Target Co", 100)]
    findings, _ = run("Target Co", edges, statuses(Alpha_Sanctioned=SDN), date(2024, 1, 1))
    assert by_rule(findings, "ofac_50") == []


def test_cycles_missing_shares_and_overfull_ownership_are_reported() -> None:
    edges = [
        e("Alpha Sanctioned", "Holding Ltd", 50),
        e("Holding Ltd", "Sister Ltd", 50),
        e("Sister Ltd", "Holding Ltd", 50),
        e("Sister Ltd", "Target Co", 70),
        e("Other Owner", "Target Co", 50),
        e("Beta Sanctioned", "Target Co", None),
    ]
    status = statuses(Alpha_Sanctioned=SDN, Beta_Sanctioned=SDN)
    findings, warnings = run("Target Co", edges, status, date(2024, 1, 1))
    assert by_rule(findings, "ofac_50")[0].share == 70
    assert any(w.startswith("ownership cycle:") for w in warnings)
    assert any("over 100%" in w and "Target Co" in w for w in warnings)
    (dq,) = by_rule(findings, "data_quality")
    assert dq.effect == "needs_review" and "unknown share" in dq.message


def test_edges_recorded_after_the_date_are_not_used() -> None:
    edges = [e("Alpha Sanctioned", "Target Co", 60, date(2024, 1, 1))]
    findings, warnings = run("Target Co", edges, statuses(Alpha_Sanctioned=SDN), date(2023, 1, 1))
    assert findings == []
    assert any("recorded only after" in w for w in warnings)
    later = [*edges, e("Alpha Sanctioned", "Target Co", 10, date(2025, 1, 1))]
    findings, _ = run("Target Co", later, statuses(Alpha_Sanctioned=SDN), date(2025, 6, 1))
    assert by_rule(findings, "ofac_50") == []  # the newest edge (10%) replaces the old one


@pytest.mark.parametrize("pct", [120.0, -1.0])
def test_percentage_out_of_range_is_refused(pct: float) -> None:
    with pytest.raises(InvalidInput, match=r"^percentage: "):
        OwnershipEdge("A", "B", pct)


def test_csv_reader(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text(
        "owner,owned,percentage,as_of,source\n"
        "Alpha Listed,Target Co,42%,2024-01-01,registry\n"
        "Beta,Target Co,,,\n"
    )
    edges = read_ownership_file(path)
    assert edges[0] == OwnershipEdge(
        "Alpha Listed", "Target Co", 42.0, date(2024, 1, 1), "registry"
    )
    assert edges[1].percentage is None
    path.write_text("owner,owned,percentage\nAlpha,Target,150\n")
    with pytest.raises(InvalidInput, match=r"^own\.csv:2\.percentage: "):
        read_ownership_file(path)
    path.write_text("owner,owned,percentage,as_of\nAlpha,Target,10,2024-13-01\n")
    with pytest.raises(InvalidInput, match=r"^own\.csv:2\.as_of: "):
        read_ownership_file(path)


def test_json_reader_with_party_ids(tmp_path: Path) -> None:
    path = tmp_path / "own.json"
    doc = {
        "parties": [{"id": "a", "name": "Alpha"}, {"id": "t", "name": "Target"}],
        "edges": [{"owner_id": "a", "owned_id": "t", "percentage": 55}],
    }
    path.write_text(json.dumps(doc))
    assert read_ownership_file(path) == [OwnershipEdge("Alpha", "Target", 55.0)]
    doc["edges"] = [{"owner_id": "a", "owned_id": "zzz", "percentage": 55}]
    path.write_text(json.dumps(doc))
    with pytest.raises(InvalidInput, match=r"owned_id: unknown reference 'zzz'"):
        read_ownership_file(path)


def test_followthemoney_ownership_entities(tmp_path: Path) -> None:
    ents = [
        {"id": "c1", "schema": "Company", "properties": {"name": ["Alpha Listed"]}},
        {"id": "c2", "schema": "Company", "properties": {"name": ["Target Co"]}},
        {
            "id": "o1",
            "schema": "Ownership",
            "properties": {
                "owner": ["c1"],
                "asset": ["c2"],
                "percentage": ["42"],
                "startDate": ["2021-03-04"],
            },
        },
    ]
    path = tmp_path / "own.ftm.json"
    path.write_text("\n".join(json.dumps(x) for x in ents))
    (edge,) = read_ownership_file(path)
    assert (edge.owner, edge.owned, edge.percentage, edge.as_of) == (
        "Alpha Listed",
        "Target Co",
        42.0,
        date(2021, 3, 4),
    )
    ents[2]["properties"]["asset"] = ["missing"]  # type: ignore[index]
    path.write_text("\n".join(json.dumps(x) for x in ents))
    with pytest.raises(InvalidInput, match=r"owned: unknown reference 'missing'"):
        read_ownership_file(path)
