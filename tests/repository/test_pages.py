"""Every disclosure page type, created and published through Wagtail, and its validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from repository.models import (
    DISCLOSURE_PAGE_MODELS,
    DisclosurePage,
    EmergencyAnnouncementPage,
    GeneralDisclosurePage,
    NewsPage,
    OfficialOrderPage,
    PlanReportPage,
    ProcurementAnnouncementPage,
    ProcurementSummaryPage,
    ProcurementSummaryRow,
)
from tests.factories import add_disclosure, make_agency, make_framework_item, make_item_page, shared_fixtures

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2024, 10, 1)  # first day of FY 2568


def build_item_page():
    agency = make_agency()
    return make_item_page(agency, items=[make_framework_item()])


shared_item_page, item_page = shared_fixtures("item_page", build_item_page, "The agency's item page for O4")


def sample_pages():
    month = datetime.date(2024, 11, 1)
    summary = ProcurementSummaryPage(title="สรุปผลการจัดซื้อจัดจ้าง พฤศจิกายน 2567", month=month, issue_date=datetime.date(2024, 12, 5))
    summary.procurement_rows = [
        ProcurementSummaryRow(
            item="จัดซื้อวัสดุสำนักงาน", budget=Decimal("12000"), reference_price=Decimal("12000"),
            method="specific", bidders="ร้านตัวอย่าง 11,500", selected_vendor="ร้านตัวอย่าง",
            agreed_price=Decimal("11500"), reason="ราคาต่ำสุดและคุณสมบัติครบถ้วน",
            contract_number="12/2568", contract_date=datetime.date(2024, 11, 20), egp_project_number="67119000001",
        )
    ]
    return [
        OfficialOrderPage(title="คำสั่ง", document_number="๒๒๔/๒๕๖๑", issue_date=ISSUED, kind="order"),
        NewsPage(title="ข่าว", issue_date=ISSUED, source_url="https://www.thaigov.go.th/news/contents/details/1"),
        EmergencyAnnouncementPage(
            title="ประกาศเตือนภัย", issue_date=ISSUED, affected_area="อำเภอเมืองอุทัยธานี",
            valid_until=timezone.make_aware(datetime.datetime(2024, 10, 5, 18, 0)),
        ),
        ProcurementAnnouncementPage(
            title="ประกาศผู้ชนะ", issue_date=ISSUED, stage="result", method="e_bidding",
            budget=Decimal("500000"), reference_price=Decimal("480000"), egp_project_number="67109000123",
            winner="บริษัทตัวอย่าง จำกัด", agreed_price=Decimal("470000"),
        ),
        summary,
        PlanReportPage(title="แผนดำเนินงานประจำปี", issue_date=ISSUED, kind="plan", period="full_year"),
        GeneralDisclosurePage(title="โครงสร้างหน่วยงาน", issue_date=ISSUED),
    ]


@pytest.mark.django_db
def test_every_page_type_is_covered():
    assert {type(page) for page in sample_pages()} == set(DISCLOSURE_PAGE_MODELS)


@pytest.mark.parametrize("model", DISCLOSURE_PAGE_MODELS, ids=lambda model: model.__name__)
def test_every_page_type_creates_and_publishes_through_wagtail(item_page, model):
    page = add_disclosure(item_page, next(page for page in sample_pages() if type(page) is model))
    assert type(page) is model
    assert page.live and not page.has_unpublished_changes
    assert page.revisions.count() == 1
    disclosure = DisclosurePage.objects.get(pk=page.pk)
    assert disclosure.agency.code == "uthai-thani"
    assert disclosure.fiscal_year == 2568
    assert [item.code for item in disclosure.items.all()] == ["O4"]
    assert disclosure.specific_class is type(page)
    assert page.get_parent().specific == item_page


def test_published_page_serves_its_template(item_page, client):
    page = add_disclosure(item_page, NewsPage(title="ข่าวทดสอบการแสดงผล", summary="สรุปข่าว", issue_date=ISSUED))
    response = client.get(page.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "ข่าวทดสอบการแสดงผล" in body
    assert "1 ตุลาคม 2567" in body  # shown in Buddhist Era


def test_procurement_summary_rows_are_kept_with_the_revision(item_page):
    summary = [page for page in sample_pages() if isinstance(page, ProcurementSummaryPage)][0]
    page = add_disclosure(item_page, summary)
    assert page.procurement_rows.count() == 1
    assert page.fiscal_year == 2568  # November 2567 is in FY 2568
    restored = page.get_latest_revision().as_object()
    assert restored.procurement_rows.all()[0].agreed_price == Decimal("11500")


def test_document_number_keeps_thai_digits_and_stores_arabic(item_page):
    page = add_disclosure(item_page, OfficialOrderPage(title="คำสั่ง", document_number="๒๒๔/๒๕๖๑", issue_year=2561))
    assert page.document_number == "๒๒๔/๒๕๖๑"
    assert page.document_number_normalized == "224/2561"
    assert DisclosurePage.objects.filter(document_number_normalized="224/2561").exists()


def test_order_with_unknown_date_keeps_its_year_and_no_fiscal_year(item_page):
    page = add_disclosure(item_page, OfficialOrderPage(title="คำสั่ง", issue_year=2561, date_note="ไม่ทราบวันที่"))
    assert page.issue_date is None and page.fiscal_year is None and page.issue_year == 2561


def messages(error):
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


def test_future_monthly_summary_is_refused_in_thai(item_page):
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    page = ProcurementSummaryPage(title="สรุป", slug="future", month=next_month, no_procurement=True)
    page.path, page.depth = item_page.path + "0001", item_page.depth + 1  # validation only; never saved
    with pytest.raises(ValidationError) as caught:
        page.clean()
    assert "เดือนที่ยังมาไม่ถึง" in messages(caught.value)["month"]


def test_fiscal_year_that_does_not_match_the_date_is_refused(item_page):
    page = NewsPage(title="ข่าว", slug="x", issue_date=ISSUED, fiscal_year=2567)
    with pytest.raises(ValidationError) as caught:
        page.clean()
    assert "ปีงบประมาณ 2567 ไม่ตรงกับวันที่ออกเอกสาร" in messages(caught.value)["fiscal_year"]


def test_reports_may_name_the_previous_fiscal_year_but_not_further(item_page):
    PlanReportPage(title="รายงานประจำปี", slug="r", issue_date=ISSUED, fiscal_year=2567, kind="report").clean()
    with pytest.raises(ValidationError) as caught:
        PlanReportPage(title="รายงาน", slug="r", issue_date=ISSUED, fiscal_year=2565, kind="report").clean()
    assert "fiscal_year" in caught.value.message_dict


def test_gregorian_fiscal_year_is_refused_with_a_hint():
    with pytest.raises(ValidationError) as caught:
        NewsPage(title="ข่าว", slug="x", issue_date=ISSUED, fiscal_year=2025).clean()
    assert "พุทธศักราช" in messages(caught.value)["fiscal_year"]


def test_future_issue_date_is_refused():
    with pytest.raises(ValidationError) as caught:
        NewsPage(title="ข่าว", slug="x", issue_date=timezone.localdate() + datetime.timedelta(days=3)).clean()
    assert "อนาคต" in messages(caught.value)["issue_date"]


def test_order_needs_a_date_or_a_year():
    with pytest.raises(ValidationError) as caught:
        OfficialOrderPage(title="คำสั่ง", slug="x").clean()
    assert "ปีที่ออก" in messages(caught.value)["issue_date"]


def test_procurement_result_needs_a_winner_and_numeric_egp_number():
    page = ProcurementAnnouncementPage(
        title="ประกาศ", slug="x", issue_date=ISSUED, stage="result", method="specific", egp_project_number="ABC", budget=-1
    )
    with pytest.raises(ValidationError) as caught:
        page.clean()
    errors = messages(caught.value)
    assert "ผู้ชนะ" in errors["winner"]
    assert "ตัวเลข" in errors["egp_project_number"]
    assert "ติดลบ" in errors["budget"]


def test_emergency_cannot_expire_before_it_is_issued():
    page = EmergencyAnnouncementPage(
        title="เตือนภัย", slug="x", issue_date=ISSUED, affected_area="ทั้งจังหวัด",
        valid_until=timezone.make_aware(datetime.datetime(2024, 9, 1)),
    )
    with pytest.raises(ValidationError) as caught:
        page.clean()
    assert "valid_until" in caught.value.message_dict


def test_summary_rows_rule_in_both_directions(item_page):
    empty = ProcurementSummaryPage(title="สรุป", slug="x", month=datetime.date(2024, 11, 1))
    with pytest.raises(ValidationError) as caught:
        empty.validate_rows()
    assert "ไม่มีการจัดซื้อจัดจ้าง" in messages(caught.value)["no_procurement"]
    contradictory = [page for page in sample_pages() if isinstance(page, ProcurementSummaryPage)][0]
    contradictory.no_procurement = True
    with pytest.raises(ValidationError):
        contradictory.validate_rows()
    ProcurementSummaryPage(title="สรุป", slug="y", month=datetime.date(2024, 11, 1), no_procurement=True).validate_rows()


def test_row_price_above_budget_is_refused():
    row = ProcurementSummaryRow(budget=Decimal("100"), agreed_price=Decimal("150"))
    with pytest.raises(ValidationError) as caught:
        row.clean()
    assert "ไม่เกินวงเงิน" in messages(caught.value)["agreed_price"]


def test_agency_follows_the_tree_when_a_page_moves(item_page):
    page = add_disclosure(item_page, NewsPage(title="ข่าว", issue_date=ISSUED))
    district = make_agency("thap-than", "อำเภอทัพทัน", parent=page.agency, kind="district")
    other_item = make_item_page(district)
    page.move(other_item, pos="last-child")
    assert DisclosurePage.objects.get(pk=page.pk).agency.code == "thap-than"


def test_agency_is_the_nearest_of_the_agencies_above(item_page):
    province = add_disclosure(item_page, NewsPage(title="ข่าว", issue_date=ISSUED)).agency
    district = make_agency("nong-chang", "อำเภอหนองฉาง", parent=province, kind="district")
    page = add_disclosure(make_item_page(district), NewsPage(title="ข่าวอำเภอ", issue_date=ISSUED))
    assert page.nearest_agency() == district != province
    assert DisclosurePage.objects.get(pk=page.pk).agency == district
    page.save_revision()  # a save of named fields (not the agency) keeps the stored one
    assert DisclosurePage.objects.get(pk=page.pk).agency == district


def test_thai_title_gets_a_romanised_slug_not_a_mangled_one(item_page):
    page = add_disclosure(item_page, NewsPage(title="ข่าวประชาสัมพันธ์ ๒๕๖๘", issue_date=ISSUED))
    assert page.slug == "khaoprachasamphan-2568"
    second = add_disclosure(item_page, NewsPage(title="ข่าวประชาสัมพันธ์ ๒๕๖๘", issue_date=ISSUED))
    assert second.slug == "khaoprachasamphan-2568-2"
