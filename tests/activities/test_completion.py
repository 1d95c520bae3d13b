"""The legal clock in completion records issued by the activity, on SQLite and PostgreSQL.

Each test stores a request through intake, moves its clock with the real deadline activities,
issues the signed record and reads it back with verify_record and pdftotext.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from activities.completion import CompletionActivities
from activities.deadlines import DeadlineActivities
from activities.messages import (
    ClockChangeInput,
    CompletionInput,
    ExtensionInput,
    IdentityConfirmation,
)
from activities.resources import ActivityResources
from database.engine import session_scope
from records.model import CompletionRecord
from records.verify import verify_record
from request_store.models import DataSubjectRequest
from settings import Settings
from tests.factories import submit_request
from vault.service import Vault

# 05:00 UTC on 16 January is still 15 January in Los Angeles, so a receipt date taken in
# UTC instead of the legal zone shows up as the wrong day.
CCPA_RECEIVED_AT = datetime(2026, 1, 16, 5, 0, tzinfo=UTC)
EXTENDED_AT = datetime(2026, 2, 10, 17, 0, tzinfo=UTC)
COMPLETED_AT = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
# Tue 10 Mar 2026 in London, with identity information on Wed 25 Mar.
UK_RECEIVED_AT = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
UK_IDENTITY_AT = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)


def make_resources(settings: Settings, engine: Engine, vault: Vault) -> ActivityResources:
    return ActivityResources(
        settings=settings, engine=engine, vault=vault, clock=lambda: EXTENDED_AT
    )


def submit_ccpa_erasure(settings: Settings, engine: Engine, vault: Vault) -> str:
    request = submit_request(
        engine,
        vault,
        settings,
        email="clock@example.com",
        kind="erasure",
        country="US",
        state="CA",
        now=CCPA_RECEIVED_AT,
    )
    return request.request_id


def issue(resources: ActivityResources, request_id: str) -> CompletionRecord:
    completion = CompletionInput(
        request_id=request_id,
        status="completed",
        status_reason="subject key destroyed",
        completed_at_iso=COMPLETED_AT.isoformat(),
    )
    result = CompletionActivities(resources).issue_completion_record(completion)
    return verify_record(Path(result.record_path).read_bytes())


def record_text(resources: ActivityResources, request_id: str) -> str:
    """Return the record page's text with all whitespace runs made single spaces."""
    path = resources.settings.records_dir / f"{request_id}.pdf"
    completed = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return " ".join(completed.stdout.split())


def completion_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        entry.message
        for entry in caplog.records
        if entry.name == "activities.completion" and entry.levelno == logging.WARNING
    ]


def load_row(engine: Engine, request_id: str) -> DataSubjectRequest:
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        return row


def test_extended_record_keeps_original_dates(
    settings: Settings, engine: Engine, vault: Vault
) -> None:
    resources = make_resources(settings, engine, vault)
    request_id = submit_ccpa_erasure(settings, engine, vault)
    extension = ExtensionInput(request_id, requested_by="alice", basis="reasonably_necessary")
    DeadlineActivities(resources).apply_extension(extension)

    record = issue(resources, request_id)
    row = load_row(engine, request_id)

    assert record.extended is True
    assert record.extension_basis == "reasonably_necessary"
    assert record.extended_at == EXTENDED_AT
    # CCPA: 45 days from receipt, extended to 90, neither rolled (Thu 15 Jan 2026).
    assert record.original_legal_limit == date(2026, 3, 1)
    assert record.legal_limit == date(2026, 4, 15)
    assert record.original_due_date == row.original_due_date
    assert record.original_due_date is not None
    assert record.original_due_date < record.due_date
    assert record.due_date == row.due_date
    assert record.extension_notice_by == row.extension_notice_by
    assert record.extension_notice_by is not None


def test_extended_record_page_shows_both_dates(
    settings: Settings, engine: Engine, vault: Vault
) -> None:
    resources = make_resources(settings, engine, vault)
    request_id = submit_ccpa_erasure(settings, engine, vault)
    extension = ExtensionInput(request_id, requested_by="alice", basis="complexity")
    DeadlineActivities(resources).apply_extension(extension)
    issue(resources, request_id)

    text = record_text(resources, request_id)

    assert "Legal limit April 15, 2026" in text
    assert "Original legal limit March 1, 2026" in text
    assert "Extended at February 10, 2026, 5:00:00 PM UTC" in text
    assert "Extension The request is complex (complexity)" in text


