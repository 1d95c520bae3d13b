"""The portal's deadlines: both dates, days left, filters, viewer locale and zone, extensions."""

from __future__ import annotations

import html
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from api.viewer import locale_from_header
from database.engine import session_scope
from request_store.models import DataSubjectRequest
from settings import Settings
from tests.api.conftest import (
    NOW,
    PORTAL_PASSWORD,
    PORTAL_USERNAME,
    Clock,
    RecordingGateway,
    csrf_token_in,
    load_request,
    log_in,
    store_request,
)
from vault.service import Vault
from workflows.messages import EXTENSION_BASES, ClockChange, DeadlineExtension


def update_request(engine: Engine, request_id: str, **values: Any) -> None:
    """Set columns on a stored request, as the workflow's activities would."""
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)


async def sign_in_at(client: httpx.AsyncClient, clock: Clock, when: datetime) -> None:
    """Move the clock and sign in again, because the earlier session has expired by then."""
    clock.now = when
    response = await log_in(client, PORTAL_USERNAME, PORTAL_PASSWORD)
    assert response.status_code == 303, response.text


def listed_ids(response: httpx.Response, candidates: list[str]) -> set[str]:
    return {request_id for request_id in candidates if f">{request_id}</a>" in response.text}


@pytest.fixture
def store(engine: Engine, vault: Vault, settings: Settings) -> Any:
    """Store a request with the given status and columns; return its id."""
    counter = iter(range(1000))

    def store_with(status: str = "in_progress", **values: Any) -> str:
        email = f"subject{next(counter)}@example.net"
        request_id = store_request(engine, vault, settings, status=status, email=email)
        if values:
            update_request(engine, request_id, **values)
        return request_id

    return store_with


async def test_days_left_counted_in_legal_zone(
    portal_client: httpx.AsyncClient, store: Any, clock: Clock
) -> None:
    store(
        legal_zone="America/Los_Angeles",
        due_date=date(2026, 3, 20),
        legal_limit=date(2026, 3, 21),
    )
    # 05:00 UTC on 12 March is still 11 March in Los Angeles (UTC-7 after 8 March).
    await sign_in_at(portal_client, clock, datetime(2026, 3, 12, 5, 0, tzinfo=UTC))

    response = await portal_client.get("/portal")

    assert "<td>Mar 20, 2026</td>" in response.text
    assert "<td >9</td>" in response.text
    assert "<td>Mar 21, 2026</td>" in response.text
    assert "<td >10</td>" in response.text


async def test_days_left_in_utc_without_zone(
    portal_client: httpx.AsyncClient, store: Any, clock: Clock
) -> None:
    request_id = store(legal_zone=None, legal_limit=None, due_date=date(2026, 3, 20))
    await sign_in_at(portal_client, clock, datetime(2026, 3, 12, 5, 0, tzinfo=UTC))

    listing = await portal_client.get("/portal")
    detail = await portal_client.get(f"/portal/requests/{request_id}")

    assert "<td >8</td>" in listing.text
    assert "<td>—</td>" in listing.text
    assert "<td>Mar 20, 2026 (8 days left)</td>" in detail.text
    assert "not computed: the request was stored before the legal clock" in detail.text
    assert "UTC (no legal zone stored)" in detail.text


async def test_overdue_days_marked(
    portal_client: httpx.AsyncClient, store: Any, clock: Clock
) -> None:
    store(due_date=date(2026, 3, 1), legal_limit=date(2026, 3, 4))

    response = await portal_client.get("/portal")

    assert '<td class="overdue">-1</td>' in response.text
    assert "<td >2</td>" in response.text


async def test_overdue_filter(portal_client: httpx.AsyncClient, store: Any) -> None:
    # The clock is at 2 March 2026, 09:30 UTC.
    overdue = store(due_date=date(2026, 3, 1))
    due_today = store(due_date=date(2026, 3, 2))
    closed_late = store(status="completed", due_date=date(2026, 2, 20))
    later = store()

    response = await portal_client.get("/portal", params={"deadline": "overdue"})

    assert listed_ids(response, [overdue, due_today, closed_late, later]) == {overdue}
    assert '<option value="overdue" selected>' in response.text


