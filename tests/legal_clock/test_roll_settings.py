"""Settings that let a legal limit roll where a general statute may reach it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from legal_clock.deadlines import ClockInput, compute_deadlines
from legal_clock.settings import ClockSettings

# Each case: regime, receipt instant, extended, setting, limit by default, limit with it on.
CASES = [
    # 45 days from 9 June 2026 is Friday 24 July, Pioneer Day, a Utah legal holiday.
    (
        "ucpa",
        datetime(2026, 6, 9, 15, tzinfo=UTC),
        False,
        "us_state_time_statutes_extend_legal_limit",
        date(2026, 7, 24),
        date(2026, 7, 27),
    ),
    # 45 days from 20 May 2026 is Saturday 4 July.
    (
        "vcdpa",
        datetime(2026, 5, 20, 15, tzinfo=UTC),
        False,
        "us_state_time_statutes_extend_legal_limit",
        date(2026, 7, 4),
        date(2026, 7, 6),
    ),
    # 135 days from 2 January 2026 is Sunday 17 May; Iowa moves only a Sunday.
    (
        "icdpa",
        datetime(2026, 1, 2, 15, tzinfo=UTC),
        True,
        "us_state_time_statutes_extend_legal_limit",
        date(2026, 5, 17),
        date(2026, 5, 18),
    ),
    # 90 days from 4 March 2026 is Tuesday 2 June, which no setting moves.
    (
        "icdpa",
        datetime(2026, 3, 4, 15, tzinfo=UTC),
        False,
        "us_state_time_statutes_extend_legal_limit",
        date(2026, 6, 2),
        date(2026, 6, 2),
    ),
    # 15 days from Friday 6 March 2026 is Saturday 21 March.
    (
        "lgpd",
        datetime(2026, 3, 6, 15, tzinfo=UTC),
        False,
        "lgpd_weekends_extend_legal_limit",
        date(2026, 3, 21),
        date(2026, 3, 23),
    ),
    # The setting reaches only the three states with such a statute in force for it.
    (
        "ctdpa",
        datetime(2026, 5, 20, 15, tzinfo=UTC),
        False,
        "us_state_time_statutes_extend_legal_limit",
        date(2026, 7, 4),
        date(2026, 7, 4),
    ),
]


@pytest.mark.parametrize(
    ("regime", "received_at", "extended", "setting", "default", "when_on"),
    CASES,
    ids=[f"{case[0]}-{case[1].date()}" for case in CASES],
)
def test_roll_setting_moves_limit(
    clock_settings: ClockSettings,
    regime: str,
    received_at: datetime,
    extended: bool,
    setting: str,
    default: date,
    when_on: date,
) -> None:
    clock_input = ClockInput(regime=regime, received_at=received_at, extended=extended)
    rolling = clock_settings.model_copy(update={setting: True})

    plain = compute_deadlines(clock_input, clock_settings)
    rolled = compute_deadlines(clock_input, rolling)

    assert plain.legal_limit == default
    assert rolled.legal_limit == when_on
    assert rolled.internal_due == plain.internal_due  # the internal date never rolls
    if when_on != default:
        assert any(setting in line for line in rolled.readings)
    assert not any(setting in line for line in plain.readings)


@pytest.mark.parametrize(
    ("country", "categories", "received_at", "default", "with_categories"),
    [
        # 5 May is a Dutch holiday for time limits every year; the package calls it optional.
        (
            "NL",
            "public,optional",
            datetime(2026, 4, 5, 10, tzinfo=UTC),
            date(2026, 5, 5),
            date(2026, 5, 6),
        ),
        # Midsummer Eve, Friday 19 June 2026, counts as a Sunday under SFS 1930:173.
        (
            "SE",
            "public,de_facto",
            datetime(2026, 5, 19, 10, tzinfo=UTC),
            date(2026, 6, 19),
            date(2026, 6, 22),
        ),
    ],
)
def test_holiday_categories_extend_limit(
    clock_settings: ClockSettings,
    country: str,
    categories: str,
    received_at: datetime,
    default: date,
    with_categories: date,
) -> None:
    plain = clock_settings.model_copy(update={"establishment_country": country})
    wider = plain.model_copy(update={"establishment_holiday_categories": categories})
    clock_input = ClockInput(regime="gdpr", received_at=received_at)

    assert compute_deadlines(clock_input, plain).legal_limit == default
    assert compute_deadlines(clock_input, wider).legal_limit == with_categories


def test_unknown_holiday_category_rejected(clock_settings: ClockSettings) -> None:
    settings = clock_settings.model_copy(
        update={
            "establishment_country": "NL",
            "establishment_holiday_categories": "public,catholic",
        }
    )

    with pytest.raises(
        ValueError, match="ESTABLISHMENT_HOLIDAY_CATEGORIES: holiday categories catholic"
    ):
        compute_deadlines(
            ClockInput(regime="gdpr", received_at=datetime(2026, 4, 5, 10, tzinfo=UTC)), settings
        )


def test_categories_must_keep_public(clock_settings: ClockSettings) -> None:
    with pytest.raises(ValidationError, match="leaves out 'public'"):
        ClockSettings(establishment_holiday_categories="optional")
