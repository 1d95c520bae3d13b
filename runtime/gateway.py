"""The API's only path into Temporal: start a request, report verification, send decisions."""

from __future__ import annotations

from typing import Protocol, TypeVar

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import FailureError

from workflows.messages import (
    ClockChange,
    ClockChangeResult,
    DeadlineExtension,
    DeadlineExtensionResult,
    ErasureDecision,
    ErasureDecisionResult,
    RequestInput,
    VerifiedSignal,
    workflow_id_for,
)

ResultT = TypeVar("ResultT")


class DecisionRejectedError(Exception):
    """The workflow's validator rejected an erasure decision; its message gives the reason."""


class ExtensionRejectedError(Exception):
    """The workflow's validator rejected a deadline change (an extension, a pause or a
    resumption); its message gives the reason."""


class RequestGateway(Protocol):
    async def start_request(self, request: RequestInput) -> None: ...

    async def report_verified(self, request_id: str, signal: VerifiedSignal) -> None: ...

    async def decide_erasure(
        self, request_id: str, decision: ErasureDecision
    ) -> ErasureDecisionResult: ...

    async def extend_deadline(
        self, request_id: str, extension: DeadlineExtension
    ) -> DeadlineExtensionResult: ...

    async def change_clock(self, request_id: str, change: ClockChange) -> ClockChangeResult: ...


class TemporalGateway:
    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue

    async def start_request(self, request: RequestInput) -> None:
        # Imported here so the API process does not load the workflow module at import time.
        from workflows.request import DataSubjectRequestWorkflow

        await self.client.start_workflow(
            DataSubjectRequestWorkflow.run,
            request,
            id=workflow_id_for(request.request_id),
            task_queue=self.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )

    async def report_verified(self, request_id: str, signal: VerifiedSignal) -> None:
        handle = self.client.get_workflow_handle(workflow_id_for(request_id))
        await handle.signal("verified", signal)

    async def decide_erasure(
        self, request_id: str, decision: ErasureDecision
    ) -> ErasureDecisionResult:
        return await self._update(
            request_id, "decide_erasure", decision, ErasureDecisionResult, DecisionRejectedError
        )

    async def extend_deadline(
        self, request_id: str, extension: DeadlineExtension
    ) -> DeadlineExtensionResult:
        return await self._update(
            request_id,
            "extend_deadline",
            extension,
            DeadlineExtensionResult,
            ExtensionRejectedError,
        )

    async def change_clock(self, request_id: str, change: ClockChange) -> ClockChangeResult:
        return await self._update(
            request_id, "change_clock", change, ClockChangeResult, ExtensionRejectedError
        )

    async def _update(
        self,
        request_id: str,
        name: str,
        argument: object,
        result_type: type[ResultT],
        rejected: type[Exception],
    ) -> ResultT:
        """Run a workflow update; a validator's rejection becomes ``rejected`` with its message."""
        handle = self.client.get_workflow_handle(workflow_id_for(request_id))
        try:
            result: ResultT = await handle.execute_update(name, argument, result_type=result_type)
            return result
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            message = cause.message if isinstance(cause, FailureError) else str(error)
            raise rejected(message) from error