@pytest.mark.parametrize(
    ("within", "expected"),
    [("", {"soon", "today"}), ("40", {"soon", "today", "later"}), ("0", {"today"})],
)
async def test_due_soon_filter(
    portal_client: httpx.AsyncClient, store: Any, within: str, expected: set[str]
) -> None:
    ids = {
        "overdue": store(due_date=date(2026, 3, 1)),
        "today": store(due_date=date(2026, 3, 2)),
        "soon": store(due_date=date(2026, 3, 9)),
        "closed": store(status="denied", due_date=date(2026, 3, 5)),
        "later": store(),  # due 2 April
    }

    response = await portal_client.get("/portal", params={"deadline": "due_soon", "within": within})

    found = listed_ids(response, list(ids.values()))
    assert found == {ids[name] for name in expected}


@pytest.mark.parametrize("within", ["abc", "-3", "10000"])
async def test_invalid_window_uses_seven_days(
    portal_client: httpx.AsyncClient, store: Any, within: str
) -> None:
    in_seven = store(due_date=date(2026, 3, 9))
    in_eight = store(due_date=date(2026, 3, 10))

    response = await portal_client.get("/portal", params={"deadline": "due_soon", "within": within})

    assert listed_ids(response, [in_seven, in_eight]) == {in_seven}
    assert 'name="within" min="0" max="366" value="7"' in response.text


async def test_deadline_and_status_filters_combine(
    portal_client: httpx.AsyncClient, store: Any
) -> None:
    waiting = store(status="awaiting_approval", due_date=date(2026, 3, 1))
    working = store(status="in_progress", due_date=date(2026, 3, 1))
    on_time = store(status="in_progress")

    response = await portal_client.get(
        "/portal", params={"deadline": "overdue", "status": "in_progress"}
    )

    assert listed_ids(response, [waiting, working, on_time]) == {working}


async def test_unknown_deadline_filter_lists_all(
    portal_client: httpx.AsyncClient, store: Any
) -> None:
    overdue = store(due_date=date(2026, 3, 1))
    later = store()

    response = await portal_client.get("/portal", params={"deadline": "<b>late</b>"})

    assert listed_ids(response, [overdue, later]) == {overdue, later}
    assert "<b>late</b>" not in response.text


async def test_no_match_message(portal_client: httpx.AsyncClient, store: Any) -> None:
    store()

    response = await portal_client.get("/portal", params={"deadline": "overdue"})

    assert "No requests match these filters." in response.text


async def test_zone_from_query_stored_in_cookie(
    portal_client: httpx.AsyncClient, store: Any
) -> None:
    request_id = store()

    chosen = await portal_client.get(
        f"/portal/requests/{request_id}", params={"tz": "America/New_York"}
    )
    remembered = await portal_client.get(f"/portal/requests/{request_id}")

    cookie = chosen.headers["set-cookie"]
    # The cookie library quotes a value that contains "/".
    assert cookie.startswith('dsrflow_tz="America/New_York";')
    assert "Path=/portal" in cookie
    assert "SameSite=strict" in cookie
    assert "HttpOnly" in cookie
    # Received 09:30 UTC on 2 March: 04:30 in New York (UTC-5).
    for response in (chosen, remembered):
        assert "4:30:00" in response.text
        assert "9:30:00" not in response.text
        assert "America/New_York" in response.text
        assert '<option value="America/New_York" selected>' in response.text
    assert "set-cookie" not in remembered.headers


async def test_zone_defaults_to_utc(portal_client: httpx.AsyncClient, store: Any) -> None:
    request_id = store()

    response = await portal_client.get(f"/portal/requests/{request_id}")

    assert "9:30:00" in response.text
    assert '<option value="UTC" selected>' in response.text


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "<script>"])
async def test_unknown_zone_ignored(
    portal_client: httpx.AsyncClient, store: Any, zone: str
) -> None:
    request_id = store()

    response = await portal_client.get(f"/portal/requests/{request_id}", params={"tz": zone})

    assert response.status_code == 200
    assert "dsrflow_tz" not in response.headers.get("set-cookie", "")
    assert "9:30:00" in response.text
    assert zone not in response.text


