"""Parsing query parameters into values, or a 400 naming the parameter.

Plain functions over a ``QueryDict``; every failure raises
:class:`api.exceptions.ParameterError` so the client learns which parameter
was wrong and why. Messages quote only what the client sent, truncated.
"""

import datetime
import re
import zoneinfo

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from repository.fiscal import normalise_fiscal_year

from .exceptions import ParameterError

# Parameters every endpoint accepts (DRF's format suffix).
COMMON = {"format"}
# Dates without a time or offset are Thai dates.
THAI_TIME_ZONE = "Asia/Bangkok"


def _shown(value, limit=40):
    value = str(value)
    return value if len(value) <= limit else value[:limit] + "…"


def check_known(query, allowed):
    """Reject parameters the endpoint does not understand (typos fail loudly)."""
    for name in query.keys():
        if name not in allowed and name not in COMMON:
            raise ParameterError(name, f"Unknown parameter '{_shown(name)}'. Accepted: {', '.join(sorted(allowed))}.")


# At most this many values in one list parameter (``agency=a,b,…``, ``fields=…``): more is a 400.
MAX_LIST_VALUES = 100


def get_list(query, name, limit=MAX_LIST_VALUES):
    """``?agency=a,b&agency=c`` → ``['a', 'b', 'c']`` (blank entries dropped); at most ``limit`` values."""
    values = []
    for raw in query.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
        if len(values) > limit:
            raise ParameterError(name, f"'{name}' takes at most {limit} values.")
    return values


def get_int(query, name, default=None, minimum=None, maximum=None):
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParameterError(name, f"'{name}' must be an integer, got '{_shown(raw)}'.") from None
    if minimum is not None and value < minimum:
        raise ParameterError(name, f"'{name}' must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise ParameterError(name, f"'{name}' must be at most {maximum}.")
    return value


def get_fiscal_years(query, name="fiscal_year"):
    """Buddhist Era (2568) or Gregorian (2025) years, returned as BE."""
    years = []
    for raw in get_list(query, name):
        try:
            years.append(normalise_fiscal_year(raw))
        except ValueError:
            raise ParameterError(
                name, f"'{name}' must be a fiscal year in Buddhist Era (e.g. 2568) or Gregorian (2025), "
                f"got '{_shown(raw)}'."
            ) from None
    return years


# A year this large is a Buddhist Era year (Gregorian + 543), not a date in the far future.
FIRST_BE_YEAR = 2400
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _refuse_buddhist_era(name, raw, value):
    if value is not None and value.year >= FIRST_BE_YEAR:
        gregorian = f"{value.year - 543:04d}{raw.strip()[4:]}"
        raise ParameterError(
            name,
            f"'{name}' takes Gregorian (ค.ศ.) years; {value.year} looks like a Buddhist Era (พ.ศ.) year: "
            f"for that day use '{_shown(gregorian)}'.",
        )


def get_date(query, name):
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise ParameterError(name, f"'{name}' must be an ISO date (YYYY-MM-DD), got '{_shown(raw)}'.")
    _refuse_buddhist_era(name, raw, value)
    return value


def get_date_range(query, start="from", end="to"):
    """``from``/``to`` dates, checked to be in order: ``(date or None, date or None)``."""
    first, last = get_date(query, start), get_date(query, end)
    if first and last and first > last:
        raise ParameterError(start, f"'{start}' is after '{end}'.")
    return first, last


def get_datetime(query, name):
    """An ISO 8601 date-time, made aware (Thai time when it names no offset), or a
    date alone, meaning the *end* of that day in Thai time (Asia/Bangkok, whatever
    time zone is active). Buddhist Era years are refused with the Gregorian date."""
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    value = None
    try:
        if _DATE_ONLY.match(raw):
            # Python's fromisoformat (inside parse_datetime) reads a date alone as its start.
            day = parse_date(raw)
            if day is not None:
                _refuse_buddhist_era(name, raw, day)
                end = datetime.datetime.combine(day, datetime.time.max)
                return timezone.make_aware(end, zoneinfo.ZoneInfo(THAI_TIME_ZONE))
        else:
            value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise ParameterError(
            name, f"'{name}' must be an ISO 8601 date-time such as 2025-03-01T12:00:00+07:00, got '{_shown(raw)}'."
        )
    _refuse_buddhist_era(name, raw, value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, zoneinfo.ZoneInfo(THAI_TIME_ZONE))
    return value


def get_choices(query, name, allowed, default=None, multiple=False):
    values = get_list(query, name)
    for value in values:
        if value not in allowed:
            raise ParameterError(
                name, f"'{name}' accepts {', '.join(sorted(allowed))}; got '{_shown(value)}'."
            )
    if multiple:
        return values
    if len(values) > 1:
        raise ParameterError(name, f"'{name}' takes one value.")
    return values[0] if values else default


def get_fields(query, allowed, what="field", name="fields"):
    """``fields=a,b`` checked against ``allowed`` keys: the set asked for, or ``None`` when absent."""
    names = get_list(query, name, limit=max(len(allowed), 1))  # each name once at most
    if not names:
        return None
    for value in names:
        if value not in allowed:
            raise ParameterError(name, f"Unknown {what} '{_shown(value)}'. Available: {', '.join(allowed)}.")
    return set(names)
