"""The JSON API's deadlines: both dates in summaries, and extending the time to respond."""

from __future__ import annotations

import html
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from database.engine import session_scope
from request_store.models import DataSubjectRequest, RequestKind
from settings import Settings
from tests.api.conftest import (
    NOW,
    PORTAL_PASSWORD,
    Clock,
    RecordingGateway,
    load_request,
    log_in,
    store_request,
)
from tests.api.test_api_v1 import bearer_headers
from vault.service import Vault
from workflows.messages import EXTENSION_BASES, DeadlineExtension


def mark_extended(engine: Engine, request_id: str) -> None:
    """Record an extension on the row, as the workflow's activity does."""
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        row.extended_at = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
        row.extension_basis = "number_of_requests"
        session.add(row)


async def test_summary_carries_both_dates(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
) -> None:
    plain = store_request(engine, vault, settings, status="in_progress")
    extended = store_request(engine, vault, settings, status="in_progress", email="b@example.net")
    mark_extended(engine, extended)
    headers = await bearer_headers(client, portal_user)

    listing = await client.get("/api/v1/requests", headers=headers)
    detail = await client.get(f"/api/v1/requests/{extended}", headers=headers)

    by_id = {item["id"]: item for item in listing.json()}
    assert by_id[plain]["due_date"] == "2026-04-02"
    assert by_id[plain]["legal_limit"] == "2026-04-02"
    assert by_id[plain]["extension_notice_by"] == "2026-04-02"
    assert by_id[plain]["extended"] is False
    assert by_id[plain]["extension_basis"] is None
    assert by_id[extended]["extended"] is True
    assert by_id[extended]["extension_basis"] == "number_of_requests"
    assert detail.json()["extended"] is True
    assert detail.json()["extension_basis"] == "number_of_requests"


async def test_summary_of_row_before_legal_clock(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
) -> None:
    request_id = store_request(engine, vault, settings)
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        row.legal_limit = row.extension_notice_by = row.legal_zone = None
        session.add(row)
    headers = await bearer_headers(client, portal_user)

    response = await client.get(f"/api/v1/requests/{request_id}", headers=headers)

    body = response.json()
    assert body["legal_limit"] is None
    assert body["extension_notice_by"] is None
    assert body["extended"] is False


