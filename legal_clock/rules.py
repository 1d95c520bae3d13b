"""Rule records: how each regime counts its clocks, versioned by the date they took effect."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from legal_clock.counting import MonthEnd


class Unit(StrEnum):
    MONTHS = "months"
    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"


class Anchor(StrEnum):
    """Event from which a response period runs."""

    RECEIPT = "receipt"
    VERIFICATION = "verification"
    LATEST_OF_RECEIPT_AND_IDENTITY = "latest_of_receipt_and_identity"
    LATEST_OF_RECEIPT_IDENTITY_AND_FEE = "latest_of_receipt_identity_and_fee"


class Roll(StrEnum):
    """Move of a legal limit that falls on a non-working day; the internal date never moves.

    ``NEXT_WORKING_DAY``: a Saturday, Sunday or holiday moves to the next Monday-to-Friday
    non-holiday. ``NEXT_NON_HOLIDAY``: a Sunday or holiday moves to the next day that is
    neither, because a Saturday is not a holiday under Canada's Interpretation Act.
    ``HOLIDAY_TO_NEXT_BUSINESS_DAY``: only a holiday moves, to the next Monday-to-Friday
    non-holiday, as in Brazil's Civil Code Art. 132. ``SUNDAY_TO_MONDAY``: only a Sunday
    moves, to the Monday, as in Iowa Code § 4.1(34).
    """

    NONE = "none"
    NEXT_WORKING_DAY = "next_working_day"
    NEXT_NON_HOLIDAY = "next_non_holiday"
    HOLIDAY_TO_NEXT_BUSINESS_DAY = "holiday_to_next_business_day"
    SUNDAY_TO_MONDAY = "sunday_to_monday"


class CalendarSource(StrEnum):
    """Holiday calendar that a regime rolls over and counts business days with."""

    ESTABLISHMENT = "establishment"
    UNITED_KINGDOM = "united_kingdom"
    US_FEDERAL = "us_federal"
    US_STATE = "us_state"
    BRAZIL = "brazil"
    CANADA = "canada"


class PlaceKind(StrEnum):
    """Source of a regime's legal time zone and holidays."""

    EU_MEMBER_STATE = "eu_member_state"
    UNITED_KINGDOM = "united_kingdom"
    US_STATE = "us_state"
    BRAZIL = "brazil"
    CANADA = "canada"


@dataclass(frozen=True)
class Period:
    """A length of time; ``start_day_counts`` makes the anchor day day one."""

    unit: Unit
    length: int
    start_day_counts: bool = False


@dataclass(frozen=True)
class RuleRecord:
    """Counting rules of one regime from ``version`` (ISO effective date) onwards.

    ``extended_total`` runs from the same start as ``response``, because an extension is
    counted from receipt and not from the first deadline. ``internal_start_day_counts`` is the
    earliest plausible reading of a day count for the internal due date.
    """

    regime: str
    version: str
    response: Period
    extended_total: Period | None
    anchor: Anchor
    month_end: MonthEnd
    roll: Roll
    calendar: CalendarSource
    place: PlaceKind
    time_zone: str | None
    sources: tuple[str, ...]
    internal_start_day_counts: bool = False
    acknowledge: Period | None = None
    opt_out: Period | None = None
    pauses_for_clarification: bool = False
    # Kinds whose clock a clarification stops: Art. 12A allows it for access requests only.
    clarification_kinds: frozenset[str] = frozenset({"access"})
    small_business_multiplier: int = 1
    state: str | None = None
    # Roll under the state's general computation-of-time statute. Whether that statute reaches
    # a privacy law's deadline is open, so the roll applies only when its setting is on.
    general_time_roll: Roll | None = None
    general_time_source: str | None = None

    @property
    def name(self) -> str:
        return f"{self.regime}@{self.version}"

    @property
    def effective(self) -> date:
        return date.fromisoformat(self.version)

    def pauses_for(self, kind: str) -> bool:
        """Tell whether a scope clarification stops the clock of a request of ``kind``."""
        return self.pauses_for_clarification and kind in self.clarification_kinds


class UnknownRegimeError(ValueError):
    """No rule record exists for a regime identifier."""


class NoRuleInForceError(ValueError):
    """A request arrived before the first version of its regime took effect."""


