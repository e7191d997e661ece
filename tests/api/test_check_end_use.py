"""POST /v1/check with ``end_use``: the Part 744 questions through the API (issue 16 item 3).

§ 744.21(a) requires a licence for "any item subject to the EAR listed in supplement no. 2 to
part 744" when the exporter knows of a 'military end use' or 'military end user' in the listed
destinations; an unanswered question is returned as a condition, not as a requirement.
"""

from __future__ import annotations

from typing import Any

from .support import Client, auth

NOBODY = "Zzyzx Garden Furniture Ltd"


def _check(client: Client, key: str, **fields: Any) -> dict[str, Any]:
    body = {"parties": [{"name": NOBODY, "role": "end_user"}], "record": False, **fields}
    r = client.post("/v1/check", json=body, headers=auth(key))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_known_military_end_user_needs_a_licence(client: Client, keys: dict[str, str]) -> None:
    """5A992.c (AT only, no X for China) to China: § 744.21 reaches it since 85 FR 23459."""
    data = _check(
        client,
        keys["screener"],
        item="5A992.c",
        destination="CN",
        date="2026-08-01",
        end_use=["military_end_user"],
    )
    assert data["decision"] == "license_required"
    (reason,) = [r for r in data["reasons"] if r["kind"] == "end_use"]
    assert reason["effect"] == "license_required"
    assert reason["citations"] == ["15 CFR 744.21 (85 FR 23459)"]
    assert "744.21" not in {c["rule"] for c in data["conditions"]}


def test_unanswered_questions_are_conditions_of_no_restriction(
    client: Client, keys: dict[str, str]
) -> None:
    data = _check(client, keys["screener"], item="5A992.c", destination="CN", date="2026-08-01")
    assert data["decision"] == "no_restriction"
    texts = [c["text"] for c in data["conditions"]]
    assert (
        "no licence required unless you know of a military end use or a military end user: "
        "15 CFR 744.21 (85 FR 23459)"
    ) in texts
    assert not [r for r in data["reasons"] if r["kind"] == "end_use"]
    cleared = _check(
        client,
        keys["screener"],
        item="5A992.c",
        destination="CN",
        date="2026-08-01",
        end_use=["none"],
    )
    assert cleared["decision"] == "no_restriction" and cleared["conditions"] == []


def test_non_triggers(client: Client, keys: dict[str, str]) -> None:
    """Not in Supp. No. 2 (EAR99); a destination outside § 744.21 (France); a date before
    85 FR 23459 added 5A992 (2020-06-29)."""
    h = keys["screener"]
    ear99 = _check(
        client, h, item="EAR99", destination="CN", date="2026-08-01", end_use=["military_end_user"]
    )
    assert ear99["decision"] == "no_restriction"
    (f21,) = [f for f in ear99["end_use"] if f["rule"] == "744.21"]
    assert f21["effect"] == "not_applicable" and "not in 15 CFR 744 Supp. 2" in f21["message"]
    france = _check(
        client,
        h,
        item="5A992.c",
        destination="FR",
        date="2026-08-01",
        end_use=["military_end_user"],
    )
    assert france["decision"] == "no_restriction"
    assert not [f for f in france["end_use"] if f["rule"] == "744.21"]
    early = _check(
        client, h, item="5A992.c", destination="CN", date="2019-06-01", end_use=["military_end_use"]
    )
    assert not [r for r in early["reasons"] if r["kind"] == "end_use"]
    (old,) = [f for f in early["end_use"] if f["rule"] == "744.21"]
    assert "added to 15 CFR 744 Supp. 2 from 2020-06-29 (85 FR 23459)" in old["message"]


def test_bad_end_use_answer_is_422(client: Client, keys: dict[str, str]) -> None:
    body = {"parties": [{"name": NOBODY}], "item": "EAR99", "destination": "CN",
            "end_use": ["militery_end_user"], "record": False}  # fmt: skip
    r = client.post("/v1/check", json=body, headers=auth(keys["screener"]))
    assert r.status_code == 422
    assert r.json()["detail"].startswith("end_use: 'militery_end_user' is not one of none,")
