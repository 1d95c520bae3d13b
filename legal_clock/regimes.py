"""Selection of the regime that governs a request, from the subject's country and US state."""

from __future__ import annotations

from dataclasses import dataclass

# EU member states and the EEA states that apply the GDPR.
GDPR_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    }
)

US_STATE_REGIMES = {
    "CA": "ccpa",
    "VA": "vcdpa",
    "CO": "cpa",
    "CT": "ctdpa",
    "UT": "ucpa",
    "FL": "fdbr",
    "IA": "icdpa",
}

# Regimes with a right to opt out of sale or sharing, where a Global Privacy Control signal
# counts as an opt-out request.
OPT_OUT_REGIMES = frozenset(US_STATE_REGIMES.values())


class UnsupportedJurisdictionError(ValueError):
    """No regime in dsrflow covers the given country and state."""


@dataclass(frozen=True)
class Jurisdiction:
    country: str
    subdivision: str | None
    regime: str


def supported_countries() -> list[str]:
    return sorted(GDPR_COUNTRIES | {"GB", "US", "BR", "CA"})


def jurisdiction_for(country: str, subdivision: str | None) -> Jurisdiction:
    """Pick the regime for an ISO 3166-1 alpha-2 country and, in the US, a state code."""
    country = country.upper()
    state = subdivision.upper() if subdivision else None

    if country in GDPR_COUNTRIES:
        return Jurisdiction(country, state, "gdpr")
    if country == "GB":
        return Jurisdiction(country, state, "uk_gdpr")
    if country == "BR":
        return Jurisdiction(country, state, "lgpd")
    if country == "CA":
        return Jurisdiction(country, state, "pipeda")
    if country == "US":
        if state is None:
            raise UnsupportedJurisdictionError("a US request needs the state of residence")
        if state not in US_STATE_REGIMES:
            supported = ", ".join(sorted(US_STATE_REGIMES))
            raise UnsupportedJurisdictionError(
                f"state {state} has no privacy law handled here; supported states: {supported}"
            )
        return Jurisdiction(country, state, US_STATE_REGIMES[state])
    raise UnsupportedJurisdictionError(f"country {country} is not supported")
