"""Deadline plans for the workflow's timers, and extensions of the time to respond."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.lookup import load_request
from activities.messages import (
    ClockChangeInput,
    DeadlinePlan,
    ExtensionInput,
    IdentityConfirmation,
    RequestRef,
)
from activities.resources import ActivityResources
from audit.log import record_event
from database.engine import session_scope
from legal_clock.deadlines import ClockInputError, compute_deadlines
from legal_clock.instants import end_of_local_day
from legal_clock.settings import ClockSettings
from request_store.clock_input import (
    FALLBACK_ZONE,
    clock_input_for,
    local_day,
    pauses_for_clarification,
)
from request_store.models import DataSubjectRequest
from workflows.messages import extension_bases_for

logger = logging.getLogger(__name__)


class DeadlineActivities:
    def __init__(self, resources: ActivityResources) -> None:
        self.resources = resources

    @activity.defn(name="plan_deadlines")
    def plan_deadlines(self, ref: RequestRef) -> DeadlinePlan:
        with session_scope(self.resources.engine) as session:
            request = load_request(session, ref.request_id)
            return self._plan(request)

    @activity.defn(name="apply_extension")
    def apply_extension(self, extension: ExtensionInput) -> DeadlinePlan:
        """Move both dates to the extended ones, counted from receipt; once per request."""
        now = self.resources.clock()
        with session_scope(self.resources.engine) as session:
            request = load_request(session, extension.request_id)
            if request.extended_at is not None:
                return self._plan(request)  # a retried attempt already applied it

            try:
                deadlines = compute_deadlines(
                    clock_input_for(request, extended=True), ClockSettings()
                )
            except ClockInputError as error:
                # The validator checks this first, so only a changed rule record gets here.
                raise ApplicationError(str(error), non_retryable=True) from None
            previous = {
                "internal_due": str(request.due_date),
                "legal_limit": str(request.legal_limit),
            }
            request.original_due_date = request.due_date
            request.original_legal_limit = request.legal_limit
            request.due_date = deadlines.internal_due
            request.legal_limit = deadlines.legal_limit
            request.extended_at = now
            request.extension_basis = extension.basis
            session.add(request)
            record_event(
                session,
                at=now,
                request_id=request.id,
                actor=f"portal:{extension.requested_by}",
                event="deadline.extended",
                detail={
                    "basis": extension.basis,
                    "previous": previous,
                    "internal_due": str(deadlines.internal_due),
                    "legal_limit": str(deadlines.legal_limit),
                    "rule": deadlines.rule,
                },
            )
            plan = self._plan(request)
        logger.info("deadline.extended", extra={"request_id": extension.request_id})
        return plan

    @activity.defn(name="change_clock")
    def change_clock(self, change: ClockChangeInput) -> DeadlinePlan:
        """Stop the clock for a clarification, or restart it and move both dates; idempotent."""
        at = datetime.fromisoformat(change.at_iso)
        with session_scope(self.resources.engine) as session:
            request = load_request(session, change.request_id)
            day = local_day(request, at)
            paused = request.clarification_requested is not None
            resumed = request.clarification_received is not None

            if change.action == "pause" and not paused:
                request.clarification_requested = day
                detail: dict[str, str] = {"requested_on": day.isoformat()}
            elif change.action == "resume" and paused and not resumed:
                request.clarification_received = day
                detail = {"received_on": day.isoformat(), **self._move_dates(request)}
            else:
                return self._plan(request)  # a retried attempt already made this change

            session.add(request)
            record_event(
                session,
                at=at,
                request_id=request.id,
                # The workflow itself closes a pause still open when the request completes.
                actor=f"portal:{change.requested_by}" if change.requested_by else "workflow",
                event=f"deadline.{'paused' if change.action == 'pause' else 'resumed'}",
                detail=detail,
            )
            return self._plan(request)

    @activity.defn(name="start_clock_at_identity")
    def start_clock_at_identity(self, confirmation: IdentityConfirmation) -> DeadlinePlan:
        """Record the local date identity was confirmed and recount from it; idempotent.

        Regimes whose clock runs from receipt get the same dates back; UK GDPR (Art. 12A), and
        GDPR when its identity setting is on, start the clock on this date instead.
        """
        at = datetime.fromisoformat(confirmation.confirmed_at_iso)
        with session_scope(self.resources.engine) as session:
            request = load_request(session, confirmation.request_id)
            if request.identity_received is not None:
                return self._plan(request)  # a retried attempt already recorded it

            request.identity_received = local_day(request, at)
            previous = (request.due_date, request.legal_limit)
            detail = self._move_dates(request)
            session.add(request)
            if previous != (request.due_date, request.legal_limit):
                record_event(
                    session,
                    at=at,
                    request_id=request.id,
                    actor="workflow",
                    event="deadline.started_at_identity",
                    detail={"identity_received": request.identity_received.isoformat(), **detail},
                )
            return self._plan(request)

    def _move_dates(self, request: DataSubjectRequest) -> dict[str, str]:
        """Recount every date from the stored facts, keeping an extension's originals in step."""
        settings = ClockSettings()
        try:
            deadlines = compute_deadlines(clock_input_for(request), settings)
            original = None
            if request.extended_at is not None:
                original = compute_deadlines(clock_input_for(request, extended=False), settings)
        except ClockInputError as error:
            raise ApplicationError(str(error), non_retryable=True) from None

        request.due_date = deadlines.internal_due
        request.legal_limit = deadlines.legal_limit
        request.extension_notice_by = deadlines.extension_notice_by
        if original is not None:
            request.original_due_date = original.internal_due
            request.original_legal_limit = original.legal_limit
        return {
            "start": deadlines.start.isoformat(),
            "paused_days": str(deadlines.paused_days),
            "internal_due": str(deadlines.internal_due),
            "legal_limit": str(deadlines.legal_limit),
        }

    def _plan(self, request: DataSubjectRequest) -> DeadlinePlan:
        zone = request.legal_zone or FALLBACK_ZONE
        legal_limit = request.legal_limit or request.due_date
        reminders = [
            end_of_local_day(request.due_date - timedelta(days=days), zone).isoformat()
            for days in sorted(set(self.resources.settings.reminder_days_before_due), reverse=True)
            if days > 0
        ]
        notice_at = ""
        if request.extension_notice_by is not None and request.extended_at is None:
            notice_at = end_of_local_day(request.extension_notice_by, zone).isoformat()
        return DeadlinePlan(
            internal_due=request.due_date.isoformat(),
            legal_limit=legal_limit.isoformat(),
            internal_due_at=end_of_local_day(request.due_date, zone).isoformat(),
            legal_limit_at=end_of_local_day(legal_limit, zone).isoformat(),
            extension_notice_at=notice_at,
            reminder_ats=reminders,
            acknowledgement_required=request.acknowledge_by is not None,
            extended=request.extended_at is not None,
            pausable=pauses_for_clarification(request),
            paused=request.clarification_requested is not None
            and request.clarification_received is None,
            extension_bases=list(extension_bases_for(request.regime)),
        )


def deadline_met(day: date | None, zone: str | None, completed_at: datetime) -> bool | None:
    """Tell whether an instant falls on or before a local date, or None without a date."""
    if day is None:
        return None
    return completed_at < end_of_local_day(day, zone or FALLBACK_ZONE)
