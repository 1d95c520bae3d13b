"""The legal clock runs inside the Temporal workflow sandbox on the time-skipping server."""

from __future__ import annotations

import uuid

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.legal_clock.sandbox_workflow import DeadlineProbeWorkflow


async def test_deadlines_in_workflow_sandbox(time_skipping_env: WorkflowEnvironment) -> None:
    task_queue = f"legal-clock-{uuid.uuid4()}"
    async with Worker(
        time_skipping_env.client, task_queue=task_queue, workflows=[DeadlineProbeWorkflow]
    ):
        result = await time_skipping_env.client.execute_workflow(
            DeadlineProbeWorkflow.run,
            args=["gdpr", "2026-05-04T08:00:00+00:00", "BY"],
            id=f"legal-clock-{uuid.uuid4()}",
            task_queue=task_queue,
        )
    assert result[0] == "2026-06-04"
    assert result[1] == "2026-06-05"
    # The test server's clock is the present, long after May 2026.
    assert result[2] == "False"
