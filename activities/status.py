"""Request status changes and erasure decisions, each written to the audit log."""

from __future__ import annotations

import logging

from temporalio import activity

from activities.lookup import load_request
from activities.messages import DecisionRecordInput, StatusInput
from activities.resources import ActivityResources
from audit.log import record_event
from database.engine import session_scope

logger = logging.getLogger(__name__)


class StatusActivities:
    def __init__(self, resources: ActivityResources) -> None:
        self.resources = resources

    @activity.defn(name="update_request_status")
    def update_request_status(self, change: StatusInput) -> None:
        now = self.resources.clock()
        with session_scope(self.resources.engine) as session:
            request = load_request(session, change.request_id)
            if request.status == change.status:
                return  # a retried attempt already wrote this change
            previous = request.status
            request.status = change.status
            request.status_reason = change.reason
            session.add(request)
            record_event(
                session,
                at=now,
                request_id=request.id,
                actor="workflow",
                event=change.event,
                detail={"from": previous, "to": change.status, "reason": change.reason},
            )
        logger.info(
            "request.status", extra={"request_id": change.request_id, "status": change.status}
        )

    @activity.defn(name="record_erasure_decision")
    def record_erasure_decision(self, decision: DecisionRecordInput) -> None:
        now = self.resources.clock()
        with session_scope(self.resources.engine) as session:
            request = load_request(session, decision.request_id)
            request.status = "in_progress"
            session.add(request)
            record_event(
                session,
                at=now,
                request_id=request.id,
                actor=f"portal:{decision.decided_by}",
                event="erasure.approved" if decision.decision == "approve" else "erasure.denied",
                detail={
                    "decision": decision.decision,
                    "basis": decision.reason,
                    "has_note": request.decision_note_ciphertext is not None,
                },
            )
