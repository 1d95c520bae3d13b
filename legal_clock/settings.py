"""Settings of the legal clock, read from ``DSRFLOW_CLOCK_``-prefixed environment variables.

The contested readings of the law are fields here. Each default follows the rules table of the
legal clock; whatever a field is set to, the internal due date keeps the earliest reading.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from legal_clock.instants import load_zone
from legal_clock.regimes import GDPR_COUNTRIES

CcpaBusinessDays = Literal["weekdays_less_federal_holidays", "weekdays"]


class ClockSettings(BaseSettings):
    """Establishment and contested readings; every field is read from ``DSRFLOW_CLOCK_<NAME>``.

    Build it outside workflow code (environment reads are I/O) and hand it to the workflow, or
    call ``ClockSettings.model_construct(...)`` there, which reads no environment.
    """

    # An empty variable counts as unset, so ``DSRFLOW_CLOCK_UK_SUBDIVISION=`` keeps England's
    # calendar instead of falling back to the package's UK-wide list.
    model_config = SettingsConfigDict(
        env_prefix="DSRFLOW_CLOCK_", extra="ignore", frozen=True, env_ignore_empty=True
    )

    establishment_country: str = Field(
        "IE",
        description="ISO 3166-1 alpha-2 code of the EU/EEA member state where the controller is "
        "established; its public holidays extend GDPR legal limits.",
    )
    establishment_subdivision: str | None = Field(
        None,
        description="Subdivision of the establishment (for example BY for Bavaria) whose "
        "regional holidays also count.",
    )
    establishment_holiday_categories: str = Field(
        "public",
        description="Comma-separated categories of the holidays package whose days extend GDPR "
        "legal limits in the establishment's country, for example 'public,optional' to add "
        "the Netherlands' yearly 5 May, 'public,de_facto' for Sweden's Midsummer, Christmas "
        "and New Year's Eves, 'public,catholic' for Assumption Day in Catholic Bavaria. "
        "'public' must stay in the list.",
    )
    establishment_time_zone: str | None = Field(
        None,
        description="IANA zone of the establishment, where GDPR receipt dates are taken. "
        "Unset, it is the zone of the establishment's country (or subdivision).",
    )
    uk_subdivision: str = Field(
        "ENG",
        description="UK nation whose bank holidays extend UK GDPR limits (ENG, WLS, SCT, NIR).",
    )
    uk_time_zone: str = Field("Europe/London", description="IANA zone for UK GDPR receipt dates.")
    brazil_subdivision: str | None = Field(
        None, description="Brazilian state whose holidays also extend LGPD limits (for example SP)."
    )
    brazil_time_zone: str = Field(
        "America/Sao_Paulo", description="IANA zone for LGPD receipt dates."
    )
    canada_subdivision: str | None = Field(
        None, description="Province whose holidays also extend PIPEDA limits (for example ON)."
    )
    canada_time_zone: str = Field(
        "America/Toronto",
        description="IANA zone for PIPEDA receipt dates when no province is given.",
    )
    gdpr_weekends_extend_legal_limit: bool = Field(
        True,
        description="Whether a GDPR legal limit that falls on a Saturday, Sunday or public "
        "holiday moves to the next working day, by analogy with Regulation 1182/71 Art. 3(4). "
        "The internal due date never moves.",
    )
    gdpr_identity_pauses_clock: bool = Field(
        False,
        description="Whether the GDPR clock starts only when requested identity information "
        "arrives. The default starts it at receipt, the earlier reading.",
    )
    lgpd_weekends_extend_legal_limit: bool = Field(
        False,
        description="Whether an LGPD legal limit that falls on a Saturday or Sunday moves to the "
        "next business day, as Lei 9.784 art. 66 does for administrative periods. The default "
        "moves only holidays, as Civil Code Art. 132 says.",
    )
    us_state_time_statutes_extend_legal_limit: bool = Field(
        False,
        description="Whether the Utah, Virginia and Iowa legal limits roll under those states' "
        "general computation-of-time statutes (Utah Code § 68-3-7, Va. Code § 1-210: past a "
        "weekend or holiday; Iowa Code § 4.1(34): a Sunday to the Monday). The default keeps "
        "the privacy laws' plain day counts.",
    )
    ccpa_legal_business_days: CcpaBusinessDays = Field(
        "weekdays_less_federal_holidays",
        description="Calendar for CCPA business days in the legal reading; the internal reading "
        "always counts Monday to Friday, which is never later.",
    )

    @field_validator("establishment_country")
    @classmethod
    def _member_state(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in GDPR_COUNTRIES:
            known = ", ".join(sorted(GDPR_COUNTRIES))
            raise ValueError(f"{value!r} is not an EU/EEA member state; use one of {known}")
        return code

    @field_validator(
        "establishment_time_zone", "uk_time_zone", "brazil_time_zone", "canada_time_zone"
    )
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            load_zone(value)  # raises a ValueError naming the zone and an example
        return value

    @field_validator("establishment_holiday_categories")
    @classmethod
    def _categories_with_public(cls, value: str) -> str:
        categories = [name.strip().lower() for name in value.split(",") if name.strip()]
        if "public" not in categories:
            raise ValueError(
                f"{value!r} leaves out 'public'; list it first, as in 'public,optional'"
            )
        return ",".join(dict.fromkeys(categories))

    @property
    def holiday_categories(self) -> tuple[str, ...]:
        """Return the establishment's holiday categories, ``public`` first."""
        names = self.establishment_holiday_categories.split(",")
        return ("public", *sorted(name for name in names if name != "public"))
