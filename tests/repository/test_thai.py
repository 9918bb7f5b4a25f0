import datetime
import zoneinfo

from django.utils import timezone

from repository.thai import be_year, format_be_date, format_be_month, to_arabic_digits, to_thai_digits


def test_thai_and_arabic_digits_round_trip():
    assert to_arabic_digits("๒๒๔/๒๕๖๑") == "224/2561"
    assert to_thai_digits("224/2561") == "๒๒๔/๒๕๖๑"
    assert to_arabic_digits("ที่ ๑๒ ก.ย. 2568") == "ที่ 12 ก.ย. 2568"
    assert to_arabic_digits("") == ""


def test_buddhist_era_year():
    assert be_year(2025) == 2568


def test_be_date_full_and_abbreviated():
    assert format_be_date(datetime.date(2025, 1, 1)) == "1 มกราคม 2568"
    assert format_be_date(datetime.date(2020, 8, 25), style="abbr") == "25 ส.ค. 2563"
    assert format_be_date(datetime.date(2020, 8, 25), thai_digits=True) == "๒๕ สิงหาคม ๒๕๖๓"
    assert format_be_date(None) == ""


def test_be_datetime_is_shown_in_bangkok_time():
    moment = datetime.datetime(2025, 2, 28, 20, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    with timezone.override("Asia/Bangkok"):
        # 20:30 UTC is 03:30 the next day in Bangkok.
        assert format_be_date(moment) == "1 มีนาคม 2568 03:30 น."


def test_be_month():
    assert format_be_month(datetime.date(2025, 3, 14)) == "มีนาคม 2568"
