"""Holiday calendars from the ``holidays`` package, cached per country, subdivision and year.

Looking a date up is pure computation once a year's calendar is built, so these functions are
safe inside the Temporal workflow sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays
from temporalio import workflow

from legal_clock.regimes import GDPR_COUNTRIES
from legal_clock.statutory_holidays import canada_holidays, colorado_holidays

SATURDAY = 5
SUNDAY = 6
WEEKEND = frozenset({SATURDAY, SUNDAY})


# The package categories that, adjusted in statutory_holidays, give Canada's federal holidays.
CANADA_FEDERAL_CATEGORIES = ("public", "government")


class UnknownCalendarError(ValueError):
    """The ``holidays`` package has no calendar for a country or subdivision."""


@dataclass(frozen=True)
class HolidayCalendar:
    """Public holidays of a country, optionally with one subdivision's regional holidays.

    ``categories`` are the package's holiday categories, such as ``public`` or ``government``.
    """

    country: str
    subdivision: str | None = None
    categories: tuple[str, ...] = ("public",)

    def is_holiday(self, day: date) -> bool:
        return day in holiday_dates(self.country, self.subdivision, self.categories, day.year)

    def label(self) -> str:
        """Name the calendar for readings, such as ``DE-BY`` or ``US federal``."""
        place = f"{self.country}-{self.subdivision}" if self.subdivision else self.country
        if self.country == "CA" and self.categories == CANADA_FEDERAL_CATEGORIES:
            return f"{place} Interpretation Act s. 35"
        if self.country == "US" and self.subdivision is None:
            return "US federal"
        if self.categories != ("public",):
            return f"{place} ({', '.join(self.categories)})"
        return place


@lru_cache(maxsize=4096)
def holiday_dates(
    country: str, subdivision: str | None, categories: tuple[str, ...], year: int
) -> frozenset[date]:
    """Return the holiday dates of one year; the cache keeps repeated look-ups fast.

    Building a year's calendar makes the package load its holiday-name catalogs with gettext,
    which calls ``locale.normalize``; the Temporal sandbox rejects that call. The catalogs are
    package files that do not change while a worker runs, so the build is deterministic and
    runs with the sandbox's restrictions lifted.
    """
    if workflow.unsafe.in_sandbox():
        with workflow.unsafe.sandbox_unrestricted():
            return _build_holiday_dates(country, subdivision, categories, year)
    return _build_holiday_dates(country, subdivision, categories, year)


def _build_holiday_dates(
    country: str, subdivision: str | None, categories: tuple[str, ...], year: int
) -> frozenset[date]:
    if country == "CA" and categories == CANADA_FEDERAL_CATEGORIES:
        federal = holidays.country_holidays("CA", years=year, categories=categories)
        provincial = (
            holidays.country_holidays("CA", subdiv=subdivision, years=year) if subdivision else None
        )
        return canada_holidays(federal, provincial)

    calendar = holidays.country_holidays(
        country, subdiv=subdivision, years=year, categories=categories
    )
    if (country, subdivision) == ("US", "CO"):
        return colorado_holidays(calendar)
    return frozenset(calendar.keys())


def normalize_subdivision(country: str, subdivision: str | None) -> str | None:
    """Return the package's spelling of ``subdivision``; accept ``DE-BY`` as well as ``BY``.

    Raises UnknownCalendarError for a country or subdivision the package does not know.
    """
    known = _subdivisions(country.upper())
    if subdivision is None or subdivision == "":
        return None

    code = subdivision.strip()
    prefix = f"{country.upper()}-"
    if code.upper().startswith(prefix):
        code = code[len(prefix) :]
    for candidate in known:
        if candidate.upper() == code.upper():
            return candidate
    other_country, dash, _rest = subdivision.strip().partition("-")
    if dash and len(other_country) == 2 and other_country.upper() != country.upper():
        raise UnknownCalendarError(
            f"subdivision {subdivision!r} belongs to country {other_country.upper()}, not "
            f"{country.upper()}; pass the country {other_country.upper()} as well"
        )
    if not known:
        raise UnknownCalendarError(
            f"subdivision {subdivision!r} is not known: country {country.upper()} has no "
            "subdivisions in its holiday calendar; leave the subdivision out"
        )
    raise UnknownCalendarError(
        f"subdivision {subdivision!r} is not known for country {country.upper()}; "
        f"known subdivisions: {', '.join(known)}"
    )


def check_categories(country: str, subdivision: str | None, categories: tuple[str, ...]) -> None:
    """Raise UnknownCalendarError unless the package offers every category for the place."""
    supported = _categories(country, subdivision)
    unknown = [name for name in categories if name not in supported]
    if unknown:
        place = f"{country}-{subdivision}" if subdivision else country
        raise UnknownCalendarError(
            f"holiday categories {', '.join(unknown)} are not known for {place}; "
            f"known categories: {', '.join(supported)}"
        )


@lru_cache(maxsize=256)
def _categories(country: str, subdivision: str | None) -> tuple[str, ...]:
    entity = holidays.country_holidays(country, subdiv=subdivision, years=())
    return tuple(entity.supported_categories)


@lru_cache(maxsize=256)
def _subdivisions(country: str) -> tuple[str, ...]:
    try:
        entity = holidays.country_holidays(country, years=())
    except NotImplementedError as error:
        raise UnknownCalendarError(f"no holiday calendar for country {country!r}") from error
    return tuple(entity.subdivisions)


def preload_calendars(countries: frozenset[str]) -> None:
    """Import the package's modules for ``countries`` now.

    The package imports one module per country on first use. Doing that at import time keeps
    imports out of workflow code, where the Temporal sandbox rejects late imports.
    """
    for country in sorted(countries):
        _subdivisions(country)


def is_weekday(day: date) -> bool:
    return day.weekday() not in WEEKEND


def is_working_day(day: date, calendar: HolidayCalendar) -> bool:
    """Monday to Friday and not a holiday of ``calendar``."""
    return is_weekday(day) and not calendar.is_holiday(day)


# Every country a regime can count in: the member states, the UK, the US, Brazil and Canada.
CLOCK_COUNTRIES = GDPR_COUNTRIES | frozenset({"GB", "US", "BR", "CA"})
preload_calendars(CLOCK_COUNTRIES)
