"""Deadline timers of the request workflow, on the time-skipping test server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from audit.log import events_for_request
from legal_clock.deadlines import ClockInput, Deadlines, compute_deadlines
from legal_clock.instants import end_of_local_day
from legal_clock.settings import ClockSettings
from records.verify import verify_record
from request_store.models import DataSubjectRequest
from runtime.worker import build_worker
from settings import Settings
from tests.factories import submit_request
from tests.mailbox import Mailbox
from vault.service import Vault
from workflows.messages import (
    ClockChange,
    ClockChangeResult,
    DeadlineExtension,
    DeadlineExtensionResult,
    ErasureDecision,
    RequestInput,
    RequestProgress,
    VerifiedSignal,
    workflow_id_for,
)
from workflows.request import DataSubjectRequestWorkflow


@pytest.fixture
async def client(
    time_skipping_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[Client]:
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(time_skipping_env.client, settings, engine, executor):
            yield time_skipping_env.client


async def start_waiting_erasure(
    env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    email: str,
    country: str = "US",
) -> tuple[WorkflowHandle[Any, Any], RequestInput]:
    """Start an erasure (CCPA unless ``country`` names another) and bring it to the approval
    step, where it then sits."""
    # Earlier tests skipped the shared test server's clock ahead of the wall clock, so the
    # request is received at the server's time, which is what workflow timers follow.
    now = await env.get_current_time()
    client = env.client
    request = submit_request(
        engine,
        vault,
        settings,
        email=email,
        kind="erasure",
        country=country,
        state="CA" if country == "US" else "",
        now=now,
    )
    handle = await client.start_workflow(
        DataSubjectRequestWorkflow.run,
        request,
        id=workflow_id_for(request.request_id),
        task_queue=settings.task_queue,
    )
    await handle.signal("verified", VerifiedSignal())
    for _ in range(200):
        progress = await handle.query("progress", result_type=RequestProgress)
        if progress.stage == "awaiting_approval":
            return handle, request
        await asyncio.sleep(0.05)
    raise AssertionError("the erasure never reached the approval step")


async def start_unverified_uk_access(
    env: WorkflowEnvironment, settings: Settings, engine: Engine, vault: Vault, email: str
) -> tuple[WorkflowHandle[Any, Any], RequestInput]:
    """Start a UK access request and return once it waits for verification.

    An access request completes as soon as it is verified, so only an unverified one stays
    open long enough for a clarification pause to run.
    """
    now = await env.get_current_time()
    request = submit_request(engine, vault, settings, email=email, country="GB", now=now)
    handle = await env.client.start_workflow(
        DataSubjectRequestWorkflow.run,
        request,
        id=workflow_id_for(request.request_id),
        task_queue=settings.task_queue,
    )
    for _ in range(200):
        progress = await handle.query("progress", result_type=RequestProgress)
        if progress.stage == "awaiting_verification":
            return handle, request
        await asyncio.sleep(0.05)
    raise AssertionError("the access request never reached the verification step")


async def team_notifications(handle: WorkflowHandle[Any, Any]) -> list[tuple[datetime, str, str]]:
    """Return (scheduled at, template, clock) of every email to the privacy team."""
    history = await handle.fetch_history()
    found = []
    for event in history.events:
        if event.event_type != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            continue
        attributes = event.activity_task_scheduled_event_attributes
        if attributes.activity_type.name != "notify_privacy_team":
            continue
        payload = json.loads(attributes.input.payloads[0].data)
        at = event.event_time.ToDatetime(tzinfo=UTC)
        found.append((at, payload["template"], payload["reason"]))
    return found


def close_to(actual: datetime, expected: datetime) -> bool:
    return abs(actual - expected) < timedelta(minutes=5)


async def test_reminders_escalations_and_extension(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
) -> None:
    handle, request = await start_waiting_erasure(
        time_skipping_env, settings, engine, vault, "slow@example.com"
    )

    extended = await handle.execute_update(
        "extend_deadline",
        DeadlineExtension("alice", "reasonably_necessary"),
        result_type=DeadlineExtensionResult,
    )
    with pytest.raises(WorkflowUpdateFailedError) as again:
        await handle.execute_update("extend_deadline", DeadlineExtension("alice", "complexity"))
    assert "already extended" in str(again.value.cause)

    await time_skipping_env.sleep(timedelta(days=100))
    await handle.execute_update("decide_erasure", ErasureDecision("approve", "alice"))
    result = await handle.result()

    assert result.status == "completed"
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request.request_id)
        assert row is not None
        zone = row.legal_zone or "UTC"
        events = [e.event for e in events_for_request(session, row.id)]
    assert row.due_date.isoformat() == extended.internal_due
    assert row.legal_limit is not None
    assert (row.legal_limit - row.received_at.date()).days >= 89
    assert "deadline.extended" in events
    record = await asyncio.to_thread(verify_record, Path(str(result.record_path)).read_bytes())
    assert record.extended is True
    assert record.extension_basis == "reasonably_necessary"
    assert record.legal_limit == row.legal_limit
    assert record.internal_due_met is False  # approved 100 days in, past both dates
    assert record.legal_limit_met is False

    sent = await team_notifications(handle)
    reminders = [at for at, template, _ in sent if template == "deadline_reminder"]
    escalations = {clock: at for at, template, clock in sent if template == "deadline_escalation"}
    assert len(reminders) == 2
    assert close_to(reminders[0], end_of_local_day(row.due_date - timedelta(days=7), zone))
    assert close_to(reminders[1], end_of_local_day(row.due_date - timedelta(days=2), zone))
    assert close_to(escalations["internal_due"], end_of_local_day(row.due_date, zone))
    assert close_to(escalations["legal_limit"], end_of_local_day(row.legal_limit, zone))
    subjects = [str(message["Subject"]) for message in mailbox.to("slow@example.com")]
    assert len(subjects) == 4  # acknowledgement, verification, extension notice, confirmation
    assert len(set(subjects)) == 4


async def test_late_extension_rejected(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
) -> None:
    handle, _request = await start_waiting_erasure(
        time_skipping_env, settings, engine, vault, "late-ext@example.com"
    )

    await time_skipping_env.sleep(timedelta(days=46))
    with pytest.raises(WorkflowUpdateFailedError) as late:
        await handle.execute_update("extend_deadline", DeadlineExtension("bob", "complexity"))

    assert "first period has ended" in str(late.value.cause)
    await handle.execute_update("decide_erasure", ErasureDecision("approve", "bob"))
    result = await handle.result()
    assert result.status == "completed"
    record = await asyncio.to_thread(verify_record, Path(str(result.record_path)).read_bytes())
    assert record.extended is False
    assert record.internal_due_met is False  # 46 days in: past the internal due date (day 44)


async def test_uk_clarification_pauses_clock(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
) -> None:
    handle, request = await start_unverified_uk_access(
        time_skipping_env, settings, engine, vault, "clarify@example.co.uk"
    )
    with Session(engine) as session:
        before = session.get(DataSubjectRequest, request.request_id)
        assert before is not None
        limit_before = before.legal_limit

    paused = await handle.execute_update(
        "change_clock", ClockChange("carol", "pause"), result_type=ClockChangeResult
    )
    with pytest.raises(WorkflowUpdateFailedError) as extend_while_paused:
        await handle.execute_update("extend_deadline", DeadlineExtension("carol", "complexity"))
    await time_skipping_env.sleep(timedelta(days=2))
    resumed = await handle.execute_update(
        "change_clock", ClockChange("carol", "resume"), result_type=ClockChangeResult
    )
    with pytest.raises(WorkflowUpdateFailedError) as second_pause:
        await handle.execute_update("change_clock", ClockChange("carol", "pause"))
    await handle.signal("verified", VerifiedSignal())
    result = await handle.result()

    assert paused.paused is True
    assert "has not confirmed the email address" in str(extend_while_paused.value.cause)
    assert resumed.paused is False
    assert "already paused once" in str(second_pause.value.cause)
    assert result.status == "completed"
    assert limit_before is not None
    # Asked on the receipt day, which the month does not count, and answered two days later:
    # the two days after receipt stop the clock. The dates before and after may each have
    # rolled over a weekend or holiday, so the limit moves by 2 days give or take a roll
    # (a Saturday limit rolled to Monday stays on Monday).
    moved = datetime.fromisoformat(resumed.legal_limit).date() - limit_before
    assert timedelta(0) <= moved <= timedelta(days=6)
    with Session(engine) as session:
        resumption = [
            e
            for e in events_for_request(session, request.request_id)
            if e.event == "deadline.resumed"
        ]
    assert len(resumption) == 1
    assert resumption[0].detail["paused_days"] == "2"
    sent = await team_notifications(handle)
    assert not any(template == "deadline_escalation" for _, template, _ in sent)


async def test_open_pause_closed_at_completion(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
) -> None:
    handle, request = await start_unverified_uk_access(
        time_skipping_env, settings, engine, vault, "open-pause@example.co.uk"
    )

    await handle.execute_update("change_clock", ClockChange("carol", "pause"))
    await handle.signal("verified", VerifiedSignal())  # the answer goes out with no resume
    result = await handle.result()

    assert result.status == "completed"
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request.request_id)
        assert row is not None
        resumed = [e for e in events_for_request(session, row.id) if e.event == "deadline.resumed"]
    assert row.clarification_received is not None
    assert len(resumed) == 1
    assert resumed[0].actor == "workflow"
    record = await asyncio.to_thread(verify_record, Path(str(result.record_path)).read_bytes())
    assert any(line.startswith("clarification asked on") for line in record.readings)


async def test_extension_basis_must_fit_regime(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
) -> None:
    handle, _request = await start_waiting_erasure(
        time_skipping_env, settings, engine, vault, "basis@example.com"
    )

    with pytest.raises(WorkflowUpdateFailedError) as rejected:
        await handle.execute_update("extend_deadline", DeadlineExtension("alice", "complexity"))
    await handle.execute_update("decide_erasure", ErasureDecision("approve", "alice"))
    await handle.result()

    assert "needs a basis, one of: reasonably_necessary" in str(rejected.value.cause)


async def test_uk_erasure_clock_cannot_pause(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
) -> None:
    handle, request = await start_waiting_erasure(
        time_skipping_env, settings, engine, vault, "erase@example.co.uk", country="GB"
    )

    with pytest.raises(WorkflowUpdateFailedError) as rejected:
        await handle.execute_update("change_clock", ClockChange("carol", "pause"))
    await handle.execute_update("decide_erasure", ErasureDecision("approve", "carol"))
    await handle.result()

    assert "only for UK GDPR access requests" in str(rejected.value.cause)
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request.request_id)
    assert row is not None
    assert row.clarification_requested is None


async def verify_after(
    env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    *,
    email: str,
    country: str,
    state: str = "",
    delay: timedelta,
) -> tuple[DataSubjectRequest, DataSubjectRequest]:
    """Submit an access request, confirm identity ``delay`` later, and return the stored
    request before and after the workflow's recount."""
    now = await env.get_current_time()
    request = submit_request(
        engine, vault, settings, email=email, country=country, state=state, now=now
    )
    with Session(engine) as session:
        before = session.get(DataSubjectRequest, request.request_id)
        assert before is not None
        session.expunge(before)
    handle = await env.client.start_workflow(
        DataSubjectRequestWorkflow.run,
        request,
        id=workflow_id_for(request.request_id),
        task_queue=settings.task_queue,
    )
    await env.sleep(delay)
    await handle.signal("verified", VerifiedSignal())
    await handle.result()
    with Session(engine) as session:
        after = session.get(DataSubjectRequest, request.request_id)
        assert after is not None
        session.expunge(after)
    return before, after