async def test_zone_outside_choices_offered(portal_client: httpx.AsyncClient, store: Any) -> None:
    store()

    response = await portal_client.get("/portal", params={"tz": "Asia/Kolkata"})

    assert '<option value="Asia/Kolkata" selected>' in response.text


async def test_zone_form_keeps_filters(portal_client: httpx.AsyncClient, store: Any) -> None:
    store()

    response = await portal_client.get(
        "/portal", params={"status": "in_progress", "deadline": "due_soon", "within": "14"}
    )

    assert '<input type="hidden" name="status" value="in_progress">' in response.text
    assert '<input type="hidden" name="deadline" value="due_soon">' in response.text
    assert '<input type="hidden" name="within" value="14">' in response.text


@pytest.mark.parametrize(
    ("accept_language", "formatted"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "02.04.2026"),
        ("en-GB", "2 Apr 2026"),
        ("fr;q=0.9, xx-invalid", "2 avr. 2026"),
        ("", "Apr 2, 2026"),
    ],
)
async def test_dates_follow_accept_language(
    portal_client: httpx.AsyncClient, store: Any, accept_language: str, formatted: str
) -> None:
    store()

    response = await portal_client.get("/portal", headers={"Accept-Language": accept_language})

    assert f"<td>{formatted}</td>" in response.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,de;q=0.8", "en_US"),
        ("de;q=0.2, pt-BR;q=0.7", "pt_BR"),
        ("fr;q=0, es", "es"),
        ("xx-YY, *", "en"),
        ("de;q=abc, it", "it"),
        ("", "en"),
    ],
)
def test_locale_from_header(header: str, expected: str) -> None:
    assert str(locale_from_header(header)) == expected


async def test_extension_form_lists_bases(portal_client: httpx.AsyncClient, store: Any) -> None:
    request_id = store()  # a GDPR request: Art. 12(3) names complexity and number

    response = await portal_client.get(f"/portal/requests/{request_id}")

    text = html.unescape(response.text)
    assert f'<form method="post" action="/portal/requests/{request_id}/extension">' in text
    for code, label in EXTENSION_BASES.items():
        offered = f'<option value="{code}" >{label}</option>' in text
        assert offered == (code in ("complexity", "number_of_requests")), code
    assert "none; notice possible until Apr 2, 2026" in text
    assert 'class="unavailable"' not in text


@pytest.mark.parametrize(
    ("status", "values", "shown", "reason"),
    [
        (
            "completed",
            {},
            "none; notice possible until Apr 2, 2026",
            "Extension not possible: the request is closed (completed).",
        ),
        (
            "in_progress",
            {
                "extended_at": datetime(2026, 3, 5, 10, 0, tzinfo=UTC),
                "extension_basis": "number_of_requests",
            },
            "extended on Mar 5, 2026",
            "Extension no longer possible: the deadline was already extended, and the law "
            "allows one extension.",
        ),
        (
            "awaiting_verification",
            {"extension_notice_by": None},
            "the rule allows no extension",
            "Extension not possible: the rule allows no extension for this kind of request.",
        ),
        (
            "in_progress",
            {"regime": "uk_gdpr", "kind": "access", "clarification_requested": date(2026, 3, 2)},
            "none; notice possible until Apr 2, 2026",
            "Extension not possible while the clock is paused for a clarification: resume the "
            "clock first.",
        ),
        (
            "awaiting_verification",
            {},
            "none; notice possible until Apr 2, 2026",
            "Extension not possible yet: the requester has not confirmed the email address, and "
            "the notice must go to a confirmed one.",
        ),
    ],
)
async def test_extension_form_hidden(
    portal_client: httpx.AsyncClient,
    store: Any,
    status: str,
    values: dict[str, Any],
    shown: str,
    reason: str,
) -> None:
    request_id = store(status=status, **values)

    response = await portal_client.get(f"/portal/requests/{request_id}")

    assert "/extension" not in response.text
    assert "Extend deadline" not in response.text
    assert shown in response.text
    assert reason in response.text


