"""The decision: parties + item + destination + date -> prohibited | license_required |
authorized | no_restriction | needs_review, with every reason.

``check`` is deterministic: the same screening results (list versions), data files and date give
the same answer. Screening is injected (``PartyScreener``) so rules are testable without a store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from tradescreen.decide.authorizations import (
    AFFILIATES_RULE_ID,
    Authorization,
    AuthorizationData,
    answers_of,
    default_authorization_data,
)
from tradescreen.decide.country_chart import ChartDetermination, determine
from tradescreen.decide.ear_tables import EarTables, default_tables
from tradescreen.decide.embargoes import EmbargoData, default_embargo_data, destination_controls
from tradescreen.decide.end_use import EndUseData, EndUseResult, default_end_use_data, evaluate
from tradescreen.decide.items import Transaction, transaction_to_dict
from tradescreen.decide.licences import Coverage, NotCovered, SpecificLicence
from tradescreen.decide.listing_dates import StartFloors, default_start_floors
from tradescreen.decide.listing_rules import ListKind, classify, interpret, is_ear_sdn
from tradescreen.decide.outcomes import (
    RESTRICTIVE,
    SEVERITY,
    Effect,
    EmbargoStatus,
    Outcome,
    OwnershipRule,
    ReasonKind,
)
from tradescreen.decide.ownership import OwnershipEdge, OwnerStatus, analyse
from tradescreen.decide.reasons import Decision, DecisionConfig, Reason
from tradescreen.model import Entity, Listing, Query
from tradescreen.results import ScreenResult, version_to_json

PartyScreener = Callable[[Query, date], ScreenResult]

DECISIONS: tuple[Outcome, ...] = tuple(Outcome)


@dataclass
class DecisionContext:
    ownership: tuple[OwnershipEdge, ...] = ()
    licences: tuple[SpecificLicence, ...] = ()
    authorizations: AuthorizationData = field(default_factory=default_authorization_data)
    embargoes: EmbargoData = field(default_factory=default_embargo_data)
    start_floors: StartFloors = field(default_factory=default_start_floors)
    ear: EarTables = field(default_factory=default_tables)  # Country Chart, CCL, groups
    end_use: EndUseData = field(default_factory=default_end_use_data)  # Part 744 questions
    config: DecisionConfig = field(default_factory=DecisionConfig)

    @staticmethod
    def from_engine(engine: Engine, **kwargs: Any) -> DecisionContext:
        from tradescreen.decide.licences import list_licences
        from tradescreen.decide.storage import load_edges

        return DecisionContext(
            ownership=tuple(load_edges(engine)),
            licences=tuple(list_licences(engine)),
            **kwargs,
        )

    def data_versions(self) -> dict[str, str]:
        return {
            "authorizations": self.authorizations.version,
            "embargoes": self.embargoes.version,
            "programme_starts": self.start_floors.version,
            "ear_tables": f"eCFR {self.ear.issue_date}",
            "end_use": self.end_use.version,
        }


class _Run:
    """State of one ``check`` call: screening cache, versions, warnings."""

    def __init__(
        self, tx: Transaction, screener: PartyScreener, ctx: DecisionContext, as_of: date
    ) -> None:
        self.tx, self.screener, self.ctx, self.as_of = tx, screener, ctx, as_of
        self.cache: dict[str, ScreenResult] = {}
        self.versions: dict[int, dict[str, Any]] = {}
        self.warnings: list[str] = []
        # True once the ECCN's own requirement (Commerce Country Chart) has been decided; until
        # then a general authorisation cannot make an ECCN item ``authorized``.
        self.chart_evaluated = False

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def screen(self, name: str) -> ScreenResult:
        if name not in self.cache:
            res = self.screener(Query(name=name), self.as_of)
            self.cache[name] = res
            for v in res.list_versions:
                self.versions.setdefault(v.id, version_to_json(v))
            for w in res.warnings:
                self.warn(w)
        return self.cache[name]

    def listings(self, name: str) -> list[tuple[Entity, Listing, float, int | None]]:
        """(entity, listing, score, version id) in force on the date, best first."""
        res = self.screen(name)
        out = []
        for hit in res.hits:
            for i, listing in enumerate(hit.listings):
                state = listing.in_force(self.as_of)
                if state is False:
                    continue
                if state is None:
                    floor = self.ctx.start_floors.floor(listing)
                    if floor is not None and self.as_of < floor.earliest:
                        continue  # its list or programme did not exist yet
                    since = (
                        f"counted as in force from {floor.earliest.isoformat()} at the "
                        f"earliest ({floor.citation})"
                        if floor
                        else "treated as in force"
                    )
                    self.warn(f"{hit.entity.name} ({listing.list_code}): start unknown; {since}")
                vid = hit.version_id
                origin = hit.origins[i] if i < len(hit.origins) else ""
                if origin:  # a listing of another source than the hit's first: its own version
                    vid = next(
                        (
                            v.id
                            for v in res.list_versions
                            if v.list_code == listing.list_code and v.origin == origin
                        ),
                        vid,
                    )
                if vid is None:
                    vid = next(
                        (v.id for v in res.list_versions if v.list_code == listing.list_code), None
                    )
                out.append((hit.entity, listing, hit.score, vid))
        return out

    def text_date(self, vid: int | None) -> date | None:
        """The data date of the list version a listing was read from (its entry text)."""
        raw = self.versions.get(vid, {}).get("data_date") if vid is not None else None
        return date.fromisoformat(str(raw)[:10]) if raw else None

    def older_text_note(self, ent: Entity, listing: Listing, vid: int | None) -> date | None:
        """Warn once when only a newer text of the entry is at hand (issue 16 item 5)."""
        text_date = self.text_date(vid)
        if text_date is None or text_date <= self.as_of:
            return text_date
        if classify(listing) in (ListKind.ENTITY_LIST, ListKind.MEU):
            self.warn(
                f"{ent.name} ({listing.list_code}): the entry text read is from the list "
                f"version of {text_date.isoformat()}; the text in force on "
                f"{self.as_of.isoformat()} is not stored: carve-outs no rule dates are not "
                "applied, footnotes of later rules are not shown, and the review policy shown "
                "is that later text's"
            )
        return text_date

    def owner_status(self, name: str) -> OwnerStatus:
        certain = self.ctx.config.certain_score
        ofac = bis = restricted = possible = False
        labels: list[str] = []
        for _ent, listing, score, _vid in self.listings(name):
            kind = classify(listing)
            if kind in (ListKind.NS_CMIC, ListKind.INFORMATIONAL):
                continue
            if score < certain:
                possible = True
                labels.append(f"{listing.list_code}?")
                continue
            restricted = True
            labels.append(listing.list_code)
            if kind is ListKind.SDN:
                ofac = True
            if kind in (ListKind.ENTITY_LIST, ListKind.MEU) or is_ear_sdn(listing, self.as_of):
                bis = True
        return OwnerStatus(ofac, bis, restricted, possible, tuple(dict.fromkeys(labels)))


def _listing_reasons(run: _Run) -> list[tuple[Reason, Entity, Listing]]:
    tx, certain = run.tx, run.ctx.config.certain_score
    out = []
    seen: set[tuple[str, str, str]] = set()
    for party in tx.parties:
        for ent, listing, score, vid in run.listings(party.name):
            key = (party.name, ent.id, listing.list_code)
            if key in seen:
                continue
            seen.add(key)
            text_date = run.older_text_note(ent, listing, vid)
            eff = interpret(
                listing,
                tx.item,
                as_of=run.as_of,
                destination=tx.destination,
                category=tx.activity_category,
                text_date=text_date,
            )
            effect, message, if_match = eff.effect, eff.message, None
            note = eff.requirement.later_footnotes(run.as_of) if eff.requirement else None
            if note:
                run.warn(f"{ent.name} ({listing.list_code}): {note}")
            if score < certain and effect in RESTRICTIVE:
                if_match = effect
                effect = Effect.NEEDS_REVIEW
                message = (
                    f"possible match (score {score:.2f}) to {ent.name}; if it is the "
                    f"party: {eff.message}"
                )
            out.append(
                (
                    Reason(
                        kind=ReasonKind.LISTING,
                        effect=effect,
                        message=message,
                        party=party.name,
                        role=party.role.value,
                        matched_entity=ent.name,
                        entity_id=ent.id,
                        score=score,
                        list=listing.list_code,
                        list_name=listing.list_name,
                        citations=tuple(str(c) for c in listing.citations),
                        requirement=(
                            {
                                **eff.requirement.to_dict(as_of=run.as_of),
                                "text_date": text_date.isoformat() if text_date else None,
                            }
                            if eff.requirement
                            else None
                        ),
                        policy=eff.policy_for_item,
                        policy_text=eff.policy.text if eff.policy else None,
                        list_version=vid,
                        if_match=if_match,
                    ),
                    ent,
                    listing,
                )
            )
    return out


def _embargo_reasons(run: _Run) -> list[Reason]:
    tx = run.tx
    windows, hints = destination_controls(tx.destination, run.as_of, run.ctx.embargoes)
    for h in hints:
        run.warn(h)
    out = []
    for w in windows:
        effect = w.decision_for(tx.item)
        if w.status is EmbargoStatus.UNKNOWN:
            run.warn(
                f"{w.name}: the state of the controls on {run.as_of.isoformat()} is not "
                f"known to this data ({w.citation}); review"
            )
        elif w.uncertain:
            run.warn(f"{w.name}: fields not verified in the embargo data: {', '.join(w.uncertain)}")
        out.append(
            Reason(
                kind=ReasonKind.EMBARGO,
                effect=effect,
                message=(
                    f"{w.name} ({w.status}): {w.ear_section}; OFAC {w.ofac_program}: {w.policy}"
                ),
                citations=(w.citation,),
                details=w.to_dict(),
            )
        )
    return out


def _chart_reasons(run: _Run) -> tuple[ChartDetermination | None, list[Reason]]:
    """The Country Chart determination (15 CFR 738.4) of a classified item: one reason per
    reason for control that needs a licence or that the user must resolve."""
    item = run.tx.item
    if item.is_ear99:
        return None, []
    det = determine(
        item.classification,
        run.tx.destination,
        as_of=run.as_of,
        value=item.value,
        tables=run.ctx.ear,
        embargoes=run.ctx.embargoes,
    )
    for warning in det.warnings:
        run.warn(warning)
    reasons = [
        Reason(
            kind=ReasonKind.COUNTRY_CHART,
            effect=f.effect,
            message=f.summary,
            citations=f.citations,
            details=f.to_dict(),
            if_match=Effect.LICENSE_REQUIRED if f.effect is Effect.NEEDS_REVIEW else None,
        )
        for f in det.findings
        if f.effect is not Effect.NOT_APPLICABLE
    ]
    run.chart_evaluated = True  # the ECCN's own requirement is decided (or named as open)
    return det, reasons


def _end_use_reasons(run: _Run) -> tuple[EndUseResult, list[Reason]]:
    """The Part 744 end-use and end-user questions (decide/end_use.py): an answer that
    triggers a rule is a reason; an unanswered one is a condition of the decision."""
    tx = run.tx
    result = evaluate(
        tx.item,
        tx.destination,
        run.as_of,
        tx.end_use,
        tables=run.ctx.ear,
        contract_date=tx.contract_date,
        data=run.ctx.end_use,
    )
    for w in result.warnings:
        run.warn(w)
    reasons = [
        Reason(
            kind=ReasonKind.END_USE,
            effect=f.effect,
            message=f.message,
            citations=f.citations,
            details=f.to_dict(),
            if_match=Effect.LICENSE_REQUIRED if f.effect is Effect.NEEDS_REVIEW else None,
        )
        for f in result.findings
        if f.effect is not Effect.NOT_APPLICABLE
    ]
    return result, reasons


def _ownership_reasons(run: _Run) -> list[Reason]:
    ctx, tx = run.ctx, run.tx
    if not ctx.ownership:
        return []
    rule = ctx.authorizations.rules.get(AFFILIATES_RULE_ID)
    window = rule.state_on(run.as_of) if rule else None
    state = window.state if window else None
    if window and window.uncertain:
        run.warn(
            f"BIS affiliates rule on {run.as_of.isoformat()}: {window.citation} "
            f"(not verified: {', '.join(window.uncertain)})"
        )
    if window and window.note:
        run.warn(f"BIS affiliates rule on {run.as_of.isoformat()}: {window.note}")
    out = []
    for party in tx.parties:
        findings, warnings = analyse(
            party.name,
            ctx.ownership,
            run.owner_status,
            as_of=run.as_of,
            bis_rule_state=state,
            bis_rule_citation=window.citation if window else "",
        )
        for w in warnings:
            run.warn(w)
        for f in findings:
            effect, message, details = f.effect, f.message, f.to_dict()
            if f.rule is OwnershipRule.BIS_AFFILIATES and effect is Effect.LICENSE_REQUIRED:
                effect, message = _inherit(run, f.owners, message)
            out.append(
                Reason(
                    kind=ReasonKind.OWNERSHIP,
                    effect=effect,
                    rule=f.rule,
                    message=message,
                    party=party.name,
                    role=party.role.value,
                    citations=(f.citation,) if f.citation else (),
                    paths=f.paths,
                    details=details,
                )
            )
    return out


def _inherit(run: _Run, owners: tuple[str, ...], message: str) -> tuple[Effect, str]:
    """The most restrictive requirement among the listed owners, for this item."""
    best: tuple[int, Effect, str] = (0, Effect.NOT_APPLICABLE, "")
    for owner in owners:
        for ent, listing, score, vid in run.listings(owner):
            if score < run.ctx.config.certain_score:
                continue
            kind = classify(listing)
            ear_listed = kind in (ListKind.ENTITY_LIST, ListKind.MEU)
            if not ear_listed and not is_ear_sdn(listing, run.as_of):
                continue
            eff = interpret(
                listing,
                run.tx.item,
                as_of=run.as_of,
                destination=run.tx.destination,
                category=run.tx.activity_category,
                text_date=run.older_text_note(ent, listing, vid),
            )
            effect = Effect.LICENSE_REQUIRED if eff.effect is Effect.PROHIBITED else eff.effect
            if SEVERITY[effect] > best[0]:
                best = (SEVERITY[effect], effect, f"{owner}: {eff.message}")
    if best[0] == 0:
        return (
            Effect.NOT_APPLICABLE,
            message + "; the owners' requirements do not catch this item",
        )
    return best[1], f"{message}; inherited from {best[2]}"


def _authorizations(
    run: _Run, listing_reasons: list[tuple[Reason, Entity, Listing]], reasons: list[Reason]
) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    """Authorisations that could cover a reason, and reason index -> ids that do cover it."""
    tx, as_of = run.tx, run.as_of
    answers = answers_of(tx)
    covered: dict[int, list[str]] = {}
    shown: dict[str, dict[str, Any]] = {}
    for auth in run.ctx.authorizations.in_force(as_of):
        for i, reason in enumerate(reasons):
            relevant = _relevant(auth, reason, listing_reasons)
            if not relevant:
                continue
            view = shown.setdefault(auth.id, auth.to_dict(tx))
            view.setdefault("relevant_to", []).append(reason.party)
            warning = auth.boundary_warning(as_of)
            if warning:
                run.warn(warning)
            scope = auth.scope_check(tx.activity_category, answers)
            if reason.needs_licence and scope.unanswered:
                run.warn(
                    f"{auth.name} ({auth.citation}) covers {scope.category} only if you confirm: "
                    + "; ".join(scope.unanswered)
                )
            if reason.needs_licence and scope.in_scope:
                covered.setdefault(i, []).append(auth.id)
                if "scope" in auth.uncertain:
                    run.warn(
                        f"{auth.name} ({auth.citation}): scope not verified "
                        f"({auth.scope_note or 'see data file'})"
                    )
    for lic in run.ctx.licences:
        if not lic.valid_on(as_of):
            continue
        for i, reason in enumerate(reasons):
            if not reason.needs_licence:
                continue
            if reason.kind is ReasonKind.EMBARGO and not lic.destinations:
                continue
            # the licence may name the party as the user wrote it or as the list spells it
            cover = Coverage(NotCovered.PARTY_NOT_NAMED)
            candidates: list[str | None] = [reason.party, reason.matched_entity]
            if reason.kind in (ReasonKind.COUNTRY_CHART, ReasonKind.END_USE):
                # names no party: the transaction's parties
                candidates = [p.name for p in tx.parties]
                candidates += [r.matched_entity for r in reasons]
            for name in dict.fromkeys(candidates):
                names = [name] if name else []
                cover = lic.covers(
                    names, tx.item.classification, tx.destination, as_of, tx.item.value
                )
                if cover.covers or (name and cover.reason is not NotCovered.PARTY_NOT_NAMED):
                    break
            if cover.reason is NotCovered.PARTY_NOT_NAMED:
                continue  # a licence for other parties is not shown
            ok, why = cover.covers, cover.message
            view = shown.setdefault(
                f"licence:{lic.number}",
                {
                    "id": f"licence:{lic.number}",
                    "name": f"Specific licence {lic.number}",
                    "kind": "specific_licence",
                    "citation": lic.number,
                    "valid_from": lic.valid_from.isoformat() if lic.valid_from else None,
                    "valid_to": lic.expiry.isoformat(),
                    "scope": lic.to_dict(),
                    "activity": tx.activity,
                    "activity_in_scope": True,
                    "not_covering": [],
                },
            )
            if ok:
                covered.setdefault(i, []).append(f"licence:{lic.number}")
            else:
                view["not_covering"].append(why)
    for view in shown.values():
        if "relevant_to" in view:
            view["relevant_to"] = sorted({p for p in view["relevant_to"] if p})
    return sorted(shown.values(), key=lambda v: (v["valid_from"] or "", v["id"])), covered


def _relevant(
    auth: Authorization, reason: Reason, listing_reasons: list[tuple[Reason, Entity, Listing]]
) -> bool:
    if reason.effect not in (Effect.LICENSE_REQUIRED, Effect.NEEDS_REVIEW):
        return False
    if reason.kind is ReasonKind.OWNERSHIP:
        return auth.derived_by == AFFILIATES_RULE_ID and reason.rule is OwnershipRule.BIS_AFFILIATES
    if reason.kind is not ReasonKind.LISTING or reason.list is None:
        return False
    kinds = {classify(Listing(list_code=c, list_name=c)) for c in auth.covers_requirements}
    for r, ent, listing in listing_reasons:
        if r is reason or (r.entity_id == reason.entity_id and r.list == reason.list):
            return classify(listing) in kinds and auth.covers_listing(ent, listing)
    return False


def _final(reasons: list[Reason]) -> Outcome:
    effects = {r.effect for r in reasons}
    if Effect.PROHIBITED in effects:
        return Outcome.PROHIBITED
    needed = [r for r in reasons if r.effect is Effect.LICENSE_REQUIRED]
    review = any(
        r.effect is Effect.NEEDS_REVIEW and not (r.needs_licence and r.covered_by) for r in reasons
    )
    if needed:
        if any(not r.covered_by for r in needed):
            return Outcome.LICENSE_REQUIRED
        return Outcome.NEEDS_REVIEW if review else Outcome.AUTHORIZED
    return Outcome.NEEDS_REVIEW if review else Outcome.NO_RESTRICTION


def _general_authorisation_and_eccn(run: _Run, reasons: list[Reason]) -> Outcome:
    """A general authorisation (a TGL, § 744.11 authorisation) lifts only the listing's licence
    requirement, never the ECCN's own (Country Chart). While that is not evaluated here, an
    ECCN item covered by one is ``needs_review``, not ``authorized``."""
    general = {a.id: a for a in run.ctx.authorizations.authorizations}
    used = sorted({i for r in reasons for i in r.covered_by if i in general})
    if not used:
        return Outcome.AUTHORIZED
    names = ", ".join(f"{general[i].name} ({general[i].citation})" for i in used)
    run.warn(
        f"{names}: lifts only the listing's licence requirement; the licence requirement of "
        f"{run.tx.item.classification} itself (Commerce Country Chart) is not lifted and was "
        "not evaluated: review"
    )
    return Outcome.NEEDS_REVIEW


def check(
    transaction: Transaction,
    *,
    screener: PartyScreener,
    context: DecisionContext | Engine | None = None,
    as_of: date | None = None,
) -> Decision:
    """Decide one transaction on ``as_of`` (default: the transaction's date)."""
    if isinstance(context, Engine):
        ctx = DecisionContext.from_engine(context)
    else:
        ctx = context or DecisionContext()
    day = as_of or transaction.date
    run = _Run(transaction, screener, ctx, day)
    chart, chart_reasons = _chart_reasons(run)
    listing_reasons = _listing_reasons(run)
    reasons = [r for r, _e, _l in listing_reasons]
    if not run.versions:
        reasons.append(
            Reason(
                kind=ReasonKind.SCREENING,
                effect=Effect.NEEDS_REVIEW,
                message="no list version was in force: the parties were not screened",
            )
        )
    reasons += chart_reasons
    end_use, end_use_reasons = _end_use_reasons(run)
    reasons += end_use_reasons
    reasons += _embargo_reasons(run)
    reasons += _ownership_reasons(run)
    auths, covered = _authorizations(run, listing_reasons, reasons)
    reasons = [replace(r, covered_by=tuple(covered.get(i, ()))) for i, r in enumerate(reasons)]
    reasons.sort(
        key=lambda r: (
            -SEVERITY[r.effect],
            r.kind,
            r.party or "",
            r.list or "",
            r.entity_id or "",
            r.message,
        )
    )
    outcome = _final(reasons)
    if outcome is Outcome.AUTHORIZED and not transaction.item.is_ear99 and not run.chart_evaluated:
        outcome = _general_authorisation_and_eccn(run, reasons)
    return Decision(
        decision=outcome,
        reasons=tuple(reasons),
        authorizations=tuple(auths),
        list_versions=tuple(run.versions[k] for k in sorted(run.versions)),
        warnings=tuple(run.warnings),
        as_of=day,
        country_chart=chart,
        end_use=end_use,
    )


def screener_from(screener: Any, *, known_at: Any = None) -> PartyScreener:
    """Adapt an object with ``screen(query, as_of=..., known_at=...)``
    (``tradescreen.screening.screener.Screener``) to the ``PartyScreener`` call."""

    def call(query: Query, as_of: date) -> ScreenResult:
        result: ScreenResult = screener.screen(query, as_of=as_of, known_at=known_at)
        return result

    return call


__all__ = [
    "DECISIONS",
    "Decision",
    "DecisionConfig",
    "DecisionContext",
    "PartyScreener",
    "Reason",
    "check",
    "screener_from",
    "transaction_to_dict",
]
