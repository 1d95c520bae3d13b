"""Where a regime's clock runs: the country and subdivision whose holidays count, and the zone.

For GDPR and UK GDPR that is the controller's establishment; for a US state law it is the
state; for LGPD and PIPEDA it is Brazil or Canada as configured.
"""

from __future__ import annotations

from dataclasses import dataclass

from legal_clock.calendars import (
    CANADA_FEDERAL_CATEGORIES,
    HolidayCalendar,
    check_categories,
    normalize_subdivision,
)
from legal_clock.regimes import GDPR_COUNTRIES
from legal_clock.rules import CalendarSource, PlaceKind, RuleRecord
from legal_clock.settings import ClockSettings

# Zone of each member state's capital; a subdivision in another zone is listed below it.
MEMBER_STATE_ZONES = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "HR": "Europe/Zagreb",
    "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "GR": "Europe/Athens",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IT": "Europe/Rome",
    "LV": "Europe/Riga",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest",
    "SK": "Europe/Bratislava",
    "SI": "Europe/Ljubljana",
    "ES": "Europe/Madrid",
    "SE": "Europe/Stockholm",
    "IS": "Atlantic/Reykjavik",
    "LI": "Europe/Vaduz",
    "NO": "Europe/Oslo",
}
SUBDIVISION_ZONES = {
    ("ES", "CN"): "Atlantic/Canary",
    ("PT", "20"): "Atlantic/Azores",
    ("PT", "30"): "Atlantic/Madeira",
    ("CA", "NL"): "America/St_Johns",
    ("CA", "NS"): "America/Halifax",
    ("CA", "NB"): "America/Moncton",
    ("CA", "PE"): "America/Halifax",
    ("CA", "QC"): "America/Toronto",
    ("CA", "ON"): "America/Toronto",
    ("CA", "MB"): "America/Winnipeg",
    ("CA", "SK"): "America/Regina",
    ("CA", "AB"): "America/Edmonton",
    ("CA", "BC"): "America/Vancouver",
    ("CA", "YT"): "America/Whitehorse",
    ("CA", "NT"): "America/Yellowknife",
    ("CA", "NU"): "America/Iqaluit",
}


class PlaceError(ValueError):
    """A country or subdivision does not fit the regime."""


@dataclass(frozen=True)
class LegalPlace:
    """Country, subdivision and IANA zone in which a regime's dates are counted."""

    country: str
    subdivision: str | None
    time_zone: str
    # Categories of the holidays package whose days extend the legal limit there.
    holiday_categories: tuple[str, ...] = ("public",)


def legal_place_for(
    rule: RuleRecord, country: str | None, subdivision: str | None, settings: ClockSettings
) -> LegalPlace:
    """Resolve the legal place from the request's country and subdivision, or from settings."""
    requested_country = country.strip().upper() if country else None

    if rule.place is PlaceKind.EU_MEMBER_STATE:
        return _member_state(requested_country, subdivision, settings)
    if rule.place is PlaceKind.UNITED_KINGDOM:
        return _fixed_country(
            rule,
            "GB",
            requested_country,
            subdivision or settings.uk_subdivision,
            settings.uk_time_zone,
        )
    if rule.place is PlaceKind.BRAZIL:
        return _fixed_country(
            rule,
            "BR",
            requested_country,
            subdivision or settings.brazil_subdivision,
            settings.brazil_time_zone,
        )
    if rule.place is PlaceKind.CANADA:
        return _fixed_country(
            rule,
            "CA",
            requested_country,
            subdivision or settings.canada_subdivision,
            settings.canada_time_zone,
        )
    return _us_state(rule, requested_country, subdivision)


def holiday_calendar_for(rule: RuleRecord, place: LegalPlace) -> HolidayCalendar:
    """Return the calendar whose holidays the rule rolls over."""
    if rule.calendar is CalendarSource.US_FEDERAL:
        return HolidayCalendar("US")
    if rule.calendar is CalendarSource.CANADA:
        # The package's public and federal-government categories together come closest to the
        # holidays listed in the Interpretation Act s. 35.
        return HolidayCalendar("CA", place.subdivision, CANADA_FEDERAL_CATEGORIES)
    return HolidayCalendar(place.country, place.subdivision, place.holiday_categories)


def _member_state(
    country: str | None, subdivision: str | None, settings: ClockSettings
) -> LegalPlace:
    establishment = settings.establishment_country.upper()
    member_state = country or establishment
    if member_state not in GDPR_COUNTRIES:
        raise PlaceError(
            f"country {member_state} is not an EU/EEA member state; gdpr needs one of "
            f"{', '.join(sorted(GDPR_COUNTRIES))}"
        )

    if member_state == establishment:
        code = normalize_subdivision(
            member_state, subdivision or settings.establishment_subdivision
        )
        # A country set without a zone must not keep another country's zone.
        zone = settings.establishment_time_zone or SUBDIVISION_ZONES.get(
            (member_state, code or ""), MEMBER_STATE_ZONES[member_state]
        )
        categories = settings.holiday_categories
        try:
            check_categories(member_state, code, categories)
        except ValueError as error:
            raise PlaceError(
                f"setting DSRFLOW_CLOCK_ESTABLISHMENT_HOLIDAY_CATEGORIES: {error}"
            ) from error
        return LegalPlace(member_state, code, zone, categories)

    code = normalize_subdivision(member_state, subdivision)
    zone = SUBDIVISION_ZONES.get((member_state, code or ""), MEMBER_STATE_ZONES[member_state])
    return LegalPlace(member_state, code, zone)


def _fixed_country(
    rule: RuleRecord,
    expected: str,
    country: str | None,
    subdivision: str | None,
    default_zone: str,
) -> LegalPlace:
    if country is not None and country != expected:
        raise PlaceError(f"regime {rule.regime} applies in country {expected}, not {country}")
    code = normalize_subdivision(expected, subdivision)
    zone = SUBDIVISION_ZONES.get((expected, code or ""), default_zone)
    return LegalPlace(expected, code, zone)


def _us_state(rule: RuleRecord, country: str | None, subdivision: str | None) -> LegalPlace:
    state = rule.state
    if state is None or rule.time_zone is None:
        raise PlaceError(f"rule {rule.name} names no US state or time zone")
    if country is not None and country != "US":
        raise PlaceError(f"regime {rule.regime} applies in country US, not {country}")

    if subdivision:
        code = normalize_subdivision("US", subdivision)
        if code != state:
            raise PlaceError(
                f"regime {rule.regime} applies in US state {state}, not {subdivision.upper()}"
            )
    # NOTE: a state that spans two zones uses the zone of its larger, more eastern part; the
    # rule record names it.
    return LegalPlace("US", state, rule.time_zone)