@pytest.mark.parametrize(
    ("zone", "last_moment"),
    [
        # 2 April 2026 ends at 23:00 UTC in Dublin and at 07:00 UTC on 3 April in Los Angeles.
        ("Europe/Dublin", datetime(2026, 4, 2, 22, 59, 59, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 4, 3, 6, 59, 59, tzinfo=UTC)),
    ],
)
async def test_extension_offered_until_notice_day_ends(
    portal_client: httpx.AsyncClient, store: Any, clock: Clock, zone: str, last_moment: datetime
) -> None:
    request_id = store(legal_zone=zone)
    form = f'action="/portal/requests/{request_id}/extension"'
    reason = "Extension no longer possible: the first period ended on Apr 2, 2026."
    await sign_in_at(portal_client, clock, last_moment)

    in_time = await portal_client.get(f"/portal/requests/{request_id}")
    clock.advance(timedelta(seconds=1))
    late = await portal_client.get(f"/portal/requests/{request_id}")

    assert form in in_time.text
    assert reason not in in_time.text
    assert form not in late.text
    assert reason in late.text


@pytest.mark.parametrize(
    ("values", "days_later"),
    [
        ({}, 0),
        ({}, 18),
        # The notice date, 2 April, has ended in Dublin by 3 April.
        ({}, 32),
        ({"status": "in_progress", "extension_notice_by": None}, 0),
        ({"regime": "uk_gdpr", "kind": "access", "clarification_requested": date(2026, 3, 2)}, 0),
        (
            {
                "regime": "uk_gdpr",
                "kind": "access",
                "clarification_requested": date(2026, 3, 2),
                "clarification_received": date(2026, 3, 2),
            },
            0,
        ),
    ],
)
async def test_extension_offered_only_when_accepted(
    portal_client: httpx.AsyncClient,
    store: Any,
    clock: Clock,
    gateway: RecordingGateway,
    values: dict[str, Any],
    days_later: int,
) -> None:
    # The recording gateway applies the workflow validator's checks, so an offered form must
    # be accepted and a hidden one rejected.
    request_id = store(**values)
    if days_later:
        await sign_in_at(portal_client, clock, NOW + timedelta(days=days_later))
    page = await portal_client.get(f"/portal/requests/{request_id}")
    offered = f'action="/portal/requests/{request_id}/extension"' in page.text

    response = await portal_client.post(
        f"/portal/requests/{request_id}/extension",
        data={"basis": "complexity", "csrf_token": csrf_token_in(page.text)},
    )

    assert (response.status_code == 303) is offered
    assert len(gateway.extensions) == (1 if offered else 0)


async def test_extension_reason_follows_locale(
    portal_client: httpx.AsyncClient, store: Any, clock: Clock
) -> None:
    request_id = store(extension_notice_by=date(2026, 12, 4))
    await sign_in_at(portal_client, clock, datetime(2026, 12, 5, 9, 0, tzinfo=UTC))

    response = await portal_client.get(
        f"/portal/requests/{request_id}", headers={"Accept-Language": "en-GB"}
    )

    assert "Extension no longer possible: the first period ended on 4 Dec 2026." in response.text


async def test_extended_request_names_basis(portal_client: httpx.AsyncClient, store: Any) -> None:
    request_id = store(
        extended_at=datetime(2026, 3, 5, 10, 0, tzinfo=UTC), extension_basis="number_of_requests"
    )

    response = await portal_client.get(f"/portal/requests/{request_id}")

    assert "(The number of requests received)" in response.text


async def test_extension_sends_update(
    portal_client: httpx.AsyncClient, store: Any, engine: Engine, gateway: RecordingGateway
) -> None:
    request_id = store()
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/extension",
        data={"basis": "complexity", "csrf_token": csrf_token_in(page.text)},
    )

    assert response.status_code == 303
    # GDPR, received 2 March 2026: three months from receipt, Tue 2 June 2026.
    assert response.headers["location"] == (
        f"/portal/requests/{request_id}?extended_due=2026-06-02&extended_limit=2026-06-02"
    )
    assert gateway.extensions == [(request_id, DeadlineExtension("alice", "complexity"))]
    # The workflow's activity records the extension; the web layer writes nothing.
    row = load_request(engine, request_id)
    assert row.extended_at is None
    assert row.extension_basis is None
    assert row.due_date == date(2026, 4, 2)


