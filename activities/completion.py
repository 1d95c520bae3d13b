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
from records.issue import issue_record
from records.model import Approval, CompletionRecord, LedgerReference, StoreOutcome
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
        extended=request.extended_at is not None,
        extension_basis=request.extension_basis,
    )


def _met(day: date | None, request: DataSubjectRequest, completed_at: datetime) -> bool | None:
    # A request closed because identity was never verified met no deadline, nor missed one.
    if request.status == "closed_unverified":
        return None
    return deadline_met(day, request.legal_zone, completed_at)
