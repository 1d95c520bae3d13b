"""The web form in a real browser: Debian's Chromium against uvicorn on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine
from sqlmodel import Session

from request_store.models import DataSubjectRequest
from tests.api.conftest import RecordingGateway

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server_url(app: FastAPI) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 10 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.mark.browser
def test_german_form_in_browser(
    server_url: str, browser: Browser, gateway: RecordingGateway
) -> None:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()

    page.goto(f"{server_url}/")
    assert page.locator("h1").inner_text() == "Datenschutzantrag stellen"

    page.get_by_label("Meine personenbezogenen Daten löschen").check()
    page.get_by_label("E-Mail-Adresse").fill("kaputt@")
    page.get_by_label("Vollständiger Name").fill("Jürgen Groß")
    page.get_by_label("Wohnsitzland").select_option("DE")
    page.get_by_role("button", name="Antrag absenden").click()

    error = page.locator("#email-error")
    assert error.inner_text() == (
        "Geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@example.com."
    )
    assert page.get_by_label("Vollständiger Name").input_value() == "Jürgen Groß"
    assert gateway.started == []

    page.get_by_label("E-Mail-Adresse").fill("juergen.gross@example.de")
    page.get_by_role("button", name="Antrag absenden").click()

    assert page.locator("h1").inner_text() == "Prüfen Sie Ihre E-Mails"
    assert [started.kind for started in gateway.started] == ["erasure"]
    context.close()


@pytest.mark.browser
def test_form_reports_browser_zone(
    server_url: str, browser: Browser, gateway: RecordingGateway, engine: Engine
) -> None:
    context = browser.new_context(locale="en-US", timezone_id="Pacific/Honolulu")
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))

    page.goto(f"{server_url}/")
    page.get_by_label("Send me a copy of my personal data").check()
    page.get_by_label("Email address").fill("zone@example.com")
    page.get_by_label("Full name").fill("Kai Zone")
    page.get_by_label("Country of residence").select_option("US")
    page.get_by_label("US state of residence").select_option("CA")
    page.get_by_role("button", name="Submit request").click()
    page.locator("h1").wait_for()
    context.close()

    # A Content-Security-Policy that blocked the script would leave the field empty and
    # print a violation to the console.
    assert not [text for text in blocked if "Content Security Policy" in text]
    assert len(gateway.started) == 1
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, gateway.started[0].request_id)
    assert row is not None
    assert row.subject_time_zone == "Pacific/Honolulu"
