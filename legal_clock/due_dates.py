"""First-version due dates: one month (GDPR family) or a fixed number of days.

The full legal clock (holidays, rolling, pauses, two dates) replaces this module; until then
these dates never roll forward, so they are never later than the legal limit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

RULE_VERSION = "2025-01-01"

# Days to respond, for the regimes that count calendar days.
CALENDAR_DAY_REGIMES = {
    "ccpa": 45,
    "vcdpa": 45,
    "cpa": 45,
    "ctdpa": 45,
    "ucpa": 45,
    "fdbr": 45,
    "icdpa": 90,
    "lgpd": 15,
    "pipeda": 30,
}
MONTH_REGIMES = frozenset({"gdpr", "uk_gdpr"})
CCPA_OPT_OUT_BUSINESS_DAYS = 15

# Legal time zone of each regime when the controller sets none: the receipt date is taken there.
REGIME_TIME_ZONES = {
    "gdpr": "Europe/Brussels",
    "uk_gdpr": "Europe/London",
    "ccpa": "America/Los_Angeles",
    "vcdpa": "America/New_York",
    "cpa": "America/Denver",
    "ctdpa": "America/New_York",
    "ucpa": "America/Denver",
    "fdbr": "America/New_York",
    "icdpa": "America/Chicago",
    "lgpd": "America/Sao_Paulo",
    "pipeda": "America/Toronto",
}


@dataclass(frozen=True)
class DueDate:
    due: date
    rule: str


def add_one_month(start: date) -> date:
    """Same day next month, or that month's last day when it has no such day."""
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def add_business_days(start: date, days: int) -> date:
    """Count Monday to Friday only; holidays are not yet taken into account."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def due_date_for(regime: str, kind: str, received_at: datetime) -> DueDate:
    """Compute the date by which a request must be answered, in the regime's time zone."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if regime not in REGIME_TIME_ZONES:
        raise ValueError(f"unknown regime {regime!r}")
    received = received_at.astimezone(ZoneInfo(REGIME_TIME_ZONES[regime])).date()
    rule = f"{regime}@{RULE_VERSION}"

    if regime in MONTH_REGIMES:
        return DueDate(add_one_month(received), rule)
    if regime == "ccpa" and kind == "opt_out":
        return DueDate(add_business_days(received, CCPA_OPT_OUT_BUSINESS_DAYS), rule)
    return DueDate(received + timedelta(days=CALENDAR_DAY_REGIMES[regime]), rule)
