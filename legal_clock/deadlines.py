"""Deadlines of one request: the internal due date, the legal limit and the intermediate clocks.

Every function here is pure: time comes in as parameters, nothing reads the clock or the
network, and holiday calendars are computed and cached in memory. That keeps them usable
inside Temporal workflows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from legal_clock.counting import add_business_days, add_calendar_days, add_months
from legal_clock.instants import end_of_local_day, load_zone, local_date, require_aware
from legal_clock.places import holiday_calendar_for, legal_place_for
from legal_clock.readings import Reading, internal_reading, legal_reading
from legal_clock.rules import (
    Anchor,
    Period,
    Roll,
    RuleRecord,
    Unit,
    regime_versions,
    rule_in_force,
)
from legal_clock.settings import ClockSettings

KINDS = ("access", "erasure", "rectification", "opt_out")
# Years the clock counts in: every rule took effect after the first, and holiday calendars and
# date arithmetic run out long before year 9999, so a date outside is a typing error.
FIRST_YEAR = 1900
LAST_YEAR = 2999
BUSINESS_SIZES = ("small", "standard")


class ClockInputError(ValueError):
    """The request's data cannot be turned into deadlines; the message names the field."""


@dataclass(frozen=True)
class ClockInput:
    """Facts about one request that its deadlines depend on.

    ``received_at`` is an aware instant; the other dates are local dates in the legal zone.
    ``country`` and ``subdivision`` override the establishment from settings (GDPR) or
    confirm the state (US regimes). ``business_size`` is ``small`` or ``standard``.
    """

    regime: str
    received_at: datetime
    kind: str = "access"
    country: str | None = None
    subdivision: str | None = None
    subject_tz: str | None = None
    identity_received: date | None = None
    fee_received: date | None = None
    clarification_requested: date | None = None
    clarification_received: date | None = None
    extended: bool = False
    business_size: str | None = None


@dataclass(frozen=True)
class Deadlines:
    """Both readings of every clock of one request.

    ``internal_due`` and ``legal_limit`` are the extended dates when the input sets
    ``extended``. ``acknowledge_by`` and ``extension_notice_by`` are internal readings, each
    with its ``_legal`` counterpart; None means the regime has no such clock. The ``*_at``
    fields are the UTC instants at which those local dates end, for workflow timers.
    ``readings`` names, in words, every contested choice the result depends on.
    """

    regime: str
    kind: str
    rule: str
    legal_zone: str
    country: str
    subdivision: str | None
    received_on: date
    start: date
    internal_due: date
    legal_limit: date
    acknowledge_by: date | None
    acknowledge_by_legal: date | None
    extension_notice_by: date | None
    extension_notice_by_legal: date | None
    extended: bool
    paused_days: int
    internal_due_at: datetime
    legal_limit_at: datetime
    extension_notice_at: datetime | None
    readings: tuple[str, ...]


@dataclass(frozen=True)
class _ReadingDates:
    start: date
    due: date
    acknowledge_by: date | None
    extension_notice_by: date | None
    paused_days: int