def _days(length: int, *, start_day_counts: bool = False) -> Period:
    return Period(Unit.CALENDAR_DAYS, length, start_day_counts)


def _months(length: int) -> Period:
    return Period(Unit.MONTHS, length)


def _business_days(length: int) -> Period:
    return Period(Unit.BUSINESS_DAYS, length)


def _gdpr() -> tuple[RuleRecord, ...]:
    # Art. 12(3): one month, extendable by two further months with notice within the first
    # month; counted as Regulation 1182/71 Art. 3 counts months.
    return (
        RuleRecord(
            regime="gdpr",
            version="2018-05-25",
            response=_months(1),
            extended_total=_months(3),
            anchor=Anchor.RECEIPT,
            month_end=MonthEnd.CLAMP_TO_LAST_DAY,
            roll=Roll.NEXT_WORKING_DAY,
            calendar=CalendarSource.ESTABLISHMENT,
            place=PlaceKind.EU_MEMBER_STATE,
            time_zone=None,
            sources=("GDPR Art. 12(3)", "Regulation 1182/71 Art. 3"),
        ),
    )


def _uk_gdpr() -> tuple[RuleRecord, ...]:
    # Before Article 12A took effect, the start at identity or fee and the pause for
    # clarification came from ICO guidance on Art. 12(3); Article 12A put both into the statute.
    guidance = RuleRecord(
        regime="uk_gdpr",
        version="2021-01-01",
        response=_months(1),
        extended_total=_months(3),
        anchor=Anchor.LATEST_OF_RECEIPT_IDENTITY_AND_FEE,
        month_end=MonthEnd.CLAMP_TO_LAST_DAY,
        roll=Roll.NEXT_WORKING_DAY,
        calendar=CalendarSource.UNITED_KINGDOM,
        place=PlaceKind.UNITED_KINGDOM,
        time_zone=None,
        sources=("UK GDPR Art. 12(3)", "ICO guidance on time limits"),
        pauses_for_clarification=True,
    )
    statute = replace(
        guidance,
        version="2026-02-05",
        sources=("UK GDPR Art. 12A", "ICO guidance on time limits"),
    )
    return (guidance, statute)


def _ccpa() -> tuple[RuleRecord, ...]:
    # 11 CCR 7021 says the 45-day period begins on the day of receipt, so receipt + 44 is a
    # plausible reading for the internal date. The legal limit is receipt + 45 with no roll.
    original = RuleRecord(
        regime="ccpa",
        version="2020-08-14",
        response=_days(45),
        extended_total=_days(90),
        anchor=Anchor.RECEIPT,
        month_end=MonthEnd.CLAMP_TO_LAST_DAY,
        roll=Roll.NONE,
        calendar=CalendarSource.US_FEDERAL,
        place=PlaceKind.US_STATE,
        time_zone="America/Los_Angeles",
        sources=("11 CCR 999.313", "11 CCR 999.315"),
        internal_start_day_counts=True,
        acknowledge=_business_days(10),
        opt_out=_business_days(15),
        state="CA",
    )
    renumbered = replace(original, version="2023-03-29", sources=("11 CCR 7021", "11 CCR 7026"))
    return (original, renumbered)


def _us_state(
    regime: str,
    version: str,
    state: str,
    time_zone: str,
    response_days: int,
    extension_days: int,
    roll: Roll,
    source: str,
    general_time: tuple[Roll, str] | None = None,
) -> RuleRecord:
    return RuleRecord(
        regime=regime,
        version=version,
        response=_days(response_days),
        extended_total=_days(response_days + extension_days),
        anchor=Anchor.RECEIPT,
        month_end=MonthEnd.CLAMP_TO_LAST_DAY,
        roll=roll,
        calendar=CalendarSource.US_STATE,
        place=PlaceKind.US_STATE,
        time_zone=time_zone,
        sources=(source,),
        state=state,
        general_time_roll=general_time[0] if general_time else None,
        general_time_source=general_time[1] if general_time else None,
    )


