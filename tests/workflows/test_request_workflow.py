"""DataSubjectRequestWorkflow on the time-skipping test server with the real activities."""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.verification import hash_token
from audit.log import events_for_request
from contract_store.seed import seed_contracts
from database.engine import session_scope
from records.model import CompletionRecord
from records.verify import verify_record
from request_store.models import DataSubjectRequest, VerificationToken
from runtime.worker import build_worker
from settings import Settings
from tests.factories import submit_request
from tests.mailbox import Mailbox, body_of
from vault.errors import DecryptionError
from vault.fields import FieldPlace
from vault.service import Vault
from workflows.messages import (
    ErasureDecision,
    RequestInput,
    RequestProgress,
    VerifiedSignal,
    workflow_id_for,
)
from workflows.request import DataSubjectRequestWorkflow

TOKEN_PATTERN = re.compile(r"/verify/([A-Za-z0-9_\-]+)")
HISTORIES = Path(__file__).parent / "histories"


async def keep_history(handle: WorkflowHandle[Any, Any], name: str) -> None:
    """Save the history for the replay test when DSRFLOW_RECORD_HISTORIES=1 is set.

    Recorded once per workflow change that is meant to be compatible; the replay test then
    proves that running workflows survive later changes.
    """
    if os.environ.get("DSRFLOW_RECORD_HISTORIES") != "1":
        return
    HISTORIES.mkdir(exist_ok=True)
    history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())


@pytest.fixture
async def client(
    time_skipping_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[Client]:
    with ThreadPoolExecutor(max_workers=8) as executor:
        worker = build_worker(time_skipping_env.client, settings, engine, executor)
        async with worker:
            yield time_skipping_env.client


async def start(
    client: Client, settings: Settings, request: RequestInput
) -> WorkflowHandle[Any, Any]:
    return await client.start_workflow(
        DataSubjectRequestWorkflow.run,
        request,
        id=workflow_id_for(request.request_id),
        task_queue=settings.task_queue,
    )


async def verify_from_email(
    mailbox: Mailbox, address: str, handle: WorkflowHandle[Any, Any]
) -> str:
    messages = await asyncio.to_thread(mailbox.wait_for, address)
    match = TOKEN_PATTERN.search(body_of(messages[0]))
    assert match is not None, "verification email has no link"
    await handle.signal("verified", VerifiedSignal())
    return match.group(1)


async def wait_for_stage(handle: WorkflowHandle[Any, Any], stage: str) -> None:
    for _ in range(200):
        progress = await handle.query("progress", result_type=RequestProgress)
        if progress.stage == stage:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"workflow never reached stage {stage}")


async def verified_record(path: str | None) -> CompletionRecord:
    # pyHanko's validation runs its own event loop, so it cannot run on the test's loop.
    assert path is not None
    return await asyncio.to_thread(verify_record, Path(path).read_bytes())


def seeded_person(engine: Engine, vault: Vault) -> tuple[str, str]:
    summary = seed_contracts(engine, vault, 30, seed=7, now=datetime.now(UTC))
    person = max(summary.people, key=lambda p: p.contract_count)
    return person.email, person.full_name


async def test_access_request_completes(
    client: Client, settings: Settings, engine: Engine, vault: Vault, mailbox: Mailbox
) -> None:
    email, name = seeded_person(engine, vault)
    request = submit_request(engine, vault, settings, email=email, name=name, kind="access")
    handle = await start(client, settings, request)

    token = await verify_from_email(mailbox, email, handle)
    result = await handle.result()
    await keep_history(handle, "access")

    assert result.status == "completed"
    record = await verified_record(result.record_path)
    assert record.kind == "access"
    assert record.stores[0].outcome == "data_found"
    ready = mailbox.wait_for(email, count=2)[1]
    assert f"/requests/{request.request_id}/export?token={token}" in body_of(ready)
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request.request_id)
        assert row is not None
        assert row.status == "completed"
        assert session.get(VerificationToken, hash_token(token)) is not None


async def test_unverified_request_closes(
    client: Client, settings: Settings, engine: Engine, vault: Vault, mailbox: Mailbox
) -> None:
    request = submit_request(engine, vault, settings, email="late@example.com", kind="access")
    handle = await start(client, settings, request)

    result = await handle.result()
    await keep_history(handle, "unverified")

    assert result.status == "closed_unverified"
    record = await verified_record(result.record_path)
    assert "not verified" in record.status_reason
    messages = mailbox.wait_for("late@example.com", count=2)
    assert len(messages) == 2


