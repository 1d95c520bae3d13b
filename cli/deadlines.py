"""``dsrflow deadlines``: print the internal due date, legal limit and intermediate clocks."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime

from pydantic import ValidationError

from legal_clock.deadlines import ClockInput, Deadlines, compute_deadlines
from legal_clock.settings import ClockSettings

USAGE_ERROR = 2


class ArgumentError(ValueError):
    """A command-line value is invalid; the message names the option."""


def run_deadlines(arguments: argparse.Namespace) -> int:
    """Compute and print the deadlines; return 2 with a one-line error for bad input."""
    try:
        settings = ClockSettings()
        clock_input = clock_input_from_arguments(arguments)
        deadlines = compute_deadlines(clock_input, settings)
    except ValidationError as error:
        first = error.errors()[0]
        name = "DSRFLOW_CLOCK_" + "_".join(str(part) for part in first["loc"]).upper()
        message = first["msg"].removeprefix("Value error, ")
        sys.stderr.write(f"error: invalid setting {name}: {message}\n")
        return USAGE_ERROR
    except ValueError as error:
        sys.stderr.write(f"error: {error}\n")
        return USAGE_ERROR

    if arguments.json:
        sys.stdout.write(json.dumps(deadlines_json(deadlines)) + "\n")
    else:
        sys.stdout.write(deadlines_summary(deadlines) + "\n")
    return 0


def clock_input_from_arguments(arguments: argparse.Namespace) -> ClockInput:
    """Parse and check the options into a ClockInput."""
    if not arguments.regime:
        raise ArgumentError("--regime is required, for example --regime gdpr")
    if not arguments.received:
        raise ArgumentError("--received is required, for example --received 2026-03-02T09:00:00Z")

    return ClockInput(
        regime=arguments.regime.strip().lower(),
        received_at=_instant(arguments.received, "--received"),
        kind=arguments.kind.strip().lower(),
        country=arguments.country,
        subdivision=arguments.subdivision,
        subject_tz=arguments.subject_tz,
        identity_received=_date(arguments.identity_received, "--identity-received"),
        fee_received=_date(arguments.fee_received, "--fee-received"),
        clarification_requested=_date(
            arguments.clarification_requested, "--clarification-requested"
        ),
        clarification_received=_date(arguments.clarification_received, "--clarification-received"),
        extended=arguments.extended,
        business_size=arguments.business_size.strip().lower() if arguments.business_size else None,
    )


def deadlines_json(deadlines: Deadlines) -> dict[str, str | None]:
    """Return the five fields of the ``--json`` output."""
    return {
        "internal_due": deadlines.internal_due.isoformat(),
        "legal_limit": deadlines.legal_limit.isoformat(),
        "acknowledge_by": _iso(deadlines.acknowledge_by),
        "extension_notice_by": _iso(deadlines.extension_notice_by),
        "rule": deadlines.rule,
    }


def deadlines_summary(deadlines: Deadlines) -> str:
    """Return a readable multi-line summary with both readings and the choices applied."""
    lines = [
        f"rule:                {deadlines.rule} ({deadlines.kind}"
        + (", extended)" if deadlines.extended else ")"),
        f"received:            {deadlines.received_on.isoformat()} in {deadlines.legal_zone}",
        f"internal due:        {_day(deadlines.internal_due)}",
        f"legal limit:         {_day(deadlines.legal_limit)}",
    ]
    if deadlines.acknowledge_by is not None:
        lines.append(
            f"acknowledge by:      {_day(deadlines.acknowledge_by)} "
            f"(legal {_day(deadlines.acknowledge_by_legal)})"
        )
    if deadlines.extension_notice_by is not None:
        lines.append(
            f"extension notice by: {_day(deadlines.extension_notice_by)} "
            f"(legal {_day(deadlines.extension_notice_by_legal)})"
        )
    lines.append("readings:")
    lines.extend(f"  - {reading}" for reading in deadlines.readings)
    return "\n".join(lines)


def _instant(text: str, option: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError as error:
        raise ArgumentError(
            f"{option} {text!r} is not an ISO 8601 instant; use for example 2026-03-02T09:00:00Z"
        ) from error
    if instant.tzinfo is None:
        raise ArgumentError(
            f"{option} {text!r} has no UTC offset; add Z or an offset such as +01:00"
        )
    return instant


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ArgumentError(f"{option} {text!r} is not a date; use YYYY-MM-DD") from error


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _day(day: date | None) -> str:
    return day.strftime("%a %d %b %Y") if day is not None else "none"
