"""Holiday lists as two statutes define them, built from the ``holidays`` package.

The package follows what employers observe, which differs from the days these statutes name:
it moves holidays that fall on a weekend to a weekday, and it lists days the statutes leave
out. Using its lists as they are would move some legal limits later than the law does.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays

MONDAY = 0
SUNDAY = 6
OBSERVED_SUFFIX = "(observed)"

# Interpretation Act (R.S.C. 1985, c. I-21) s. 35(2): when one of these falls on a Sunday,
# the following day is also a holiday. No other holiday moves.
CANADA_SUNDAY_SUBSTITUTES = frozenset({"New Year's Day", "Canada Day", "Remembrance Day"})
# Listed by the package's federal-government category but not by s. 35(1).
CANADA_NOT_IN_SECTION_35 = frozenset({"Boxing Day"})

# C.R.S. § 24-11-101 lists Colorado's legal holidays; Cesar Chavez Day is a commemorative day
# under a separate section, so it does not extend a period under § 2-4-108.
COLORADO_NOT_LEGAL_HOLIDAYS = frozenset({"Cesar Chavez Day"})


def canada_holidays(
    federal: holidays.HolidayBase, provincial: holidays.HolidayBase | None
) -> frozenset[date]:
    """Return the Interpretation Act s. 35 holidays of one year.

    ``federal`` is the package's calendar for the public and federal-government categories.
    ``provincial`` is the public calendar of the province, when one is set, because s. 35(1)
    counts its days too. Easter Monday, which the package leaves out, is added. Observed days
    are dropped, except the Monday that s. 35(2) adds after a Sunday.
    """
    days: set[date] = set()
    for day, names in _named_days(federal):
        listed = [name for name in names if name not in CANADA_NOT_IN_SECTION_35]
        if any(not _observed(name) for name in listed):
            days.add(day)
        if "Good Friday" in names:
            days.add(day + timedelta(days=3))
        if day.weekday() == SUNDAY and CANADA_SUNDAY_SUBSTITUTES.intersection(names):
            days.add(day + timedelta(days=1))

    # NOTE: a province's own rule for a holiday on a weekend is not applied. Its holidays count
    # only on their actual dates, which can only make a limit earlier.
    if provincial is not None:
        days.update(day for day, names in _named_days(provincial) if not all(map(_observed, names)))
    return frozenset(days)


def colorado_holidays(calendar: holidays.HolidayBase) -> frozenset[date]:
    """Return the legal holidays of C.R.S. § 24-11-101 for one year.

    § 24-11-101(2) makes the Monday after a holiday that falls on a Sunday a holiday too. No
    rule moves a Saturday holiday to the Friday, as the package's observed days do.
    """
    days: set[date] = set()
    for day, names in _named_days(calendar):
        legal = [name for name in names if name not in COLORADO_NOT_LEGAL_HOLIDAYS]
        if any(not _observed(name) for name in legal):
            days.add(day)
        elif legal and day.weekday() == MONDAY:
            days.add(day)  # the Monday after a Sunday holiday
    return frozenset(days)


def _named_days(calendar: holidays.HolidayBase) -> list[tuple[date, list[str]]]:
    """Return each day with its holiday names; the package joins two names with "; "."""
    return [(day, str(name).split("; ")) for day, name in sorted(calendar.items())]


def _observed(name: str) -> bool:
    return name.endswith(OBSERVED_SUFFIX)