def compute_deadlines(clock_input: ClockInput, settings: ClockSettings) -> Deadlines:
    """Compute both readings of every clock of a request under its regime's rule in force.

    Raises ClockInputError (or one of the ValueError subclasses of the rule, place and zone
    modules) for input that cannot be computed, with a message naming the value.
    """
    received_at = _checked_instant(clock_input.received_at)
    _check_fields(clock_input)
    _check_clarification_in_time(clock_input, settings)

    try:
        versions = regime_versions(clock_input.regime)
        place = legal_place_for(
            versions[-1], clock_input.country, clock_input.subdivision, settings
        )
        received_on = local_date(received_at, place.time_zone)
        rule = rule_in_force(clock_input.regime, received_on)
    except ValueError as error:
        raise ClockInputError(str(error)) from error
    _check_against_rule(clock_input, rule, received_on)

    calendar = holiday_calendar_for(rule, place)
    internal = internal_reading(rule, calendar)
    legal = legal_reading(rule, calendar, settings, clock_input.business_size)
    legal_dates = _dates_for(rule, clock_input, received_on, legal, settings)
    internal_dates = _dates_for(rule, clock_input, received_on, internal, settings)

    subject_on = _subject_receipt_date(clock_input, received_at)
    internal_zones = [place.time_zone]
    subject_counted = False
    if subject_on is not None and subject_on < received_on:
        subject_dates = _dates_for(rule, clock_input, subject_on, internal, settings)
        earlier = _earlier(internal_dates, subject_dates)
        # A later start (identity confirmed after receipt) can make both counts agree, and
        # then the subject's zone changed nothing that the readings should claim.
        subject_counted = earlier != internal_dates
        internal_dates = earlier
        internal_zones.append(_subject_zone(clock_input))

    return Deadlines(
        regime=rule.regime,
        kind=clock_input.kind,
        rule=rule.name,
        legal_zone=place.time_zone,
        country=place.country,
        subdivision=place.subdivision,
        received_on=received_on,
        start=legal_dates.start,
        internal_due=min(internal_dates.due, legal_dates.due),
        legal_limit=legal_dates.due,
        acknowledge_by=internal_dates.acknowledge_by,
        acknowledge_by_legal=legal_dates.acknowledge_by,
        extension_notice_by=internal_dates.extension_notice_by,
        extension_notice_by_legal=legal_dates.extension_notice_by,
        extended=clock_input.extended,
        paused_days=legal_dates.paused_days,
        internal_due_at=_earliest_end(internal_dates.due, internal_zones),
        legal_limit_at=end_of_local_day(legal_dates.due, place.time_zone),
        extension_notice_at=(
            _earliest_end(internal_dates.extension_notice_by, internal_zones)
            if internal_dates.extension_notice_by is not None
            else None
        ),
        readings=_describe_readings(
            rule,
            clock_input,
            settings,
            legal,
            place.time_zone,
            subject_on if subject_counted else None,
            received_on,
            internal_dates,
            legal_dates,
        ),
    )


def extension_allowed(deadlines: Deadlines, now: datetime) -> bool:
    """Return whether an extension may still be noticed at instant ``now``.

    Only while the first period runs, read as the end of the internal notice date (the
    earlier reading), and only once.
    """
    instant = require_aware(now, "now")
    if deadlines.extended or deadlines.extension_notice_at is None:
        return False
    return instant < deadlines.extension_notice_at


def _dates_for(
    rule: RuleRecord,
    clock_input: ClockInput,
    received_on: date,
    reading: Reading,
    settings: ClockSettings,
) -> _ReadingDates:
    """Count every clock of one reading from the local receipt date."""
    if clock_input.kind == "opt_out" and rule.opt_out is not None:
        due = add_business_days(received_on, rule.opt_out.length, reading.is_business_day)
        return _ReadingDates(received_on, due, None, None, 0)

    start = _start_date(rule, clock_input, received_on, settings)
    paused = _paused_days(rule, clock_input, start, reading)
    pause = timedelta(days=paused)

    base_raw = _add_period(start, rule.response, rule, reading, reading.period_multiplier) + pause
    base = reading.roll_limit(base_raw)
    due = base
    if clock_input.extended and rule.extended_total is not None:
        extended_raw = _add_period(start, rule.extended_total, rule, reading, 1) + pause
        due = reading.roll_limit(extended_raw)

    acknowledge_by = None
    if rule.acknowledge is not None:
        acknowledge_by = add_business_days(
            received_on, rule.acknowledge.length, reading.is_business_day
        )
    notice_by = base if rule.extended_total is not None else None
    return _ReadingDates(start, due, acknowledge_by, notice_by, paused)


def _add_period(
    start: date, period: Period, rule: RuleRecord, reading: Reading, multiplier: int
) -> date:
    length = period.length * multiplier
    if period.unit is Unit.MONTHS:
        return add_months(start, length, rule.month_end)
    if period.unit is Unit.BUSINESS_DAYS:
        return add_business_days(start, length, reading.is_business_day)
    counts = period.start_day_counts or reading.start_day_counts
    return add_calendar_days(start, length, start_day_counts=counts)


def _start_date(
    rule: RuleRecord, clock_input: ClockInput, received_on: date, settings: ClockSettings
) -> date:
    """Return the local date the period runs from, under the rule's anchor."""
    anchor = rule.anchor
    if rule.regime == "gdpr" and settings.gdpr_identity_pauses_clock:
        anchor = Anchor.LATEST_OF_RECEIPT_AND_IDENTITY

    identity = clock_input.identity_received
    if anchor is Anchor.VERIFICATION:
        return identity or received_on
    candidates = [received_on]
    if anchor in (Anchor.LATEST_OF_RECEIPT_AND_IDENTITY, Anchor.LATEST_OF_RECEIPT_IDENTITY_AND_FEE):
        candidates.append(identity or received_on)
    if anchor is Anchor.LATEST_OF_RECEIPT_IDENTITY_AND_FEE:
        candidates.append(clock_input.fee_received or received_on)
    return max(candidates)


