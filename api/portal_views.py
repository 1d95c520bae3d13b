"""View models of the portal's request pages.

List rows, timeline rows, form values, and the reasons shown in place of a hidden clock form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from api.clock_actions import Blocker, ClockActions
from api.request_deadlines import DaysLeft, days_left, is_open
from api.viewer import Viewer
from audit.log import AuditEvent
from request_store.models import DataSubjectRequest


@dataclass(frozen=True)
class RequestListItem:
    id: str
    kind: str
    regime: str
    status: str
    due_date: date  # the internal due date
    legal_limit: date | None  # None on requests stored before the legal clock
    days_left: DaysLeft  # both None once the request is closed: no deadline runs any more
    completed_on: date | None  # in the viewer's time zone


@dataclass(frozen=True)
class TimelineRow:
    """An audit event with its detail as (key, text) pairs, readable in any script."""

    sequence: int
    at: datetime
    actor: str
    event: str
    detail: list[tuple[str, str]]


@dataclass(frozen=True)
class DecisionFormValues:
    """Values entered in the denial form, shown again when the decision failed."""

    basis: str = ""
    note: str = ""


@dataclass(frozen=True)
class ExtensionConfirmation:
    """The dates the workflow returned for an extension, shown after the redirect."""

    internal_due: date
    legal_limit: date


def list_item(row: DataSubjectRequest, now: datetime, viewer: Viewer) -> RequestListItem:
    completed_on = viewer.local_date(row.completed_at) if row.completed_at else None
    return RequestListItem(
        id=row.id,
        kind=row.kind,
        regime=row.regime,
        status=row.status,
        due_date=row.due_date,
        legal_limit=row.legal_limit,
        days_left=days_left(row, now),
        completed_on=None if is_open(row) else completed_on,
    )


def extension_unavailable_text(
    actions: ClockActions, row: DataSubjectRequest, viewer: Viewer
) -> str:
    """Say why the extension form is hidden, or return "" when it is offered."""
    blocker = actions.extension_blocker
    if blocker is Blocker.CLOSED:
        return f"Extension not possible: the request is closed ({row.status})."
    if blocker is Blocker.NO_EXTENSION:
        return "Extension not possible: the rule allows no extension for this kind of request."
    if blocker is Blocker.ALREADY_EXTENDED:
        return (
            "Extension no longer possible: the deadline was already extended, and the law "
            "allows one extension."
        )
    if blocker is Blocker.UNVERIFIED:
        return (
            "Extension not possible yet: the requester has not confirmed the email address, "
            "and the notice must go to a confirmed one."
        )
    if blocker is Blocker.PAUSED:
        return (
            "Extension not possible while the clock is paused for a clarification: "
            "resume the clock first."
        )
    if blocker is Blocker.FIRST_PERIOD_ENDED and row.extension_notice_by is not None:
        ended_on = viewer.format_date(row.extension_notice_by)
        return f"Extension no longer possible: the first period ended on {ended_on}."
    return ""


def pause_unavailable_text(actions: ClockActions, row: DataSubjectRequest, viewer: Viewer) -> str:
    """Say why the pause form is hidden, or return "" when there is nothing to explain."""
    blocker = actions.pause_blocker
    if blocker is Blocker.CLOSED:
        return f"Pause not possible: the request is closed ({row.status})."
    if blocker is Blocker.ALREADY_PAUSED:
        span = _pause_span(row, viewer)
        return f"Pause no longer possible: the clock was already paused once{span}."
    if blocker is Blocker.LEGAL_LIMIT_PASSED:
        limit = viewer.format_date(row.legal_limit or row.due_date)
        return f"Pause no longer possible: the legal limit of {limit} has passed."
    return ""


def _pause_span(row: DataSubjectRequest, viewer: Viewer) -> str:
    if row.clarification_requested is None or row.clarification_received is None:
        return ""
    requested = viewer.format_date(row.clarification_requested)
    received = viewer.format_date(row.clarification_received)
    return f", from {requested} to {received}"


def parse_confirmation(internal_due: str, legal_limit: str) -> ExtensionConfirmation | None:
    """Read the new dates from the redirect's query string; anything else shows no banner."""
    if not internal_due or not legal_limit:
        return None
    try:
        return ExtensionConfirmation(
            date.fromisoformat(internal_due), date.fromisoformat(legal_limit)
        )
    except ValueError:
        return None


def timeline_row(event: AuditEvent) -> TimelineRow:
    detail = [(key, _detail_text(value)) for key, value in sorted(event.detail.items())]
    return TimelineRow(event.sequence, event.at, event.actor, event.event, detail)


def _detail_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    # ensure_ascii=False keeps characters such as "§" or "é" readable instead of \u escapes.
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