async def test_extension_confirmation_shows_dates(
    portal_client: httpx.AsyncClient, store: Any
) -> None:
    request_id = store()
    page = await portal_client.get(f"/portal/requests/{request_id}")
    form = {"basis": "complexity", "csrf_token": csrf_token_in(page.text)}

    response = await portal_client.post(
        f"/portal/requests/{request_id}/extension", data=form, follow_redirects=True
    )

    text = " ".join(response.text.split())
    assert response.status_code == 200
    assert (
        "Deadline extended: the internal due date is now Jun 2, 2026 and the legal limit "
        "Jun 2, 2026." in text
    )
    # The form stays hidden until the row shows the extension, so a second one is not sent.
    assert f'action="/portal/requests/{request_id}/extension"' not in text


@pytest.mark.parametrize(
    "query",
    [
        {"extended_due": "<script>", "extended_limit": "2026-06-02"},
        {"extended_due": "2026-06-02"},
        {"extended_due": "2026-02-30", "extended_limit": "2026-06-02"},
    ],
)
async def test_confirmation_needs_two_dates(
    portal_client: httpx.AsyncClient, store: Any, query: dict[str, str]
) -> None:
    request_id = store()

    response = await portal_client.get(f"/portal/requests/{request_id}", params=query)

    assert response.status_code == 200
    assert 'class="notice"' not in response.text
    assert "<script>" not in response.text


async def test_extension_without_csrf_rejected(
    portal_client: httpx.AsyncClient, store: Any, gateway: RecordingGateway
) -> None:
    request_id = store()

    missing = await portal_client.post(
        f"/portal/requests/{request_id}/extension", data={"basis": "complexity"}
    )
    wrong = await portal_client.post(
        f"/portal/requests/{request_id}/extension",
        data={"basis": "complexity", "csrf_token": "forged"},
    )

    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert gateway.extensions == []


async def test_extension_needs_login(client: httpx.AsyncClient, store: Any) -> None:
    request_id = store()

    response = await client.post(
        f"/portal/requests/{request_id}/extension", data={"basis": "complexity"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/portal/login"


@pytest.mark.parametrize(
    ("basis", "message"),
    [
        ("", "an extension needs a basis, one of: complexity, number_of_requests"),
        ("backlog", "unknown extension basis; use one of: complexity, number_of_requests"),
        (
            "reasonably_necessary",
            "basis reasonably_necessary does not apply under gdpr; use one of: complexity, "
            "number_of_requests",
        ),
    ],
)
async def test_invalid_extension_basis(
    portal_client: httpx.AsyncClient,
    store: Any,
    gateway: RecordingGateway,
    basis: str,
    message: str,
) -> None:
    request_id = store()
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/extension",
        data={"basis": basis, "csrf_token": csrf_token_in(page.text)},
    )

    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert gateway.extensions == []


async def test_extension_after_first_period_rejected(
    portal_client: httpx.AsyncClient, store: Any, gateway: RecordingGateway, clock: Clock
) -> None:
    request_id = store()
    # 2 April ends at 23:00 UTC in Dublin (UTC+1 from 29 March).
    await sign_in_at(portal_client, clock, datetime(2026, 4, 2, 23, 0, tzinfo=UTC))
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/extension",
        data={"basis": "number_of_requests", "csrf_token": csrf_token_in(page.text)},
    )

    text = html.unescape(response.text)
    assert response.status_code == 409
    assert "the first period has ended, and an extension must be notified" in text
    assert "(until 2026-04-02T23:00:00+00:00)" in text
    # The page rendered with the error no longer offers the extension, and shows the reason.
    assert f'action="/portal/requests/{request_id}/extension"' not in text
    assert "Extension no longer possible: the first period ended on Apr 2, 2026." in text
    assert gateway.extensions == []


async def test_second_extension_passes_workflow_message(
    portal_client: httpx.AsyncClient, store: Any, gateway: RecordingGateway
) -> None:
    request_id = store()
    page = await portal_client.get(f"/portal/requests/{request_id}")
    form = {"basis": "complexity", "csrf_token": csrf_token_in(page.text)}

    first = await portal_client.post(f"/portal/requests/{request_id}/extension", data=form)
    second = await portal_client.post(f"/portal/requests/{request_id}/extension", data=form)

    assert first.status_code == 303
    assert second.status_code == 409
    assert "the deadline was already extended" in html.unescape(second.text)
    assert len(gateway.extensions) == 1