def _paused_days(rule: RuleRecord, clock_input: ClockInput, start: date, reading: Reading) -> int:
    """Count the days a scope clarification stops the clock.

    Article 12A excludes the period from the day the controller sends the request through the
    day the answer arrives, both included. Only days of the running period count: the start
    day is not one of them (a month runs from the day after it), so a clarification asked
    before or on that day stops nothing until the day after. The internal reading counts one
    day fewer, only the days the answer took, which gives the earlier date.
    """
    requested = clock_input.clarification_requested
    answered = clock_input.clarification_received
    if not rule.pauses_for(clock_input.kind) or requested is None or answered is None:
        return 0

    first_paused = max(requested, start + timedelta(days=1))
    if answered < first_paused:
        return 0
    days = (answered - first_paused).days + 1
    return days if reading.pause_includes_both_ends else days - 1


def _earlier(first: _ReadingDates, second: _ReadingDates) -> _ReadingDates:
    return _ReadingDates(
        start=min(first.start, second.start),
        due=min(first.due, second.due),
        acknowledge_by=_min_optional(first.acknowledge_by, second.acknowledge_by),
        extension_notice_by=_min_optional(first.extension_notice_by, second.extension_notice_by),
        paused_days=min(first.paused_days, second.paused_days),
    )


def _min_optional(first: date | None, second: date | None) -> date | None:
    if first is None or second is None:
        return first or second
    return min(first, second)


def _earliest_end(day: date, zones: list[str]) -> datetime:
    return min(end_of_local_day(day, zone) for zone in zones)


def _checked_instant(received_at: datetime) -> datetime:
    try:
        instant = require_aware(received_at, "received_at")
    except OverflowError:
        instant = None
    except ValueError as error:
        raise ClockInputError(str(error)) from error
    if instant is None or not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise ClockInputError(
            f"received_at {received_at.isoformat()} is outside the years "
            f"{FIRST_YEAR}-{LAST_YEAR} that the clock counts"
        )
    return instant


def _subject_zone(clock_input: ClockInput) -> str:
    if clock_input.subject_tz is None:
        raise ClockInputError("subject_tz is missing")
    return clock_input.subject_tz


def _subject_receipt_date(clock_input: ClockInput, received_at: datetime) -> date | None:
    if clock_input.subject_tz is None:
        return None
    return local_date(received_at, clock_input.subject_tz)


def _check_fields(clock_input: ClockInput) -> None:
    """Reject input that is invalid whatever the regime."""
    if clock_input.kind not in KINDS:
        raise ClockInputError(
            f"unknown request kind {clock_input.kind!r}; use one of {', '.join(KINDS)}"
        )
    if clock_input.business_size is not None and clock_input.business_size not in BUSINESS_SIZES:
        raise ClockInputError(
            f"unknown business size {clock_input.business_size!r}; "
            f"use one of {', '.join(BUSINESS_SIZES)}"
        )
    if clock_input.subject_tz is not None:
        try:
            load_zone(clock_input.subject_tz)
        except ValueError as error:
            raise ClockInputError(f"subject time zone: {error}") from error

    _check_year("identity_received", clock_input.identity_received)
    _check_year("fee_received", clock_input.fee_received)
    _check_year("clarification_requested", clock_input.clarification_requested)
    _check_year("clarification_received", clock_input.clarification_received)

    requested = clock_input.clarification_requested
    answered = clock_input.clarification_received
    if (requested is None) != (answered is None):
        raise ClockInputError(
            "the clarification request date and the clarification answer date must be given "
            "together (--clarification-requested and --clarification-received)"
        )
    if requested is not None and answered is not None and answered < requested:
        raise ClockInputError(
            f"clarification received on {answered.isoformat()}, before it was requested "
            f"on {requested.isoformat()}"
        )


def _check_year(name: str, day: date | None) -> None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ClockInputError(
            f"{name} {day.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} that the "
            "clock counts"
        )


