"""Baht: thousands separators and two decimals where people read it, numbers in the API."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from api.representations.fields import money
from portal.templatetags.portal_tags import baht as portal_baht
from repository.models import ProcurementAnnouncementPage
from repository.models.forms import MoneyField
from repository.thai import format_baht, parse_baht
from tests.api.builders import add
from tests.api.conftest import client, shared_api_tree, tree  # noqa: F401 (fixtures)


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("2500000"), "2,500,000.00"), (Decimal("1234.5"), "1,234.50"), (Decimal("0.005"), "0.01"),
    (2500000.0, "2,500,000.00"), ("999", "999.00"), (None, ""),
])
def test_format_baht_in_repository_and_portal(value, shown):
    assert format_baht(value) == shown
    assert portal_baht(value) == shown


def test_template_filter():
    assert Template("{% load thai_dates %}{{ v|baht }}").render(Context({"v": Decimal("2500000")})) == "2,500,000.00"


@pytest.mark.parametrize("typed", ["2,500,000.00", "2500000", " 2,500,000 ", "๒,๕๐๐,๐๐๐.๐๐"])
def test_the_admin_field_reads_separators_and_thai_digits_and_shows_them(typed):
    field = MoneyField(max_digits=15, decimal_places=2, required=False)
    assert field.clean(typed) == Decimal("2500000")
    assert field.prepare_value(Decimal("2500000.00")) == "2,500,000.00"
    assert parse_baht("1,000") == "1000"


def test_the_admin_field_still_refuses_nonsense():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        MoneyField(max_digits=15, decimal_places=2).clean("สองล้าน")


def test_api_money_is_a_number():
    assert money(Decimal("2500000.00")) == 2500000.0 and isinstance(money(Decimal("1.50")), float)
    assert money(None) is None


@pytest.mark.django_db
def test_api_and_portal_show_a_procurement_notice_budget(client, tree):  # noqa: F811
    page = add(tree.item_page, ProcurementAnnouncementPage(
        title="ประกาศเชิญชวนจัดซื้อ", summary="สรุป", issue_date=datetime.date(2024, 11, 1), stage="invitation",
        method="e_bidding", budget=Decimal("2500000.00"), reference_price=Decimal("2499999.50"),
    ))
    data = client.get(f"/api/v1/pages/{page.pk}").json()
    assert data["budget"] == 2500000 and isinstance(data["budget"], (int, float))
    assert data["reference_price"] == 2499999.5
    html = client.get(f"/p/{page.url_path.split('/', 2)[2]}").content.decode()
    assert "2,500,000.00 บาท" in html and "2,499,999.50 บาท" in html