async def test_extension_returns_new_dates(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    headers = await bearer_headers(client, portal_user)

    response = await client.post(
        f"/api/v1/requests/{request_id}/extension",
        json={"basis": "complexity"},
        headers=headers,
    )

    assert response.status_code == 200, response.text
    # GDPR, received 2 March 2026: three months from receipt, Tue 2 June 2026.
    assert response.json() == {
        "request_id": request_id,
        "internal_due": "2026-06-02",
        "legal_limit": "2026-06-02",
    }
    assert gateway.extensions == [(request_id, DeadlineExtension("alice", "complexity"))]
    assert load_request(engine, request_id).extended_at is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"basis": "backlog"}, "unknown extension basis; use one of: "),
        ({"basis": ""}, "an extension needs a basis, one of: "),
    ],
)
async def test_extension_bad_basis_lists_codes(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
    body: dict[str, str],
    message: str,
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    headers = await bearer_headers(client, portal_user)

    response = await client.post(
        f"/api/v1/requests/{request_id}/extension", json=body, headers=headers
    )

    detail = response.json()["detail"]
    assert response.status_code == 422
    assert detail.startswith(message)
    assert detail.endswith("complexity, number_of_requests")  # the GDPR grounds
    assert "backlog" not in detail
    assert gateway.extensions == []


async def test_extension_without_basis_field(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    headers = await bearer_headers(client, portal_user)

    response = await client.post(
        f"/api/v1/requests/{request_id}/extension", json={"reason": "complexity"}, headers=headers
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "basis"]


async def test_second_extension_conflicts(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    headers = await bearer_headers(client, portal_user)
    path = f"/api/v1/requests/{request_id}/extension"

    first = await client.post(path, json={"basis": "complexity"}, headers=headers)
    second = await client.post(path, json={"basis": "complexity"}, headers=headers)

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["detail"] == (
        "the deadline was already extended (legal limit 2026-04-02); the law allows one extension"
    )
    assert len(gateway.extensions) == 1


async def test_extension_after_first_period_conflicts(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
    clock: Clock,
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    # 2 April 2026 ends at 23:00 UTC in Dublin; one second before, extending still works.
    clock.now = datetime(2026, 4, 2, 22, 59, 59, tzinfo=UTC)
    headers = await bearer_headers(client, portal_user)
    path = f"/api/v1/requests/{request_id}/extension"
    late_request_id = store_request(
        engine, vault, settings, status="in_progress", email="c@example.net"
    )

    in_time = await client.post(path, json={"basis": "complexity"}, headers=headers)
    clock.now = datetime(2026, 4, 2, 23, 0, tzinfo=UTC)
    late = await client.post(
        f"/api/v1/requests/{late_request_id}/extension",
        json={"basis": "complexity"},
        headers=headers,
    )

    assert in_time.status_code == 200
    assert late.status_code == 409
    assert late.json()["detail"].startswith("the first period has ended")
    assert [sent_id for sent_id, _ in gateway.extensions] == [request_id]


@pytest.mark.parametrize("status", ["completed", "denied", "closed_unverified"])
async def test_extension_of_closed_request_conflicts(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
    status: str,
) -> None:
    request_id = store_request(engine, vault, settings, status=status)
    headers = await bearer_headers(client, portal_user)

    response = await client.post(
        f"/api/v1/requests/{request_id}/extension", json={"basis": "complexity"}, headers=headers
    )

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"request {request_id} is {status}; only an open request can be extended"
    )
    assert gateway.extensions == []


async def test_extension_of_unknown_request(
    client: httpx.AsyncClient, portal_user: str, gateway: RecordingGateway
) -> None:
    headers = await bearer_headers(client, portal_user)

    response = await client.post(
        "/api/v1/requests/req_missing/extension", json={"basis": "complexity"}, headers=headers
    )

    assert response.status_code == 404
    assert gateway.extensions == []


async def test_extension_unreachable_workflow(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    gateway.fail_extension = True
    headers = await bearer_headers(client, portal_user)
    caplog.set_level(logging.INFO)

    response = await client.post(
        f"/api/v1/requests/{request_id}/extension", json={"basis": "complexity"}, headers=headers
    )

    assert response.status_code == 503
    assert "the deadline was not extended" in response.json()["detail"]
    assert "deadline.extension_failed" in caplog.text


async def test_portal_session_cannot_call_api(
    client: httpx.AsyncClient, portal_user: str, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    await log_in(client, portal_user, PORTAL_PASSWORD)

    response = await client.post(
        f"/api/v1/requests/{request_id}/extension", json={"basis": "complexity"}
    )

    assert response.status_code == 401


async def test_docs_page_describes_extension(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    text = html.unescape(response.text)
    assert '<span class="path">/api/v1/requests/{request_id}/extension</span>' in text
    assert '<a href="#schema-ExtensionBody">ExtensionBody</a>' in text
    for code in EXTENSION_BASES:
        assert f"`{code}`" in text


async def test_list_filters_by_deadline(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    clock: Clock,
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    closed = store_request(engine, vault, settings, status="completed", email="c@example.net")

    headers = await bearer_headers(client, portal_user)
    before = await client.get("/api/v1/requests?deadline=overdue", headers=headers)
    soon = await client.get("/api/v1/requests?deadline=due_soon&within=40", headers=headers)
    clock.advance(timedelta(days=40))
    headers = await bearer_headers(client, portal_user)
    after = await client.get("/api/v1/requests?deadline=overdue", headers=headers)
    invalid = await client.get("/api/v1/requests?deadline=late", headers=headers)

    assert before.json() == []
    assert [item["id"] for item in soon.json()] == [request_id]
    assert [item["id"] for item in after.json()] == [request_id]
    assert closed not in {item["id"] for item in after.json()}
    assert invalid.status_code == 422


async def test_clock_change_through_api(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    uk_request = store_request(
        engine, vault, settings, status="in_progress", kind=RequestKind.ACCESS
    )
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, uk_request)
        assert row is not None
        row.regime = "uk_gdpr"
        session.add(row)
    # A UK erasure: Article 12A stops the clock only for access requests.
    other = store_request(engine, vault, settings, status="in_progress", email="d@example.net")
    set_columns(engine, other, regime="uk_gdpr")
    headers = await bearer_headers(client, portal_user)

    paused = await client.post(
        f"/api/v1/requests/{uk_request}/clock", json={"action": "pause"}, headers=headers
    )
    refused = await client.post(
        f"/api/v1/requests/{other}/clock", json={"action": "pause"}, headers=headers
    )
    invalid = await client.post(
        f"/api/v1/requests/{uk_request}/clock", json={"action": "stop"}, headers=headers
    )
    anonymous = await client.post(f"/api/v1/requests/{uk_request}/clock", json={"action": "pause"})

    assert paused.status_code == 200
    assert paused.json()["paused"] is True
    assert [change.action for _, change in gateway.clock_changes] == ["pause"]
    assert refused.status_code == 409
    assert invalid.status_code == 422
    assert anonymous.status_code == 401


def set_columns(engine: Engine, request_id: str, **values: Any) -> None:
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)


UK_ACCESS = {"regime": "uk_gdpr", "kind": "access", "legal_zone": "Europe/London"}


@pytest.mark.parametrize(
    ("values", "now", "expected"),
    [
        # GDPR, received 2 March 2026: notice possible until 2 April, which ends 23:00 UTC.
        ({}, datetime(2026, 4, 2, 22, 59, 59, tzinfo=UTC), (True, False, False)),
        ({}, datetime(2026, 4, 2, 23, 0, tzinfo=UTC), (False, False, False)),
        ({"status": "completed"}, NOW, (False, False, False)),
        ({"extended_at": NOW}, NOW, (False, False, False)),
        ({"extension_notice_by": None}, NOW, (False, False, False)),
        (UK_ACCESS, NOW, (True, True, False)),
        ({**UK_ACCESS, "kind": "erasure"}, NOW, (True, False, False)),
        ({**UK_ACCESS, "clarification_requested": date(2026, 3, 2)}, NOW, (False, False, True)),
        (
            {
                **UK_ACCESS,
                "clarification_requested": date(2026, 3, 2),
                "clarification_received": date(2026, 3, 2),
            },
            NOW,
            (True, False, False),
        ),
        # The legal limit, 2 April, ends at 23:00 UTC in London; the notice date is the same.
        (UK_ACCESS, datetime(2026, 4, 2, 23, 0, tzinfo=UTC), (False, False, False)),
        ({**UK_ACCESS, "status": "denied"}, NOW, (False, False, False)),
    ],
)
async def test_detail_lists_clock_actions(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    clock: Clock,
    values: dict[str, Any],
    now: datetime,
    expected: tuple[bool, bool, bool],
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    set_columns(engine, request_id, **values)
    clock.now = now
    headers = await bearer_headers(client, portal_user)

    response = await client.get(f"/api/v1/requests/{request_id}", headers=headers)

    body = response.json()
    assert response.status_code == 200
    assert body["can_extend"] is expected[0]
    assert body["can_pause"] is expected[1]
    assert body["can_resume"] is expected[2]