def _check_clarification_in_time(clock_input: ClockInput, settings: ClockSettings) -> None:
    """Reject a clarification asked after the unpaused legal limit: a clock that has run out
    cannot be stopped, so the pause must not revive it."""
    requested = clock_input.clarification_requested
    if requested is None:
        return
    unpaused = compute_deadlines(
        replace(clock_input, clarification_requested=None, clarification_received=None),
        settings,
    )
    if requested > unpaused.legal_limit:
        raise ClockInputError(
            f"clarification requested on {requested.isoformat()}, after the legal limit of "
            f"{unpaused.legal_limit.isoformat()} had passed; the clock can no longer be paused"
        )


def _check_against_rule(clock_input: ClockInput, rule: RuleRecord, received_on: date) -> None:
    """Reject input that the regime's rule cannot honour."""
    opt_out_clock = clock_input.kind == "opt_out" and rule.opt_out is not None
    if clock_input.extended and (rule.extended_total is None or opt_out_clock):
        raise ClockInputError(
            f"regime {rule.regime} allows no extension for {clock_input.kind} requests"
        )
    for name, day in (
        ("identity information", clock_input.identity_received),
        ("fee", clock_input.fee_received),
    ):
        if day is not None and day < received_on:
            raise ClockInputError(
                f"{name} received on {day.isoformat()}, before the request was received on "
                f"{received_on.isoformat()}"
            )
    requested = clock_input.clarification_requested
    if requested is not None and requested < received_on:
        raise ClockInputError(
            f"clarification requested on {requested.isoformat()}, before the request was "
            f"received on {received_on.isoformat()}"
        )


def _describe_readings(
    rule: RuleRecord,
    clock_input: ClockInput,
    settings: ClockSettings,
    legal: Reading,
    legal_zone: str,
    subject_on: date | None,
    received_on: date,
    internal_dates: _ReadingDates,
    legal_dates: _ReadingDates,
) -> tuple[str, ...]:
    """Name the rule's contested choices in words, for records and the CLI summary.

    Each line describes only clocks that were computed for this request. An opt-out with its
    own business-day clock gets no roll, day-one, pause or business-size line, because
    ``_dates_for`` applies none of them to it.
    """
    lines = [f"receipt date {received_on.isoformat()} taken in {legal_zone}"]
    if subject_on is not None and subject_on < received_on:
        lines.append(
            f"internal dates counted from {subject_on.isoformat()}, the receipt date in the "
            f"subject's zone {clock_input.subject_tz}"
        )

    if clock_input.kind == "opt_out" and rule.opt_out is not None:
        lines.append(
            f"opt-out limit: {rule.opt_out.length} business days, counted from the day "
            "after receipt"
        )
        lines.append(_business_days_line("opt-out limit", legal))
        return tuple(lines)

    lines.extend(
        _response_period_lines(rule, clock_input, settings, legal, received_on, legal_dates.start)
    )
    if legal_dates.paused_days:
        lines.append(
            f"clarification asked on {clock_input.clarification_requested} and answered on "
            f"{clock_input.clarification_received} paused the clock: "
            f"{_days(legal_dates.paused_days)} legal, {_days(internal_dates.paused_days)} internal"
        )
    elif clock_input.clarification_received is not None and rule.pauses_for(clock_input.kind):
        lines.append(
            f"clarification asked on {clock_input.clarification_requested} and answered on "
            f"{clock_input.clarification_received} stopped nothing: the clock had not yet "
            "started to run"
        )
    elif clock_input.clarification_requested is not None and not rule.pauses_for(clock_input.kind):
        lines.append(
            "clarification dates ignored: only a UK GDPR access request stops the clock (Art. 12A)"
        )
    if legal_dates.acknowledge_by is not None:
        lines.append(_business_days_line("acknowledgement", legal))
    return tuple(lines)


