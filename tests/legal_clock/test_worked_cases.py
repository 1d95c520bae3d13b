"""The fourteen worked cases of the legal clock's rules table, through compute_deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from legal_clock.deadlines import ClockInput, compute_deadlines
from legal_clock.settings import ClockSettings


@dataclass(frozen=True)
class WorkedCase:
    case: int
    clock_input: ClockInput
    internal_due: date
    legal_limit: date
    acknowledge_by: date | None = None
    acknowledge_by_legal: date | None = None
    extension_notice_by_legal: date | None = None


def _europe(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _us(day: date) -> datetime:
    # 18:00 UTC is still the same calendar day in every US zone used here.
    return datetime(day.year, day.month, day.day, 18, tzinfo=UTC)


CASES = [
    WorkedCase(
        1,
        ClockInput("gdpr", _europe(date(2026, 3, 2)), country="IE"),
        date(2026, 4, 2),
        date(2026, 4, 2),
    ),
    WorkedCase(
        2,
        ClockInput("gdpr", _europe(date(2026, 1, 31)), country="DE"),
        date(2026, 2, 28),
        date(2026, 3, 2),
    ),
    WorkedCase(
        3,
        ClockInput("gdpr", _europe(date(2028, 1, 31)), country="DE"),
        date(2028, 2, 29),
        date(2028, 2, 29),
    ),
    WorkedCase(
        4,
        ClockInput("gdpr", _europe(date(2025, 9, 3)), country="DE"),
        date(2025, 10, 3),
        date(2025, 10, 6),
    ),
    WorkedCase(
        5,
        ClockInput("gdpr", _europe(date(2026, 5, 4)), country="DE", subdivision="BY"),
        date(2026, 6, 4),
        date(2026, 6, 5),
    ),
    WorkedCase(
        6,
        ClockInput("gdpr", _europe(date(2026, 5, 4)), country="DE", subdivision="BE"),
        date(2026, 6, 4),
        date(2026, 6, 4),
    ),
    WorkedCase(
        7,
        ClockInput("uk_gdpr", _europe(date(2026, 3, 31))),
        date(2026, 4, 30),
        date(2026, 4, 30),
    ),
    WorkedCase(
        8,
        ClockInput("uk_gdpr", _europe(date(2026, 3, 10)), identity_received=date(2026, 3, 25)),
        date(2026, 4, 25),
        date(2026, 4, 27),
    ),
    WorkedCase(
        9,
        ClockInput("ccpa", _us(date(2026, 11, 20))),
        date(2027, 1, 3),
        date(2027, 1, 4),
        acknowledge_by=date(2026, 12, 4),
        acknowledge_by_legal=date(2026, 12, 7),
    ),
    WorkedCase(
        10,
        ClockInput("ccpa", _us(date(2026, 3, 25)), kind="opt_out"),
        date(2026, 4, 15),
        date(2026, 4, 15),
    ),
    WorkedCase(
        11,
        ClockInput("ccpa", _us(date(2026, 1, 15)), extended=True),
        date(2026, 4, 14),
        date(2026, 4, 15),
        acknowledge_by=date(2026, 1, 29),
        acknowledge_by_legal=date(2026, 1, 30),
        extension_notice_by_legal=date(2026, 3, 1),
    ),
    WorkedCase(
        12,
        ClockInput("vcdpa", _us(date(2026, 6, 19))),
        date(2026, 8, 3),
        date(2026, 8, 3),
    ),
    WorkedCase(
        12,
        ClockInput("vcdpa", _us(date(2026, 6, 19)), extended=True),
        date(2026, 9, 17),
        date(2026, 9, 17),
    ),
    WorkedCase(
        13,
        ClockInput("cpa", _us(date(2026, 5, 20))),
        date(2026, 7, 4),
        date(2026, 7, 6),
    ),
    WorkedCase(
        13,
        ClockInput("cpa", _us(date(2026, 5, 20)), extended=True),
        date(2026, 8, 18),
        date(2026, 8, 18),
    ),
    WorkedCase(
        14,
        ClockInput("fdbr", _us(date(2026, 3, 2))),
        date(2026, 4, 16),
        date(2026, 4, 16),
    ),
    WorkedCase(
        14,
        ClockInput("fdbr", _us(date(2026, 3, 2)), extended=True),
        date(2026, 5, 1),
        date(2026, 5, 1),
    ),
]


@pytest.mark.parametrize(
    "worked", CASES, ids=[f"case{c.case}-{c.clock_input.regime}" for c in CASES]
)
def test_worked_case(worked: WorkedCase, clock_settings: ClockSettings) -> None:
    deadlines = compute_deadlines(worked.clock_input, clock_settings)

    assert deadlines.internal_due == worked.internal_due
    assert deadlines.legal_limit == worked.legal_limit
    if worked.acknowledge_by is not None:
        assert deadlines.acknowledge_by == worked.acknowledge_by
        assert deadlines.acknowledge_by_legal == worked.acknowledge_by_legal
    if worked.extension_notice_by_legal is not None:
        assert deadlines.extension_notice_by_legal == worked.extension_notice_by_legal
