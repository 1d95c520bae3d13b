"""DataSubjectRequestWorkflow: one data-subject request from receipt to signed completion record."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.messages import (
        ApprovalEntry,
        ClockChangeInput,
        CompletionInput,
        CompletionResult,
        DeadlinePlan,
        DecisionRecordInput,
        DestructionResult,
        DiscoveryResult,
        ExportResult,
        ExtensionInput,
        IdentityConfirmation,
        NotificationInput,
        OptOutResult,
        RequestRef,
        StatusInput,
        StoreEntry,
        VerificationInput,
    )
    from workflows.deadline_events import pending_events
    from workflows.messages import (
        DENIAL_BASES,
        EXTENSION_BASES,
        ClockChange,
        ClockChangeResult,
        DeadlineExtension,
        DeadlineExtensionResult,
        ErasureDecision,
        ErasureDecisionResult,
        RequestInput,
        RequestProgress,
        RequestResult,
        VerifiedSignal,
    )

ResultT = TypeVar("ResultT")
LEGAL_CLOCK_PATCH = "legal-clock"
IDENTITY_START_PATCH = "identity-start"
CLOSE_PAUSE_PATCH = "close-pause-at-completion"

CONTRACT_STORE = "contract_store"
DECISIONS = frozenset({"approve", "deny"})

# Activities reach SQLite, files and SMTP: retry transient failures for a long time, since a
# request may not be dropped, but back off so a broken mail server is not hammered.
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
)
ACTIVITY_TIMEOUT = timedelta(minutes=2)


@workflow.defn
class DataSubjectRequestWorkflow:
    def __init__(self) -> None:
        self._verified = False
        self._awaiting_decision = False
        self._decision: ErasureDecision | None = None
        self._decided_at_iso = ""
        self._stage = "received"
        self._steps: list[str] = []
        self._request: RequestInput | None = None
        self._plan: DeadlinePlan | None = None
        self._plan_set_at: datetime | None = None
        self._plan_version = 0
        self._finished = False
        self._clock_paused_once = False

    @workflow.run
    async def run(self, request: RequestInput) -> RequestResult:
        self._request = request
        watch: asyncio.Task[None] | None = None
        # Histories recorded before the legal clock have no deadline plan; the patch marker
        # keeps them replaying on the old path.
        if workflow.patched(LEGAL_CLOCK_PATCH):
            await self._start_clock(request)
            watch = asyncio.create_task(self._watch_deadlines(request))

        try:
            result = await self._answer(request)
        finally:
            self._finished = True
        if watch is not None:
            await watch
        await workflow.wait_condition(workflow.all_handlers_finished)
        return result

    async def _answer(self, request: RequestInput) -> RequestResult:
        if request.verification_required:
            if not await self._verify(request):
                return await self._close_unverified(request)
            await self._start_clock_at_identity(request)

        await self._set_status(request, "in_progress", "request.processing_started")
        discovery = await self._call(
            "discover_subject_data", RequestRef(request.request_id), DiscoveryResult
        )
        stores = [_discovery_outcome(discovery)]

        if request.kind == "access":
            return await self._answer_access(request, stores)
        if request.kind == "erasure":
            return await self._answer_erasure(request, stores)
        if request.kind == "opt_out":
            return await self._answer_opt_out(request, stores)
        raise ApplicationError(f"unknown request kind {request.kind!r}", non_retryable=True)

    @workflow.signal(name="verified")
    def mark_verified(self, _signal: VerifiedSignal) -> None:
        self._verified = True

    @workflow.update(name="decide_erasure")
    async def decide_erasure(self, decision: ErasureDecision) -> ErasureDecisionResult:
        self._decision = decision
        self._decided_at_iso = workflow.now().isoformat()
        return ErasureDecisionResult(accepted=True, decision=decision.decision)

    @decide_erasure.validator
    def _validate_decision(self, decision: ErasureDecision) -> None:
        if self._decision is not None:
            raise ApplicationError(
                f"this erasure was already decided ({self._decision.decision}); "
                "a second decision is not accepted"
            )
        if not self._awaiting_decision:
            raise ApplicationError(
                f"this request is not awaiting an erasure decision (stage: {self._stage})"
            )
        if decision.decision not in DECISIONS:
            raise ApplicationError(
                f"decision must be 'approve' or 'deny', not {decision.decision!r}"
            )
        if not decision.decided_by.strip():
            raise ApplicationError("decided_by must name the staff member who decided")
        if decision.decision == "deny" and decision.basis not in DENIAL_BASES:
            allowed = ", ".join(sorted(DENIAL_BASES))
            raise ApplicationError(
                f"a denial needs a legal basis, one of: {allowed} (got {decision.basis!r})"
            )

    @workflow.update(name="extend_deadline")
    async def extend_deadline(self, extension: DeadlineExtension) -> DeadlineExtensionResult:
        request = self._request
        assert request is not None
        plan = await self._call(
            "apply_extension",
            ExtensionInput(request.request_id, extension.requested_by, extension.basis),
            DeadlinePlan,
        )
        self._set_plan(plan)
        await self._notify(request, "extension_notice")
        return DeadlineExtensionResult(plan.internal_due, plan.legal_limit)

    @extend_deadline.validator
    def _validate_extension(self, extension: DeadlineExtension) -> None:
        plan = self._plan
        if plan is None:
            raise ApplicationError("this request has no deadline plan, so it cannot be extended")
        if self._finished:
            raise ApplicationError("this request is closed; its deadline can no longer change")
        request = self._request
        if request is not None and request.verification_required and not self._verified:
            raise ApplicationError(
                "the requester has not confirmed the email address yet; extend after "
                "verification, so that the notice goes to a confirmed address"
            )
        if plan.paused:
            raise ApplicationError(
                "the clock is paused for a clarification; resume it before extending"
            )
        if plan.extended:
            raise ApplicationError(
                f"the deadline was already extended (legal limit {plan.legal_limit}); "
                "the law allows one extension"
            )
        if not plan.extension_notice_at:
            raise ApplicationError("this regime allows no extension for this kind of request")
        if workflow.now() >= datetime.fromisoformat(plan.extension_notice_at):
            raise ApplicationError(
                "the first period has ended, and an extension must be notified to the subject "
                f"within it (until {plan.extension_notice_at})"
            )
        allowed_bases = plan.extension_bases or sorted(EXTENSION_BASES)
        if extension.basis not in allowed_bases:
            allowed = ", ".join(sorted(allowed_bases))
            raise ApplicationError(
                f"an extension under this regime needs a basis, one of: {allowed} "
                f"(got {extension.basis!r})"
            )
        if not extension.requested_by.strip():
            raise ApplicationError("requested_by must name the staff member who extended")

    @workflow.update(name="change_clock")
    async def change_clock(self, change: ClockChange) -> ClockChangeResult:
        request = self._request
        assert request is not None
        plan = await self._call(
            "change_clock",
            ClockChangeInput(
                request.request_id, change.requested_by, change.action, workflow.now().isoformat()
            ),
            DeadlinePlan,
        )
        self._set_plan(plan)
        return ClockChangeResult(plan.paused, plan.internal_due, plan.legal_limit)

    @change_clock.validator
    def _validate_clock_change(self, change: ClockChange) -> None:
        plan = self._plan
        if plan is None or self._finished:
            raise ApplicationError("this request has no running clock to pause or resume")
        if not plan.pausable:
            raise ApplicationError(
                "a clarification stops the clock only for UK GDPR access requests "
                "(Art. 12A), not for this request"
            )
        if change.action == "pause" and (plan.paused or self._clock_paused_once):
            raise ApplicationError("the clock was already paused once for a clarification")
        if change.action == "pause" and workflow.now() >= datetime.fromisoformat(
            plan.legal_limit_at
        ):
            raise ApplicationError(
                f"the legal limit ({plan.legal_limit}) has passed; a clarification can no "
                "longer stop the clock"
            )
        if change.action == "resume" and not plan.paused:
            raise ApplicationError("the clock is not paused, so there is nothing to resume")
        if change.action not in ("pause", "resume"):
            raise ApplicationError(f"action must be 'pause' or 'resume', not {change.action!r}")
        if not change.requested_by.strip():
            raise ApplicationError("requested_by must name the staff member")

    @workflow.query(name="progress")
    def progress(self) -> RequestProgress:
        decision = self._decision.decision if self._decision else None
        return RequestProgress(self._stage, self._verified, decision, list(self._steps))

    async def _start_clock(self, request: RequestInput) -> None:
        plan = await self._call("plan_deadlines", RequestRef(request.request_id), DeadlinePlan)
        self._set_plan(plan)
        if plan.acknowledgement_required:
            await self._notify(request, "acknowledgement")

    async def _start_clock_at_identity(self, request: RequestInput) -> None:
        # Histories recorded before this step go straight on to the status update.
        if self._plan is None or not workflow.patched(IDENTITY_START_PATCH):
            return
        plan = await self._call(
            "start_clock_at_identity",
            IdentityConfirmation(request.request_id, workflow.now().isoformat()),
            DeadlinePlan,
        )
        self._set_plan(plan)

    def _set_plan(self, plan: DeadlinePlan) -> None:
        self._clock_paused_once = self._clock_paused_once or plan.paused
        self._plan = plan
        self._plan_set_at = workflow.now()
        self._plan_version += 1

    async def _watch_deadlines(self, request: RequestInput) -> None:
        """Send reminders and escalations at their instants until the request closes."""
        fired: set[str] = set()
        while not self._finished:
            assert self._plan is not None and self._plan_set_at is not None
            events = pending_events(self._plan, fired, self._plan_set_at)
            version = self._plan_version
            if not events:
                await workflow.wait_condition(partial(self._should_rechoose, version))
                continue

            event = events[0]
            delay = event.at - workflow.now()
            if delay > timedelta(0):
                try:
                    await workflow.wait_condition(
                        partial(self._should_rechoose, version), timeout=delay
                    )
                    continue  # closed, or the plan moved: choose again
                except TimeoutError:
                    pass

            fired.add(event.key)
            await self._call(
                "notify_privacy_team",
                NotificationInput(request.request_id, event.template, reason=event.clock),
                type(None),
            )

    def _should_rechoose(self, version: int) -> bool:
        return self._finished or self._plan_version != version

    async def _verify(self, request: RequestInput) -> bool:
        self._stage = "awaiting_verification"
        window = request.verification_window_seconds
        await self._call(
            "send_verification_email", VerificationInput(request.request_id, window), type(None)
        )
        try:
            await workflow.wait_condition(lambda: self._verified, timeout=timedelta(seconds=window))
        except TimeoutError:
            return False
        return True

    async def _close_unverified(self, request: RequestInput) -> RequestResult:
        reason = "identity was not verified within the verification window"
        await self._set_status(request, "closed_unverified", "request.closed_unverified", reason)
        await self._notify(request, "request_closed_unverified")
        return await self._complete(
            request, CompletionInput(request.request_id, "closed_unverified", reason)
        )

    async def _answer_access(
        self, request: RequestInput, stores: list[StoreEntry]
    ) -> RequestResult:
        export = await self._call(
            "export_subject_data", RequestRef(request.request_id), ExportResult
        )
        stores.append(StoreEntry("access_export", "exported", export.export_id))
        await self._notify(request, "access_ready", export_id=export.export_id)
        return await self._complete(
            request,
            CompletionInput(request.request_id, "completed", "access export delivered", stores),
        )

    async def _answer_erasure(
        self, request: RequestInput, stores: list[StoreEntry]
    ) -> RequestResult:
        approvals: list[ApprovalEntry] = []
        if request.approval_required:
            decision = await self._await_decision(request)
            approvals.append(
                ApprovalEntry(
                    decision.decision, decision.decided_by, self._decided_at_iso, decision.basis
                )
            )
            if decision.decision == "deny":
                await self._notify(request, "erasure_denied", reason=decision.basis)
                return await self._complete(
                    request,
                    CompletionInput(
                        request.request_id,
                        "denied",
                        decision.basis,
                        stores,
                        [],
                        approvals,
                        exemptions=[decision.basis],
                    ),
                )

        # The confirmation goes out before the key is destroyed. Afterwards the subject's
        # email address can no longer be decrypted, so no later message is possible.
        await self._notify(request, "erasure_confirmed")
        destroyed = await self._call(
            "destroy_subject_key", RequestRef(request.request_id), DestructionResult
        )
        # Every store that held the subject's data now holds only undecryptable ciphertext.
        stores = [
            StoreEntry(entry.store, "erased_by_key_destruction", entry.detail)
            if entry.outcome == "data_found"
            else entry
            for entry in stores
        ]
        stores.append(StoreEntry("vault", "subject_key_destroyed", destroyed.key_id))
        return await self._complete(
            request,
            CompletionInput(
                request.request_id,
                "completed",
                "subject key destroyed",
                stores,
                [destroyed],
                approvals,
            ),
        )

    async def _answer_opt_out(
        self, request: RequestInput, stores: list[StoreEntry]
    ) -> RequestResult:
        result = await self._call("record_opt_out", RequestRef(request.request_id), OptOutResult)
        stores.extend(StoreEntry(store, "opted_out", "sale and sharing") for store in result.stores)
        await self._notify(request, "opt_out_done")
        return await self._complete(
            request,
            CompletionInput(
                request.request_id, "completed", "opted out of sale and sharing", stores
            ),
        )

    async def _await_decision(self, request: RequestInput) -> ErasureDecision:
        # Decisions are accepted from here on, even while the status and the team's email
        # are still being written: the portal shows the request as soon as its status changes.
        self._awaiting_decision = True
        await self._set_status(request, "awaiting_approval", "erasure.approval_requested")
        await self._call(
            "notify_privacy_team",
            NotificationInput(request.request_id, "approval_needed"),
            type(None),
        )
        await workflow.wait_condition(lambda: self._decision is not None)
        self._awaiting_decision = False

        decision = self._decision
        assert decision is not None
        await self._call(
            "record_erasure_decision",
            DecisionRecordInput(
                request.request_id, decision.decision, decision.decided_by, decision.basis
            ),
            type(None),
        )
        return decision

    async def _complete(self, request: RequestInput, completion: CompletionInput) -> RequestResult:
        self._stage = "issuing_record"
        await self._close_open_pause(request)
        completion.completed_at_iso = workflow.now().isoformat()
        record = await self._call("issue_completion_record", completion, CompletionResult)
        self._stage = completion.status
        return RequestResult(request.request_id, completion.status, record.record_path)

    async def _close_open_pause(self, request: RequestInput) -> None:
        """End a clarification pause still open when the request is answered.

        The answer ends the clock, so the pause ends with it, and the record then counts it.
        """
        if self._plan is None or not self._plan.paused:
            return
        if not workflow.patched(CLOSE_PAUSE_PATCH):
            return
        plan = await self._call(
            "change_clock",
            ClockChangeInput(request.request_id, "", "resume", workflow.now().isoformat()),
            DeadlinePlan,
        )
        self._set_plan(plan)

    async def _set_status(
        self, request: RequestInput, status: str, event: str, reason: str = ""
    ) -> None:
        self._stage = status
        await self._call(
            "update_request_status",
            StatusInput(request.request_id, status, event, reason),
            type(None),
        )

    async def _notify(
        self, request: RequestInput, template: str, *, export_id: str = "", reason: str = ""
    ) -> None:
        await self._call(
            "notify_subject",
            NotificationInput(request.request_id, template, export_id, reason),
            type(None),
        )

    async def _call(self, activity: str, argument: Any, result_type: type[ResultT]) -> ResultT:
        # Explicit activity ids keep async completion and retries addressable by name.
        result: ResultT = await workflow.execute_activity(
            activity,
            argument,
            result_type=result_type,
            activity_id=f"{activity}-{len(self._steps) + 1}",
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )
        self._steps.append(activity)
        return result


def _discovery_outcome(discovery: DiscoveryResult) -> StoreEntry:
    if not discovery.subject_found:
        return StoreEntry(CONTRACT_STORE, "no_data_found", "")
    counts = ", ".join(
        f"{table}={count}" for table, count in sorted(discovery.records_by_table.items())
    )
    return StoreEntry(CONTRACT_STORE, "data_found", counts)
