"""A person's path through the admin in a real browser: draft → submit (one step) → send back → resubmit → approve → live.

Playwright for Python drives Debian's chromium (``apt-get install chromium``),
headless, against pytest-django's ``live_server``. Each step's screenshot is
saved to ``artifacts/screenshots/`` (git-ignored) for a person to look at.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from wagtail.models import WorkflowState

from repository.approvals.models import ApprovalForm, ApprovalTask, PublicationTask
from repository.approvals.submission import SUBMIT_ACTION

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: apt-get install -y chromium"),
]


@pytest.fixture
def browser_page():
    pytest.importorskip("playwright", reason="playwright is not installed (requirements.txt)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Kept, not emptied: browser tests may run at once in several workers, each writing its own files.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="th-TH")
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def shot(page, step, name):
    page.screenshot(path=str(SCREENSHOTS / f"{step:02d}-{name}.png"), full_page=True)


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-" + user.username)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def open_action_menu(page):
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()


def current_task(draft):
    draft.refresh_from_db()
    state = draft.current_workflow_state
    return state.current_task_state.task.specific if state and state.current_task_state else None


def wait_until(page, condition, tries=40):
    """Poll ``condition`` while the browser's request finishes on the live server (up to 10 s).

    The test and the live server share SQLite's in-memory test database through its shared cache, whose
    table locks do not wait: a read that meets the server's write is "database table is locked". That is
    "not yet", polled again (it failed a run with two test workers)."""
    for _ in range(tries):
        try:
            if condition():
                return True
        except OperationalError as error:
            if "locked" not in str(error):
                raise
        page.wait_for_timeout(250)
    return condition()


def approve_in_editor(page, edit_url):
    """The workflow's "approve" action from the page editor's action menu (approver and publisher alike)."""
    page.goto(edit_url)
    open_action_menu(page)
    page.locator("button[data-workflow-action-name='approve']").first.click()
    page.wait_for_load_state("networkidle")


def message_text(page):
    """The text of the messages Wagtail shows at the top of the page after a redirect."""
    return page.locator(".messages").inner_text()


def submit_in_one_step(page, edit_url, remarks=None, expect_prefilled=None):
    """The provider's one action: the submit button opens the request dialog; its button submits the page."""
    page.goto(edit_url)
    open_action_menu(page)
    page.click(f"button[data-workflow-action-name='{SUBMIT_ACTION}']")
    modal = page.locator(".modal-content")
    modal.locator("input[name='subject']").wait_for()
    for name, value in (expect_prefilled or {}).items():
        field = modal.locator(f"[name='{name}']")
        if isinstance(value, bool):
            assert field.is_checked() is value
        else:
            assert field.input_value() == value
    if remarks is not None:
        modal.locator("textarea[name='remarks']").fill(remarks)
    modal.locator("input[name='confirmed_measure_1_1']").check()
    return modal