def _lgpd() -> tuple[RuleRecord, ...]:
    # Art. 19 II: 15 days for the full declaration, no extension. Civil Code Art. 132: the day
    # of the request is excluded, and a period ending on a holiday moves to the next business day.
    original = RuleRecord(
        regime="lgpd",
        version="2020-09-18",
        response=_days(15),
        extended_total=None,
        anchor=Anchor.RECEIPT,
        month_end=MonthEnd.NEXT_DAY,
        roll=Roll.HOLIDAY_TO_NEXT_BUSINESS_DAY,
        calendar=CalendarSource.BRAZIL,
        place=PlaceKind.BRAZIL,
        time_zone=None,
        sources=("LGPD Art. 19", "Civil Code Art. 132"),
    )
    # Resolution CD/ANPD 2/2022 doubles the period for small processing agents. The internal
    # reading keeps 15 days, because the doubling does not reach high-risk processing.
    small_agents = replace(
        original,
        version="2022-01-28",
        sources=(*original.sources, "Resolution CD/ANPD 2/2022"),
        small_business_multiplier=2,
    )
    return (original, small_agents)


def _pipeda() -> tuple[RuleRecord, ...]:
    # s. 8(3): thirty days after receipt; s. 8(4): up to thirty more, notice within the first
    # thirty. Interpretation Act s. 26 moves a limit that falls on a holiday to the next day
    # that is not one.
    return (
        RuleRecord(
            regime="pipeda",
            version="2001-01-01",
            response=_days(30),
            extended_total=_days(60),
            anchor=Anchor.RECEIPT,
            month_end=MonthEnd.CLAMP_TO_LAST_DAY,
            roll=Roll.NEXT_NON_HOLIDAY,
            calendar=CalendarSource.CANADA,
            place=PlaceKind.CANADA,
            time_zone=None,
            sources=("PIPEDA s. 8", "Interpretation Act ss. 26, 35"),
        ),
    )


RULES: tuple[RuleRecord, ...] = (
    *_gdpr(),
    *_uk_gdpr(),
    *_ccpa(),
    _us_state(
        "vcdpa",
        "2023-01-01",
        "VA",
        "America/New_York",
        45,
        45,
        Roll.NONE,
        "Va. Code § 59.1-577(B)",
        (Roll.NEXT_WORKING_DAY, "Va. Code § 1-210"),
    ),
    # Conn. Gen. Stat. § 42-518(c)(1): 45 days after receipt, 45 more with notice within them.
    _us_state(
        "ctdpa",
        "2023-07-01",
        "CT",
        "America/New_York",
        45,
        45,
        Roll.NONE,
        "Conn. Gen. Stat. § 42-518",
    ),
    _us_state(
        "ucpa",
        "2023-12-31",
        "UT",
        "America/Denver",
        45,
        45,
        Roll.NONE,
        "Utah Code § 13-61-203",
        (Roll.NEXT_WORKING_DAY, "Utah Code § 68-3-7"),
    ),
    _us_state(
        "cpa",
        "2023-07-01",
        "CO",
        "America/Denver",
        45,
        45,
        Roll.NEXT_WORKING_DAY,
        "C.R.S. § 6-1-1306 and § 2-4-108",
    ),
    _us_state(
        "fdbr", "2024-07-01", "FL", "America/New_York", 45, 15, Roll.NONE, "Fla. Stat. § 501.706(2)"
    ),
    _us_state(
        "icdpa",
        "2025-01-01",
        "IA",
        "America/Chicago",
        90,
        45,
        Roll.NONE,
        "Iowa Code § 715D.3(2)",
        (Roll.SUNDAY_TO_MONDAY, "Iowa Code § 4.1(34)"),
    ),
    *_lgpd(),
    *_pipeda(),
)

REGIMES: tuple[str, ...] = tuple(dict.fromkeys(rule.regime for rule in RULES))


def regime_versions(regime: str) -> tuple[RuleRecord, ...]:
    """Return every version of a regime, oldest first."""
    versions = tuple(rule for rule in RULES if rule.regime == regime)
    if not versions:
        raise UnknownRegimeError(f"unknown regime {regime!r}; known regimes: {', '.join(REGIMES)}")
    return tuple(sorted(versions, key=lambda rule: rule.version))


def rule_in_force(regime: str, on: date) -> RuleRecord:
    """Return the version of ``regime`` in force on local date ``on``."""
    versions = regime_versions(regime)
    in_force = [rule for rule in versions if rule.effective <= on]
    if not in_force:
        raise NoRuleInForceError(
            f"regime {regime} has no rule in force on {on.isoformat()}; "
            f"its first version took effect on {versions[0].version}"
        )
    return in_force[-1]
