"""The privacy-team portal: login, CSRF, request list, decisions, records and the outbox."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from api.main import create_app
from audit.log import events_for_request, record_event
from database.engine import session_scope
from localization import Renderer
from request_store.models import DataSubjectRequest
from settings import Settings
from tests.api.conftest import (
    NOW,
    PORTAL_PASSWORD,
    Clock,
    OutboxMessage,
    RecordingGateway,
    csrf_token_in,
    load_request,
    log_in,
    store_request,
    stored_note,
    valid_form,
)
from vault.service import Vault
from workflows.messages import DENIAL_BASES


async def test_portal_requires_login(client: httpx.AsyncClient) -> None:
    for path in ("/portal", "/portal/requests/req_x", "/portal/outbox"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/portal/login"


async def test_login_sets_strict_cookie(client: httpx.AsyncClient, portal_user: str) -> None:
    response = await log_in(client, portal_user, PORTAL_PASSWORD)

    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("dsrflow_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/portal" in cookie
    # public_base_url is http:// in these tests, so the cookie may travel without TLS.
    assert "Secure" not in cookie


async def test_secure_cookie_with_https_base_url(
    settings: Settings,
    engine: Engine,
    vault: Vault,
    gateway: RecordingGateway,
    renderer: Renderer,
    portal_user: str,
) -> None:
    https_settings = settings.model_copy(update={"public_base_url": "https://privacy.example"})
    app = create_app(https_settings, engine, vault, gateway, renderer=renderer)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await log_in(client, portal_user, PORTAL_PASSWORD)

    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password 123"), ("mallory", PORTAL_PASSWORD)]
)
async def test_failed_login_is_opaque(
    client: httpx.AsyncClient, portal_user: str, username: str, password: str
) -> None:
    response = await log_in(client, username, password)

    assert response.status_code == 401
    assert "Unknown username or wrong password." in response.text
    assert "dsrflow_session" not in response.headers.get("set-cookie", "")


async def test_login_without_csrf_rejected(client: httpx.AsyncClient, portal_user: str) -> None:
    await client.get("/portal/login")

    response = await client.post(
        "/portal/login", data={"username": portal_user, "password": PORTAL_PASSWORD}
    )

    assert response.status_code == 403


async def test_decision_without_csrf_rejected(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")

    missing = await portal_client.post(
        f"/portal/requests/{request_id}/decision", data={"decision": "approve"}
    )
    wrong = await portal_client.post(
        f"/portal/requests/{request_id}/decision",
        data={"decision": "approve", "csrf_token": "forged"},
    )

    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert gateway.decisions == []


async def test_request_list_with_days_left(
    client: httpx.AsyncClient,
    portal_user: str,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    clock: Clock,
) -> None:
    request_id = store_request(engine, vault, settings)
    clock.now = NOW + timedelta(days=10)
    await log_in(client, portal_user, PORTAL_PASSWORD)

    response = await client.get("/portal")

    assert response.status_code == 200
    # Received Mon 2 Mar 2026 under the GDPR: both dates are Thu 2 Apr 2026, 21 days after
    # 12 Mar, and the browser sent no Accept-Language, so dates are formatted in English.
    assert f'<a href="/portal/requests/{request_id}">{request_id}</a>' in response.text
    assert response.text.count("<td>Apr 2, 2026</td>") == 2
    assert response.text.count("<td >21</td>") == 2
    assert "<td>gdpr</td>" in response.text
    assert "<td>erasure</td>" in response.text


async def test_request_list_status_filter(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    waiting = store_request(engine, vault, settings, status="awaiting_approval")
    done = store_request(engine, vault, settings, status="completed", email="b@example.net")

    response = await portal_client.get("/portal", params={"status": "awaiting_approval"})

    assert waiting in response.text
    assert done not in response.text


async def test_detail_shows_timeline_and_buttons(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")

    response = await portal_client.get(f"/portal/requests/{request_id}")

    assert response.status_code == 200
    assert "request.received" in response.text
    assert "Approve erasure" in response.text
    assert "Deny erasure" in response.text


async def test_detail_hides_buttons_unless_awaiting(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")

    response = await portal_client.get(f"/portal/requests/{request_id}")

    assert "Approve erasure" not in response.text


async def test_approve_sends_decision(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/decision",
        data={"decision": "approve", "csrf_token": csrf_token_in(page.text)},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/portal/requests/{request_id}?decided=approve"
    assert len(gateway.decisions) == 1
    sent_id, decision = gateway.decisions[0]
    assert sent_id == request_id
    assert (decision.decision, decision.decided_by, decision.basis) == ("approve", "alice", "")
    assert load_request(engine, request_id).decision_note_ciphertext is None


async def test_deny_form_lists_bases(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")

    response = await portal_client.get(f"/portal/requests/{request_id}")

    text = html.unescape(response.text)
    assert '<select id="basis" name="basis" required>' in text
    for code, label in DENIAL_BASES.items():
        assert f'<option value="{code}" >{label}</option>' in text
    assert '<textarea id="note" name="note" rows="3" cols="60" maxlength="1000">' in text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"decision": "deny"}, "a denial needs a legal basis, one of: contract_performance, "),
        ({"decision": "deny", "basis": "no_reason"}, "unknown legal basis; use one of: "),
        (
            {"decision": "deny", "basis": "legal_claims", "note": "x" * 1001},
            "the note is too long: 1001 characters, at most 1000",
        ),
        ({"decision": "approve", "note": "fine"}, "an approval takes no basis and no note"),
        ({"decision": "approve", "basis": "legal_claims"}, "an approval takes no basis"),
        ({"decision": "maybe"}, "decision must be 'approve' or 'deny'"),
    ],
)
async def test_invalid_decision_sends_nothing(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
    form: dict[str, str],
    message: str,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/decision",
        data={**form, "csrf_token": csrf_token_in(page.text)},
    )

    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert gateway.decisions == []
    assert load_request(engine, request_id).decision_note_ciphertext is None


async def test_deny_stores_note_encrypted(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    page = await portal_client.get(f"/portal/requests/{request_id}")
    note = "Ihre Verträge mit Frau Özdemir laufen bis 2031 (§ 147 AO)."
    caplog.set_level(logging.DEBUG)

    response = await portal_client.post(
        f"/portal/requests/{request_id}/decision",
        data={
            "decision": "deny",
            "basis": "legal_obligation",
            "note": f"  {note}\n",
            "csrf_token": csrf_token_in(page.text),
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/portal/requests/{request_id}?decided=deny"
    _, decision = gateway.decisions[0]
    assert (decision.decision, decision.basis) == ("deny", "legal_obligation")
    assert "Özdemir" not in repr(decision)
    assert stored_note(engine, vault, request_id) == note
    assert "Özdemir" not in caplog.text
    with Session(engine) as session:
        details = [event.detail for event in events_for_request(session, request_id)]
    assert "Özdemir" not in repr(details)


async def test_failed_decision_keeps_no_note(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    gateway.fail_decision = True
    page = await portal_client.get(f"/portal/requests/{request_id}")
    form = {
        "decision": "deny",
        "basis": "legal_claims",
        "note": "Court case 4 O 12/26 is pending.",
        "csrf_token": csrf_token_in(page.text),
    }

    response = await portal_client.post(f"/portal/requests/{request_id}/decision", data=form)

    assert response.status_code == 503
    assert "Nothing was decided" in response.text
    # The page keeps what was entered, so the note need not be typed again.
    assert '<option value="legal_claims" selected>' in response.text
    assert "Court case 4 O 12/26 is pending.</textarea>" in response.text
    assert load_request(engine, request_id).decision_note_ciphertext is None


async def test_rejected_decision_keeps_no_note(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    gateway.reject_decision_with = "this request is not awaiting an erasure decision"
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/decision",
        data={
            "decision": "deny",
            "basis": "legal_claims",
            "note": "Court case pending.",
            "csrf_token": csrf_token_in(page.text),
        },
    )

    assert response.status_code == 409
    assert "this request is not awaiting an erasure decision" in response.text
    assert load_request(engine, request_id).decision_note_ciphertext is None


async def test_rejected_decision_shows_validator_message(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    gateway: RecordingGateway,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    gateway.reject_decision_with = "a decision was already made by bob"
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/decision",
        data={"decision": "approve", "csrf_token": csrf_token_in(page.text)},
    )

    assert response.status_code == 409
    assert "a decision was already made by bob" in response.text


@pytest.mark.parametrize(
    ("decision", "banner"),
    [
        ({"decision": "approve"}, "Erasure approved: the workflow continues."),
        ({"decision": "deny", "basis": "legal_claims"}, "Erasure denied."),
    ],
)
async def test_decision_confirmed_by_banner(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    decision: dict[str, str],
    banner: str,
) -> None:
    request_id = store_request(engine, vault, settings, status="awaiting_approval")
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/decision",
        data={**decision, "csrf_token": csrf_token_in(page.text)},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert f'<p class="notice" role="status">{banner}</p>' in response.text
    # The stored status still says awaiting_approval, but the form must not invite a second try.
    assert "Deny erasure" not in response.text


async def test_unknown_decided_value_no_banner(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")

    response = await portal_client.get(
        f"/portal/requests/{request_id}", params={"decided": "<script>"}
    )

    assert response.status_code == 200
    assert 'class="notice"' not in response.text
    assert "<script>" not in response.text


@pytest.mark.parametrize("status", ["completed", "denied", "closed_unverified"])
async def test_closed_request_has_no_days_left(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    status: str,
) -> None:
    request_id = store_request(engine, vault, settings, status=status)

    listing = await portal_client.get("/portal")
    detail = await portal_client.get(f"/portal/requests/{request_id}")

    assert "<td>—</td>" in listing.text
    assert "<td >" not in listing.text
    assert "days left" not in detail.text
    assert "<td>Apr 2, 2026 (closed)</td>" in detail.text


async def test_closed_request_shows_completion_date(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings, status="completed")
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        row.completed_at = NOW + timedelta(days=8)
        session.add(row)

    listing = await portal_client.get("/portal")
    detail = await portal_client.get(f"/portal/requests/{request_id}")

    assert "<td>closed Mar 10, 2026</td>" in listing.text
    assert "<td>Apr 2, 2026 (closed on Mar 10, 2026)</td>" in detail.text


async def test_open_request_keeps_days_left(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")

    detail = await portal_client.get(f"/portal/requests/{request_id}")

    # Received Mon 2 Mar 2026 under the GDPR: due Thu 2 Apr 2026, 31 days later.
    assert "<td>Apr 2, 2026 (31 days left)</td>" in detail.text
    assert "<td>Apr 2, 2026 (31 days left)</td></tr>\n    <tr><th>Days counted in" in detail.text


async def test_timeline_shows_non_ascii_detail(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings, status="in_progress")
    with session_scope(engine) as session:
        record_event(
            session,
            at=NOW,
            request_id=request_id,
            actor="workflow",
            event="retention.applied",
            detail={"rule": "§ 147 AO", "stores": ["Vertragsablage Köln"], "count": 2},
        )

    response = await portal_client.get(f"/portal/requests/{request_id}")

    assert "\\u00a7" not in response.text
    assert "<dt>rule</dt><dd>§ 147 AO</dd>" in response.text
    assert '<dt>stores</dt><dd>["Vertragsablage Köln"]</dd>' in html.unescape(response.text)
    assert "<dt>count</dt><dd>2</dd>" in response.text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/portal/requests/req_missing", "No request has the id req_missing."),
        ("/portal/requests/req_missing/record", "No request has the id req_missing."),
    ],
)
async def test_unknown_request_portal_page(
    portal_client: httpx.AsyncClient, path: str, message: str
) -> None:
    response = await portal_client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text
    assert '<a href="/portal">Back to the request list</a>' in response.text


async def test_completion_record_download(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    tmp_path: Path,
) -> None:
    request_id = store_request(engine, vault, settings, status="completed")
    record = tmp_path / "record.pdf"
    record.write_bytes(b"%PDF-1.7 record")
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        row.record_path = str(record)
        session.add(row)

    detail = await portal_client.get(f"/portal/requests/{request_id}")
    response = await portal_client.get(f"/portal/requests/{request_id}/record")

    assert f"/portal/requests/{request_id}/record" in detail.text
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 record"


async def test_missing_record_not_found(
    portal_client: httpx.AsyncClient, engine: Engine, vault: Vault, settings: Settings
) -> None:
    request_id = store_request(engine, vault, settings)

    response = await portal_client.get(f"/portal/requests/{request_id}/record")

    assert response.status_code == 404
    assert f"Request {request_id} has no completion record yet." in response.text


async def test_outbox_lists_messages(
    portal_client: httpx.AsyncClient, outbox: list[OutboxMessage]
) -> None:
    received = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    outbox.append(OutboxMessage("m1", received, "Confirm your privacy request", 1, "Hello"))
    outbox.append(OutboxMessage("m2", received, "Erased message", 1, None))

    response = await portal_client.get("/portal/outbox")

    assert response.status_code == 200
    assert "Confirm your privacy request" in response.text
    assert "Body erased together with its data subject." in response.text


async def test_outbox_absent_in_production(
    settings: Settings,
    engine: Engine,
    vault: Vault,
    gateway: RecordingGateway,
    renderer: Renderer,
) -> None:
    production = settings.model_copy(update={"environment": "production", "mail_sink": False})
    with_reader = create_app(production, engine, vault, gateway, outbox_reader=list)
    without_reader = create_app(settings, engine, vault, gateway, renderer=renderer)

    assert not _has_route(with_reader, "/portal/outbox")
    assert not _has_route(without_reader, "/portal/outbox")


async def test_logout_ends_session(portal_client: httpx.AsyncClient) -> None:
    page = await portal_client.get("/portal")

    response = await portal_client.post(
        "/portal/logout", data={"csrf_token": csrf_token_in(page.text)}
    )
    after = await portal_client.get("/portal")

    assert response.status_code == 303
    assert after.status_code == 303


async def test_expired_session_redirects(portal_client: httpx.AsyncClient, clock: Clock) -> None:
    clock.advance(timedelta(hours=8))

    response = await portal_client.get("/portal")

    assert response.status_code == 303


async def test_portal_shows_no_personal_data(
    portal_client: httpx.AsyncClient, gateway: RecordingGateway
) -> None:
    email, name = "zoë.private@example.org", "Zoë Private-Person"
    await portal_client.post("/requests", data=valid_form(email=email, name=name))
    request_id = gateway.started[0].request_id

    pages = [
        await portal_client.get("/portal"),
        await portal_client.get(f"/portal/requests/{request_id}"),
    ]

    for page in pages:
        assert page.status_code == 200
        for secret in (email, name, "zo&#235;", "Private-Person"):
            assert secret not in page.text


def _has_route(app: FastAPI, path: str) -> bool:
    return any(getattr(route, "path", None) == path for route in app.routes)