JOURNEY_SHOTS = ["provider-draft", "provider-request-dialog", "provider-submitted", "approver-reviews-form",
                 "approver-sent-back", "provider-resubmit-dialog", "approver-approved", "publisher-editor",
                 "approval-form", "live-page"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_provider_approver_publisher_take_a_draft_live(
    browser_page, live_server, draft, provider, approver, publisher
):
    page = browser_page
    edit_url = f"{live_server.url}/admin/pages/{draft.pk}/edit/"
    started = time.time()

    # 1. The provider submits in one step: the dialog (prefilled from the page) and its button.
    log_in(page, live_server, provider)
    page.goto(edit_url)
    shot(page, 1, "provider-draft")
    modal = submit_in_one_step(page, edit_url, remarks="ส่งผ่านเบราว์เซอร์เพื่อทดสอบ",
                               expect_prefilled={"subject": draft.title})
    shot(page, 2, "provider-request-dialog")
    modal.locator("button[type='submit']").click()
    page.wait_for_load_state("networkidle")
    assert wait_until(page, lambda: isinstance(current_task(draft), ApprovalTask))
    page.wait_for_selector(".messages")
    assert "ยื่นขออนุมัติเผยแพร่แล้ว — รอผู้อนุมัติรับรองของ จังหวัดอุทัยธานี (สมหญิง รักษ์ธรรม)" in message_text(page)
    shot(page, 3, "provider-submitted")

    # 2. The approver reviews the form and sends it back with a reason.
    log_in(page, live_server, approver)
    page.goto(f"{live_server.url}/admin/approvals/pages/{draft.pk}/")
    assert "ส่งผ่านเบราว์เซอร์เพื่อทดสอบ" in page.content()
    shot(page, 4, "approver-reviews-form")
    reason = "กรุณาระบุวันที่ในสรุปให้ชัดเจน"
    page.goto(edit_url)
    open_action_menu(page)
    page.locator("button[data-workflow-action-name='reject']").first.click()
    modal = page.locator(".modal-content")
    modal.locator("textarea[name='comment']").fill(reason)
    modal.locator("button[type='submit']").click()
    page.wait_for_load_state("networkidle")
    assert wait_until(page, lambda: WorkflowState.objects.for_instance(draft).filter(status="needs_changes").exists())
    page.wait_for_selector(".messages")
    assert f"ส่งกลับแก้ไขแล้ว — เหตุผล: {reason}" in message_text(page)
    shot(page, 5, "approver-sent-back")

    # 3. The provider resubmits in one step: the dialog remembers the request.
    log_in(page, live_server, provider)
    modal = submit_in_one_step(page, edit_url, expect_prefilled={
        "subject": draft.title, "remarks": "ส่งผ่านเบราว์เซอร์เพื่อทดสอบ", "confirmed_measure_1_1": True,
    })
    shot(page, 6, "provider-resubmit-dialog")
    modal.locator("button[type='submit']").click()
    page.wait_for_load_state("networkidle")
    assert wait_until(page, lambda: isinstance(current_task(draft), ApprovalTask))
    # The submission's redirect lands before the next log-in navigates (else the two navigations race:
    # net::ERR_ABORTED, seen in CI once the database commit became visible sooner than the redirect).
    # (The edit page still shows the send-back notice, so waiting for any message is not enough.)
    page.locator(".messages", has_text="ยื่นขออนุมัติเผยแพร่แล้ว").first.wait_for()

    # 4. The approver approves.
    log_in(page, live_server, approver)
    approve_in_editor(page, edit_url)
    assert wait_until(page, lambda: isinstance(current_task(draft), PublicationTask))
    page.wait_for_selector(".messages")
    assert "อนุมัติแล้ว รอผู้เผยแพร่" in message_text(page)
    shot(page, 7, "approver-approved")

    # 5. The publisher puts it live.
    log_in(page, live_server, publisher)
    page.goto(edit_url)
    shot(page, 8, "publisher-editor")
    approve_in_editor(page, edit_url)

    def is_live():
        draft.refresh_from_db()
        return draft.live

    assert wait_until(page, is_live)
    page.wait_for_selector(".messages")
    assert "เผยแพร่แล้ว" in message_text(page)

    form = ApprovalForm.objects.get(page=draft)
    assert (form.provider, form.approver, form.publisher) == (provider, approver, publisher)
    assert form.remarks == "ส่งผ่านเบราว์เซอร์เพื่อทดสอบ"
    page.goto(f"{live_server.url}/admin/approvals/forms/{form.pk}/")
    shot(page, 9, "approval-form")
    page.goto(f"{live_server.url}{draft.url}")
    shot(page, 10, "live-page")
    assert draft.title[:30] in page.content()
    journey = [path for path in SCREENSHOTS.glob("[01][0-9]-*.png") if path.stem[3:] in JOURNEY_SHOTS]
    assert sorted(path.stem[3:] for path in journey if path.stat().st_mtime >= started) == sorted(JOURNEY_SHOTS)
