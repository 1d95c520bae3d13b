"""Pausing and resuming a request's clock for a scope clarification, for portal and API.

Only regimes whose rule stops the clock while a clarification is awaited (UK GDPR) accept
it. The workflow's validator decides and its activity records the change; nothing is
written here.
"""

from __future__ import annotations

import logging

from request_store.clock_input import pauses_for_clarification
from request_store.models import OPEN_STATUSES, DataSubjectRequest
from runtime.gateway import RequestGateway
from workflows.messages import ClockChange, ClockChangeResult

logger = logging.getLogger(__name__)

ACTIONS = frozenset({"pause", "resume"})


class ClockChangeNotAllowedError(Exception):
    """The request's clock cannot change in its current state; the message gives the reason."""


def next_clock_action(row: DataSubjectRequest) -> str | None:
    """Return the clock change that the request's rule, kind and state allow, if any.

    This check runs before an update is sent, and it leaves the time limits to the workflow's
    validator. ``api.clock_actions`` also applies them when deciding what the portal offers.
    """
    if not pauses_for_clarification(row) or row.status not in OPEN_STATUSES:
        return None
    if row.clarification_requested is None:
        return "pause"
    if row.clarification_received is None:
        return "resume"
    return None


async def send_clock_change(
    gateway: RequestGateway, row: DataSubjectRequest, action: str, username: str
) -> ClockChangeResult:
    """Check the change against the row, then send it to the workflow as an update."""
    if action not in ACTIONS:
        raise ClockChangeNotAllowedError("action must be 'pause' or 'resume'")
    offered = next_clock_action(row)
    if offered != action:
        raise ClockChangeNotAllowedError(
            f"request {row.id} cannot {action} its clock now: {_refusal_reason(row, action)}"
        )

    result = await gateway.change_clock(row.id, ClockChange(requested_by=username, action=action))
    logger.info("deadline.clock_changed", extra={"request_id": row.id, "action": action})
    return result


def _refusal_reason(row: DataSubjectRequest, action: str) -> str:
    """Say why the row's rule, kind or state rules out the change."""
    if not pauses_for_clarification(row):
        return (
            f"a clarification stops the clock only for UK GDPR access requests, and this is "
            f"a {row.regime} {row.kind} request"
        )
    if row.status not in OPEN_STATUSES:
        return f"the request is {row.status}"
    if action == "resume":
        return "the clock is not paused"
    if row.clarification_received is not None:
        return "the clock was already paused once for a clarification"
    return "the clock is already paused"
