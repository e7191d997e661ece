"""Properties of the 50% cascade on random ownership graphs (cycles included)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tradescreen.decide.ownership import (
    NOT_LISTED,
    OwnershipEdge,
    OwnershipGraph,
    OwnerStatus,
    analyse,
    cascade,
    party_key,
)

NODES = [f"Company {c}" for c in "ABCDEF"]
TARGET = "Target Co"
DAY = date(2024, 1, 1)

edge = st.tuples(
    st.sampled_from(NODES),
    st.sampled_from([*NODES, TARGET]),
    st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False)),
).filter(lambda t: t[0] != t[1])
graphs = st.lists(edge, min_size=1, max_size=14)
seed_sets = st.sets(st.sampled_from(NODES), max_size=4)


def build(edges: list[tuple[str, str, float | None]]) -> OwnershipGraph:
    return OwnershipGraph.build([OwnershipEdge(o, t, p) for o, t, p in edges], DAY)


@settings(max_examples=150, deadline=None)
@given(graphs, seed_sets, seed_sets)
def test_capture_is_monotone_in_the_blocked_set(
    edges: list[tuple[str, str, float | None]], s1: set[str], s2: set[str]
) -> None:
    g = build(edges)
    small = {party_key(s) for s in s1}
    large = small | {party_key(s) for s in s2}
    assert set(cascade(g, party_key(TARGET), small)) <= set(cascade(g, party_key(TARGET), large))


@settings(max_examples=150, deadline=None)
@given(graphs, seed_sets)
def test_analyse_never_crashes_and_every_ofac_finding_has_a_path(
    edges: list[tuple[str, str, float | None]], seeds: set[str]
) -> None:
    blocked = OwnerStatus(ofac_blocked=True, restricted=True, labels=("us_ofac_sdn",))
    keys = {party_key(s) for s in seeds}

    def status(name: str) -> OwnerStatus:
        return blocked if party_key(name) in keys else NOT_LISTED

    findings, warnings = analyse(
        TARGET,
        [OwnershipEdge(o, t, p) for o, t, p in edges],
        status,
        as_of=DAY,
        bis_rule_state=None,
    )
    for f in findings:
        if f.rule == "ofac_50":
            assert f.paths and f.share is not None and f.share >= 50
            assert all(p.endswith(TARGET) for p in f.paths)
    assert all(isinstance(w, str) and "\n" not in w for w in warnings)


@given(st.floats(min_value=50, max_value=100), st.floats(min_value=50, max_value=100))
def test_shares_are_not_multiplied_along_a_chain(p1: float, p2: float) -> None:
    g = build([("Company A", "Company B", p1), ("Company B", TARGET, p2)])
    assert party_key(TARGET) in cascade(g, party_key(TARGET), {party_key("Company A")})
