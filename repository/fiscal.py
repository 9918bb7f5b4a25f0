"""The Thai government fiscal year (ปีงบประมาณ).

A fiscal year runs from 1 October to 30 September and is named by the Buddhist
Era year in which it ends: FY 2568 = 1 Oct 2024 – 30 Sep 2025.
"""

import datetime

from .thai import BE_OFFSET

FIRST_MONTH = 10


def fiscal_year_of(day):
    """The BE fiscal year a date falls in."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    year = day.year + 1 if day.month >= FIRST_MONTH else day.year
    return year + BE_OFFSET


def fiscal_year_bounds(fiscal_year):
    """First and last day of a BE fiscal year, as Gregorian dates."""
    end_year = fiscal_year - BE_OFFSET
    return datetime.date(end_year - 1, FIRST_MONTH, 1), datetime.date(end_year, 9, 30)


def first_half_bounds(fiscal_year):
    """October–March: the period a 6-month report covers."""
    start, _ = fiscal_year_bounds(fiscal_year)
    return start, datetime.date(start.year + 1, 3, 31)


def normalise_fiscal_year(value):
    """Accept a BE year (2568) or its Gregorian equivalent (2025) and return BE.

    Any year below 2400 is taken as Gregorian. Raises ValueError otherwise.
    """
    year = int(str(value).strip())
    if 1900 <= year < 2400:
        return year + BE_OFFSET
    if 2400 <= year <= 2700:
        return year
    raise ValueError(f"{value!r} is not a plausible fiscal year")