def dates_from_identity(row: DataSubjectRequest, identity: date) -> Deadlines:
    return compute_deadlines(
        ClockInput(
            regime=row.regime,
            received_at=row.received_at,
            kind=row.kind,
            identity_received=identity,
        ),
        ClockSettings(),
    )


async def test_uk_clock_starts_at_identity(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
) -> None:
    before, after = await verify_after(
        time_skipping_env,
        settings,
        engine,
        vault,
        email="late-id@example.co.uk",
        country="GB",
        delay=timedelta(days=2, hours=1),
    )

    assert after.legal_zone is not None
    assert (
        after.identity_received
        == (before.received_at + timedelta(days=2, hours=1))
        .astimezone(ZoneInfo(after.legal_zone))
        .date()
    )
    expected = dates_from_identity(after, after.identity_received)
    assert expected.start == after.identity_received  # Art. 12A: the period starts here
    assert after.legal_limit == expected.legal_limit
    assert after.due_date == expected.internal_due
    assert after.extension_notice_by == expected.extension_notice_by
    with Session(engine) as session:
        started = [
            e
            for e in events_for_request(session, after.id)
            if e.event == "deadline.started_at_identity"
        ]
    assert len(started) == 1
    assert started[0].detail["legal_limit"] == after.legal_limit.isoformat()


async def test_ccpa_clock_runs_from_receipt(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
) -> None:
    before, after = await verify_after(
        time_skipping_env,
        settings,
        engine,
        vault,
        email="late-id@example.com",
        country="US",
        state="CA",
        delay=timedelta(days=2, hours=1),
    )

    # 11 CCR 7021: verification time is part of the 45 days.
    assert after.identity_received is not None
    assert (after.due_date, after.legal_limit) == (before.due_date, before.legal_limit)
    with Session(engine) as session:
        events = [e.event for e in events_for_request(session, after.id)]
    assert "deadline.started_at_identity" not in events


async def test_gdpr_identity_setting_moves_start(
    client: Client,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DSRFLOW_CLOCK_GDPR_IDENTITY_PAUSES_CLOCK", "true")

    before, after = await verify_after(
        time_skipping_env,
        settings,
        engine,
        vault,
        email="late-id@example.de",
        country="DE",
        delay=timedelta(days=3),
    )

    assert after.identity_received is not None
    assert after.identity_received > before.received_at.date()
    expected = dates_from_identity(after, after.identity_received)
    assert expected.start == after.identity_received
    assert after.legal_limit == expected.legal_limit
