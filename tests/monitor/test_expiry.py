"""Expiring authorisations raise alerts ahead of time, through the one alerts concept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from tradescreen.decide.authorizations import default_authorization_data
from tradescreen.decide.licences import SpecificLicence
from tradescreen.monitor.expiry import GENERAL_KEY, raise_expiry_alerts, upcoming
from tradescreen.review.alerts import list_alerts


def test_general_authorisation_from_decide_data(conn: Connection) -> None:
    auths = default_authorization_data().authorizations
    tgl = next(a for a in auths if a.id == "huawei-tgl-2019-05")
    assert tgl.valid_to == date(2019, 8, 19)
    assert upcoming(date(2019, 7, 1), 30, authorizations=auths) == []
    [exp] = upcoming(date(2019, 8, 1), 30, authorizations=auths)
    assert (exp.id, exp.days_left) == ("huawei-tgl-2019-05", 18)
    alerts = raise_expiry_alerts(conn, as_of=date(2019, 8, 1), days_ahead=30, licences=())
    assert [(a.counterparty_key, a.source) for a in alerts] == [(GENERAL_KEY, "expiry")]
    assert "2019-08-19" in alerts[0].entity_name
    # the same run again keeps the alert (no duplicate)
    raise_expiry_alerts(conn, as_of=date(2019, 8, 2), days_ahead=30, licences=())
    assert len(list_alerts(conn, status="open")) == 1


def test_specific_licences_per_party(conn: Connection) -> None:
    lic = SpecificLicence("D1234567", ("CP001", "CP002"), ("3A001",), date(2026, 12, 31))
    far = SpecificLicence("D7654321", ("CP003",), ("EAR99",), date(2027, 6, 30))
    alerts = raise_expiry_alerts(
        conn, as_of=date(2026, 12, 10), days_ahead=30, authorizations=(), licences=[lic, far]
    )
    assert sorted(a.counterparty_key for a in alerts) == ["CP001", "CP002"]
    assert (
        raise_expiry_alerts(
            conn, as_of=date(2027, 1, 1), days_ahead=30, authorizations=(), licences=[lic]
        )
        == []
    )  # already expired
    # renewed: a new expiry date is a changed entry on the same alert
    renewed = SpecificLicence("D1234567", ("CP001",), ("3A001",), date(2027, 1, 20))
    [a] = raise_expiry_alerts(
        conn, as_of=date(2026, 12, 31), days_ahead=30, authorizations=(), licences=[renewed]
    )
    assert a.note == "list entry changed" and "2027-01-20" in a.entity_name
