"""expand=approval and the answer sheet's evidence, on the approvals app's ApprovalForm."""

import datetime

import pytest
from django.utils import timezone

from repository.approvals import models as approvals

pytestmark = pytest.mark.django_db


def form_for(page, revision, tree, subject):
    return approvals.ApprovalForm.objects.create(
        page=page, page_title=page.title, revision=revision, agency=tree.province,
        document_date=datetime.date(2025, 3, 1), fiscal_year=2568, subject=subject,
        provider_name="สมชาย ใจดี", provider_position="นักประชาสัมพันธ์", provided_at=timezone.now(),
        approver_name="สมหญิง รักษ์ธรรม", approver_position="หัวหน้าสำนักงาน", approved_at=timezone.now(),
        publisher_name="วีระ เว็บมาสเตอร์", publisher_position="นักวิชาการคอมพิวเตอร์", published_at=timezone.now(),
    )


def test_expand_approval_shows_the_form_of_the_published_revision_only(client, tree):
    page = tree.news()
    form_for(page, page.live_revision, tree, "หัวข้อที่อนุมัติแล้ว")
    page.title = "ร่างใหม่"
    draft = page.save_revision()
    form_for(page, draft, tree, "แบบฟอร์มของร่าง")
    data = client.get(f"/api/v1/pages/{page.pk}?expand=approval").json()
    assert data["approval"]["subject"] == "หัวข้อที่อนุมัติแล้ว"
    assert data["approval"]["approver_name"] == "สมหญิง รักษ์ธรรม"
    assert data["approval"]["document_date_be"] == "1 มีนาคม 2568"
    assert "แบบฟอร์มของร่าง" not in client.get(f"/api/v1/pages/{page.pk}?expand=approval").content.decode()


def test_every_live_disclosure_carries_the_form_it_went_live_with(client, tree):
    """A disclosure goes live only through the gate, which writes its form; the API shows that one."""
    page = tree.news()
    approval = client.get(f"/api/v1/pages/{page.pk}?expand=approval").json()["approval"]
    assert approval is not None and approval["kind"] == "override"


def test_answer_sheet_evidence(client, tree):
    page = tree.news(record={"id": 1, "date": "2025-03-01", "title": "ข่าวประชาสัมพันธ์จังหวัด", "body": "เนื้อหา",
                             "source_url": "https://www.thaigov.go.th/news/contents/details/1", "category": "ข่าว"})
    form = form_for(page, page.live_revision, tree, "ข่าว")
    data = client.get("/api/v1/oit/2568/uthai-thani").json()
    o4 = next(i for i in data["items"] if i["code"] == "O4")
    assert o4["status"] == "published"
    assert [e["form_id"] for e in o4["evidence"]] == [form.pk]
