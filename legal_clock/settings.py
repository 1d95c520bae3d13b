"""Settings of the legal clock, read from ``DSRFLOW_CLOCK_``-prefixed environment variables.

The contested readings of the law are fields here. Each default follows the rules table of the
legal clock; whatever a field is set to, the internal due date keeps the earliest reading.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

CcpaBusinessDays = Literal["weekdays_less_federal_holidays", "weekdays"]


class ClockSettings(BaseSettings):
    """Establishment and contested readings; every field is read from ``DSRFLOW_CLOCK_<NAME>``.

    Build it outside workflow code (environment reads are I/O) and hand it to the workflow, or
    call ``ClockSettings.model_construct(...)`` there, which reads no environment.
    """

    model_config = SettingsConfigDict(env_prefix="DSRFLOW_CLOCK_", extra="ignore", frozen=True)

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
