"""The JSON API: bearer tokens, 401s, request listing, detail and decisions."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Engine

from settings import Settings
from tests.api.conftest import (
    PORTAL_PASSWORD,
    Clock,
    RecordingGateway,
    store_request,
    valid_form,
)
from vault.service import Vault


async def bearer_headers(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await client.post(
        "/api/v1/token", data={"username": username, "password": PORTAL_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_token_issued(client: httpx.AsyncClient, portal_user: str) -> None:
    response = await client.post(
        "/api/v1/token", data={"username": portal_user, "password": PORTAL_PASSWORD}
    )

    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer"
    assert len(body["access_token"]) >= 40
    assert body["expires_at"].startswith("2026-03-03T09:30:00")


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password 123"), ("nobody", PORTAL_PASSWORD)]
)
async def test_token_refused_opaquely(
    client: httpx.AsyncClient, portal_user: str, username: str, password: str
) -> None:
    response = await client.post("/api/v1/token", data={"username": username, "password": password})

    assert response.status_code == 401
    assert response.json() == {"detail": "unknown username or wrong password"}
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/requests"),
        ("GET", "/api/v1/requests/req_x"),
        ("POST", "/api/v1/requests/req_x/decision"),
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic YWxpY2U6eA=="])
async def test_routes_need_bearer_token(
    client: httpx.AsyncClient, method: str, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = await client.request(method, path, headers=headers, json={"decision": "approve"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_expired_token_refused(
    client: httpx.AsyncClient, portal_user: str, clock: Clock
) -> None:
    headers = await bearer_headers(client, portal_user)
    clock.advance(timedelta(hours=24))

    response = await client.get("/api/v1/requests", headers=headers)

    assert response.status_code == 401


async def test_list_and_filter(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
) -> None:
    waiting = store_request(engine, vault, settings, status="awaiting_approval")
    done = store_request(engine, vault, settings, status="completed", email="b@example.net")
    headers = await bearer_headers(client, portal_user)

    everything = await client.get("/api/v1/requests", headers=headers)
    filtered = await client.get(
        "/api/v1/requests", params={"status": "awaiting_approval"}, headers=headers
    )
    invalid = await client.get("/api/v1/requests", params={"status": "lost"}, headers=headers)

    assert {item["id"] for item in everything.json()} == {waiting, done}
    assert [item["id"] for item in filtered.json()] == [waiting]
    assert filtered.json()[0]["due_date"] == "2026-04-02"
    assert invalid.status_code == 422
    assert "lost" not in invalid.text


async def test_detail_with_timeline(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
) -> None:
    request_id = store_request(engine, vault, settings)
    headers = await bearer_headers(client, portal_user)

    response = await client.get(f"/api/v1/requests/{request_id}", headers=headers)
    missing = await client.get("/api/v1/requests/req_missing", headers=headers)

    body = response.json()
    assert body["id"] == request_id
    assert body["status"] == "awaiting_verification"
    assert body["has_completion_record"] is False
    assert [event["event"] for event in body["timeline"]] == ["request.received"]
    assert missing.status_code == 404


async def test_decision_flow(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    not_waiting = store_request(engine, vault, settings, email="c@example.net")
    headers = await bearer_headers(client, portal_user)
    path = f"/api/v1/requests/{request_id}/decision"

    no_reason = await client.post(path, json={"decision": "deny"}, headers=headers)
    bad_value = await client.post(path, json={"decision": "maybe"}, headers=headers)
    wrong_state = await client.post(
        f"/api/v1/requests/{not_waiting}/decision", json={"decision": "approve"}, headers=headers
    )
    approved = await client.post(path, json={"decision": "approve"}, headers=headers)

    assert no_reason.status_code == 422
    assert "a denial needs a reason" in no_reason.json()["detail"]
    assert bad_value.status_code == 422
    assert wrong_state.status_code == 409
    assert approved.status_code == 200
    assert approved.json() == {"request_id": request_id, "decision": "approve", "accepted": True}
    assert [(rid, d.decided_by) for rid, d in gateway.decisions] == [(request_id, "alice")]


async def test_rejected_decision_returns_message(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    gateway.reject_decision_with = "erasure is blocked by a legal hold"
    headers = await bearer_headers(client, portal_user)

    response = await client.post(
        f"/api/v1/requests/{request_id}/decision", json={"decision": "approve"}, headers=headers
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "erasure is blocked by a legal hold"}


async def test_api_shows_no_personal_data(
    client: httpx.AsyncClient, portal_user: str, gateway: RecordingGateway
) -> None:
    email, name = "hidden.person@example.org", "Hidden Person"
    await client.post("/requests", data=valid_form(email=email, name=name))
    request_id = gateway.started[0].request_id
    headers = await bearer_headers(client, portal_user)

    responses = [
        await client.get("/api/v1/requests", headers=headers),
        await client.get(f"/api/v1/requests/{request_id}", headers=headers),
    ]

    for response in responses:
        assert response.status_code == 200
        for secret in (email, name, "hidden", "Hidden"):
            assert secret not in response.text


async def test_openapi_lists_api_only(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    docs = await client.get("/docs")

    assert set(schema["paths"]) == {
        "/healthz",
        "/api/v1/token",
        "/api/v1/requests",
        "/api/v1/requests/{request_id}",
        "/api/v1/requests/{request_id}/decision",
    }
    assert docs.status_code == 200
