"""Recorded histories replay against the current workflow code.

A change that would break requests already running fails here. Files ending in ``-vN`` were
recorded by earlier workflow versions and must keep replaying; the others are the current
version's. To add a version: rename the current files to the next ``-vN`` and run
``DSRFLOW_RECORD_HISTORIES=1 pytest tests/workflows/test_request_workflow.py -k sqlite``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.messages import RequestInput, RequestResult
from workflows.request import DataSubjectRequestWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"dsr-{path.stem}", path.read_text())


@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_history_replays(path: Path) -> None:
    replayer = Replayer(workflows=[DataSubjectRequestWorkflow])
    await replayer.replay_workflow(load(path))


@workflow.defn(name="DataSubjectRequestWorkflow")
class ReorderedWorkflow:
    """Skips the verification email: the kind of change replay must catch."""

    @workflow.run
    async def run(self, request: RequestInput) -> RequestResult:
        await workflow.execute_activity(
            "discover_subject_data",
            request.request_id,
            start_to_close_timeout=timedelta(minutes=1),
        )
        return RequestResult(request.request_id, "completed")


async def test_incompatible_change_fails_replay() -> None:
    assert HISTORIES, "no recorded histories found"
    replayer = Replayer(workflows=[ReorderedWorkflow])
    with pytest.raises(workflow.NondeterminismError):
        await replayer.replay_workflow(load(HISTORIES[0]))
