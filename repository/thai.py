"""Thai text and calendar conventions: digits, Buddhist Era dates.

Store ISO dates and Arabic digits for comparison; show Buddhist Era dates (PyThaiNLP's
``thai_strftime``) and keep official text as written. The digit converters stay string
translations: search folds every indexed text through them, and PyThaiNLP's give the same
output ~20× slower and refuse ``None`` (tests/repository/test_thai.py checks both agree).
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from pythainlp.util import thai_strftime

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"
BE_OFFSET = 543

_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)
_THAI_DIGIT = re.compile(f"[{THAI_DIGITS}]")
_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)

DATE_FORMATS = {"full": "%-d %B %Y", "abbr": "%-d %b %Y"}


def to_arabic_digits(text):
    """``'๒๒๔/๒๕๖๑'`` → ``'224/2561'``; other characters unchanged."""
    if not text or not _THAI_DIGIT.search(text):  # most text has none; translate() reads every character
        return text
    return text.translate(_TO_ARABIC)


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
    fmt = DATE_FORMATS["full" if style == "full" else "abbr"]
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        fmt += " %H:%M น."
    else:
        value = datetime.datetime.combine(value, datetime.time())
    return thai_strftime(value, fmt, thaidigit=thai_digits)


def format_be_month(value):
    """``2025-03-01`` → ``มีนาคม 2568``."""
    if value is None:
        return ""
    return thai_strftime(datetime.datetime.combine(value, datetime.time()), "%B %Y")
