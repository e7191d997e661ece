"""Web UI hardening (issue 12 item 10): security headers on every page, only http(s) links from
list data, a CSRF token on the sign-in form, and sign-out that ends the session server-side."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tradescreen.web.headers import UI_HEADERS
from tradescreen.web.views import link_url


@pytest.mark.parametrize(
    ("value", "link"),
    [
        ("https://www.bis.gov/entity-list", "https://www.bis.gov/entity-list"),
        ("http://example.org/x", "http://example.org/x"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(document.cookie)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//evil.example/x", None),
        ("file:///etc/passwd", None),
        ("https://", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_urls_become_links(value: str | None, link: str | None) -> None:
    assert link_url(value) == link


def test_every_ui_page_carries_the_security_headers(web_env: dict[str, Any]) -> None:
    c = web_env["client"]()
    pages = [c.get("/ui/login")]
    c.login(web_env["tokens"]["ann"])
    pages += [c.get(p) for p in ("/ui/search", "/ui/lists", "/ui/alerts", "/ui/static/app.css")]
    pages.append(c.get("/ui/entities/no-such-entry"))
    for page in pages:
        for name, value in UI_HEADERS.items():
            assert page.headers.get(name) == value, (page.url, name)
    csp = UI_HEADERS["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    for page in pages[:3]:  # the policy holds because no page has inline script or style
        assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)
        assert " style=" not in page.text and "<style" not in page.text


def test_sign_in_needs_the_forms_csrf_token(web_env: dict[str, Any]) -> None:
    c = web_env["client"]()
    forged = c.request("POST", "/ui/login", data={"api_key": web_env["tokens"]["ann"]})
    assert forged.status_code == 400 and "expired" in forged.text
    assert "ts_ui" not in forged.headers.get("set-cookie", "")
    c.get("/ui/login")
    ok = c.post("/ui/login", {"api_key": web_env["tokens"]["ann"]})
    assert ok.status_code == 303


def test_a_cookie_copied_before_sign_out_no_longer_works(web_env: dict[str, Any]) -> None:
    c = web_env["client"]()
    c.login(web_env["tokens"]["ann"])
    stolen = c._client.cookies.get("ts_ui")
    assert stolen and c.get("/ui/search").status_code == 200
    out = c.post("/ui/logout")
    assert out.status_code == 303
    c._client.cookies.set("ts_ui", stolen, path="/ui")
    again = c.get("/ui/search")
    assert again.status_code == 303 and again.headers["location"].startswith("/ui/login")
