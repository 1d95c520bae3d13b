"""Conversions between UTC instants and local dates in a legal time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UnknownTimeZoneError(ValueError):
    """A name is not an IANA time zone known to this machine's zone database."""


@lru_cache(maxsize=512)
def load_zone(name: str) -> ZoneInfo:
    """Return the zone, cached so that only the first use of a name reads the zone database."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownTimeZoneError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin"
        ) from error


def require_aware(instant: datetime, name: str) -> datetime:
    """Return ``instant`` in UTC; raise ValueError when it carries no UTC offset."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(
            f"{name} must be timezone-aware, for example 2026-03-02T09:00:00Z; "
            f"got {instant.isoformat()}"
        )
    return instant.astimezone(UTC)


def local_date(instant: datetime, zone_name: str) -> date:
    """Return the calendar date that ``instant`` falls on in ``zone_name``."""
    return require_aware(instant, "instant").astimezone(load_zone(zone_name)).date()


def end_of_local_day(day: date, zone_name: str) -> datetime:
    """Return the UTC instant at which ``day`` ends in ``zone_name``: the next local midnight.

    Where clocks jump over midnight, ``fold=0`` resolves the missing midnight with the offset
    before the jump, which is exactly the instant the new day starts.
    """
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=load_zone(zone_name))
    return next_midnight.astimezone(UTC)
