"""``as_of``: a date alone is the end of that day in Thai time; Buddhist Era years are refused."""

import datetime
import zoneinfo

import pytest
from django.http import QueryDict
from django.utils import timezone

from api.exceptions import ParameterError
from api.params import get_date, get_datetime
from tests.api.conftest import client, shared_api_tree, tree  # noqa: F401 (fixtures)

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


def moment(raw):
    return get_datetime(QueryDict(f"as_of={raw}"), "as_of")


def test_a_date_alone_is_the_end_of_that_day_in_bangkok():
    value = moment("2025-03-01")
    assert value.astimezone(BANGKOK).date() == datetime.date(2025, 3, 1)
    assert value.astimezone(BANGKOK).time() == datetime.time.max
    assert value == datetime.datetime(2025, 3, 1, 16, 59, 59, 999999, tzinfo=datetime.UTC)


def test_a_date_alone_ignores_the_active_time_zone():
    with timezone.override("UTC"):
        assert moment("2025-03-01") == datetime.datetime(2025, 3, 1, 16, 59, 59, 999999, tzinfo=datetime.UTC)


def test_a_date_time_keeps_its_offset_and_a_naive_one_is_thai_time():
    assert moment("2025-03-01T09:00:00%2B00:00") == datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC)
    assert moment("2025-03-01T09:00:00") == datetime.datetime(2025, 3, 1, 9, tzinfo=BANGKOK)


@pytest.mark.parametrize("raw", ["2569-12-03", "2568-10-01T09:00:00+07:00"])
def test_buddhist_era_years_are_refused_with_the_gregorian_date(raw):
    with pytest.raises(ParameterError) as caught:
        moment(raw.replace("+", "%2B"))
    assert "Buddhist Era" in str(caught.value.detail)
    assert f"'{int(raw[:4]) - 543}{raw[4:]}'" in str(caught.value.detail)
    with pytest.raises(ParameterError):
        get_date(QueryDict(f"since={raw[:10]}"), "since")


@pytest.mark.django_db
def test_today_alone_finds_a_page_published_today(client, tree):  # noqa: F811
    page = tree.news()
    today = timezone.localdate(timezone=BANGKOK).isoformat()
    answer = client.get(f"/api/v1/pages/{page.pk}", {"as_of": today})
    assert answer.status_code == 200, answer.content  # the start of today would be before it was published
    refused = client.get(f"/api/v1/pages/{page.pk}", {"as_of": "2569-12-03"})
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["param"] == "as_of"
