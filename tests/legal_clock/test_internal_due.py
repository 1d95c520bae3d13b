from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from legal_clock.calendars import is_weekday
from legal_clock.counting import MonthEnd, add_business_days, add_months
from legal_clock.deadlines import ClockInput, ClockInputError, Deadlines, compute_deadlines
from legal_clock.regimes import UnsupportedJurisdictionError, jurisdiction_for
from legal_clock.settings import ClockSettings


def deadlines_for(regime: str, kind: str, received: datetime, settings: ClockSettings) -> Deadlines:
    return compute_deadlines(ClockInput(regime=regime, received_at=received, kind=kind), settings)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 3, 2), date(2026, 4, 2)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_add_one_month(start: date, expected: date) -> None:
    assert add_months(start, 1, MonthEnd.CLAMP_TO_LAST_DAY) == expected


def test_business_days_skip_weekends() -> None:
    assert add_business_days(date(2026, 3, 25), 15, is_weekday) == date(2026, 4, 15)


@pytest.mark.parametrize(
    ("regime", "kind", "received", "expected"),
    [
        ("gdpr", "access", datetime(2026, 3, 2, 9, tzinfo=UTC), date(2026, 4, 2)),
        # The internal reading of 11 CCR 7021 counts the day of receipt as day one.
        ("ccpa", "access", datetime(2026, 1, 15, 18, tzinfo=UTC), date(2026, 2, 28)),
        ("ccpa", "opt_out", datetime(2026, 3, 25, 18, tzinfo=UTC), date(2026, 4, 15)),
        ("lgpd", "access", datetime(2026, 3, 2, 15, tzinfo=UTC), date(2026, 3, 17)),
    ],
)
def test_internal_due_date(
    regime: str, kind: str, received: datetime, expected: date, clock_settings: ClockSettings
) -> None:
    assert deadlines_for(regime, kind, received, clock_settings).internal_due == expected


def test_receipt_date_taken_in_legal_zone(clock_settings: ClockSettings) -> None:
    # 23:30 UTC on 31 March is already 1 April in Dublin, the default establishment.
    received = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    assert deadlines_for("gdpr", "access", received, clock_settings).internal_due == date(
        2026, 5, 1
    )


def test_deadlines_name_rule_version(clock_settings: ClockSettings) -> None:
    received = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert deadlines_for("gdpr", "access", received, clock_settings).rule == "gdpr@2018-05-25"


def test_naive_receipt_rejected(clock_settings: ClockSettings) -> None:
    with pytest.raises(ClockInputError, match="timezone-aware"):
        deadlines_for("gdpr", "access", datetime(2026, 1, 31, 12), clock_settings)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("country", "state", "regime"),
    [
        ("DE", None, "gdpr"),
        ("no", None, "gdpr"),
        ("GB", None, "uk_gdpr"),
        ("US", "ca", "ccpa"),
        ("US", "CO", "cpa"),
        ("BR", None, "lgpd"),
        ("CA", None, "pipeda"),
    ],
)
def test_jurisdiction_for(country: str, state: str | None, regime: str) -> None:
    assert jurisdiction_for(country, state).regime == regime


@pytest.mark.parametrize(
    ("country", "state", "message"),
    [
        ("US", None, "needs the state"),
        ("US", "NY", "state NY has no privacy law"),
        ("JP", None, "country JP is not supported"),
    ],
)
def test_unsupported_jurisdiction(country: str, state: str | None, message: str) -> None:
    with pytest.raises(UnsupportedJurisdictionError, match=message):
        jurisdiction_for(country, state)
