"""The latest send-back reason and who gave it, at the top of the edit page until resubmission."""

import pytest
from django.urls import reverse

from repository.approvals.actions import SendBackAction, SubmitForApprovalAction
from repository.approvals.send_back import latest_send_back

pytestmark = pytest.mark.django_db

REASON = "กรุณาแนบเอกสารประกอบและแก้ไขชื่อเรื่องให้ตรงกับหนังสือ"


def test_the_provider_sees_who_sent_it_back_and_why_until_resubmitting(client, draft, provider, approver):
    SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
    edit = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    client.force_login(provider)
    assert "ส่งกลับแก้ไขโดย" not in client.get(edit).content.decode()  # in review: nothing to show

    SendBackAction(draft, approver, reason=REASON).execute()
    found = latest_send_back(draft)
    assert found.by == approver.full_name and found.reason == REASON  # the approver, not the provider
    html = client.get(edit).content.decode()
    assert f"ส่งกลับแก้ไขโดย {approver.full_name}" in html and REASON in html

    draft.save_revision(user=provider)
    SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True, remarks="แก้ไขแล้ว").execute()
    assert latest_send_back(draft) is None
    assert REASON not in client.get(edit).content.decode()
