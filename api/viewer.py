"""The portal user's locale and time zone, used to format dates and instants.

The portal's text is English, but dates follow the ``Accept-Language`` header through babel
(``2 Apr 2026`` for en-GB, ``02.04.2026`` for de). Instants are shown in the zone picked with
the ``tz`` query parameter, remembered in a cookie, or in UTC when none was picked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Annotated

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from fastapi import Depends, Request
from fastapi.responses import Response

from legal_clock.instants import UnknownTimeZoneError, load_zone
from localization.negotiation import ranked_language_tags

ZONE_QUERY_PARAMETER = "tz"
ZONE_COOKIE = "dsrflow_tz"
ZONE_COOKIE_MAX_AGE = 365 * 24 * 3600
DEFAULT_ZONE = "UTC"
DEFAULT_LOCALE = Locale("en")
# Zones offered in the select: the legal zones of the supported regimes and the US zones.
# Any other IANA name works too when given in the query string.
ZONE_CHOICES = (
    "UTC",
    "Europe/Dublin",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
)


@dataclass(frozen=True)
class Viewer:
    """The portal user's locale and time zone, with formatters for templates."""

    locale: Locale
    zone_name: str
    zone: tzinfo
    # True when the zone came from the query string and should be stored in the cookie.
    zone_chosen_now: bool = False

    def format_date(self, day: date) -> str:
        return format_date(day, "medium", locale=self.locale)

    def format_instant(self, moment: datetime) -> str:
        """Format a UTC instant in the viewer's zone, naming the zone."""
        return format_datetime(
            moment.astimezone(UTC), "medium", tzinfo=self.zone, locale=self.locale
        ) + (" " + self.zone_name)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def zone_choices(self) -> list[str]:
        if self.zone_name in ZONE_CHOICES:
            return list(ZONE_CHOICES)
        return [self.zone_name, *ZONE_CHOICES]


def viewer_for(request: Request) -> Viewer:
    """Build the Viewer from the request's query string, cookie and Accept-Language header."""
    locale = locale_from_header(request.headers.get("accept-language", ""))

    chosen = _known_zone(request.query_params.get(ZONE_QUERY_PARAMETER, ""))
    if chosen is not None:
        return Viewer(locale, chosen, load_zone(chosen), zone_chosen_now=True)

    # An unknown name in the cookie, for example after a zone database update, falls back
    # to UTC instead of failing every page.
    remembered = _known_zone(request.cookies.get(ZONE_COOKIE, "")) or DEFAULT_ZONE
    return Viewer(locale, remembered, load_zone(remembered))


def remember_zone(response: Response, viewer: Viewer, *, secure: bool) -> None:
    """Store a zone picked in the query string in a cookie, so later pages use it too."""
    if not viewer.zone_chosen_now:
        return
    response.set_cookie(
        ZONE_COOKIE,
        viewer.zone_name,
        max_age=ZONE_COOKIE_MAX_AGE,
        path="/portal",
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def locale_from_header(header: str) -> Locale:
    """Return the highest-ranked Accept-Language tag that babel can parse, else English.

    Unlike the page-language negotiation, this keeps region subtags: en-GB and en-US write
    dates differently.
    """
    for tag in ranked_language_tags(header):
        try:
            return Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            continue
    return DEFAULT_LOCALE


def _known_zone(name: str) -> str | None:
    if not name:
        return None
    try:
        load_zone(name)
    except UnknownTimeZoneError:
        return None
    return name


ViewerPreferences = Annotated[Viewer, Depends(viewer_for)]
