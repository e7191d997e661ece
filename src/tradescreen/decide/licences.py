"""Specific licences the user holds (number, parties, items, destinations, value, expiry).

A licence covers a transaction on a date when it is valid, names every party that needs it,
lists the item's classification, allows the destination, and the value fits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from tradescreen.decide import tables
from tradescreen.decide.items import eccn_matches, normalize_destination, normalize_eccn
from tradescreen.decide.ownership import party_key
from tradescreen.errors import InvalidInput


class NotCovered(StrEnum):
    """Why a licence does not cover a transaction (the first check that fails)."""

    NOT_VALID = "not_valid"
    PARTY_NOT_NAMED = "party_not_named"
    ITEM_NOT_LISTED = "item_not_listed"
    DESTINATION_NOT_ALLOWED = "destination_not_allowed"
    OVER_VALUE = "over_value"


@dataclass(frozen=True, slots=True)
class Coverage:
    """The outcome of ``SpecificLicence.covers``: ``reason`` is None when it covers."""

    reason: NotCovered | None = None
    message: str = ""

    @property
    def covers(self) -> bool:
        return self.reason is None


@dataclass(frozen=True, slots=True)
class SpecificLicence:
    number: str
    parties: tuple[str, ...]
    items: tuple[str, ...]  # "EAR99" or ECCNs (an ECCN covers its sub-paragraphs)
    expiry: date
    destinations: tuple[str, ...] = ()  # empty: any destination
    value_limit: float | None = None
    valid_from: date | None = None
    note: str | None = None

    @staticmethod
    def create(
        number: str,
        parties: Sequence[str],
        items: Sequence[str],
        expiry: date,
        *,
        destinations: Sequence[str] = (),
        value_limit: float | None = None,
        valid_from: date | None = None,
        note: str | None = None,
    ) -> SpecificLicence:
        """Validate and build; InvalidInput names the bad field."""
        if not number.strip():
            raise InvalidInput("number: empty licence number")
        clean_parties = tuple(p.strip() for p in parties if p.strip())
        if not clean_parties:
            raise InvalidInput("parties: a licence names at least one party")
        if not items:
            raise InvalidInput("items: a licence lists at least one item (EAR99 or an ECCN)")
        clean_items = tuple(normalize_eccn(i, field_name="items") for i in items)
        dests = tuple(normalize_destination(d, field_name="destinations") for d in destinations)
        if value_limit is not None and value_limit <= 0:
            raise InvalidInput(f"value: {value_limit:g} must be positive")
        if valid_from is not None and valid_from > expiry:
            raise InvalidInput("expiry: before the licence's start date")
        return SpecificLicence(
            number.strip(), clean_parties, clean_items, expiry, dests, value_limit, valid_from, note
        )

    def valid_on(self, as_of: date) -> bool:
        return (self.valid_from is None or self.valid_from <= as_of) and as_of <= self.expiry

    def covers(
        self,
        party_names: Iterable[str],
        classification: str,
        destination: str,
        as_of: date,
        value: float | None = None,
    ) -> Coverage:
        """Whether this licence covers the transaction, and if not, why (typed)."""
        if not self.valid_on(as_of):
            return Coverage(
                NotCovered.NOT_VALID, f"licence {self.number} not valid on {as_of.isoformat()}"
            )
        named = {party_key(p) for p in self.parties}
        missing = [p for p in party_names if party_key(p) not in named]
        if missing:
            return Coverage(
                NotCovered.PARTY_NOT_NAMED,
                f"licence {self.number} does not name {', '.join(missing)}",
            )
        if not any(
            i == classification or (i != "EAR99" and eccn_matches(i, classification))
            for i in self.items
        ):
            return Coverage(
                NotCovered.ITEM_NOT_LISTED, f"licence {self.number} does not list {classification}"
            )
        if self.destinations and not (
            destination in self.destinations or destination[:2] in self.destinations
        ):
            return Coverage(
                NotCovered.DESTINATION_NOT_ALLOWED,
                f"licence {self.number} does not allow destination {destination}",
            )
        if self.value_limit is not None and value is not None and value > self.value_limit:
            return Coverage(
                NotCovered.OVER_VALUE,
                f"licence {self.number}: value {value:g} over limit {self.value_limit:g}",
            )
        return Coverage()

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "parties": list(self.parties),
            "items": list(self.items),
            "destinations": list(self.destinations),
            "value_limit": self.value_limit,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "expiry": self.expiry.isoformat(),
            "note": self.note,
        }


def add_licence(engine: Engine, licence: SpecificLicence) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(tables.licences).values(
                    number=licence.number,
                    parties=list(licence.parties),
                    items=list(licence.items),
                    destinations=list(licence.destinations),
                    value_limit=licence.value_limit,
                    valid_from=licence.valid_from,
                    expiry=licence.expiry,
                    note=licence.note,
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError:
        raise InvalidInput(f"number: licence {licence.number!r} already exists") from None


def list_licences(engine: Engine) -> list[SpecificLicence]:
    with engine.connect() as conn:
        rows = conn.execute(select(tables.licences).order_by(tables.licences.c.number)).all()
    return [
        SpecificLicence(
            r.number,
            tuple(r.parties),
            tuple(r.items),
            r.expiry,
            tuple(r.destinations),
            r.value_limit,
            r.valid_from,
            r.note,
        )
        for r in rows
    ]


__all__ = ["Coverage", "NotCovered", "SpecificLicence", "add_licence", "list_licences"]
