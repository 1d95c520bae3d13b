"""Killing the worker between verification and completion loses nothing and repeats nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from audit.log import events_for_request
from database.engine import make_engine
from database.migrate import upgrade_to_head
from runtime.dev_server import FAST_TRANSFER_QUEUE
from runtime.temporal import installed_binary
from settings import Settings
from tests.conftest import free_port
from tests.factories import submit_request
from tests.mailbox import Mailbox, start_mailbox
from vault.models import LedgerEntry
from vault.service import Vault
from workflows.messages import ErasureDecision, RequestProgress, VerifiedSignal, workflow_id_for
from workflows.request import DataSubjectRequestWorkflow

pytestmark = pytest.mark.devserver


@pytest.fixture
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(installed_binary("temporal")),
        dev_server_extra_args=["--dynamic-config-value", FAST_TRANSFER_QUEUE],
    )
    yield env
    await env.shutdown()


@pytest.fixture
def local_mailbox() -> Iterator[tuple[Mailbox, int]]:
    port = free_port()
    mailbox, controller = start_mailbox(port)
    yield mailbox, port
    controller.stop()


def start_worker(environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


async def wait_for_stage(client: Client, workflow_id: str, stage: str) -> None:
    handle = client.get_workflow_handle(workflow_id)
    for _ in range(600):
        progress = await handle.query("progress", result_type=RequestProgress)
        if progress.stage == stage:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"workflow never reached {stage}")


async def test_killed_worker_completes_once(
    tmp_path: Path, dev_env: WorkflowEnvironment, local_mailbox: tuple[Mailbox, int]
) -> None:
    mailbox, smtp_port = local_mailbox
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",
        temporal_address=dev_env.client.service_client.config.target_host,
        smtp_port=smtp_port,
        mail_sink=False,
        task_queue="restart-test",
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DSRFLOW_")}
    environment.update(
        {
            "DSRFLOW_ENVIRONMENT": "test",
            "DSRFLOW_DATA_DIR": str(settings.data_dir),
            "DSRFLOW_TEMPORAL_ADDRESS": settings.temporal_address,
            "DSRFLOW_SMTP_PORT": str(smtp_port),
            "DSRFLOW_MAIL_SINK": "false",
            "DSRFLOW_TASK_QUEUE": settings.task_queue,
        }
    )
    upgrade_to_head(settings.resolved_database_url)
    engine: Engine = make_engine(settings.resolved_database_url)
    vault = Vault.from_settings(settings, engine)
    request = submit_request(engine, vault, settings, email="restart@example.com", kind="erasure")
    client = dev_env.client
    handle = await client.start_workflow(
        DataSubjectRequestWorkflow.run,
        request,
        id=workflow_id_for(request.request_id),
        task_queue=settings.task_queue,
    )

    worker = start_worker(environment, tmp_path / "worker.log")
    await asyncio.to_thread(mailbox.wait_for, "restart@example.com")
    await handle.signal("verified", VerifiedSignal())
    await wait_for_stage(client, handle.id, "awaiting_approval")
    worker.send_signal(signal.SIGKILL)
    worker.wait()

    restarted = start_worker(environment, tmp_path / "worker.log")
    try:
        await handle.execute_update("decide_erasure", ErasureDecision("approve", "carol"))
        result = await asyncio.wait_for(handle.result(), timeout=120)
    finally:
        restarted.send_signal(signal.SIGINT)
        restarted.wait(timeout=30)

    assert result.status == "completed"
    records = list((settings.records_dir).glob("*.pdf"))
    assert len(records) == 1
    with Session(engine) as session:
        events = [e.event for e in events_for_request(session, request.request_id)]
        ledger = session.exec(select(LedgerEntry)).all()
    assert events.count("request.completed") == 1
    assert events.count("vault.key_destroyed") == 1
    assert len(ledger) == 1
    engine.dispose()
