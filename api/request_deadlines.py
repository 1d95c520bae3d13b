"""Days left to a request's two dates, and the overdue and due-soon filters of the portal list.

Days are counted from today's date in the request's legal zone, because that zone sets when a
legal day ends. Rows stored before the legal clock have no zone, so they are counted in UTC.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from legal_clock.instants import UnknownTimeZoneError, local_date
from request_store.clock_input import FALLBACK_ZONE
from request_store.models import OPEN_STATUSES, DataSubjectRequest

logger = logging.getLogger(__name__)

DEFAULT_DUE_SOON_DAYS = 7
MAX_DUE_SOON_DAYS = 366


class DeadlineFilter(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"


@dataclass(frozen=True)
class DaysLeft:
    """Whole days to each date; None once the request is closed or where a date is missing."""

    internal_due: int | None
    legal_limit: int | None


def is_open(row: DataSubjectRequest) -> bool:
    return row.status in OPEN_STATUSES


def today_for(row: DataSubjectRequest, now: datetime) -> date:
    """Return today's date in the request's legal zone, or in UTC where it has none."""
    zone = row.legal_zone or FALLBACK_ZONE
    try:
        return local_date(now, zone)
    except UnknownTimeZoneError:
        # A zone removed from the zone database must not take the whole list down.
        logger.warning("portal.legal_zone_unknown", extra={"request_id": row.id})
        return local_date(now, FALLBACK_ZONE)


def days_left(row: DataSubjectRequest, now: datetime) -> DaysLeft:
    """Count days from today to each date; negative once a date has passed."""
    if not is_open(row):
        return DaysLeft(None, None)
    today = today_for(row, now)
    legal = None if row.legal_limit is None else (row.legal_limit - today).days
    return DaysLeft((row.due_date - today).days, legal)


def is_overdue(row: DataSubjectRequest, now: datetime) -> bool:
    """Return whether the request is open and its internal due date has passed."""
    left = days_left(row, now).internal_due
    return left is not None and left < 0


def is_due_soon(row: DataSubjectRequest, now: datetime, within_days: int) -> bool:
    """Return whether the request is open and due today or within ``within_days``.

    Overdue requests are not included: the overdue filter lists them.
    """
    left = days_left(row, now).internal_due
    return left is not None and 0 <= left <= within_days


def parse_deadline_filter(value: str) -> DeadlineFilter | None:
    """Return the filter named by ``value``; an unknown value means no deadline filter."""
    return DeadlineFilter(value) if value in set(DeadlineFilter) else None


def parse_within_days(value: str) -> int:
    """Return the due-soon window in days; a missing or invalid value gives the default."""
    try:
        days = int(value)
    except ValueError:
        return DEFAULT_DUE_SOON_DAYS
    if not 0 <= days <= MAX_DUE_SOON_DAYS:
        return DEFAULT_DUE_SOON_DAYS
    return days


def filter_by_deadline(
    rows: Iterable[DataSubjectRequest],
    deadline: DeadlineFilter | None,
    now: datetime,
    within_days: int,
) -> list[DataSubjectRequest]:
    if deadline is DeadlineFilter.OVERDUE:
        return [row for row in rows if is_overdue(row, now)]
    if deadline is DeadlineFilter.DUE_SOON:
        return [row for row in rows if is_due_soon(row, now, within_days)]
    return list(rows)
