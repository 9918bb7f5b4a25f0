"""The printable form, its PDF (Thai extracts back), the auditors' listing and CSV export."""

import csv
import html
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from repository.approvals.actions import ApproveAction, PublishAction, SubmitForApprovalAction
from repository.approvals.models import ApprovalForm
from repository.approvals.pdf import render_form
from tests.factories import make_agency, make_item_page, shared

from .conftest import draft_maker, role_user

pytestmark = pytest.mark.django_db


def publish_two_drafts():
    """The province, its news item page, a provider, an approver and a publisher, and two drafts published
    through the whole workflow (each with its approval form)."""
    agency = make_agency()
    news_index = make_item_page(agency)
    provider, approver, publisher = (role_user(username, agency) for username in ("provider", "approver", "publisher"))
    make_draft = draft_maker(news_index, provider)
    for _ in range(2):
        page = make_draft()
        SubmitForApprovalAction(page, provider, confirmed_measure_1_1=True,
                                remarks="เอกสารแนบตามหนังสือที่ อท ๐๐๑๗/๒๕๖๘").execute()
        ApproveAction(page, approver).execute()
        PublishAction(page, publisher).execute()
    return agency


@pytest.fixture(scope="module")
def shared_province(django_db_setup, django_db_blocker):
    """The province with its two published forms, built once for the module (tests/factories.py ``shared``)."""
    yield from shared(django_db_blocker, publish_two_drafts)


@pytest.fixture
def published(agency):
    """The two forms, in the order they were made."""
    return list(ApprovalForm.objects.order_by("pk"))


def _normalise(text):
    """Extractors insert spaces from glyph positions; compare the characters, not the layout."""
    return "".join(text.split())


def test_pdf_text_extracts_back_as_the_same_thai(published):
    form = published[0]
    reader = PdfReader(io.BytesIO(render_form(form)))
    text = _normalise("".join(page.extract_text() for page in reader.pages))
    for expected in [
        "แบบฟอร์มการขออนุมัติเผยแพร่ข้อมูลผ่านเว็บไซต์ของหน่วยงาน",
        form.agency.name_th,
        form.subject,
        form.remarks,
        form.provider_name,
        form.provider_position,
        form.approver_name,
        form.publisher_position,
        "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่",
        "ตำแหน่ง",
    ]:
        assert _normalise(expected) in text, expected
    fonts = {str(font) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert fonts  # the Sarabun font is embedded, not a core PDF font
    assert any("Sarabun" in str(page["/Resources"]["/Font"][key].get_object()["/BaseFont"])
               for page in reader.pages for key in page["/Resources"]["/Font"])


def test_printable_view_and_pdf_download_for_the_auditor(client, published, auditor):
    form = published[0]
    client.force_login(auditor)
    html = client.get(reverse("approvals:form_detail", args=[form.pk])).content.decode()
    assert "แบบฟอร์มการขออนุมัติเผยแพร่ข้อมูลผ่านเว็บไซต์ของหน่วยงาน" in html
    assert form.subject in html and form.approver_name in html and form.publisher_position in html
    response = client.get(reverse("approvals:form_pdf", args=[form.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_other_agencies_cannot_read_the_forms(client, published, other_agency):
    from repository.approvals import roles

    from .conftest import make_user

    outsider = make_user("outsider", "คนนอก หน่วยงาน", "นักประชาสัมพันธ์", roles.PROVIDER, agency=other_agency)
    client.force_login(outsider)
    response = client.get(reverse("approvals:form_detail", args=[published[0].pk]))
    assert response.status_code in (302, 403) and published[0].subject not in response.content.decode()
    listing = client.get(reverse("approvals:form_list"))
    assert published[0].subject not in listing.content.decode()


def test_listing_filters_by_agency_and_fiscal_year_and_exports_csv(client, published, auditor, agency):
    client.force_login(auditor)
    year = published[0].fiscal_year
    listing = client.get(reverse("approvals:form_list"), {"agency": agency.pk, "fiscal_year": year})
    body = html.unescape(listing.content.decode())
    assert all(form.subject in body for form in published)
    empty = client.get(reverse("approvals:form_list"), {"agency": agency.pk, "fiscal_year": year - 1})
    assert published[0].subject not in empty.content.decode()
    bad = client.get(reverse("approvals:form_list"), {"fiscal_year": "ปีหน้า"})
    assert bad.status_code == 200 and published[0].subject not in bad.content.decode()

    export = client.get(reverse("approvals:form_list"), {"agency": agency.pk, "fiscal_year": year, "format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["เลขที่แบบฟอร์ม", "รหัสหน่วยงาน", "ชื่อหน่วยงาน"]
    assert len(rows) == 1 + len(published)
    subjects = {row[5] for row in rows[1:]}
    assert subjects == {form.subject for form in published}
    assert {row[9] for row in rows[1:]} == {published[0].provider_name}


def test_the_page_admin_screen_links_the_forms(client, published, provider):
    form = published[0]
    client.force_login(provider)
    html = client.get(reverse("approvals:page_forms", args=[form.page_id])).content.decode()
    assert reverse("approvals:form_pdf", args=[form.pk]) in html
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[form.page_id])).content.decode()
    assert reverse("approvals:page_forms", args=[form.page_id]) in edit


def test_the_review_screen_links_wagtails_diff_against_the_live_version(client, published, provider, approver):
    page = published[0].page.specific
    page.summary = page.summary + " (ปรับปรุง)"
    revision = page.save_revision(user=provider)
    SubmitForApprovalAction(page, provider, confirmed_measure_1_1=True).execute()
    client.force_login(approver)
    html = client.get(reverse("approvals:page_forms", args=[page.pk])).content.decode()
    compare = reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, "live", revision.pk])
    assert compare in html
    diff = client.get(compare)
    assert diff.status_code == 200 and "(ปรับปรุง)" in diff.content.decode()
