"""Verification links: confirm page, single use, expiry and unknown tokens."""

from __future__ import annotations

import html
from datetime import timedelta

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from api.verification import hash_token
from audit.log import events_for_request
from request_store.models import VerificationToken
from settings import Settings
from tests.api.conftest import (
    NOW,
    RecordingGateway,
    count_rows,
    issue_token,
    load_request,
    store_request,
)
from vault.service import Vault


async def test_get_shows_confirm_button_only(
    client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, language="de")
    token = issue_token(engine, request_id, expires_at=NOW + timedelta(hours=72))

    response = await client.get(f"/verify/{token}")

    assert response.status_code == 200
    assert f'<form method="post" action="/verify/{token}">' in response.text
    assert "Meinen Antrag bestätigen" in html.unescape(response.text)
    assert gateway.verified == []
    with Session(engine) as session:
        row = session.get(VerificationToken, hash_token(token))
        assert row is not None and row.used_at is None


async def test_post_verifies_once(
    client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings)
    token = issue_token(engine, request_id, expires_at=NOW + timedelta(hours=72))

    first = await client.post(f"/verify/{token}")
    second = await client.post(f"/verify/{token}")

    assert first.status_code == 200
    assert "<h1>Request confirmed</h1>" in first.text
    assert [request_id for request_id, _ in gateway.verified] == [request_id]
    assert gateway.verified[0][1].token_hash_prefix == hash_token(token)[:8]
    assert load_request(engine, request_id).verified_at == NOW
    with Session(engine) as session:
        events = [event.event for event in events_for_request(session, request_id)]
    assert events == ["request.received", "request.verified"]

    assert second.status_code == 410
    assert "already been used" in second.text
    assert len(gateway.verified) == 1


async def test_used_token_get_is_gone(
    client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings)
    token = issue_token(
        engine, request_id, expires_at=NOW + timedelta(hours=1), used_at=NOW - timedelta(hours=1)
    )

    response = await client.get(f"/verify/{token}")

    assert response.status_code == 410


async def test_expired_token_is_gone(
    client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, language="fr")
    token = issue_token(engine, request_id, expires_at=NOW - timedelta(seconds=1))
    before = count_rows(engine)

    get_response = await client.get(f"/verify/{token}")
    post_response = await client.post(f"/verify/{token}")

    for response in (get_response, post_response):
        assert response.status_code == 410
        assert "Ce lien a expiré" in html.unescape(response.text)
        assert "Veuillez soumettre à nouveau votre demande." in html.unescape(response.text)
    assert gateway.verified == []
    assert count_rows(engine) == before
    assert load_request(engine, request_id).verified_at is None


async def test_unknown_token_not_found(
    client: httpx.AsyncClient, gateway: RecordingGateway
) -> None:
    get_response = await client.get("/verify/no-such-token")
    post_response = await client.post("/verify/no-such-token")

    for response in (get_response, post_response):
        assert response.status_code == 404
        assert "This link is not valid." in response.text
    assert gateway.verified == []


async def test_signal_failure_leaves_token_usable(
    client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings)
    token = issue_token(engine, request_id, expires_at=NOW + timedelta(hours=72))
    gateway.fail_verified = True
    before = count_rows(engine)

    failed = await client.post(f"/verify/{token}")

    assert failed.status_code == 503
    assert "It is still valid." in failed.text
    assert count_rows(engine) == before
    assert load_request(engine, request_id).verified_at is None

    gateway.fail_verified = False
    retried = await client.post(f"/verify/{token}")

    assert retried.status_code == 200
    assert len(gateway.verified) == 1
