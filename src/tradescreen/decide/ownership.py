"""Ownership edges and the 50% rules. Pure functions over edges and owner statuses.

- OFAC 50% rule: an entity is blocked if blocked persons own 50% or more of it, directly or
  indirectly, individually or in the aggregate. An entity that becomes blocked counts with its
  full share of what it owns: percentages are NOT multiplied along a chain.
- BIS affiliates rule (only in its in-force windows): 50% or more owned by Entity List, MEU or
  certain SDN (§ 744.8) parties -> inherits the most restrictive owner requirement.
- Significant minority (>= 25%) by a listed party -> needs review, never a silent pass.

Cycles, missing percentages and shares over 100% are reported, never crashed on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from tradescreen.decide.outcomes import Effect, OwnershipRule, RuleState
from tradescreen.errors import InvalidInput

SIGNIFICANT_MINORITY = 25.0
CONTROL_THRESHOLD = 50.0
_EPS = 1e-9


def party_key(name: str) -> str:
    """The key names are joined on: case-folded, accents and punctuation dropped."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class OwnershipEdge:
    owner: str
    owned: str
    percentage: float | None  # None: the source does not say
    as_of: date | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.owner.strip():
            raise InvalidInput("owner: empty name")
        if not self.owned.strip():
            raise InvalidInput("owned: empty name")
        if self.percentage is not None and not (0.0 <= self.percentage <= 100.0):
            raise InvalidInput(f"percentage: {self.percentage} is outside 0-100")
        if party_key(self.owner) == party_key(self.owned):
            raise InvalidInput(f"owner: {self.owner!r} cannot own itself")


def parse_percentage(value: object, *, where: str = "percentage") -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        pct = float(text)
    except ValueError:
        raise InvalidInput(f"{where}: {value!r} is not a number") from None
    if not 0.0 <= pct <= 100.0:
        raise InvalidInput(f"{where}: {pct:g} is outside 0-100")
    return pct


@dataclass(frozen=True, slots=True)
class OwnerStatus:
    """What the lists say about one party on the decision date."""

    ofac_blocked: bool = False  # SDN (certain match)
    bis_listed: bool = False  # Entity List, MEU or EAR-relevant SDN (certain match)
    restricted: bool = False  # any restrictive listing (certain match)
    possible: bool = False  # a possible restrictive match below certainty
    labels: tuple[str, ...] = ()  # e.g. ("us_ofac_sdn",)


NOT_LISTED = OwnerStatus()


@dataclass(frozen=True, slots=True)
class OwnershipFinding:
    rule: OwnershipRule
    effect: Effect  # prohibited | license_required | needs_review | informational
    message: str
    paths: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()  # the listed owners (display names) behind the finding
    share: float | None = None
    citation: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule.value,
            "effect": self.effect.value,
            "message": self.message,
            "paths": list(self.paths),
            "owners": list(self.owners),
            "share": self.share,
            "citation": self.citation,
        }


