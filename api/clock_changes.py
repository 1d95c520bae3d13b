"""Pausing and resuming a request's clock for a scope clarification, for portal and API.

Only regimes whose rule stops the clock while a clarification is awaited (UK GDPR) accept
it. The workflow's validator decides and its activity records the change; nothing is
written here.
"""

from __future__ import annotations

import logging

from api.clock_actions import pauses_for_clarification
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
            f"request {row.id} ({row.regime}, {row.status}) cannot {action} its clock now"
        )

    result = await gateway.change_clock(row.id, ClockChange(requested_by=username, action=action))
    logger.info("deadline.clock_changed", extra={"request_id": row.id, "action": action})
    return result
