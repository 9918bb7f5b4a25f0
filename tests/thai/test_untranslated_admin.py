"""No English on the admin pages the provider, approver, publisher and auditor meet (issue 15).

The demo (``load_demo``: real agencies, the source order, corpus news, the demo users) is taken
through the procedure so every state is on screen: a page in the approver's queue, one sent
back, one approved and waiting for the publisher, published pages with history. Each role's
pages are rendered with the Django test client in Thai while ``untranslated()`` records every
message the merged Thai catalogue (locale/th over Wagtail's and Django's) has no Thai for; the
text people read is also scanned for the English and the odd Thai that was reported. The
JavaScript catalogue the admin serves must hold Thai for every one of Wagtail's JavaScript strings.
"""

import io
import json
import re
from pathlib import Path

import pytest
import wagtail.admin
from django.urls import reverse

from tests.thai.untranslated import po_entries, readable, reported_phrases, untranslated, visible_text

pytestmark = pytest.mark.django_db

THAI = re.compile("[\u0e00-\u0e7f]")

# Messages rightly the same in Thai: names and bare placeholders, nothing a Thai reader would translate.
ALLOWED = {
    "%(time_zone_option)s: %(localized_time_zone_label)s",  # two values and a colon (JavaScript catalogue)
}

def _journey():
    from django.contrib.auth import get_user_model

    from repository.approvals.actions import ApproveAction, SendBackAction, SubmitForApprovalAction
    from repository.demo import item_page, load_demo
    from repository.models import NewsPage, OfficialOrderPage

    load_demo(news=6, stdout=io.StringIO())
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["provider", "approver", "publisher", "auditor"])}
    news = list(NewsPage.objects.live().filter(agency__code="secretariat-pm").order_by("pk"))
    in_review, sent_back, approved = news[-3:]
    for page in (in_review, sent_back, approved):
        page = page.get_latest_revision_as_object()
        page.summary = page.summary + " (แก้ไข)"
        page.save_revision(user=users["provider"], log_action=True)
        SubmitForApprovalAction(page, users["provider"], confirmed_measure_1_1=True, remarks="ขอเผยแพร่").execute()
    SendBackAction(sent_back, users["approver"], reason="กรุณาแก้ไขชื่อเรื่องให้ตรงกับหนังสือ").execute()
    ApproveAction(approved, users["approver"], comment="เห็นชอบ").execute()
    pages = {"in_review": in_review, "sent_back": sent_back, "approved": approved,
             "order": OfficialOrderPage.objects.get(document_number="๒๒๔/๒๕๖๑"),
             "news_index": item_page("secretariat-pm", "news"),
             "emergency_index": item_page("uthai-thani", "emergency"),
             "orders_index": item_page("uthai-thani", "orders")}
    for page in pages.values():
        page.refresh_from_db()
    return users, pages


def role_pages(pages):
    """Each role's journey: the URLs it opens."""
    def edit(key):
        return reverse("wagtailadmin_pages:edit", args=[pages[key].pk])

    def workflow_action(action):
        task_state = pages["in_review"].current_workflow_state.current_task_state
        return reverse("wagtailadmin_pages:collect_workflow_action_data",
                       args=[pages["in_review"].pk, action, task_state.pk])

    in_review = pages["in_review"].pk
    revisions = list(pages["in_review"].revisions.order_by("pk").values_list("pk", flat=True))
    common = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[pages["news_index"].pk]),
        reverse("wagtailadmin_explore", args=[pages["news_index"].get_parent().pk]),
        edit("in_review"), edit("sent_back"), edit("approved"), edit("order"),
        reverse("wagtailadmin_pages:history", args=[in_review]),
        reverse("wagtailadmin_pages:workflow_history", args=[in_review]),
        reverse("wagtailadmin_pages:revisions_compare", args=[in_review, revisions[0], revisions[-1]]),
        reverse("wagtailadmin_pages:revisions_view", args=[in_review, revisions[-1]]),
        reverse("approvals:form_list"),
        reverse("approvals:page_forms", args=[in_review]),
        reverse("wagtailadmin_pages:search") + "?q=" + "ข่าว",
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_account"),
    ]
    return {
        "provider": common + [
            reverse("wagtaildocs:index"),
            reverse("wagtaildocs_chooser:choose"),
            reverse("wagtailadmin_pages:add_subpage", args=[pages["orders_index"].pk]),
            reverse("wagtailadmin_pages:add", args=["repository", "emergencyannouncementpage",
                                                    pages["emergency_index"].pk]),
            reverse("wagtailadmin_pages:add", args=["repository", "newspage", pages["news_index"].pk]),
            reverse("wagtailadmin_pages:add", args=["repository", "officialorderpage", pages["orders_index"].pk]),
        ],
        "approver": common + [workflow_action("approve"), workflow_action("reject")],
        "publisher": common,
        "auditor": [reverse("wagtailadmin_home"), reverse("audit_timeline"), reverse("audit_verify"),
                    reverse("audit_object", args=["repository.newspage", pages["approved"].pk]),
                    reverse("approvals:form_list")],
    }


def _html(response):
    if response["Content-Type"].startswith("application/json"):
        return response.json().get("html", "")
    return response.content.decode()


def test_role_journeys_have_no_untranslated_string(compiled, client):
    users, pages = _journey()
    visits = [(None, reverse("wagtailadmin_login"))]
    visits += [(role, url) for role, urls in role_pages(pages).items() for url in urls]
    misses, phrases = {}, {}
    for role, url in visits:
        if role is None:
            client.logout()
        else:
            client.force_login(users[role])
        with untranslated("th") as missing:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="th")
            assert response.status_code == 200, (role, url, response.status_code)
            html = _html(response)
        where = f"{role or 'anonymous'} {url}"
        if missing - ALLOWED:
            misses[where] = sorted(readable(message) for message in missing - ALLOWED)
        if found := reported_phrases(visible_text(html)):
            phrases[where] = found
    everything = sorted({message for found in misses.values() for message in found})
    assert not everything, f"{len(everything)} messages without Thai:\n" + "\n".join(everything) + (
        "\n\nby page:\n" + json.dumps(misses, ensure_ascii=False, indent=1))
    assert not phrases, json.dumps(phrases, ensure_ascii=False, indent=1)


def js_catalogue(client):
    response = client.get(reverse("wagtailadmin_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 200
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.S).group(1))


def test_every_wagtail_javascript_string_has_thai(compiled, client, provider):
    """Draftail's placeholder, the comments, the sidebar, autosave: Wagtail's JavaScript asks the catalogue
    served at /admin/jsi18n/ (Django's JavaScriptCatalog over wagtail.admin, our locale/th first)."""
    english = Path(wagtail.admin.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"
    msgids = {entry["msgid"] for entry in po_entries(english)} - ALLOWED
    assert len(msgids) > 80
    client.force_login(provider)
    catalogue = js_catalogue(client)
    untranslated_js = sorted(m for m in msgids if not THAI.search(str(catalogue.get(m, ""))))
    assert not untranslated_js, "\n".join(untranslated_js)
    assert catalogue["Write something or type ‘/’ to insert a block"] == "พิมพ์ข้อความ หรือพิมพ์ ‘/’ เพื่อแทรกบล็อก"
    assert catalogue["This field is required."] == "ต้องกรอกช่องนี้"  # Wagtail's own: "this file is required"
