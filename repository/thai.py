"""Thai text and calendar conventions: digits, Buddhist Era dates.

Store ISO dates and Arabic digits for comparison; show Buddhist Era dates and
keep official text as written. These are plain functions so every layer (models,
search, API, templates) formats the same way.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"
BE_OFFSET = 543

_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)
_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)

MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)


def to_arabic_digits(text):
    """``'๒๒๔/๒๕๖๑'`` → ``'224/2561'``; other characters unchanged."""
    return text.translate(_TO_ARABIC) if text else text


def to_thai_digits(text):
    """``'224/2561'`` → ``'๒๒๔/๒๕๖๑'``; other characters unchanged."""
    return text.translate(_TO_THAI) if text else text


def format_baht(value):
    """``Decimal("2500000")`` → ``"2,500,000.00"`` (thousands separated, two decimals); ``None`` → ``""``."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def parse_baht(text):
    """``"2,500,000.00"`` or ``"๒,๕๐๐,๐๐๐"`` → ``"2500000.00"``: separators and spaces dropped, Thai digits read."""
    return to_arabic_digits(text or "").replace(",", "").replace(" ", "").replace("\u00a0", "")


def be_year(year):
    """Gregorian year → Buddhist Era year."""
    return year + BE_OFFSET


def ce_year(be):
    """Buddhist Era year → Gregorian year."""
    return be - BE_OFFSET


def format_be_date(value, style="full", thai_digits=False):
    """Format a date the way a Thai reader expects it.

    ``style="full"`` gives ``1 มกราคม 2568``, ``style="abbr"`` gives ``25 ส.ค. 2563``.
    Datetimes are shown in the current time zone with ``HH:MM น.``.
    """
    if value is None:
        return ""
    time_part = ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        time_part = f" {value:%H:%M} น."
        value = value.date()
    months = MONTHS_FULL if style == "full" else MONTHS_ABBR
    text = f"{value.day} {months[value.month - 1]} {be_year(value.year)}{time_part}"
    return to_thai_digits(text) if thai_digits else text


def format_be_month(value):
    """``2025-03-01`` → ``มีนาคม 2568``."""
    if value is None:
        return ""
    return f"{MONTHS_FULL[value.month - 1]} {be_year(value.year)}"
