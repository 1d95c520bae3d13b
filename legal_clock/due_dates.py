"""Single due date per request, kept for callers written before the two-date legal clock.

``due_date_for`` now delegates to ``compute_deadlines`` with the settings from the
environment and returns the internal due date, which is never later than the legal limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from legal_clock.calendars import is_weekday
from legal_clock.counting import MonthEnd, add_months
from legal_clock.counting import add_business_days as count_business_days
from legal_clock.deadlines import ClockInput, compute_deadlines
from legal_clock.settings import ClockSettings


@dataclass(frozen=True)
class DueDate:
    due: date
    rule: str


def add_one_month(start: date) -> date:
    """Same day next month, or that month's last day when it has no such day."""
    return add_months(start, 1, MonthEnd.CLAMP_TO_LAST_DAY)


def add_business_days(start: date, days: int) -> date:
    """Count Monday to Friday only; holidays are not taken into account."""
    return count_business_days(start, days, is_weekday)


@lru_cache(maxsize=1)
def _settings_from_environment() -> ClockSettings:
    return ClockSettings()


def due_date_for(regime: str, kind: str, received_at: datetime) -> DueDate:
    """Compute the internal due date of a request, in the regime's legal time zone."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    deadlines = compute_deadlines(
        ClockInput(regime=regime, received_at=received_at, kind=kind),
        _settings_from_environment(),
    )
    return DueDate(deadlines.internal_due, deadlines.rule)


__all__ = ["DueDate", "add_business_days", "add_one_month", "due_date_for"]
