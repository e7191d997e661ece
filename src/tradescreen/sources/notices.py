"""Effective and publication dates of Federal Register rules, where the two differ.

Lists date an entry by when its rule was published (the CSL gives Huawei 2019-05-21), but a rule
can take effect earlier (84 FR 22961 took effect on 2019-05-16). ``with_rule_dates`` keeps both:
``start_date`` becomes the effective date and ``published_date`` the publication date, for
listings whose first citation falls inside a rule in ``data/fr_rules.json``. A source that gives
its own start date other than the publication date is left alone: it knows something we don't.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from datetime import date
from importlib import resources

from tradescreen.model import Citation, Entity, Listing


@dataclass(frozen=True, slots=True)
class Rule:
    volume: int
    first_page: int
    last_page: int
    published: date
    effective: date
    source: str

    def covers(self, cite: Citation) -> bool:
        return cite.volume == self.volume and self.first_page <= cite.page <= self.last_page


@functools.cache
def rules() -> tuple[Rule, ...]:
    data = json.loads(
        resources.files("tradescreen.sources").joinpath("data/fr_rules.json").read_text()
    )
    return tuple(
        Rule(
            r["volume"],
            r["first_page"],
            r["last_page"],
            date.fromisoformat(r["published"]),
            date.fromisoformat(r["effective"]),
            r["source"],
        )
        for r in data["rules"]
    )


def rule_for(cite: Citation) -> Rule | None:
    return next((r for r in rules() if r.covers(cite)), None)


def listing_with_rule_dates(listing: Listing) -> Listing:
    """The listing with effective and publication dates of its first rule, where known."""
    if not listing.citations or listing.published_date is not None:
        return listing
    first = min(listing.citations, key=lambda c: (c.date or date.max, c.volume, c.page))
    rule = rule_for(first)
    if rule is None:
        return listing
    if listing.start_date not in (None, rule.published):
        return listing  # the source dated it otherwise: keep the source's date
    return dataclasses.replace(
        listing,
        start_date=rule.effective,
        published_date=rule.published,
        start_date_source="rule_effective",
    )


def with_rule_dates(entity: Entity) -> Entity:
    listings = tuple(listing_with_rule_dates(x) for x in entity.listings)
    if listings == entity.listings:
        return entity
    return dataclasses.replace(entity, listings=listings)


__all__ = ["Rule", "listing_with_rule_dates", "rule_for", "rules", "with_rule_dates"]
