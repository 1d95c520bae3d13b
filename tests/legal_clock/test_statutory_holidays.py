"""Holiday lists of Canada's Interpretation Act and Colorado's statutes, checked on limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from legal_clock.deadlines import ClockInput, compute_deadlines
from legal_clock.settings import ClockSettings

# Each case: regime, receipt instant, subdivision, expected legal limit, and the reason.
CASES = [
    (
        "pipeda",
        datetime(2023, 6, 3, 15, tzinfo=UTC),
        None,
        date(2023, 7, 3),
        "Canada Day 2023 fell on a Saturday: s. 35(2) adds no Monday",
    ),
    (
        "pipeda",
        datetime(2028, 10, 14, 15, tzinfo=UTC),
        None,
        date(2028, 11, 13),
        "Remembrance Day 2028 falls on a Saturday: the Monday is a working day",
    ),
    (
        "pipeda",
        datetime(2027, 11, 26, 15, tzinfo=UTC),
        None,
        date(2027, 12, 27),
        "raw Sunday 26 Dec rolls to Monday 27 Dec; Christmas has no substitute day federally",
    ),
    (
        "pipeda",
        datetime(2022, 12, 2, 15, tzinfo=UTC),
        None,
        date(2023, 1, 3),
        "New Year's Day 2023 fell on a Sunday, so Monday 2 January is a holiday too",
    ),
    (
        "pipeda",
        datetime(2027, 11, 26, 15, tzinfo=UTC),
        "ON",
        date(2027, 12, 27),
        "Ontario's Boxing Day is 26 Dec, a Sunday anyway; its observed Tuesday is not counted",
    ),
    (
        "pipeda",
        datetime(2026, 5, 25, 15, tzinfo=UTC),
        "QC",
        date(2026, 6, 25),
        "raw 24 June is Saint-Jean-Baptiste Day, a Quebec holiday under s. 35(1)",
    ),
    (
        "pipeda",
        datetime(2026, 5, 25, 15, tzinfo=UTC),
        None,
        date(2026, 6, 24),
        "24 June is no federal holiday",
    ),
    (
        "cpa",
        datetime(2026, 2, 14, 15, tzinfo=UTC),
        None,
        date(2026, 3, 31),
        "Cesar Chavez Day is commemorative, not a legal holiday of C.R.S. 24-11-101",
    ),
    (
        "cpa",
        datetime(2026, 5, 19, 15, tzinfo=UTC),
        None,
        date(2026, 7, 3),
        "Independence Day 2026 is a Saturday: Colorado moves no holiday to the Friday",
    ),
    (
        "cpa",
        datetime(2027, 5, 21, 15, tzinfo=UTC),
        None,
        date(2027, 7, 6),
        "raw Monday 5 July 2027 follows a Sunday Independence Day, so it is a holiday",
    ),
]


@pytest.mark.parametrize(
    ("regime", "received_at", "subdivision", "expected", "reason"),
    CASES,
    ids=[f"{case[0]}-{case[1].date()}-{case[2] or 'federal'}" for case in CASES],
)
def test_statutory_holiday_limits(
    clock_settings: ClockSettings,
    regime: str,
    received_at: datetime,
    subdivision: str | None,
    expected: date,
    reason: str,
) -> None:
    result = compute_deadlines(
        ClockInput(regime=regime, received_at=received_at, subdivision=subdivision),
        clock_settings,
    )

    assert result.legal_limit == expected, reason
