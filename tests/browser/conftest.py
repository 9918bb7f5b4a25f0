import pytest
from django.core.management import call_command
from django.db import connection

# The approvals tests' fixtures: a province, its users by role, real corpus drafts.
from tests.approvals.conftest import agency, approver, draft, make_draft, news_index, provider, publisher  # noqa: F401


@pytest.fixture
def audit_tables_flushable(transactional_db):
    """Let the transactional test's final flush empty the append-only audit tables (SQLite only).

    On SQLite Django flushes with DELETE, which the audit app's triggers refuse
    (PostgreSQL flushes with TRUNCATE, which row triggers do not see). Empty
    the tables with the triggers lifted, then put the triggers back; the
    flush that follows finds nothing to delete there.
    """
    yield
    if connection.vendor != "sqlite":
        return
    from repository.audit import triggers

    with connection.cursor() as cursor:
        for statement in triggers.drop_statements(connection.vendor):
            cursor.execute(statement)
    try:
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            for statement in triggers.create_statements(connection.vendor):
                cursor.execute(statement)


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool({"transactional_db", "live_server"} & fixtures) or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run first among the transactional tests (pytest-django puts those last).

    They need the migrated database as migrations left it (Wagtail's root page, the
    workflow, the groups), which a transactional test's final flush empties; and their
    own flush leaves the audit tables empty for the next one (see audit_tables_flushable).
    """
    browser = [item for item in items if item.get_closest_marker("browser")]
    if not browser:
        return
    # The workflow's browser test needs what migrations made (the workflow, the groups);
    # the portal's recreate what they need themselves, so the workflow's goes first.
    browser.sort(key=lambda item: "test_workflow_browser" not in item.nodeid)
    rest = [item for item in items if not item.get_closest_marker("browser")]
    first = next((index for index, item in enumerate(rest) if _is_transactional(item)), len(rest))
    items[:] = rest[:first] + browser + rest[first:]
