"""The signed completion record that closes every request."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from temporalio import activity

from activities.deadlines import deadline_met
from activities.lookup import load_request
from activities.messages import CompletionInput, CompletionResult
from activities.resources import ActivityResources
from audit.log import chain_head, record_event
from database.engine import session_scope
from legal_clock.deadlines import Deadlines, compute_deadlines
from legal_clock.instants import local_date
from legal_clock.settings import ClockSettings
from records.issue import issue_record
from records.model import Approval, CompletionRecord, LedgerReference, StoreOutcome
from request_store.clock_input import clock_input_for
from request_store.models import DataSubjectRequest

logger = logging.getLogger(__name__)


class CompletionActivities:
    def __init__(self, resources: ActivityResources) -> None:
        self.resources = resources

    @activity.defn(name="issue_completion_record")
    def issue_completion_record(self, completion: CompletionInput) -> CompletionResult:
        """Render, sign and store the record, then close the request; once per request."""
        resources = self.resources
        # Deadlines run on the workflow's clock, which differs from the wall clock on a test
        # server that skips time. Workflows older than that field fall back to the wall clock.
        if completion.completed_at_iso:
            now = datetime.fromisoformat(completion.completed_at_iso)
        else:
            now = resources.clock()

        with session_scope(resources.engine) as session:
            request = load_request(session, completion.request_id)
            if request.record_path and request.record_sha256 and Path(request.record_path).exists():
                return CompletionResult(request.record_path, request.record_sha256)
            record = _build_record(
                request, completion, chain_head(session), now, resources.settings.controller_name
            )

        issued = issue_record(
            record,
            resources.signing_identity,
            resources.template_dir,
            resources.settings.records_dir,
        )

        with session_scope(resources.engine) as session:
            request = load_request(session, completion.request_id)
            request.status = completion.status
            request.status_reason = completion.status_reason
            request.completed_at = now
            request.record_path = str(issued.path)
            request.record_sha256 = issued.sha256
            session.add(request)
            record_event(
                session,
                at=now,
                request_id=request.id,
                actor="workflow",
                event="request.completed",
                detail={"status": completion.status, "record_sha256": issued.sha256},
            )
        logger.info("record.issued", extra={"request_id": completion.request_id})
        return CompletionResult(str(issued.path), issued.sha256)


def _build_record(
    request: DataSubjectRequest,
    completion: CompletionInput,
    audit_head: str,
    now: datetime,
    controller: str,
) -> CompletionRecord:
    recount = _recount_clock(request)
    extended = request.extended_at is not None
    return CompletionRecord(
        request_id=request.id,
        kind=request.kind,
        regime=request.regime,
        rule=request.rule,
        status=completion.status,
        status_reason=completion.status_reason,
        controller=controller,
        received_at=request.received_at,
        verified_at=request.verified_at,
        due_date=request.due_date,
        completed_at=now,
        stores=[StoreOutcome(s.store, s.outcome, s.detail) for s in completion.stores],
        destroyed_keys=[
            LedgerReference(k.key_id, k.sequence, k.entry_hash) for k in completion.destroyed_keys
        ],
        approvals=[
            Approval(a.decision, a.decided_by, datetime.fromisoformat(a.decided_at_iso), a.reason)
            for a in completion.approvals
        ],
        exemptions=list(completion.exemptions),
        audit_chain_head=audit_head,
        locale=request.locale,
        legal_limit=request.legal_limit,
        internal_due_met=_met(request.due_date, request, now),
        legal_limit_met=_met(request.legal_limit, request, now),
        extended=extended,
        extension_basis=request.extension_basis,
        received_on=_local_receipt_date(request),
        legal_zone=request.legal_zone,
        clock_started_on=recount.start if recount is not None else None,
        paused_days=recount.paused_days if recount is not None else None,
        extension_notice_by=request.extension_notice_by,
        acknowledge_by=request.acknowledge_by,
        readings=list(recount.readings) if recount is not None else [],
        extended_at=request.extended_at,
        # Original dates belong to an extension, and a record without one rejects them.
        original_due_date=request.original_due_date if extended else None,
        original_legal_limit=request.original_legal_limit if extended else None,
    )


def _local_receipt_date(request: DataSubjectRequest) -> date | None:
    # Requests stored before the legal clock have no legal zone, and a date taken in a
    # guessed zone would state a receipt date the rule never used.
    if request.legal_zone is None:
        return None
    return local_date(request.received_at, request.legal_zone)


def _recount_clock(request: DataSubjectRequest) -> Deadlines | None:
    """Count the request's clock again to name the readings behind its stored dates.

    Returns None when the count fails or gives dates other than the stored ones, and the
    record then lists no readings. Other dates mean that the clock settings or the rule
    records changed after the dates were set, so the readings would describe another count.
    """
    try:
        recount = compute_deadlines(clock_input_for(request), ClockSettings())
    except ValueError as error:
        # ClockInputError is a ValueError, and compute_deadlines lets the ValueErrors of the
        # rule, place and zone modules through too. The record is still issued without them.
        logger.warning(
            "record.clock_recount_failed",
            extra={"request_id": request.id, "error": error.__class__.__name__},
        )
        return None

    stored = (request.due_date, request.legal_limit)
    if (recount.internal_due, recount.legal_limit) != stored:
        logger.warning("record.clock_recount_differs", extra={"request_id": request.id})
        return None
    return recount


def _met(day: date | None, request: DataSubjectRequest, completed_at: datetime) -> bool | None:
    # A request closed because identity was never verified met no deadline, nor missed one.
    if request.status == "closed_unverified":
        return None
    return deadline_met(day, request.legal_zone, completed_at)
