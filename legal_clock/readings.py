"""The two readings of every clock: internal (earliest plausible) and legal (the limit).

A reading fixes the points where the law is open: whether the start day counts, which days
are business days, whether and how the limit rolls, how a pause is counted, and whether a
small business gets a longer period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from legal_clock.calendars import SUNDAY, HolidayCalendar, is_weekday, is_working_day
from legal_clock.counting import DayPredicate, roll_forward
from legal_clock.rules import Roll, RuleRecord
from legal_clock.settings import ClockSettings


@dataclass(frozen=True)
class Reading:
    """One way of counting a rule; ``name`` is ``internal`` or ``legal``."""

    name: str
    start_day_counts: bool
    roll: Roll
    calendar: HolidayCalendar
    business_days_skip_holidays: bool
    pause_includes_both_ends: bool
    period_multiplier: int

    def is_business_day(self, day: date) -> bool:
        if self.business_days_skip_holidays:
            return is_working_day(day, self.calendar)
        return is_weekday(day)

    def roll_limit(self, day: date) -> date:
        """Apply the roll rule to a raw limit."""
        triggers, acceptable = _roll_predicates(self.roll, self.calendar)
        return roll_forward(day, triggers, acceptable)


def internal_reading(rule: RuleRecord, calendar: HolidayCalendar) -> Reading:
    """Earliest plausible reading: never rolls, weekdays only, shortest pause, no doubling."""
    return Reading(
        name="internal",
        start_day_counts=rule.internal_start_day_counts,
        roll=Roll.NONE,
        calendar=calendar,
        business_days_skip_holidays=False,
        pause_includes_both_ends=False,
        period_multiplier=1,
    )


def legal_reading(
    rule: RuleRecord,
    calendar: HolidayCalendar,
    settings: ClockSettings,
    business_size: str | None,
) -> Reading:
    """Reading of the legal limit, with the contested points taken from settings."""
    roll = rule.roll
    if rule.regime == "gdpr" and not settings.gdpr_weekends_extend_legal_limit:
        roll = Roll.NONE
    if rule.regime == "lgpd" and settings.lgpd_weekends_extend_legal_limit:
        roll = Roll.NEXT_WORKING_DAY
    if rule.general_time_roll is not None and settings.us_state_time_statutes_extend_legal_limit:
        roll = rule.general_time_roll

    skip_holidays = True
    if rule.regime == "ccpa":
        skip_holidays = settings.ccpa_legal_business_days == "weekdays_less_federal_holidays"

    multiplier = rule.small_business_multiplier if business_size == "small" else 1
    return Reading(
        name="legal",
        start_day_counts=False,
        roll=roll,
        calendar=calendar,
        business_days_skip_holidays=skip_holidays,
        pause_includes_both_ends=True,
        period_multiplier=multiplier,
    )


def _roll_predicates(roll: Roll, calendar: HolidayCalendar) -> tuple[DayPredicate, DayPredicate]:
    def never(_day: date) -> bool:
        return False

    def working(day: date) -> bool:
        return is_working_day(day, calendar)

    def not_working(day: date) -> bool:
        return not is_working_day(day, calendar)

    def is_sunday(day: date) -> bool:
        return day.weekday() == SUNDAY

    def not_sunday(day: date) -> bool:
        return day.weekday() != SUNDAY

    def sunday_or_holiday(day: date) -> bool:
        return day.weekday() == SUNDAY or calendar.is_holiday(day)

    def neither_sunday_nor_holiday(day: date) -> bool:
        return not sunday_or_holiday(day)

    if roll is Roll.NEXT_WORKING_DAY:
        return not_working, working
    if roll is Roll.NEXT_NON_HOLIDAY:
        return sunday_or_holiday, neither_sunday_nor_holiday
    if roll is Roll.HOLIDAY_TO_NEXT_BUSINESS_DAY:
        return calendar.is_holiday, working
    if roll is Roll.SUNDAY_TO_MONDAY:
        return is_sunday, not_sunday
    return never, working