def test_record_states_receipt_in_legal_zone(
    settings: Settings, engine: Engine, vault: Vault
) -> None:
    resources = make_resources(settings, engine, vault)
    request_id = submit_ccpa_erasure(settings, engine, vault)

    record = issue(resources, request_id)
    row = load_row(engine, request_id)
    text = record_text(resources, request_id)

    assert record.legal_zone == "America/Los_Angeles"
    assert record.received_on == date(2026, 1, 15)
    assert record.clock_started_on == date(2026, 1, 15)
    assert record.paused_days == 0
    assert record.acknowledge_by == row.acknowledge_by
    assert record.acknowledge_by is not None
    assert record.readings[0] == "receipt date 2026-01-15 taken in America/Los_Angeles"
    assert "Receipt date (legal time zone) January 15, 2026" in text
    assert "Legal time zone America/Los_Angeles" in text
    assert "receipt date 2026-01-15 taken in America/Los_Angeles" in text
    assert "Clock started" not in text


def test_unextended_record_has_no_extension_details(
    settings: Settings, engine: Engine, vault: Vault
) -> None:
    resources = make_resources(settings, engine, vault)
    request_id = submit_ccpa_erasure(settings, engine, vault)

    record = issue(resources, request_id)

    assert record.extended is False
    assert record.extended_at is None
    assert record.original_due_date is None
    assert record.original_legal_limit is None
    # CCPA allows an extension, so its notice deadline is recorded although none was made.
    assert record.extension_notice_by is not None


def test_uk_record_shows_clock_start_and_pause(
    settings: Settings, engine: Engine, vault: Vault
) -> None:
    resources = make_resources(settings, engine, vault)
    # An access request, because UK GDPR stops the clock for a clarification of the scope of
    # an access request.
    request_id = submit_request(
        engine,
        vault,
        settings,
        email="clock@example.co.uk",
        kind="access",
        country="GB",
        now=UK_RECEIVED_AT,
    ).request_id
    deadlines = DeadlineActivities(resources)
    deadlines.start_clock_at_identity(IdentityConfirmation(request_id, UK_IDENTITY_AT.isoformat()))
    pause_at = UK_IDENTITY_AT + timedelta(days=7)  # Wed 1 Apr
    resume_at = pause_at + timedelta(days=9)  # Fri 10 Apr
    deadlines.change_clock(ClockChangeInput(request_id, "carol", "pause", pause_at.isoformat()))
    deadlines.change_clock(ClockChangeInput(request_id, "carol", "resume", resume_at.isoformat()))

    record = issue(resources, request_id)
    text = record_text(resources, request_id)

    assert record.received_on == date(2026, 3, 10)
    assert record.clock_started_on == date(2026, 3, 25)
    # Article 12A excludes the days from the clarification request to its reply, both included.
    assert record.paused_days == 10
    assert record.legal_limit == load_row(engine, request_id).legal_limit
    assert "Clock started March 25, 2026" in text
    assert "Clock paused for a clarification (days) 10" in text


def test_failed_recount_leaves_readings_empty(
    settings: Settings, engine: Engine, vault: Vault, caplog: pytest.LogCaptureFixture
) -> None:
    resources = make_resources(settings, engine, vault)
    request_id = submit_ccpa_erasure(settings, engine, vault)
    # A reply dated before its clarification request, which the legal clock rejects as input.
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        row.clarification_requested = date(2026, 1, 20)
        row.clarification_received = date(2026, 1, 18)
        session.add(row)

    with caplog.at_level(logging.WARNING, logger="activities.completion"):
        record = issue(resources, request_id)

    assert record.readings == []
    assert record.clock_started_on is None
    assert record.paused_days is None
    assert record.received_on == date(2026, 1, 15)
    assert completion_warnings(caplog) == ["record.clock_recount_failed"]


def test_open_pause_keeps_readings(settings: Settings, engine: Engine, vault: Vault) -> None:
    resources = make_resources(settings, engine, vault)
    request_id = submit_ccpa_erasure(settings, engine, vault)
    # Closed while a clarification is still awaited: the pause has not moved any date.
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        row.clarification_requested = date(2026, 1, 20)
        session.add(row)

    record = issue(resources, request_id)

    assert record.readings
    assert record.paused_days == 0


def test_recount_with_other_dates_leaves_readings_empty(
    settings: Settings, engine: Engine, vault: Vault, caplog: pytest.LogCaptureFixture
) -> None:
    resources = make_resources(settings, engine, vault)
    request_id = submit_ccpa_erasure(settings, engine, vault)
    # Stored dates that today's rule does not give, as after a change of clock settings.
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        row.due_date = row.due_date - timedelta(days=1)
        session.add(row)

    with caplog.at_level(logging.WARNING, logger="activities.completion"):
        record = issue(resources, request_id)

    assert record.readings == []
    assert record.due_date == load_row(engine, request_id).due_date
    assert completion_warnings(caplog) == ["record.clock_recount_differs"]
