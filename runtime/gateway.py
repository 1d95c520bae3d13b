"""The API's only path into Temporal: start a request, report verification, send decisions."""

from __future__ import annotations

from typing import Protocol

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
        handle = self.client.get_workflow_handle(workflow_id_for(request_id))
        try:
            result: ErasureDecisionResult = await handle.execute_update(
                "decide_erasure", decision, result_type=ErasureDecisionResult
            )
            return result
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            message = cause.message if isinstance(cause, FailureError) else str(error)
            raise DecisionRejectedError(message) from error

    async def extend_deadline(
        self, request_id: str, extension: DeadlineExtension
    ) -> DeadlineExtensionResult:
        handle = self.client.get_workflow_handle(workflow_id_for(request_id))
        try:
            result: DeadlineExtensionResult = await handle.execute_update(
                "extend_deadline", extension, result_type=DeadlineExtensionResult
            )
            return result
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            message = cause.message if isinstance(cause, FailureError) else str(error)
            raise ExtensionRejectedError(message) from error

    async def change_clock(self, request_id: str, change: ClockChange) -> ClockChangeResult:
        handle = self.client.get_workflow_handle(workflow_id_for(request_id))
        try:
            result: ClockChangeResult = await handle.execute_update(
                "change_clock", change, result_type=ClockChangeResult
            )
            return result
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            message = cause.message if isinstance(cause, FailureError) else str(error)
            raise ExtensionRejectedError(message) from error
