import datetime

import pytest

from repository.fiscal import first_half_bounds, fiscal_year_bounds, fiscal_year_of, normalise_fiscal_year


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 9, 30), 2567),
        (datetime.date(2024, 10, 1), 2568),
        (datetime.date(2025, 9, 30), 2568),
        (datetime.date(2025, 10, 1), 2569),
        (datetime.date(2025, 1, 1), 2568),
        (datetime.date(2018, 12, 31), 2562),
    ],
)
def test_fiscal_year_turns_on_1_october(day, expected):
    assert fiscal_year_of(day) == expected


def test_fiscal_year_of_datetime_uses_its_date():
    assert fiscal_year_of(datetime.datetime(2024, 10, 1, 0, 0)) == 2568


def test_fiscal_year_bounds_are_oct_to_sep():
    assert fiscal_year_bounds(2568) == (datetime.date(2024, 10, 1), datetime.date(2025, 9, 30))
    start, end = fiscal_year_bounds(2568)
    assert fiscal_year_of(start) == fiscal_year_of(end) == 2568
    assert fiscal_year_of(start - datetime.timedelta(days=1)) == 2567
    assert fiscal_year_of(end + datetime.timedelta(days=1)) == 2569


def test_first_half_is_october_to_march():
    assert first_half_bounds(2568) == (datetime.date(2024, 10, 1), datetime.date(2025, 3, 31))


@pytest.mark.parametrize(("value", "expected"), [(2568, 2568), ("2568", 2568), (2025, 2568), (" 2024 ", 2567)])
def test_normalise_fiscal_year_accepts_be_and_gregorian(value, expected):
    assert normalise_fiscal_year(value) == expected


@pytest.mark.parametrize("value", ["abc", "", 12, 3000])
def test_normalise_fiscal_year_rejects_nonsense(value):
    with pytest.raises(ValueError):
        normalise_fiscal_year(value)
