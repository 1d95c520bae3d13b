"""Sending a privacy-team decision on an erasure to its workflow, shared by portal and API."""

from __future__ import annotations

import logging

from request_store.models import DataSubjectRequest, RequestStatus
from runtime.gateway import RequestGateway
from workflows.messages import ErasureDecision, ErasureDecisionResult

logger = logging.getLogger(__name__)

DECISIONS = frozenset({"approve", "deny"})
MAX_REASON_LENGTH = 1000


class DecisionInvalidError(ValueError):
    """The decision cannot be sent as given. The message states what to change."""


class NotAwaitingApprovalError(DecisionInvalidError):
    """The request is not in the state where a decision can be made."""


def check_decision(row: DataSubjectRequest, decision: str, reason: str) -> str:
    """Return the stripped reason, or raise DecisionInvalidError before anything is sent."""
    if row.status != RequestStatus.AWAITING_APPROVAL:
        raise NotAwaitingApprovalError(
            f"request {row.id} is {row.status}, not awaiting approval; no decision can be made"
        )
    if decision not in DECISIONS:
        raise DecisionInvalidError("decision must be 'approve' or 'deny'")
    reason = reason.strip()
    if decision == "deny" and not reason:
        raise DecisionInvalidError("a denial needs a reason: it is sent to the data subject")
    if len(reason) > MAX_REASON_LENGTH:
        raise DecisionInvalidError(
            f"the reason is too long: at most {MAX_REASON_LENGTH} characters"
        )
    return reason


async def send_decision(
    gateway: RequestGateway, row: DataSubjectRequest, decision: str, reason: str, username: str
) -> ErasureDecisionResult:
    """Validate the decision and send it to the request's workflow as an update.

    Raises DecisionInvalidError, or DecisionRejectedError when the workflow's validator
    rejects the update.
    """
    # NOTE: no audit event is written here; the workflow's activities are expected to record
    # the decision together with ``decided_by``.
    reason = check_decision(row, decision, reason)
    result = await gateway.decide_erasure(
        row.id, ErasureDecision(decision=decision, decided_by=username, reason=reason)
    )
    logger.info(
        "erasure.decision_sent",
        extra={"request_id": row.id, "decision": decision, "accepted": result.accepted},
    )
    return result
