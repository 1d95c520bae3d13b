"""Date arithmetic of the legal clock: months, calendar days, business days and rolling."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum

DayPredicate = Callable[[date], bool]


class MonthEnd(StrEnum):
    """Rule for a month period whose final month has no day with the starting number."""

    CLAMP_TO_LAST_DAY = "clamp_to_last_day"
    NEXT_DAY = "next_day"


def add_months(start: date, months: int, month_end: MonthEnd) -> date:
    """Return the same day number ``months`` later, or apply ``month_end`` when it is missing."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]

    if start.day <= last_day:
        return date(year, month, start.day)
    if month_end is MonthEnd.CLAMP_TO_LAST_DAY:
        return date(year, month, last_day)
    return date(year, month, last_day) + timedelta(days=1)


def add_calendar_days(start: date, days: int, *, start_day_counts: bool) -> date:
    """Count ``days`` calendar days from ``start``; when the start day counts it is day one."""
    if start_day_counts:
        return start + timedelta(days=days - 1)
    return start + timedelta(days=days)


def add_business_days(start: date, days: int, is_business_day: DayPredicate) -> date:
    """Return the ``days``-th business day after ``start``; ``start`` itself never counts."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def roll_forward(day: date, triggers_roll: DayPredicate, is_acceptable: DayPredicate) -> date:
    """Move ``day`` to the next acceptable day when ``triggers_roll`` holds for it."""
    if not triggers_roll(day):
        return day
    current = day + timedelta(days=1)
    while not is_acceptable(current):
        current += timedelta(days=1)
    return current