@pytest.mark.parametrize(
    ("status", "values", "message"),
    [
        ("completed", {}, "is completed; only an open request can be extended"),
        (
            "in_progress",
            {
                "extended_at": datetime(2026, 3, 5, 10, 0, tzinfo=UTC),
                "extension_basis": "complexity",
            },
            "was already extended on 2026-03-05; a second extension is not accepted",
        ),
        ("in_progress", {"extension_notice_by": None}, "allows no extension"),
    ],
)
async def test_extension_not_allowed_sends_nothing(
    portal_client: httpx.AsyncClient,
    store: Any,
    gateway: RecordingGateway,
    status: str,
    values: dict[str, Any],
    message: str,
) -> None:
    request_id = store(status=status, **values)
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/extension",
        data={"basis": "complexity", "csrf_token": csrf_token_in(page.text)},
    )

    assert response.status_code == 409
    assert message in html.unescape(response.text)
    assert gateway.extensions == []


async def test_extension_unreachable_workflow(
    portal_client: httpx.AsyncClient,
    store: Any,
    gateway: RecordingGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    request_id = store()
    gateway.fail_extension = True
    page = await portal_client.get(f"/portal/requests/{request_id}")

    response = await portal_client.post(
        f"/portal/requests/{request_id}/extension",
        data={"basis": "complexity", "csrf_token": csrf_token_in(page.text)},
    )

    assert response.status_code == 503
    assert "The deadline was not extended; try again." in response.text
    assert '<option value="complexity" selected>' in response.text
    failures = [record for record in caplog.records if record.msg == "deadline.extension_failed"]
    assert len(failures) == 1
    assert failures[0].__dict__["request_id"] == request_id
    assert failures[0].__dict__["error"] == "ConnectionError"


async def test_extension_logs_ids_only(
    portal_client: httpx.AsyncClient,
    engine: Engine,
    vault: Vault,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    request_id = store_request(
        engine,
        vault,
        settings,
        email="zoe.oezdemir@example.net",
        name="Zoë Özdemir",
        status="in_progress",
    )
    page = await portal_client.get(f"/portal/requests/{request_id}")
    caplog.set_level(logging.DEBUG)

    await portal_client.post(
        f"/portal/requests/{request_id}/extension",
        data={"basis": "complexity", "csrf_token": csrf_token_in(page.text)},
    )

    sent = [record for record in caplog.records if record.msg == "deadline.extension_sent"]
    assert len(sent) == 1
    assert sent[0].__dict__["request_id"] == request_id
    assert sent[0].__dict__["basis"] == "complexity"
    assert "Özdemir" not in caplog.text
    assert "oezdemir" not in caplog.text


async def test_clock_pause_offered_for_uk(
    portal_client: httpx.AsyncClient, store: Any, gateway: RecordingGateway
) -> None:
    uk_request = store(regime="uk_gdpr", kind="access")
    gdpr_request = store()
    uk_page = await portal_client.get(f"/portal/requests/{uk_request}")
    gdpr_page = await portal_client.get(f"/portal/requests/{gdpr_request}")

    response = await portal_client.post(
        f"/portal/requests/{uk_request}/clock",
        data={"action": "pause", "csrf_token": csrf_token_in(uk_page.text)},
    )
    refused = await portal_client.post(
        f"/portal/requests/{gdpr_request}/clock",
        data={"action": "pause", "csrf_token": csrf_token_in(gdpr_page.text)},
    )

    assert "Pause clock: clarification requested" in uk_page.text
    assert "Pause clock" not in gdpr_page.text
    assert response.status_code == 303
    assert gateway.clock_changes == [(uk_request, ClockChange("alice", "pause"))]
    assert refused.status_code == 409
    assert (
        "cannot pause its clock now: a clarification stops the clock only for UK GDPR access "
        in (html.unescape(refused.text))
    )


async def test_clock_resume_offered_when_paused(
    portal_client: httpx.AsyncClient, store: Any, clock: Clock
) -> None:
    request_id = store(regime="uk_gdpr", kind="access", clarification_requested=date(2026, 3, 5))
    # The workflow accepts a resume at any time while paused, even after the legal limit.
    await sign_in_at(portal_client, clock, datetime(2026, 4, 10, 9, 0, tzinfo=UTC))

    page = await portal_client.get(f"/portal/requests/{request_id}")

    assert "Resume clock: clarification received" in page.text
    assert "Pause clock" not in page.text
    assert "Pause no longer possible" not in page.text


def uk_access_request(store: Any, **values: Any) -> str:
    """Store a UK GDPR access request whose legal limit, 2 April 2026, ends at 23:00 UTC."""
    request_id: str = store(
        regime="uk_gdpr",
        kind="access",
        legal_zone="Europe/London",
        legal_limit=date(2026, 4, 2),
        **values,
    )
    return request_id


async def test_pause_offered_until_legal_limit_ends(
    portal_client: httpx.AsyncClient, store: Any, clock: Clock
) -> None:
    request_id = uk_access_request(store)
    reason = "Pause no longer possible: the legal limit of Apr 2, 2026 has passed."
    await sign_in_at(portal_client, clock, datetime(2026, 4, 2, 22, 59, 59, tzinfo=UTC))

    in_time = await portal_client.get(f"/portal/requests/{request_id}")
    clock.advance(timedelta(seconds=1))
    late = await portal_client.get(f"/portal/requests/{request_id}")

    assert "Pause clock: clarification requested" in in_time.text
    assert reason not in in_time.text
    assert "Pause clock: clarification requested" not in late.text
    assert f'action="/portal/requests/{request_id}/clock"' not in late.text
    assert reason in late.text


async def test_pause_limit_in_utc_without_zone(
    portal_client: httpx.AsyncClient, store: Any, clock: Clock
) -> None:
    # A row stored before the legal clock: the workflow counts its internal due date in UTC.
    request_id = store(
        regime="uk_gdpr",
        kind="access",
        legal_zone=None,
        legal_limit=None,
        due_date=date(2026, 4, 2),
    )
    await sign_in_at(portal_client, clock, datetime(2026, 4, 2, 23, 59, 59, tzinfo=UTC))

    in_time = await portal_client.get(f"/portal/requests/{request_id}")
    clock.advance(timedelta(seconds=1))
    late = await portal_client.get(f"/portal/requests/{request_id}")

    assert "Pause clock: clarification requested" in in_time.text
    assert "Pause no longer possible: the legal limit of Apr 2, 2026 has passed." in late.text


@pytest.mark.parametrize(
    ("status", "values", "reason"),
    [
        (
            "in_progress",
            {
                "clarification_requested": date(2026, 3, 5),
                "clarification_received": date(2026, 3, 10),
            },
            "Pause no longer possible: the clock was already paused once, from Mar 5, 2026 to "
            "Mar 10, 2026.",
        ),
        ("completed", {}, "Pause not possible: the request is closed (completed)."),
    ],
)
async def test_pause_hidden_with_reason(
    portal_client: httpx.AsyncClient,
    store: Any,
    status: str,
    values: dict[str, Any],
    reason: str,
) -> None:
    request_id = uk_access_request(store, status=status, **values)

    page = await portal_client.get(f"/portal/requests/{request_id}")

    assert f'action="/portal/requests/{request_id}/clock"' not in page.text
    assert "Scope clarification (UK GDPR)" in page.text
    assert reason in page.text


@pytest.mark.parametrize(
    "values",
    [
        # Article 12A stops the clock only for access requests.
        {"regime": "uk_gdpr", "kind": "erasure"},
        {"regime": "gdpr", "kind": "access"},
        {"regime": "ccpa", "kind": "access", "legal_zone": "America/Los_Angeles"},
    ],
)
async def test_pause_absent_where_rule_has_none(
    portal_client: httpx.AsyncClient, store: Any, values: dict[str, Any]
) -> None:
    request_id = store(**values)

    page = await portal_client.get(f"/portal/requests/{request_id}")

    assert f'action="/portal/requests/{request_id}/clock"' not in page.text
    assert "Scope clarification" not in page.text
    assert "Pause" not in page.text
