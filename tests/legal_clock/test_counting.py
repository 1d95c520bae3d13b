"""Date arithmetic and UTC instants of the legal clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from legal_clock.calendars import HolidayCalendar, normalize_subdivision
from legal_clock.counting import MonthEnd, add_calendar_days, add_months
from legal_clock.instants import end_of_local_day, load_zone
from legal_clock.rules import REGIMES, regime_versions


@pytest.mark.parametrize(
    ("start", "month_end", "expected"),
    [
        (date(2026, 1, 31), MonthEnd.CLAMP_TO_LAST_DAY, date(2026, 2, 28)),
        (date(2026, 1, 31), MonthEnd.NEXT_DAY, date(2026, 3, 1)),
        (date(2028, 1, 31), MonthEnd.NEXT_DAY, date(2028, 3, 1)),
        (date(2026, 12, 15), MonthEnd.CLAMP_TO_LAST_DAY, date(2027, 1, 15)),
    ],
)
def test_add_one_month(start: date, month_end: MonthEnd, expected: date) -> None:
    assert add_months(start, 1, month_end) == expected


def test_add_calendar_days_start_day() -> None:
    assert add_calendar_days(date(2026, 1, 15), 45, start_day_counts=False) == date(2026, 3, 1)
    assert add_calendar_days(date(2026, 1, 15), 45, start_day_counts=True) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("day", "zone", "expected"),
    [
        (date(2026, 3, 28), "Europe/Dublin", datetime(2026, 3, 29, 0, tzinfo=UTC)),
        (date(2026, 3, 29), "Europe/Dublin", datetime(2026, 3, 29, 23, tzinfo=UTC)),
        (date(2026, 11, 20), "America/Los_Angeles", datetime(2026, 11, 21, 8, tzinfo=UTC)),
    ],
)
def test_end_of_local_day(day: date, zone: str, expected: datetime) -> None:
    assert end_of_local_day(day, zone) == expected


@pytest.mark.parametrize("zone", ["America/Santiago", "America/Havana", "Asia/Beirut"])
def test_end_of_day_across_midnight_jumps(zone: str) -> None:
    # These zones have moved their clocks at midnight; the instant must still be where the
    # local date changes.
    tz = load_zone(zone)
    for offset in range(0, 730):
        day = date(2022, 1, 1) + timedelta(days=offset)
        end = end_of_local_day(day, zone)
        assert end.astimezone(tz).date() == day + timedelta(days=1)
        assert (end - timedelta(microseconds=1)).astimezone(tz).date() == day


def test_subdivision_spellings() -> None:
    assert normalize_subdivision("DE", "DE-BY") == "BY"
    assert normalize_subdivision("de", "by") == "BY"
    assert normalize_subdivision("GB", None) is None


def test_holiday_calendar_subdivision() -> None:
    corpus_christi = date(2026, 6, 4)
    assert HolidayCalendar("DE", "BY").is_holiday(corpus_christi)
    assert not HolidayCalendar("DE", "BE").is_holiday(corpus_christi)


@pytest.mark.parametrize("regime", REGIMES)
def test_rule_versions_consistent(regime: str) -> None:
    versions = regime_versions(regime)
    assert [rule.version for rule in versions] == sorted(rule.version for rule in versions)
    assert len({(rule.place, rule.time_zone, rule.state) for rule in versions}) == 1
    for rule in versions:
        assert rule.sources
        assert date.fromisoformat(rule.version) == rule.effective