def _response_period_lines(
    rule: RuleRecord,
    clock_input: ClockInput,
    settings: ClockSettings,
    legal: Reading,
    received_on: date,
    start: date,
) -> list[str]:
    """Describe how the response period, and the extension if any, were counted."""
    lines = []
    if start != received_on:
        lines.append(_start_line(clock_input, start))
    if rule.regime == "gdpr":
        lines.append(
            "GDPR clock starts at the latest of receipt and identity information"
            if settings.gdpr_identity_pauses_clock
            else "GDPR clock starts at receipt; identity checks do not pause it"
        )
    lines.append(_roll_line(rule, settings, legal))

    # Only a period in calendar days has a day one to read two ways (see _add_period). Where
    # the period itself counts its start day, both readings agree and there is no choice.
    response = rule.response
    if (
        rule.internal_start_day_counts
        and response.unit is Unit.CALENDAR_DAYS
        and not response.start_day_counts
    ):
        day_one = "the day of receipt" if start == received_on else "the day the clock starts"
        lines.append(
            f"internal due date counts {day_one} as day one; the legal limit counts from "
            "the next day"
        )
    if clock_input.business_size == "small" and legal.period_multiplier > 1:
        lines.append(
            f"small business: legal response period multiplied by {legal.period_multiplier}; "
            "internal period unchanged"
        )
    elif clock_input.business_size == "small":
        lines.append(
            f"business size small ignored: {rule.name} gives small businesses no longer period"
        )
    lines.extend(_ignored_date_lines(rule, clock_input, settings))
    return lines


def _ignored_date_lines(
    rule: RuleRecord, clock_input: ClockInput, settings: ClockSettings
) -> list[str]:
    """Name the identity and fee dates given that the rule's anchor does not wait for."""
    identity_counts = rule.anchor is not Anchor.RECEIPT or (
        rule.regime == "gdpr" and settings.gdpr_identity_pauses_clock
    )
    fee_counts = rule.anchor is Anchor.LATEST_OF_RECEIPT_IDENTITY_AND_FEE
    lines = []
    if clock_input.identity_received is not None and not identity_counts:
        lines.append(f"identity date ignored: the {rule.regime} clock runs from receipt")
    if clock_input.fee_received is not None and not fee_counts:
        lines.append(f"fee date ignored: the {rule.regime} clock does not wait for a fee")
    return lines


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _start_line(clock_input: ClockInput, start: date) -> str:
    """Name the event that moved the start of the clock past the day of receipt."""
    events = []
    if clock_input.identity_received == start:
        events.append("identity information")
    if clock_input.fee_received == start:
        events.append("the fee")
    if not events:
        return f"clock starts on {start.isoformat()}"
    return f"clock starts on {start.isoformat()}, when {' and '.join(events)} arrived"


def _roll_line(rule: RuleRecord, settings: ClockSettings, legal: Reading) -> str:
    """Say in words whether and how the legal limit moves off a weekend or holiday."""
    holiday = f"{legal.calendar.label()} holiday"
    if legal.roll is Roll.NEXT_WORKING_DAY:
        line = f"legal limit on a Saturday, Sunday or {holiday} moves to the next working day"
        return line + _roll_setting_reason(rule, settings)
    if legal.roll is Roll.NEXT_NON_HOLIDAY:
        return (
            f"legal limit on a Sunday or {holiday} moves to the next day that is neither; "
            "a Saturday limit stays"
        )
    if legal.roll is Roll.HOLIDAY_TO_NEXT_BUSINESS_DAY:
        return (
            f"legal limit on a {holiday} moves to the next business day; a Saturday or "
            "Sunday limit stays"
        )
    if legal.roll is Roll.SUNDAY_TO_MONDAY:
        return (
            f"legal limit on a Sunday moves to the Monday under {rule.general_time_source}, "
            "because the setting us_state_time_statutes_extend_legal_limit is on"
        )
    if rule.regime == "gdpr" and not settings.gdpr_weekends_extend_legal_limit:
        return (
            "legal limit does not move for weekends or holidays, because the setting "
            "gdpr_weekends_extend_legal_limit is off"
        )
    return "legal limit does not move for weekends or holidays"


def _roll_setting_reason(rule: RuleRecord, settings: ClockSettings) -> str:
    """Name the setting that made a rule without a roll of its own roll, if one did."""
    if rule.general_time_roll is not None and settings.us_state_time_statutes_extend_legal_limit:
        return (
            f" under {rule.general_time_source}, because the setting "
            "us_state_time_statutes_extend_legal_limit is on"
        )
    if rule.regime == "lgpd" and settings.lgpd_weekends_extend_legal_limit:
        return ", because the setting lgpd_weekends_extend_legal_limit is on"
    return ""


def _business_days_line(clock: str, legal: Reading) -> str:
    """Name the business-day calendars of a clock counted in business days."""
    legal_days = "Monday to Friday"
    if legal.business_days_skip_holidays:
        legal_days = f"Monday to Friday less {legal.calendar.label()} holidays"
    return f"business days of the {clock}: legal {legal_days}; internal Monday to Friday"