async def test_erasure_waits_for_approval(
    client: Client, settings: Settings, engine: Engine, vault: Vault, mailbox: Mailbox
) -> None:
    email, name = seeded_person(engine, vault)
    request = submit_request(engine, vault, settings, email=email, name=name, kind="erasure")
    handle = await start(client, settings, request)

    with pytest.raises(WorkflowUpdateFailedError) as early:
        await handle.execute_update("decide_erasure", ErasureDecision("approve", "alice"))
    assert "not awaiting an erasure decision" in str(early.value.cause)

    await verify_from_email(mailbox, email, handle)
    await wait_for_stage(handle, "awaiting_approval")
    with pytest.raises(WorkflowUpdateFailedError) as no_reason:
        await handle.execute_update("decide_erasure", ErasureDecision("deny", "alice", "why"))
    assert "needs a legal basis" in str(no_reason.value.cause)

    await handle.execute_update("decide_erasure", ErasureDecision("approve", "alice"))
    with pytest.raises(WorkflowUpdateFailedError) as twice:
        await handle.execute_update(
            "decide_erasure", ErasureDecision("deny", "bob", "legal_claims")
        )
    assert "already decided (approve)" in str(twice.value.cause)
    result = await handle.result()
    await keep_history(handle, "erasure_approved")

    assert result.status == "completed"
    record = await verified_record(result.record_path)
    assert record.approvals[0].decided_by == "alice"
    assert len(record.destroyed_keys) == 1
    assert record.stores[0].outcome == "erased_by_key_destruction"
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request.request_id)
        assert row is not None
        with pytest.raises(DecryptionError):
            vault.decrypt(
                session,
                row.key_id,
                FieldPlace("data_subject_request", "email", row.id),
                row.email_ciphertext,
            )
        assert vault.find_subject(session, email) is None
        events = [event.event for event in events_for_request(session, row.id)]
    assert "erasure.approved" in events
    assert "vault.key_destroyed" in events


async def test_erasure_denied_keeps_key(
    client: Client, settings: Settings, engine: Engine, vault: Vault, mailbox: Mailbox
) -> None:
    request = submit_request(engine, vault, settings, email="keep@example.com", kind="erasure")
    handle = await start(client, settings, request)
    await verify_from_email(mailbox, "keep@example.com", handle)
    await wait_for_stage(handle, "awaiting_approval")
    note = "Legal hold on the Keeper framework agreement"
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request.request_id)
        assert row is not None
        place = FieldPlace("data_subject_request", "decision_note", row.id)
        row.decision_note_ciphertext = vault.encrypt(session, row.key_id, place, note)
        session.add(row)

    await handle.execute_update("decide_erasure", ErasureDecision("deny", "bob", "legal_claims"))
    result = await handle.result()
    await keep_history(handle, "erasure_denied")

    assert result.status == "denied"
    denial = mailbox.wait_for("keep@example.com", count=2)[1]
    assert note in body_of(denial)
    record = await verified_record(result.record_path)
    assert record.exemptions == ["legal_claims"]
    assert "Keeper" not in (await handle.fetch_history()).to_json()
    with Session(engine) as session:
        assert vault.find_subject(session, "keep@example.com") is not None


async def test_opt_out_flags_subject(
    client: Client, settings: Settings, engine: Engine, vault: Vault, mailbox: Mailbox
) -> None:
    request = submit_request(
        engine,
        vault,
        settings,
        email="optout@example.com",
        kind="opt_out",
        country="US",
        state="CA",
    )
    handle = await start(client, settings, request)
    await verify_from_email(mailbox, "optout@example.com", handle)

    result = await handle.result()
    await keep_history(handle, "opt_out")

    assert result.status == "completed"
    with Session(engine) as session:
        subject = vault.find_subject(session, "optout@example.com")
        assert subject is not None
        assert subject.opted_out_at is not None


async def test_history_has_no_personal_data(
    client: Client, settings: Settings, engine: Engine, vault: Vault, mailbox: Mailbox
) -> None:
    marker = uuid.uuid4().hex[:8]
    email = f"history-{marker}@example.org"
    name = f"Zoë {marker} Müller"
    request = submit_request(engine, vault, settings, email=email, name=name, kind="access")
    handle = await start(client, settings, request)
    await verify_from_email(mailbox, email, handle)
    await handle.result()

    history = await handle.fetch_history()
    dumped = history.to_json()
    assert marker not in dumped
    assert "example.org" not in dumped
