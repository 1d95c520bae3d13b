"""Decision on the clock changes (extension, pause, resume) that the portal and API offer.

The decision reads only the stored request and the current instant. It mirrors the checks of
the request workflow's update validators, which stay the authority: an action offered here can
still be rejected there, for example when the row lags behind the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from api.request_deadlines import is_open, today_for
from request_store.clock_input import pauses_for_clarification
from request_store.models import DataSubjectRequest, RequestStatus


class Blocker(StrEnum):
    """Reason why an extension or a pause is not offered."""

    CLOSED = "closed"
    NO_EXTENSION = "no_extension"
    ALREADY_EXTENDED = "already_extended"
    UNVERIFIED = "unverified"
    PAUSED = "paused"
    FIRST_PERIOD_ENDED = "first_period_ended"
    ALREADY_PAUSED = "already_paused"
    LEGAL_LIMIT_PASSED = "legal_limit_passed"


@dataclass(frozen=True)
class ClockActions:
    """The clock changes that can succeed now, and why the others cannot.

    ``extension_blocker`` is None exactly when ``can_extend`` is true. ``pause_blocker`` is
    None when a pause or a resume is offered, and also when the rule never stops the clock
    of this kind of request (only UK GDPR access requests pause), because then there is no
    pause to explain.
    """

    can_extend: bool
    can_pause: bool
    can_resume: bool
    extension_blocker: Blocker | None
    pause_blocker: Blocker | None


def decide_clock_actions(row: DataSubjectRequest, now: datetime) -> ClockActions:
    """Decide which clock changes the workflow would accept at instant ``now``."""
    extension_blocker = _extension_blocker(row, now)
    pausable = pauses_for_clarification(row)
    pause_blocker = _pause_blocker(row, now) if pausable else None
    can_resume = pausable and is_open(row) and _is_paused(row)
    return ClockActions(
        can_extend=extension_blocker is None,
        can_pause=pausable and pause_blocker is None and not can_resume,
        can_resume=can_resume,
        extension_blocker=extension_blocker,
        pause_blocker=pause_blocker,
    )


def _extension_blocker(row: DataSubjectRequest, now: datetime) -> Blocker | None:
    if not is_open(row):
        return Blocker.CLOSED
    if row.extension_notice_by is None:
        return Blocker.NO_EXTENSION
    if row.extended_at is not None:
        return Blocker.ALREADY_EXTENDED
    if row.status == RequestStatus.AWAITING_VERIFICATION:
        return Blocker.UNVERIFIED
    if _is_paused(row):
        return Blocker.PAUSED
    # The notice is due by the end of that day in the legal zone, as in the workflow's plan.
    if _day_has_ended(row, row.extension_notice_by, now):
        return Blocker.FIRST_PERIOD_ENDED
    return None


def _pause_blocker(row: DataSubjectRequest, now: datetime) -> Blocker | None:
    """Return why no pause can start, or None. None also covers a paused clock, which can resume."""
    if not is_open(row):
        return Blocker.CLOSED
    if row.clarification_requested is not None:
        return None if _is_paused(row) else Blocker.ALREADY_PAUSED
    # The workflow's plan uses the internal due date where no legal limit is stored.
    if _day_has_ended(row, row.legal_limit or row.due_date, now):
        return Blocker.LEGAL_LIMIT_PASSED
    return None


def _is_paused(row: DataSubjectRequest) -> bool:
    return row.clarification_requested is not None and row.clarification_received is None


def _day_has_ended(row: DataSubjectRequest, day: date, now: datetime) -> bool:
    """Return whether ``day`` has ended in the request's legal zone (UTC where none is stored)."""
    return today_for(row, now) > day
