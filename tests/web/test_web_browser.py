"""End to end in headless Debian chromium (Playwright): screen, review, clear, suppressed.

The app runs under uvicorn on a free 127.0.0.1 port in a thread. Screenshots go to
``test-artifacts/`` (gitignored) for a human look.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(web_env: dict[str, Any]) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(web_env["app"], host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def test_screen_clear_and_suppress_in_chromium(live_server: str, web_env: dict[str, Any]) -> None:
    from playwright import sync_api

    if not CHROMIUM.exists():
        why = "Debian chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(why)  # CI installs it (.ci/run): a missing browser is a failure there
        pytest.skip(why)
    ARTIFACTS.mkdir(exist_ok=True)
    shots = ARTIFACTS / "web"
    shots.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(10_000)
        expect = sync_api.expect

        page.goto(f"{live_server}/ui/alerts")  # redirected to sign in
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        page.get_by_label("API key").fill(web_env["tokens"]["ann"])
        page.screenshot(path=str(shots / "01-login.png"))
        page.get_by_label("API key").press("Enter")
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
        page.keyboard.press("Tab")  # keyboard users meet the skip link first
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()

        page.get_by_role("link", name="Search").click()
        page.get_by_label("Name").fill("Hangzhou Hikvision Digital Technology")
        page.get_by_label("Country").fill("CN")
        page.get_by_label("Counterparty reference").fill("CUST-0042")
        page.get_by_role("button", name="Screen").click()
        expect(page.get_by_role("heading", name="1 hit to review")).to_be_visible()
        expect(page.locator(".tok.match").first).to_be_visible()
        page.screenshot(path=str(shots / "02-search-hit.png"), full_page=True)

        page.get_by_role("link", name="Review queue").click()
        expect(page.get_by_role("cell", name="Hangzhou Hikvision Digital Technology Co., Ltd."))
        page.screenshot(path=str(shots / "03-queue.png"), full_page=True)
        page.get_by_role("link", name="Alert 1: Hangzhou Hikvision").click()
        expect(page.get_by_role("heading", name="Decision")).to_be_visible()
        page.get_by_label("False positive").check()
        page.get_by_label("Reason").fill("CUST-0042 is a bakery in Hangzhou; no link to Hikvision")
        page.screenshot(path=str(shots / "04-alert-decide.png"), full_page=True)
        page.get_by_role("button", name="Record verdict").click()
        expect(page.get_by_role("status").first).to_contain_text("Verdict recorded.")
        page.screenshot(path=str(shots / "05-alert-cleared.png"), full_page=True)

        page.get_by_role("link", name="Search").click()
        page.get_by_label("Name").fill("Hangzhou Hikvision Digital Technology")
        page.get_by_label("Country").fill("CN")
        page.get_by_label("Counterparty reference").fill("CUST-0042")
        page.get_by_role("button", name="Screen").click()
        expect(page.get_by_role("heading", name="No open hits")).to_be_visible()
        expect(page.locator(".hit.suppressed .status")).to_have_text("Suppressed")
        page.screenshot(path=str(shots / "06-search-suppressed.png"), full_page=True)

        page.locator(".hit h3 a").first.click()
        expect(page.get_by_role("heading", name="Listings")).to_be_visible()
        page.screenshot(path=str(shots / "07-entity.png"), full_page=True)
        page.get_by_role("link", name="Lists").click()
        page.screenshot(path=str(shots / "08-lists.png"), full_page=True)
        browser.close()