@dataclass
class OwnershipGraph:
    """Edges in force on a date, keyed by normalised name."""

    names: dict[str, str] = field(default_factory=dict)  # key -> display name
    owners_of: dict[str, dict[str, float | None]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @staticmethod
    def build(edges: Iterable[OwnershipEdge], as_of: date) -> OwnershipGraph:
        g = OwnershipGraph()
        latest: dict[tuple[str, str], OwnershipEdge] = {}
        later: set[tuple[str, str]] = set()
        for e in edges:
            pair = (party_key(e.owner), party_key(e.owned))
            g.names.setdefault(pair[0], e.owner.strip())
            g.names.setdefault(pair[1], e.owned.strip())
            if e.as_of is not None and e.as_of > as_of:
                later.add(pair)
                continue
            cur = latest.get(pair)
            if cur is None or (e.as_of or date.min) >= (cur.as_of or date.min):
                latest[pair] = e
        for owner, owned in sorted(later - set(latest)):
            g.warnings.append(
                f"ownership {g.names[owner]} -> {g.names[owned]} is recorded only after "
                f"{as_of.isoformat()}; not used"
            )
        for (owner, owned), e in latest.items():
            g.owners_of.setdefault(owned, {})[owner] = e.percentage
        return g

    def upstream(self, target: str) -> list[str]:
        seen: list[str] = []
        stack = [target]
        visited = {target}
        while stack:
            node = stack.pop()
            for owner in self.owners_of.get(node, {}):
                if owner not in visited:
                    visited.add(owner)
                    seen.append(owner)
                    stack.append(owner)
        return seen

    def cycles(self, target: str) -> list[list[str]]:
        """Ownership cycles among the target's direct and indirect owners."""
        nodes = {target, *self.upstream(target)}
        found: list[list[str]] = []
        seen_sets: set[frozenset[str]] = set()
        color: dict[str, int] = {}
        stack: list[str] = []

        def visit(n: str) -> None:
            color[n] = 1
            stack.append(n)
            for o in self.owners_of.get(n, {}):
                if o not in nodes:
                    continue
                if color.get(o) == 1:
                    cyc = [*stack[stack.index(o) :], o]
                    if frozenset(cyc) not in seen_sets:
                        seen_sets.add(frozenset(cyc))
                        found.append(cyc)
                elif o not in color:
                    visit(o)
            stack.pop()
            color[n] = 2

        visit(target)
        return found


@dataclass(frozen=True, slots=True)
class _Capture:
    contributors: tuple[tuple[str, float], ...]  # (owner key, share) of captured owners
    total: float


def cascade(
    graph: OwnershipGraph, target: str, seeds: set[str], threshold: float = CONTROL_THRESHOLD
) -> dict[str, _Capture]:
    """Every node upstream of (and including) ``target`` that is captured: seeds, and nodes
    whose captured owners hold ``threshold``% or more in the aggregate (full shares)."""
    nodes = [target, *graph.upstream(target)]
    captured: dict[str, _Capture] = {s: _Capture((), 100.0) for s in seeds if s in nodes}
    changed = True
    while changed:
        changed = False
        for node in nodes:
            if node in captured:
                continue
            contrib = tuple(
                (o, pct)
                for o, pct in sorted(graph.owners_of.get(node, {}).items())
                if o in captured and pct is not None
            )
            total = sum(p for _, p in contrib)
            if total + _EPS >= threshold:
                captured[node] = _Capture(contrib, total)
                changed = True
    return captured


def _paths(graph: OwnershipGraph, captured: Mapping[str, _Capture], node: str) -> list[str]:
    """Chains from each seed down to ``node``: ``A -30%-> B -60%-> node``."""
    out: list[str] = []

    def walk(n: str, suffix: str, seen: frozenset[str]) -> None:
        cap = captured[n]
        if not cap.contributors:
            out.append(graph.names.get(n, n) + suffix)
            return
        for owner, pct in cap.contributors:
            if owner in seen:
                continue
            walk(owner, f" -{pct:g}%-> {graph.names.get(n, n)}{suffix}", seen | {owner})

    walk(node, "", frozenset({node}))
    return out


def _fmt(share: float) -> str:
    return f"{share:g}%"


def analyse(
    target_name: str,
    edges: Iterable[OwnershipEdge],
    status_of: Callable[[str], OwnerStatus],
    *,
    as_of: date,
    bis_rule_state: RuleState | None,
    bis_rule_citation: str = "",
    ofac_citation: str = "OFAC 50% rule guidance (2014-08-13)",
) -> tuple[list[OwnershipFinding], list[str]]:
    """Findings for one party from its ownership graph on ``as_of``, and warnings.

    ``status_of(display_name)`` tells what the lists say about an owner on that date.
    ``bis_rule_state`` is the affiliates rule's state on ``as_of``: ``in_force``,
    ``suspended``, ``unknown`` or None (not yet adopted).
    """
    graph = OwnershipGraph.build(edges, as_of)
    target = party_key(target_name)
    warnings = list(graph.warnings)
    if target not in graph.owners_of:
        return [], warnings
    graph.names[target] = graph.names.get(target, target_name)
    nodes = graph.upstream(target)
    status = {n: status_of(graph.names[n]) for n in nodes}
    findings: list[OwnershipFinding] = []
    name = graph.names[target]

    for cyc in graph.cycles(target):
        warnings.append("ownership cycle: " + " -> ".join(graph.names[n] for n in cyc))
    for node in [target, *nodes]:
        owners = graph.owners_of.get(node, {})
        known = sum(p for p in owners.values() if p is not None)
        if known > 100.0 + _EPS:
            warnings.append(
                f"owners of {graph.names[node]} hold {_fmt(known)} in total (over 100%)"
            )
        for o, p in owners.items():
            s = status.get(o, NOT_LISTED)
            if p is None and (s.restricted or s.possible):
                findings.append(
                    OwnershipFinding(
                        OwnershipRule.DATA_QUALITY,
                        Effect.NEEDS_REVIEW,
                        f"{graph.names[o]} ({', '.join(s.labels)}) owns an unknown share of "
                        f"{graph.names[node]}",
                        (f"{graph.names[o]} -?%-> {graph.names[node]}",),
                        (graph.names[o],),
                    )
                )

    ofac_seeds = {n for n, s in status.items() if s.ofac_blocked}
    ofac = cascade(graph, target, ofac_seeds)
    if target in ofac:
        findings.append(
            OwnershipFinding(
                OwnershipRule.OFAC_50,
                Effect.PROHIBITED,
                f"{name} is blocked under OFAC's 50% rule: blocked persons own "
                f"{_fmt(ofac[target].total)} (aggregate, directly or indirectly)",
                tuple(_paths(graph, ofac, target)),
                tuple(graph.names[s] for s in sorted(ofac_seeds)),
                ofac[target].total,
                ofac_citation,
            )
        )

    bis_seeds = {n for n, s in status.items() if s.bis_listed}
    bis = cascade(graph, target, bis_seeds)
    if target in bis:
        paths = tuple(_paths(graph, bis, target))
        bis_owners = tuple(
            graph.names[s]
            for s in sorted(bis_seeds)
            if any(p.startswith(graph.names[s]) for p in paths)
        )
        share = bis[target].total
        if bis_rule_state is RuleState.IN_FORCE:
            findings.append(
                OwnershipFinding(
                    OwnershipRule.BIS_AFFILIATES,
                    Effect.LICENSE_REQUIRED,
                    f"{name} is {_fmt(share)} owned by listed parties: BIS affiliates rule in "
                    "force; it inherits the most restrictive owner requirement",
                    paths,
                    bis_owners,
                    share,
                    bis_rule_citation,
                )
            )
        elif bis_rule_state is RuleState.SUSPENDED:
            findings.append(
                OwnershipFinding(
                    OwnershipRule.BIS_AFFILIATES,
                    Effect.INFORMATIONAL,
                    f"{name} is {_fmt(share)} owned by listed parties, but the BIS affiliates "
                    f"rule is suspended on {as_of.isoformat()} ({bis_rule_citation}): not captured",
                    paths,
                    bis_owners,
                    share,
                    bis_rule_citation,
                )
            )
        elif bis_rule_state is RuleState.UNKNOWN:
            findings.append(
                OwnershipFinding(
                    OwnershipRule.BIS_AFFILIATES,
                    Effect.NEEDS_REVIEW,
                    f"{name} is {_fmt(share)} owned by listed parties; whether the BIS affiliates "
                    f"rule applies on {as_of.isoformat()} is not known ({bis_rule_citation})",
                    paths,
                    bis_owners,
                    share,
                    bis_rule_citation,
                )
            )
        else:
            findings.append(
                OwnershipFinding(
                    OwnershipRule.BIS_AFFILIATES,
                    Effect.INFORMATIONAL,
                    f"{name} is {_fmt(share)} owned by listed parties; no BIS affiliates rule "
                    f"was in force on {as_of.isoformat()}: not captured by ownership alone",
                    paths,
                    bis_owners,
                    share,
                    bis_rule_citation,
                )
            )

    # Significant minority: direct owners that are listed, or captured through their owners.
    derived = {n for n in ofac if n != target} | {n for n in bis if n != target}
    listed_direct: list[tuple[str, float]] = []
    for o, p in sorted(graph.owners_of.get(target, {}).items()):
        s = status.get(o, NOT_LISTED)
        if p is not None and (s.restricted or s.possible or o in derived):
            listed_direct.append((o, p))
    captured_already = target in ofac or (target in bis and bis_rule_state is RuleState.IN_FORCE)
    if not captured_already:
        for o, p in listed_direct:
            if p + _EPS >= SIGNIFICANT_MINORITY:
                s = status.get(o, NOT_LISTED)
                label = ", ".join(s.labels) or "captured through its owners"
                if s.possible and not s.restricted:
                    label = "possible match: " + label
                findings.append(
                    OwnershipFinding(
                        OwnershipRule.SIGNIFICANT_MINORITY,
                        Effect.NEEDS_REVIEW,
                        f"{graph.names[o]} ({label}) owns {_fmt(p)} of {name} "
                        f"(>= {_fmt(SIGNIFICANT_MINORITY)}): significant minority ownership",
                        (f"{graph.names[o]} -{p:g}%-> {name}",),
                        (graph.names[o],),
                        p,
                    )
                )
        total = sum(p for _, p in listed_direct)
        if total + _EPS >= SIGNIFICANT_MINORITY and all(
            p + _EPS < SIGNIFICANT_MINORITY for _, p in listed_direct
        ):
            findings.append(
                OwnershipFinding(
                    OwnershipRule.SIGNIFICANT_MINORITY,
                    Effect.NEEDS_REVIEW,
                    f"listed parties own {_fmt(total)} of {name} in the aggregate "
                    f"(>= {_fmt(SIGNIFICANT_MINORITY)})",
                    tuple(f"{graph.names[o]} -{p:g}%-> {name}" for o, p in listed_direct),
                    tuple(graph.names[o] for o, _ in listed_direct),
                    total,
                )
            )
    return findings, warnings


__all__ = [
    "CONTROL_THRESHOLD",
    "NOT_LISTED",
    "SIGNIFICANT_MINORITY",
    "OwnerStatus",
    "OwnershipEdge",
    "OwnershipFinding",
    "OwnershipGraph",
    "analyse",
    "cascade",
    "parse_percentage",
    "party_key",
]
