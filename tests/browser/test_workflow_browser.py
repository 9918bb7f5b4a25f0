"""A person's path through the admin in a real browser: draft → request → approve → live.

Playwright for Python drives Debian's chromium (``apt-get install chromium``),
headless, against pytest-django's ``live_server``. Each step's screenshot is
saved to ``artifacts/screenshots/`` (git-ignored) for a person to look at.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from repository.approvals.models import ApprovalForm, ApprovalTask, PublicationTask, RequestTask

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
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
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
    """Poll ``condition`` while the browser's request finishes on the live server (up to 10 s)."""
    for _ in range(tries):
        if condition():
            return True
        page.wait_for_timeout(250)
    return condition()


def approve_in_editor(page, edit_url):
    """The workflow's "approve" action from the page editor's action menu (approver and publisher alike)."""
    page.goto(edit_url)
    open_action_menu(page)
    page.locator("button[data-workflow-action-name='approve']").first.click()
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_provider_approver_publisher_take_a_draft_live(
    browser_page, live_server, draft, provider, approver, publisher
):
    page = browser_page
    edit_url = f"{live_server.url}/admin/pages/{draft.pk}/edit/"

    # 1. The provider submits the draft to the workflow.
    log_in(page, live_server, provider)
    page.goto(edit_url)
    shot(page, 1, "provider-draft")
    open_action_menu(page)
    page.click("button[name='action-submit']")
    page.wait_for_load_state("networkidle")
    assert isinstance(current_task(draft), RequestTask)
    page.goto(edit_url)
    shot(page, 2, "provider-submitted")

    # 2. The provider fills the request form (prefilled from the page) and confirms measure 1.1.
    open_action_menu(page)
    page.click("button[data-workflow-action-name='request']")
    modal = page.locator(".modal-content")
    modal.locator("input[name='subject']").wait_for()
    assert modal.locator("input[name='subject']").input_value() == draft.title
    modal.locator("textarea[name='remarks']").fill("ส่งผ่านเบราว์เซอร์เพื่อทดสอบ")
    modal.locator("input[name='confirmed_measure_1_1']").check()
    shot(page, 3, "provider-request-form")
    modal.locator("button[type='submit']").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.modal.show')")
    assert wait_until(page, lambda: isinstance(current_task(draft), ApprovalTask))
    shot(page, 4, "provider-requested")

    # 3. The approver reviews the form and approves.
    log_in(page, live_server, approver)
    page.goto(f"{live_server.url}/admin/approvals/pages/{draft.pk}/")
    assert "ส่งผ่านเบราว์เซอร์เพื่อทดสอบ" in page.content()
    shot(page, 5, "approver-reviews-form")
    approve_in_editor(page, edit_url)
    assert wait_until(page, lambda: isinstance(current_task(draft), PublicationTask))
    shot(page, 6, "approver-approved")

    # 4. The publisher puts it live.
    log_in(page, live_server, publisher)
    page.goto(edit_url)
    shot(page, 7, "publisher-editor")
    approve_in_editor(page, edit_url)

    def is_live():
        draft.refresh_from_db()
        return draft.live

    assert wait_until(page, is_live)

    form = ApprovalForm.objects.get(page=draft)
    assert (form.provider, form.approver, form.publisher) == (provider, approver, publisher)
    page.goto(f"{live_server.url}/admin/approvals/forms/{form.pk}/")
    shot(page, 8, "approval-form")
    page.goto(f"{live_server.url}{draft.url}")
    shot(page, 9, "live-page")
    assert draft.title[:30] in page.content()
    assert len(list(SCREENSHOTS.glob("*.png"))) == 9
