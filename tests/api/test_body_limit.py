"""Bodies over ``max_body_bytes`` get 413 before anything parses them."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import httpx
from sqlalchemy import Engine

from tests.api.conftest import RecordingGateway, count_rows, valid_form


async def test_declared_length_over_limit(
    client: httpx.AsyncClient, engine: Engine, gateway: RecordingGateway
) -> None:
    before = count_rows(engine)
    form = valid_form(name="E" * 5000)

    response = await client.post("/requests", data=form)

    assert response.status_code == 413
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["connection"] == "close"
    assert "<h1>Your request was too large</h1>" in response.text
    assert "at most 4,096 bytes" in response.text
    assert '<a href="/?language=en">Back to the form</a>' in response.text
    assert count_rows(engine) == before
    assert gateway.started == []


async def test_too_large_page_in_browser_language(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/requests",
        data=valid_form(name="E" * 5000, language="fr"),
        headers={"Accept-Language": "de-DE,de;q=0.9"},
    )

    text = html.unescape(response.text)
    assert response.status_code == 413
    assert '<html lang="de">' in text
    assert "höchstens 4.096 Bytes" in text
    assert '<a href="/?language=de">Zurück zum Formular</a>' in text


async def test_streamed_body_over_limit(client: httpx.AsyncClient, engine: Engine) -> None:
    before = count_rows(engine)

    async def chunks() -> AsyncIterator[bytes]:
        yield b"kind=access&email=a%40example.org&name="
        for _ in range(10):
            yield b"E" * 1000

    # An async iterator is sent chunked, without a Content-Length header.
    response = await client.post(
        "/requests",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 413
    assert "<h1>Your request was too large</h1>" in response.text
    assert count_rows(engine) == before


async def test_api_body_over_limit(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/token", data={"username": "alice", "password": "x" * 5000}
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large: the limit is 4096 bytes"}


async def test_portal_body_over_limit(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/portal/login",
        data={"username": "alice", "password": "x" * 5000},
        headers={"Accept-Language": "es"},
    )

    assert response.status_code == 413
    assert '<html lang="en">' in response.text
    assert '<a href="/portal">Back to the form</a>' in response.text


async def test_body_under_limit_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post("/requests", data=valid_form(name="E" * 200))

    assert response.status_code == 200
