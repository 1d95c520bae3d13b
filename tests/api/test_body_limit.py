"""Bodies over ``max_body_bytes`` get 413 before anything parses them."""

from __future__ import annotations

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
    assert "limit is 4096 bytes" in response.text
    assert count_rows(engine) == before
    assert gateway.started == []


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
    assert count_rows(engine) == before


async def test_api_body_over_limit(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/token", data={"username": "alice", "password": "x" * 5000}
    )

    assert response.status_code == 413


async def test_body_under_limit_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post("/requests", data=valid_form(name="E" * 200))

    assert response.status_code == 200
