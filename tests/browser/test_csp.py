"""The Content-Security-Policy in a real browser: the portal, the Wagtail admin and /api/docs/ load with no
violation, and the API docs render from the project's own files with every other address blocked."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.portal.builders import Site, news_records, portal_url

from .portal_browser import needs_chromium, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
              needs_chromium]

# Records each violation the page reports (the browser also logs it to the console, collected below).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + (e.lineNumber || '')));
"""


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PORTAL_DIRECTORY_TTL = 0
    settings.API_ANON_THROTTLE_RATE = ""


@pytest.fixture
def site(transactional_db):
    site = Site()
    site.pages = [site.news(r) for r in news_records()[60:63]]
    return site


@pytest.fixture
def watched(live_server):
    for page in open_page(live_server):
        messages = page.console_csp = []

        def on_console(msg, messages=messages):
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
                messages.append(msg.text)

        page.on("console", on_console)
        page.add_init_script(RECORD_VIOLATIONS)
        yield page


def visit(page, path, ready="body"):
    response = page.goto(page.base + path)
    assert response.status < 400, (path, response.status)
    assert "content-security-policy" in {k.lower() for k in response.headers}, path
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__csp || []") + page.console_csp
    assert violations == [], (path, violations)


def test_the_portal_passes_its_csp(watched, site):
    target = site.pages[0]
    for path in ("/", "/agencies/", "/items/", f"/?q={target.title[:20]}", portal_url(target),
                 portal_url(target) + "history/", f"/oit/{site.province.code}/"):
        visit(watched, path)
    visit(watched, "/")
    watched.get_by_role("combobox", name="คำค้น").fill(target.title[:6])  # the suggestions script runs
    watched.wait_for_timeout(600)
    assert watched.evaluate("window.__csp") == [] and watched.console_csp == []


def test_the_wagtail_admin_passes_its_csp(watched, site):
    user = get_user_model().objects.create_superuser("admin1", password="pw-admin1", full_name="ผู้ดูแลระบบ")
    page = watched
    visit(page, "/admin/login/", "input[name=username]")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-admin1")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    target = site.pages[0]
    for path, ready in (("/admin/", "main"), (f"/admin/pages/{target.pk}/edit/", ".Draftail-Editor"),
                        (f"/admin/pages/{target.get_parent().pk}/", "main"), ("/admin/audit/", "main"),
                        ("/admin/login-attempts/", "main"), ("/admin/approvals/forms/", "main")):
        visit(page, path, ready)
    screenshot(page, "admin-under-csp")


def test_only_the_admin_allows_inline_scripts(client, site):
    portal = client.get("/")["Content-Security-Policy"]
    docs = client.get("/api/docs/")["Content-Security-Policy"]
    admin = client.get("/admin/login/")["Content-Security-Policy"]
    for policy in (portal, docs):
        assert "script-src 'self';" in policy + ";" and "unsafe-inline' " not in policy.split("script-src")[1][:40]
    assert "script-src 'self' 'unsafe-inline'" in admin
    assert all("frame-ancestors 'self'" in p and "object-src 'none'" in p for p in (portal, docs, admin))


def test_the_api_docs_render_offline_under_the_csp(watched, site):
    page = watched
    own = page.base
    blocked = []

    def only_this_server(route):
        if route.request.url.startswith(own):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    visit(page, "/api/docs/", ".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert "Transparency disclosure repository API" in page.content()
    screenshot(page, "api-docs-offline")
    assert blocked == []  # nothing outside the server was even asked for
