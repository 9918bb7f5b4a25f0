"""The workflow's e-mails are Thai and link to the configured site address (issue 15).

Wagtail renders its notification templates (wagtailadmin/notifications/*) in the recipient's
language, and our role notifier (repository/approvals/notifications.py) uses the same templates;
their sentences are translated in locale/th. Links come from WAGTAILADMIN_BASE_URL and the
default Site, both the configured BASE_URL (security/public_url.py).
"""

import re

import pytest
from django.core import mail

from repository.approvals.actions import ApproveAction, PublishAction, SendBackAction, SubmitForApprovalAction
from security import public_url
from tests.thai.untranslated import readable, untranslated

pytestmark = pytest.mark.django_db

BASE = "https://ita.uthaithani.go.th"
REASON = "กรุณาแนบเอกสารประกอบและแก้ไขชื่อเรื่องให้ตรงกับหนังสือ"
ENGLISH_WORDS = re.compile(r"\b(?:page|has been|submitted|approved|rejected|workflow|moderation|Hello|here|comment)\b",
                           re.IGNORECASE)

# Asked while the actions run but never part of an e-mail: django-taggit's str() of a page's tag link,
# taken by the audit trail's record of the saved page (its text is stored as written, so left alone).
NOT_IN_EMAILS = {"%(object)s tagged with %(tag)s"}


@pytest.fixture
def site_address(settings, draft):
    settings.PUBLIC_BASE_URL = settings.WAGTAILADMIN_BASE_URL = BASE
    public_url.sync_default_site()  # the default Site follows BASE_URL, as after migrate (security/public_url.py)
    return BASE


def _check(message, draft):
    text = message.subject + "\n" + message.body
    assert re.search("[\u0e00-\u0e7f]", message.subject), message.subject
    assert not ENGLISH_WORDS.search(re.sub(r"https?://\S+", "", text)), text
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith(BASE + "/") for link in links), links
    assert draft.title[:30] in text


def test_every_workflow_email_is_thai_with_the_site_address(compiled, site_address, draft, provider, approver,
                                                            publisher):
    with untranslated("th") as missing:  # everything the e-mails (and the actions) ask to translate
        SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
        to_approver = [m for m in mail.outbox if m.to == [approver.email]]
        SendBackAction(draft, approver, reason=REASON).execute()
        to_provider = [m for m in mail.outbox if m.to == [provider.email]]
        draft.save_revision(user=provider)
        SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
        ApproveAction(draft, approver, comment="เห็นชอบ").execute()
        to_publisher = [m for m in mail.outbox if m.to == [publisher.email]]
        PublishAction(draft, publisher).execute()
    assert len(to_approver) == 1 and len(to_provider) == 1 and len(to_publisher) == 1
    approved = [m for m in mail.outbox if m.to == [provider.email]][1:]
    assert len(approved) == 1  # the provider hears the page went live
    for message in to_approver + to_provider + to_publisher + approved:
        _check(message, draft)
    assert "อนุมัติรับรอง" in to_approver[0].subject  # whose step it is now
    assert f"/admin/pages/{draft.pk}/edit/" in to_approver[0].body
    assert REASON in to_provider[0].body and approver.full_name in to_provider[0].body
    assert not missing - NOT_IN_EMAILS, sorted(readable(m) for m in missing - NOT_IN_EMAILS)
