"""The demo: users for each role, and forms for pages that went through the real workflow."""

import io

import pytest
from django.contrib.auth import get_user_model

from repository.approvals import roles
from repository.approvals.demo import DEMO_PUBLICATIONS, setup_demo_workflow
from repository.approvals.models import ApprovalForm
from repository.demo import load_demo

pytestmark = pytest.mark.django_db


def history_pages():
    """The pages load_demo's own history took through the workflow."""
    from repository.models import NewsPage

    return NewsPage.objects.order_by("pk")[:2]


def test_setup_demo_workflow_makes_forms_through_the_workflow_and_is_idempotent():
    load_demo(news=6, stdout=io.StringIO())
    out = io.StringIO()
    setup_demo_workflow(out)
    forms = list(ApprovalForm.objects.filter(kind=ApprovalForm.Kind.NORMAL).exclude(page__in=history_pages()))
    assert len(forms) == DEMO_PUBLICATIONS
    assert all(form.is_complete and form.kind == ApprovalForm.Kind.NORMAL for form in forms)
    assert all(form.page.live and form.page.live_revision_id == form.revision_id for form in forms)
    assert {form.provider_name for form in forms} == {"สมชาย ใจดี"}
    printed = out.getvalue()
    for username in ("provider", "approver", "publisher", "auditor", "admin"):
        assert f"{username} " in printed and f"demo-{username}-2568" in printed

    User = get_user_model()
    approver = User.objects.get(username="approver")
    assert roles.user_has_role(approver, roles.APPROVER, forms[0].page)
    assert User.objects.get(username="auditor").has_perm("approvals.view_all_approvalforms")

    counts = (ApprovalForm.objects.count(), User.objects.count(), approver.groups.count())
    setup_demo_workflow(io.StringIO())
    assert (ApprovalForm.objects.count(), User.objects.count(), approver.groups.count()) == counts
