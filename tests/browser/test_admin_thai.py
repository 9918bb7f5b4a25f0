"""The edit page as a Thai provider sees it in chromium, once its JavaScript has run (issue 15).

What the server renders is checked message by message in tests/thai/test_untranslated_admin.py;
here the text the browser shows after Wagtail's JavaScript drew the editor (Draftail's
placeholder, the side panels, the status panel, upper-cased by CSS) must hold none of the English
or odd Thai people reported.
"""

import pytest

from repository.approvals.actions import SendBackAction, SubmitForApprovalAction
from tests.thai.conftest import compiled  # noqa: F401 (fixture)
from tests.thai.untranslated import reported_phrases

from .test_workflow_browser import CHROMIUM, browser_page, log_in, shot  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_edit_page_of_a_sent_back_draft_reads_thai_in_the_browser(
    compiled, browser_page, live_server, draft, provider, approver  # noqa: F811
):
    SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
    SendBackAction(draft, approver, reason="กรุณาแก้ไขชื่อเรื่องให้ตรงกับหนังสือ").execute()
    page = browser_page
    log_in(page, live_server, provider)
    page.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    page.locator("[data-draftail-editor-wrapper]").first.wait_for()
    # Draftail's placeholder for an empty field, as Wagtail's JavaScript asks the catalogue for it.
    placeholder = page.evaluate("() => window.django.gettext('Write something or type \u2018/\u2019 to insert a block')")
    assert placeholder.startswith("พิมพ์ข้อความ"), placeholder
    page.locator("[data-side-panel-toggle='status']").first.click()
    page.wait_for_timeout(500)
    shot(page, 1, "edit-page-thai")
    text = page.locator("body").inner_text()
    assert "ส่งกลับแก้ไข" in text
    assert not reported_phrases(text), reported_phrases(text)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_provider_finds_a_draft_by_a_thai_word_from_the_admins_search_box(
    compiled, browser_page, live_server, make_draft, provider  # noqa: F811
):
    """Issue 15 item 4: "Sorry, no pages match …" for a word inside a Thai title, typed where people type it."""
    from tests.factories import news_page, record_with

    draft = make_draft(news_page(record_with("ผ่อนคลายเกณฑ์")))
    page = browser_page
    log_in(page, live_server, provider)
    search_box = page.locator("input[name=q]").first  # the side bar's search, on every admin page
    search_box.fill("ผ่อนคลายเกณฑ์")
    search_box.press("Enter")
    page.wait_for_url("**/admin/pages/search/**")
    result = page.locator(f"a[href$='/admin/pages/{draft.pk}/edit/']").first
    result.wait_for()
    shot(page, 2, "admin-search-thai")
    assert draft.title[:20] in page.locator("main").inner_text()
