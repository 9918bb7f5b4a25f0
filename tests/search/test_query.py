"""SearchQuery validation: clear errors naming the parameter."""

import datetime

import pytest

from search.errors import InvalidQuery
from search.query import SearchQuery


def test_defaults():
    query = SearchQuery()
    assert (query.text, query.sort, query.page, query.per_page, query.offset) == ("", "relevance", 1, 20, 0)
    assert not query.has_filters()


def test_fiscal_years_buddhist_or_gregorian():
    assert SearchQuery(fiscal_year=[2568, "2025", 2024]).fiscal_year == [2567, 2568]
    assert SearchQuery(fiscal_year=2568).fiscal_year == [2568]


def test_values_are_normalised():
    query = SearchQuery(item=["o22 "], page_type=["NewsPage"], date_from="2024-10-01", page="2", per_page="10")
    assert query.item == ["O22"] and query.page_type == ["newspage"]
    assert query.date_from == datetime.date(2024, 10, 1)
    assert query.offset == 10


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"text": "ก" * 501}, "text"),
        ({"text": "ข่าว\x00"}, "text"),
        ({"text": 5}, "text"),
        ({"fiscal_year": ["สองพัน"]}, "fiscal_year"),
        ({"fiscal_year": [1800]}, "fiscal_year"),
        ({"date_from": "25/08/2563"}, "date_from"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "date_from"),
        ({"sort": "title"}, "sort"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"per_page": 1000}, "per_page"),
        ({"agency": ["a"] * 51}, "agency"),
        ({"agency": 3.5}, "agency"),
    ],
)
def test_invalid_values_name_the_parameter(kwargs, param):
    with pytest.raises(InvalidQuery) as error:
        SearchQuery(**kwargs)
    assert error.value.param == param
    assert param in str(error.value)
