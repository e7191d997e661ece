"""Authorisations about to expire raise alerts ``days_ahead`` days before their last valid day.

Two sources, both from ``tradescreen.decide``: the general authorisations of its versioned data
file (temporary general licences and the like, ``valid_to``) and the specific licences the user
entered (``expiry``). Each expiring authorisation becomes one alert through
``review.alerts.raise_alerts`` (one alerts concept): the counterparty key is the licence party
(``*general*`` for a general authorisation), the "entry" is the authorisation, whose content
includes the expiry date, so a renewed licence (new date) shows as a changed entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection

from tradescreen.decide.authorizations import Authorization, default_authorization_data
from tradescreen.decide.licences import SpecificLicence, list_licences
from tradescreen.match.explanation import Explanation
from tradescreen.model import Entity, EntityKind, Listing, Name, Query
from tradescreen.results import Hit, ScreenResult
from tradescreen.review.alerts import Alert, raise_alerts

SOURCE = "expiry"
LIST_CODE = "authorization_expiry"
GENERAL_KEY = "*general*"


@dataclass(frozen=True, slots=True)
class Expiring:
    kind: str  # general | specific
    id: str
    name: str
    expires_on: date  # the last day it is valid
    days_left: int
    parties: tuple[str, ...]  # counterparty keys / party names the alert goes to

    def entity(self) -> Entity:
        return Entity(
            id=f"{self.kind}-authorization:{self.id}",
            kind=EntityKind.UNKNOWN,
            names=(Name(f"{self.name} expires on {self.expires_on.isoformat()}"),),
            listings=(
                Listing(
                    LIST_CODE,
                    "Authorisation about to expire",
                    end_date=self.expires_on,
                    remarks=f"{self.kind} authorisation {self.id}",
                ),
            ),
        )


def upcoming(
    as_of: date,
    days_ahead: int,
    *,
    authorizations: Sequence[Authorization] = (),
    licences: Sequence[SpecificLicence] = (),
) -> list[Expiring]:
    """Authorisations valid on ``as_of`` whose last valid day is within ``days_ahead`` days."""
    out: list[Expiring] = []
    for a in authorizations:
        if a.valid_to is not None and a.in_force(as_of):
            left = (a.valid_to - as_of).days
            if left <= days_ahead:
                out.append(
                    Expiring(
                        "general",
                        a.id,
                        f"{a.name} ({a.citation})",
                        a.valid_to,
                        left,
                        (GENERAL_KEY,),
                    )
                )
    for lic in licences:
        if lic.valid_on(as_of):
            left = (lic.expiry - as_of).days
            if left <= days_ahead:
                out.append(
                    Expiring(
                        "specific",
                        lic.number,
                        f"Licence {lic.number}",
                        lic.expiry,
                        left,
                        lic.parties or (GENERAL_KEY,),
                    )
                )
    out.sort(key=lambda e: (e.expires_on, e.kind, e.id))
    return out


def raise_expiry_alerts(
    conn: Connection,
    *,
    as_of: date,
    days_ahead: int = 30,
    authorizations: Sequence[Authorization] | None = None,
    licences: Sequence[SpecificLicence] | None = None,
    now: datetime | None = None,
) -> list[Alert]:
    """One alert per (party, expiring authorisation). ``authorizations`` defaults to decide's
    data file, ``licences`` to the licences stored in this database (read them before writing:
    pass them in when ``conn`` already holds a write transaction)."""
    auths = authorizations
    if auths is None:
        auths = default_authorization_data().authorizations
    lics = list_licences(conn.engine) if licences is None else licences
    at = now or datetime.now(UTC)
    alerts: list[Alert] = []
    for exp in upcoming(as_of, days_ahead, authorizations=auths, licences=lics):
        entity = exp.entity()
        hit = Hit(
            entity,
            entity.name,
            1.0,
            Explanation.of_note(
                f"expires in {exp.days_left} days (on {exp.expires_on.isoformat()})", 1.0
            ),
            entity.listings,
        )
        for party in exp.parties:
            result = ScreenResult(Query(name=party), as_of, (), (hit,))
            alerts += raise_alerts(
                conn, counterparty_key=party, result=result, source=SOURCE, now=at
            )
    return alerts


__all__ = ["GENERAL_KEY", "LIST_CODE", "SOURCE", "Expiring", "raise_expiry_alerts", "upcoming"]
