"""Our Thai catalogue (locale/th) compiles and wins over Wagtail's own Thai in the admin."""

import pytest
from django.urls import reverse
from django.utils import translation

from .conftest import CATALOGUES
from .untranslated import po_entries

PO = CATALOGUES / "django.po"


# Entries whose Thai is rightly the msgid itself: punctuation and bare placeholders.
SAME_IN_THAI = {", ", "%(truncated_text)s…", "…"}


def test_every_entry_is_translated_and_not_the_odd_wagtail_thai(compiled):
    entries = po_entries(PO)
    assert len(entries) >= 300
    assert len({(e.get("msgctxt"), e["msgid"]) for e in entries}) == len(entries)  # no entry twice
    with translation.override("th"):
        for entry in entries:
            msgid, msgstr = entry["msgid"], entry.get("msgstr", entry.get("msgstr[0]"))
            assert msgstr and (msgstr != msgid or msgid in SAME_IN_THAI), msgid
            if "msgid_plural" in entry:
                assert translation.ngettext(msgid, entry["msgid_plural"], 2) == msgstr
            elif "msgctxt" in entry:
                assert translation.pgettext(entry["msgctxt"], msgid) == msgstr
            else:
                assert translation.gettext(msgid) == msgstr
        assert translation.gettext("Title") == "ชื่อเรื่อง"  # Wagtail's own: "หัวข้อ,หัวเรื่อง"
        assert translation.gettext("title") == "ชื่อเรื่อง"  # Wagtail's own: "หัวเรื่อง,หัวข้อ"
        assert translation.gettext("pages") == "หน้า"  # Wagtail's own: "หลายๆหน้า"


@pytest.mark.django_db
def test_the_approver_dashboard_says_awaiting_review_in_thai(compiled, client, draft, provider, approver):
    from repository.approvals.actions import SubmitForApprovalAction

    SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
    client.force_login(approver)
    html = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "รอการตรวจของคุณ" in html and "Awaiting your review" not in html
