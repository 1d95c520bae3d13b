"""The JSON API: bearer tokens, 401s, request listing, detail and decisions."""

from __future__ import annotations

import html
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Engine

from audit.log import record_event
from database.engine import session_scope
from settings import Settings
from tests.api.conftest import (
    NOW,
    PORTAL_PASSWORD,
    Clock,
    RecordingGateway,
    store_request,
    stored_note,
    valid_form,
)
from vault.service import Vault
from workflows.messages import DENIAL_BASES


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
        ("POST", "/api/v1/requests/req_x/extension"),
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

    no_basis = await client.post(path, json={"decision": "deny"}, headers=headers)
    bad_basis = await client.post(
        path, json={"decision": "deny", "basis": "too_busy"}, headers=headers
    )
    approve_with_note = await client.post(
        path, json={"decision": "approve", "note": "ok"}, headers=headers
    )
    long_note = await client.post(
        path,
        json={"decision": "deny", "basis": "legal_claims", "note": "x" * 1001},
        headers=headers,
    )
    bad_value = await client.post(path, json={"decision": "maybe"}, headers=headers)
    wrong_state = await client.post(
        f"/api/v1/requests/{not_waiting}/decision", json={"decision": "approve"}, headers=headers
    )
    approved = await client.post(path, json={"decision": "approve"}, headers=headers)

    allowed = ", ".join(sorted(DENIAL_BASES))
    assert no_basis.status_code == 422
    assert no_basis.json()["detail"] == f"a denial needs a legal basis, one of: {allowed}"
    assert bad_basis.status_code == 422
    assert bad_basis.json()["detail"] == f"unknown legal basis; use one of: {allowed}"
    assert "too_busy" not in bad_basis.text
    assert approve_with_note.status_code == 422
    assert "an approval takes no basis and no note" in approve_with_note.json()["detail"]
    assert long_note.status_code == 422
    assert bad_value.status_code == 422
    assert wrong_state.status_code == 409
    assert wrong_state.json()["detail"] == (
        f"request {not_waiting} is awaiting_verification, not awaiting approval; "
        "no decision can be made"
    )
    assert approved.status_code == 200
    assert approved.json() == {"request_id": request_id, "decision": "approve", "accepted": True}
    assert [(rid, d.decided_by) for rid, d in gateway.decisions] == [(request_id, "alice")]


async def test_deny_with_basis_and_note(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    headers = await bearer_headers(client, portal_user)
    body = {"decision": "deny", "basis": "contract_performance", "note": "Lease ends 2027."}

    response = await client.post(
        f"/api/v1/requests/{request_id}/decision", json=body, headers=headers
    )

    assert response.status_code == 200
    assert response.json() == {"request_id": request_id, "decision": "deny", "accepted": True}
    _, decision = gateway.decisions[0]
    assert (decision.decision, decision.basis) == ("deny", "contract_performance")
    assert stored_note(engine, vault, request_id) == "Lease ends 2027."


async def test_unreachable_workflow_keeps_no_note(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    gateway.fail_decision = True
    headers = await bearer_headers(client, portal_user)
    body = {"decision": "deny", "basis": "legal_claims", "note": "Pending case."}

    response = await client.post(
        f"/api/v1/requests/{request_id}/decision", json=body, headers=headers
    )

    assert response.status_code == 503
    assert stored_note(engine, vault, request_id) is None


async def test_second_decision_passes_workflow_message(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    headers = await bearer_headers(client, portal_user)
    path = f"/api/v1/requests/{request_id}/decision"

    first = await client.post(path, json={"decision": "approve"}, headers=headers)
    second = await client.post(
        path,
        json={"decision": "deny", "basis": "legal_claims", "note": "Too late."},
        headers=headers,
    )

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {
        "detail": "this erasure was already decided (approve); a second decision is not accepted"
    }
    assert stored_note(engine, vault, request_id) is None


async def test_second_decision_after_status_moved(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="denied")
    with session_scope(engine) as session:
        record_event(
            session,
            at=NOW,
            request_id=request_id,
            actor="portal:bob",
            event="erasure.denied",
            detail={"decision": "deny", "reason": "legal_claims"},
        )
    headers = await bearer_headers(client, portal_user)

    response = await client.post(
        f"/api/v1/requests/{request_id}/decision", json={"decision": "approve"}, headers=headers
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"request {request_id} was already decided (deny); "
        "a second decision is not accepted"
    }
    assert gateway.decisions == []


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

    assert set(schema["paths"]) == {
        "/healthz",
        "/api/v1/token",
        "/api/v1/requests",
        "/api/v1/requests/{request_id}",
        "/api/v1/requests/{request_id}/decision",
        "/api/v1/requests/{request_id}/extension",
        "/api/v1/requests/{request_id}/clock",
    }


async def test_docs_page_works_offline(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    text = html.unescape(response.text)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "http://" not in text
    assert "https://" not in text
    assert "<script" not in text
    assert '<span class="path">/api/v1/requests</span>' in text
    assert '<span class="path">/api/v1/requests/{request_id}/decision</span>' in text
    assert "bearer token" in text


async def test_docs_page_describes_decision(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    text = html.unescape(response.text)
    assert '<a href="#schema-DecisionBody">DecisionBody</a>' in text
    assert "<tr><td><code>status</code></td><td>query</td><td>RequestStatus or null</td>" in text
    assert "<tr><td>409</td><td>Not awaiting approval, already decided" in text
    assert '<section class="operation" id="schema-DecisionBody">' in text
    for code in DENIAL_BASES:
        assert f"`{code}`" in text


async def test_swagger_and_redoc_removed(client: httpx.AsyncClient) -> None:
    assert (await client.get("/redoc")).status_code == 404
    assert (await client.get("/docs/oauth2-redirect")).status_code == 404
