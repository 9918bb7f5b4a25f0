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
