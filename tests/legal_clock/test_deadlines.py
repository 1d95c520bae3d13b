"""Branches of the legal clock beyond the worked cases, for every regime."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from legal_clock.deadlines import (
    ClockInput,
    ClockInputError,
    Deadlines,
    compute_deadlines,
    extension_allowed,
)
from legal_clock.rules import REGIMES
from legal_clock.settings import ClockSettings


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _compute(
    settings: ClockSettings, regime: str, received: datetime, **fields: object
) -> Deadlines:
    return compute_deadlines(ClockInput(regime, received, **fields), settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("regime", "received", "fields", "internal", "legal"),
    [
        # Leap years: 29 February exists in 2028, and a request on it ends on 29 March.
        ("gdpr", date(2028, 2, 29), {"country": "IE"}, date(2028, 3, 29), date(2028, 3, 29)),
        # 29 January 2027 has no 29 February: Sunday 28 February, rolled to Monday 1 March.
        ("gdpr", date(2027, 1, 29), {"country": "IE"}, date(2027, 2, 28), date(2027, 3, 1)),
        # Good Friday 3 April 2026, then Saturday, Sunday and Easter Monday: Tuesday 7 April.
        ("gdpr", date(2026, 3, 3), {"country": "DE"}, date(2026, 4, 3), date(2026, 4, 7)),
        # 2 January is a bank holiday in Scotland only.
        ("uk_gdpr", date(2025, 12, 2), {"subdivision": "SCT"}, date(2026, 1, 2), date(2026, 1, 5)),
        ("uk_gdpr", date(2025, 12, 2), {}, date(2026, 1, 2), date(2026, 1, 2)),
        # Connecticut and Utah do not roll: Saturday 4 July stays.
        ("ctdpa", date(2026, 5, 20), {}, date(2026, 7, 4), date(2026, 7, 4)),
        ("ucpa", date(2026, 5, 20), {}, date(2026, 7, 4), date(2026, 7, 4)),
        ("icdpa", date(2026, 3, 2), {}, date(2026, 5, 31), date(2026, 5, 31)),
        ("icdpa", date(2026, 3, 2), {"extended": True}, date(2026, 7, 15), date(2026, 7, 15)),
        # Tiradentes Day, Tuesday 21 April 2026, moves the LGPD limit to Wednesday.
        ("lgpd", date(2026, 4, 6), {}, date(2026, 4, 21), date(2026, 4, 22)),
        # Civil Code Art. 132 moves only holidays: a Saturday limit stays.
        ("lgpd", date(2026, 3, 6), {}, date(2026, 3, 21), date(2026, 3, 21)),
        ("lgpd", date(2026, 4, 6), {"business_size": "small"}, date(2026, 4, 21), date(2026, 5, 6)),
        # Canada Day, Wednesday 1 July 2026, moves the PIPEDA limit to Thursday.
        ("pipeda", date(2026, 6, 1), {}, date(2026, 7, 1), date(2026, 7, 2)),
        # Good Friday moves to Saturday, which is not a holiday under the Interpretation Act.
        ("pipeda", date(2026, 3, 4), {}, date(2026, 4, 3), date(2026, 4, 4)),
        # Sunday 5 April, then Easter Monday (an Interpretation Act s. 35 holiday).
        ("pipeda", date(2026, 3, 6), {}, date(2026, 4, 5), date(2026, 4, 7)),
        ("pipeda", date(2026, 3, 2), {"extended": True}, date(2026, 5, 1), date(2026, 5, 1)),
        ("ctdpa", date(2026, 3, 2), {"extended": True}, date(2026, 5, 31), date(2026, 5, 31)),
        ("ucpa", date(2026, 3, 2), {"extended": True}, date(2026, 5, 31), date(2026, 5, 31)),
    ],
)
def test_regime_dates(
    clock_settings: ClockSettings,
    regime: str,
    received: date,
    fields: dict[str, object],
    internal: date,
    legal: date,
) -> None:
    deadlines = _compute(clock_settings, regime, _at(received, 18), **fields)
    assert deadlines.internal_due == internal
    assert deadlines.legal_limit == legal


def test_late_evening_on_month_end(clock_settings: ClockSettings) -> None:
    # 22:30 UTC on 31 March 2026 is 23:30 summer time in Dublin: still 31 March.
    summer = _compute(clock_settings, "gdpr", datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    assert summer.received_on == date(2026, 3, 31)
    assert summer.internal_due == date(2026, 4, 30)

    # One hour later it is 1 April in Dublin, and the period ends on 1 May.
    next_day = _compute(clock_settings, "gdpr", datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert next_day.received_on == date(2026, 4, 1)
    assert next_day.internal_due == date(2026, 5, 1)


def test_subject_zone_earlier(clock_settings: ClockSettings) -> None:
    # 01:00 UTC on 2 March is still 1 March in Los Angeles.
    received = datetime(2026, 3, 2, 1, tzinfo=UTC)
    deadlines = _compute(clock_settings, "gdpr", received, subject_tz="America/Los_Angeles")

    assert deadlines.internal_due == date(2026, 4, 1)
    assert deadlines.legal_limit == date(2026, 4, 2)
    assert deadlines.internal_due_at == datetime(2026, 4, 1, 23, tzinfo=UTC)
    assert any("America/Los_Angeles" in line for line in deadlines.readings)


def test_subject_zone_later_ignored(clock_settings: ClockSettings) -> None:
    received = datetime(2026, 3, 2, 20, tzinfo=UTC)
    deadlines = _compute(clock_settings, "gdpr", received, subject_tz="Asia/Tokyo")
    assert deadlines.internal_due == date(2026, 4, 2)


def test_extension_counted_from_receipt(clock_settings: ClockSettings) -> None:
    # Three months from 31 January is 30 April; two months after 28 February would be 28 April.
    uk = _compute(clock_settings, "uk_gdpr", _at(date(2026, 1, 31)), extended=True)
    assert uk.internal_due == date(2026, 4, 30)
    assert uk.legal_limit == date(2026, 4, 30)
    assert uk.extension_notice_by == date(2026, 2, 28)

    germany = _compute(clock_settings, "gdpr", _at(date(2026, 1, 31)), country="DE", extended=True)
    assert germany.legal_limit == date(2026, 4, 30)
    assert germany.extension_notice_by_legal == date(2026, 3, 2)


def test_uk_clarification_pause(clock_settings: ClockSettings) -> None:
    deadlines = _compute(
        clock_settings,
        "uk_gdpr",
        _at(date(2026, 3, 2)),
        clarification_requested=date(2026, 3, 5),
        clarification_received=date(2026, 3, 10),
    )
    # Article 12A leaves out 5 to 10 March, both included: six days after 2 April.
    assert deadlines.paused_days == 6
    assert deadlines.legal_limit == date(2026, 4, 8)
    assert deadlines.internal_due == date(2026, 4, 7)
    assert deadlines.extension_notice_by_legal == date(2026, 4, 8)


def test_uk_erasure_clarification_no_pause(clock_settings: ClockSettings) -> None:
    # Article 12A stops the clock only while the scope of an access request is clarified.
    deadlines = _compute(
        clock_settings,
        "uk_gdpr",
        _at(date(2026, 3, 2)),
        kind="erasure",
        clarification_requested=date(2026, 3, 10),
        clarification_received=date(2026, 3, 16),
    )
    assert deadlines.paused_days == 0
    assert deadlines.legal_limit == date(2026, 4, 2)
    assert (
        "clarification dates ignored: only a UK GDPR access request stops the clock (Art. 12A)"
        in deadlines.readings
    )


def test_gdpr_clarification_no_pause(clock_settings: ClockSettings) -> None:
    deadlines = _compute(
        clock_settings,
        "gdpr",
        _at(date(2026, 3, 2)),
        clarification_requested=date(2026, 3, 5),
        clarification_received=date(2026, 3, 10),
    )
    assert deadlines.paused_days == 0
    assert deadlines.legal_limit == date(2026, 4, 2)


def test_uk_anchor_latest_of_identity_and_fee(clock_settings: ClockSettings) -> None:
    deadlines = _compute(
        clock_settings,
        "uk_gdpr",
        _at(date(2026, 3, 10)),
        identity_received=date(2026, 3, 12),
        fee_received=date(2026, 3, 16),
    )
    assert deadlines.start == date(2026, 3, 16)
    assert deadlines.legal_limit == date(2026, 4, 16)


def test_gdpr_identity_setting(clock_settings: ClockSettings) -> None:
    clock_input = ClockInput("gdpr", _at(date(2026, 3, 2)), identity_received=date(2026, 3, 9))
    default = compute_deadlines(clock_input, clock_settings)
    assert default.legal_limit == date(2026, 4, 2)

    pausing = clock_settings.model_copy(update={"gdpr_identity_pauses_clock": True})
    paused = compute_deadlines(clock_input, pausing)
    assert paused.legal_limit == date(2026, 4, 9)
    assert "clock starts on 2026-03-09, when identity information arrived" in paused.readings
    assert "GDPR clock starts at the latest of receipt and identity information" in (
        paused.readings
    )
    assert "GDPR clock starts at receipt; identity checks do not pause it" in default.readings


def test_gdpr_weekend_setting(clock_settings: ClockSettings) -> None:
    no_roll = clock_settings.model_copy(update={"gdpr_weekends_extend_legal_limit": False})
    deadlines = compute_deadlines(ClockInput("gdpr", _at(date(2026, 1, 31)), country="DE"), no_roll)
    assert deadlines.legal_limit == date(2026, 2, 28)


def test_ccpa_business_day_setting(clock_settings: ClockSettings) -> None:
    weekdays = clock_settings.model_copy(update={"ccpa_legal_business_days": "weekdays"})
    deadlines = compute_deadlines(ClockInput("ccpa", _at(date(2026, 11, 20), 18)), weekdays)
    assert deadlines.acknowledge_by_legal == date(2026, 12, 4)


def test_ccpa_opt_out_has_no_other_clocks(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "ccpa", _at(date(2026, 3, 25), 18), kind="opt_out")
    assert deadlines.acknowledge_by is None
    assert deadlines.extension_notice_by is None


def test_opt_out_elsewhere_uses_response_period(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "vcdpa", _at(date(2026, 6, 19), 18), kind="opt_out")
    assert deadlines.legal_limit == date(2026, 8, 3)


@pytest.mark.parametrize(
    ("regime", "received", "version"),
    [
        ("uk_gdpr", date(2026, 1, 10), "uk_gdpr@2021-01-01"),
        ("uk_gdpr", date(2026, 2, 10), "uk_gdpr@2026-02-05"),
        ("ccpa", date(2022, 6, 1), "ccpa@2020-08-14"),
        ("ccpa", date(2024, 6, 1), "ccpa@2023-03-29"),
        ("lgpd", date(2021, 6, 1), "lgpd@2020-09-18"),
    ],
)
def test_rule_version_by_receipt(
    clock_settings: ClockSettings, regime: str, received: date, version: str
) -> None:
    assert _compute(clock_settings, regime, _at(received, 18)).rule == version


def test_small_business_before_doubling(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "lgpd", _at(date(2021, 6, 1), 18), business_size="small")
    assert deadlines.legal_limit == date(2021, 6, 16)


def test_extension_allowed_first_period(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "gdpr", _at(date(2026, 3, 2)))
    # 2 April ends at 23:00 UTC in Dublin summer time.
    assert extension_allowed(deadlines, datetime(2026, 4, 2, 22, 59, tzinfo=UTC))
    assert not extension_allowed(deadlines, datetime(2026, 4, 2, 23, 0, tzinfo=UTC))


def test_extension_allowed_once(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "gdpr", _at(date(2026, 3, 2)), extended=True)
    assert not extension_allowed(deadlines, datetime(2026, 3, 3, tzinfo=UTC))


def test_extension_allowed_without_extension(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "lgpd", _at(date(2026, 3, 2), 18))
    assert not extension_allowed(deadlines, datetime(2026, 3, 3, tzinfo=UTC))


def test_extension_allowed_naive_now(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "gdpr", _at(date(2026, 3, 2)))
    with pytest.raises(ValueError, match="timezone-aware"):
        extension_allowed(deadlines, datetime(2026, 3, 3))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("regime", "extended"),
    [(regime, False) for regime in REGIMES]
    + [(regime, True) for regime in REGIMES if regime != "lgpd"],
)
def test_internal_never_after_legal(
    clock_settings: ClockSettings, regime: str, extended: bool
) -> None:
    day = date(2026, 1, 1)
    for offset in range(0, 365, 3):
        received = _at(day + timedelta(days=offset), 18)
        deadlines = _compute(clock_settings, regime, received, extended=extended)
        assert deadlines.internal_due <= deadlines.legal_limit
        assert deadlines.internal_due_at <= deadlines.legal_limit_at


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"regime": "hipaa"}, "unknown regime 'hipaa'"),
        ({"kind": "portability"}, "unknown request kind"),
        ({"subject_tz": "Mars/Olympus"}, "unknown time zone"),
        ({"clarification_requested": date(2026, 3, 5)}, "must be given together"),
        (
            {
                "clarification_requested": date(2026, 3, 10),
                "clarification_received": date(2026, 3, 5),
            },
            "before it was requested",
        ),
        (
            {
                "clarification_requested": date(2026, 2, 10),
                "clarification_received": date(2026, 3, 5),
            },
            "before the request was received",
        ),
        ({"regime": "lgpd", "extended": True}, "allows no extension"),
        ({"regime": "ccpa", "kind": "opt_out", "extended": True}, "allows no extension"),
        ({"country": "US"}, "not an EU/EEA member state"),
        ({"country": "DE", "subdivision": "XX"}, "subdivision 'XX' is not known"),
        ({"regime": "vcdpa", "subdivision": "CA"}, "applies in US state VA"),
        ({"regime": "uk_gdpr", "country": "IE"}, "applies in country GB"),
        ({"regime": "icdpa", "received_at": _at(date(2024, 12, 1), 18)}, "no rule in force"),
        ({"business_size": "huge"}, "unknown business size"),
        ({"received_at": datetime(2026, 3, 2, 10)}, "timezone-aware"),  # noqa: DTZ001
    ],
)
def test_invalid_input(
    clock_settings: ClockSettings, fields: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {"regime": "gdpr", "received_at": _at(date(2026, 3, 2))}
    values.update(fields)
    with pytest.raises(ClockInputError, match=message):
        compute_deadlines(ClockInput(**values), clock_settings)  # type: ignore[arg-type]


def test_clarification_after_limit_rejected(clock_settings: ClockSettings) -> None:
    late = ClockInput(
        regime="uk_gdpr",
        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        clarification_requested=date(2026, 5, 1),
        clarification_received=date(2026, 5, 10),
    )
    with pytest.raises(ClockInputError, match="after the legal limit of 2026-04-02"):
        compute_deadlines(late, clock_settings)


def test_establishment_zone_follows_country(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSRFLOW_CLOCK_ESTABLISHMENT_COUNTRY", "DE")
    monkeypatch.delenv("DSRFLOW_CLOCK_ESTABLISHMENT_TIME_ZONE", raising=False)
    # 22:30 UTC on 31 March is already 1 April in Berlin; 1 May is a holiday, 2-3 May a weekend.
    result = compute_deadlines(
        ClockInput(regime="gdpr", received_at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC)),
        ClockSettings(),
    )
    assert result.legal_zone == "Europe/Berlin"
    assert result.legal_limit == date(2026, 5, 4)


def test_pipeda_ignores_boxing_day(clock_settings: ClockSettings) -> None:
    # 30 days from Saturday 28 November 2026 is Monday 28 December: Boxing Day observed in the
    # federal government calendar, but not a holiday under Interpretation Act s. 35.
    result = compute_deadlines(
        ClockInput(regime="pipeda", received_at=datetime(2026, 11, 28, 15, tzinfo=UTC)),
        clock_settings,
    )
    assert result.legal_limit == date(2026, 12, 28)


CCPA_ACKNOWLEDGEMENT_DAYS = (
    "business days of the acknowledgement: legal Monday to Friday less US federal holidays; "
    "internal Monday to Friday"
)


def test_opt_out_readings_name_its_clock(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "ccpa", _at(date(2026, 3, 25), 17), kind="opt_out")

    assert deadlines.readings == (
        "receipt date 2026-03-25 taken in America/Los_Angeles",
        "opt-out limit: 15 business days, counted from the day after receipt",
        "business days of the opt-out limit: legal Monday to Friday less US federal "
        "holidays; internal Monday to Friday",
    )
    # The opt-out clock counts business days from the next day, so it has no day-one reading.
    assert not any("day one" in line for line in deadlines.readings)
    assert not any("acknowledgement" in line for line in deadlines.readings)


def test_ccpa_access_readings(clock_settings: ClockSettings) -> None:
    deadlines = _compute(clock_settings, "ccpa", _at(date(2026, 3, 25), 17))

    assert deadlines.readings == (
        "receipt date 2026-03-25 taken in America/Los_Angeles",
        "legal limit does not move for weekends or holidays",
        "internal due date counts the day of receipt as day one; the legal limit counts from "
        "the next day",
        CCPA_ACKNOWLEDGEMENT_DAYS,
    )


def test_ccpa_weekday_setting_reading(clock_settings: ClockSettings) -> None:
    weekdays = clock_settings.model_copy(update={"ccpa_legal_business_days": "weekdays"})
    deadlines = compute_deadlines(ClockInput("ccpa", _at(date(2026, 3, 25), 17)), weekdays)

    assert CCPA_ACKNOWLEDGEMENT_DAYS not in deadlines.readings
    assert (
        "business days of the acknowledgement: legal Monday to Friday; internal Monday to Friday"
        in deadlines.readings
    )


@pytest.mark.parametrize(
    ("regime", "fields", "line"),
    [
        (
            "gdpr",
            {"country": "DE"},
            "legal limit on a Saturday, Sunday or DE holiday moves to the next working day",
        ),
        (
            "uk_gdpr",
            {},
            "legal limit on a Saturday, Sunday or GB-ENG holiday moves to the next working day",
        ),
        (
            "pipeda",
            {},
            "legal limit on a Sunday or CA Interpretation Act s. 35 holiday moves to the next day "
            "that is neither; a Saturday limit stays",
        ),
        (
            "lgpd",
            {},
            "legal limit on a BR holiday moves to the next business day; a Saturday or "
            "Sunday limit stays",
        ),
        ("vcdpa", {}, "legal limit does not move for weekends or holidays"),
        # Regimes without an opt-out clock of their own count an opt-out as any request.
        ("vcdpa", {"kind": "opt_out"}, "legal limit does not move for weekends or holidays"),
    ],
)
def test_roll_reading_in_words(
    clock_settings: ClockSettings, regime: str, fields: dict[str, object], line: str
) -> None:
    deadlines = _compute(clock_settings, regime, _at(date(2026, 3, 25), 17), **fields)

    assert line in deadlines.readings
    assert not any("roll" in reading for reading in deadlines.readings)
    assert not any("day one" in reading for reading in deadlines.readings)


def test_gdpr_no_roll_names_setting(clock_settings: ClockSettings) -> None:
    no_roll = clock_settings.model_copy(update={"gdpr_weekends_extend_legal_limit": False})
    deadlines = compute_deadlines(ClockInput("gdpr", _at(date(2026, 1, 31)), country="DE"), no_roll)

    assert (
        "legal limit does not move for weekends or holidays, because the setting "
        "gdpr_weekends_extend_legal_limit is off"
    ) in deadlines.readings
    assert not any("moves to the next" in line for line in deadlines.readings)


def test_uk_readings_name_start_and_pause(clock_settings: ClockSettings) -> None:
    deadlines = _compute(
        clock_settings,
        "uk_gdpr",
        _at(date(2026, 3, 10)),
        identity_received=date(2026, 3, 12),
        fee_received=date(2026, 3, 16),
        clarification_requested=date(2026, 3, 20),
        clarification_received=date(2026, 3, 24),
    )

    assert deadlines.readings == (
        "receipt date 2026-03-10 taken in Europe/London",
        "clock starts on 2026-03-16, when the fee arrived",
        "legal limit on a Saturday, Sunday or GB-ENG holiday moves to the next working day",
        "clarification asked on 2026-03-20 and answered on 2026-03-24 paused the clock: "
        "5 days legal, 4 days internal",
    )


def test_small_business_reading(clock_settings: ClockSettings) -> None:
    small = _compute(clock_settings, "lgpd", _at(date(2026, 4, 6), 18), business_size="small")
    standard = _compute(clock_settings, "lgpd", _at(date(2026, 4, 6), 18))

    line = "small business: legal response period multiplied by 2; internal period unchanged"
    assert line in small.readings
    assert line not in standard.readings


def test_ignored_inputs_named(clock_settings: ClockSettings) -> None:
    deadlines = _compute(
        clock_settings,
        "gdpr",
        _at(date(2026, 3, 2)),
        business_size="small",
        identity_received=date(2026, 3, 4),
        fee_received=date(2026, 3, 5),
    )
    assert deadlines.legal_limit == date(2026, 4, 2)
    assert (
        "business size small ignored: gdpr@2018-05-25 gives small businesses no longer period"
        in deadlines.readings
    )
    assert "identity date ignored: the gdpr clock runs from receipt" in deadlines.readings
    assert "fee date ignored: the gdpr clock does not wait for a fee" in deadlines.readings


def test_pause_before_clock_starts(clock_settings: ClockSettings) -> None:
    # Asked and answered on the receipt day, which the month does not count: nothing stops.
    same_day = _compute(
        clock_settings,
        "uk_gdpr",
        _at(date(2026, 3, 2)),
        clarification_requested=date(2026, 3, 2),
        clarification_received=date(2026, 3, 2),
    )
    # Asked on the receipt day and answered on 5 March: 3, 4 and 5 March stop the clock.
    later = _compute(
        clock_settings,
        "uk_gdpr",
        _at(date(2026, 3, 2)),
        clarification_requested=date(2026, 3, 2),
        clarification_received=date(2026, 3, 5),
    )

    assert same_day.paused_days == 0
    assert same_day.legal_limit == date(2026, 4, 2)
    assert later.paused_days == 3
    assert later.legal_limit == date(2026, 4, 7)  # Easter Sunday and Monday, 5 and 6 April
    assert later.internal_due == date(2026, 4, 4)


def test_subject_zone_reading_only_when_earlier(clock_settings: ClockSettings) -> None:
    # 00:30 UTC is still 1 March in New York, but identity arrived on 4 March, so the clock
    # starts there in both zones and the subject's zone moves nothing.
    deadlines = _compute(
        clock_settings,
        "uk_gdpr",
        datetime(2026, 3, 2, 0, 30, tzinfo=UTC),
        subject_tz="America/New_York",
        identity_received=date(2026, 3, 4),
    )

    assert deadlines.internal_due == date(2026, 4, 4)
    assert not any("subject's zone" in line for line in deadlines.readings)


def test_identity_before_receipt_rejected(clock_settings: ClockSettings) -> None:
    with pytest.raises(ClockInputError, match="identity information received on 2026-03-01"):
        _compute(
            clock_settings, "uk_gdpr", _at(date(2026, 3, 2)), identity_received=date(2026, 3, 1)
        )
