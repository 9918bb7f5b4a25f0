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


# The formatting repository/thai.py did by hand before it used PyThaiNLP's thai_strftime:
# the reference its output must keep matching.
REFERENCE_MONTHS = {
    "full": ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
             "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"),
    "abbr": ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."),
}


def reference_be_date(day, style, thai_digits=False, clock=""):
    text = f"{day.day} {REFERENCE_MONTHS[style][day.month - 1]} {day.year + 543}{clock}"
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) if thai_digits else text


def test_thai_strftime_gives_the_hand_written_output_on_every_day_1900_to_2100():
    day, last = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)
    checked = 0
    while day <= last:
        for style in ("full", "abbr"):
            assert format_be_date(day, style=style) == reference_be_date(day, style), day
        assert format_be_date(day, thai_digits=True) == reference_be_date(day, "full", thai_digits=True), day
        assert format_be_month(day) == f"{REFERENCE_MONTHS['full'][day.month - 1]} {day.year + 543}", day
        day += datetime.timedelta(days=1)
        checked += 1
    assert checked == 73_414


def test_datetimes_every_hour_and_minute_as_by_hand():
    with timezone.override("Asia/Bangkok"):
        for hour in range(24):
            for minute in range(0, 60, 7):
                moment = timezone.make_aware(datetime.datetime(2024, 2, 29, hour, minute))
                clock = f" {hour:02d}:{minute:02d} น."
                assert format_be_date(moment) == reference_be_date(moment.date(), "full", clock=clock)
                assert format_be_date(moment, style="abbr", thai_digits=True) == reference_be_date(
                    moment.date(), "abbr", thai_digits=True, clock=clock)


def test_our_digit_converters_agree_with_pythainlps():
    """Ours stay str.translate (search folds every text through them); PyThaiNLP's say the same."""
    from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit

    texts = ["๒๒๔/๒๕๖๑", "224/2561", "ที่ ๑๒ ก.ย. 2568", "๐๑๒๓๔๕๖๗๘๙ 0123456789", "ไม่มีตัวเลข", " "]
    texts += [chr(c) for c in range(0x0E00, 0x0E80)] + [str(n) for n in range(0, 100_000, 997)]
    for text in texts:
        assert to_thai_digits(text) == arabic_digit_to_thai_digit(text), text
        assert to_arabic_digits(text) == thai_digit_to_arabic_digit(text), text
    assert to_thai_digits("") == "" and to_arabic_digits(None) is None  # theirs refuse None
