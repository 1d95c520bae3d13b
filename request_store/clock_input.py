"""The legal clock's view of a stored request: the facts its deadlines are counted from."""

from __future__ import annotations

from datetime import date, datetime

from legal_clock.deadlines import ClockInput
from legal_clock.instants import local_date
from legal_clock.rules import rule_in_force
from request_store.models import DataSubjectRequest

# Requests stored before the legal clock have no legal zone. UTC keeps their dates defined.
FALLBACK_ZONE = "UTC"


def clock_input_for(request: DataSubjectRequest, *, extended: bool | None = None) -> ClockInput:
    """Build the clock input of a stored request.

    ``extended`` defaults to whether the request was extended; pass False to count the
    original period of an extended request. The establishment and any US state come from the
    clock's settings, as at intake, so a recount gives the dates intake stored.
    """
    # A pause still waiting for its answer has not moved any date yet: only the resume does.
    answered = request.clarification_received is not None
    return ClockInput(
        regime=request.regime,
        received_at=request.received_at,
        kind=request.kind,
        subject_tz=request.subject_time_zone,
        identity_received=request.identity_received,
        clarification_requested=request.clarification_requested if answered else None,
        clarification_received=request.clarification_received,
        extended=request.extended_at is not None if extended is None else extended,
    )


def local_day(request: DataSubjectRequest, instant: datetime) -> date:
    """Return the date of ``instant`` in the request's legal zone, or in UTC where it has none."""
    return local_date(instant, request.legal_zone or FALLBACK_ZONE)


def pauses_for_clarification(request: DataSubjectRequest) -> bool:
    """Tell whether the rule in force on the local receipt date stops this kind's clock."""
    try:
        rule = rule_in_force(request.regime, local_day(request, request.received_at))
    except ValueError:
        # An unknown regime or a receipt before its first rule has no clock to pause.
        return False
    return rule.pauses_for(request.kind)
