"""What migrations made is back after a transactional test's flush (tests/conftest.py ``pytest_runtest_teardown``).

pytest-django runs a transactional test after the others with a database, and tests without one after it; the
second test below reads the database through a module fixture (as the shared trees do), so in one process it
runs right after the first one's flush. It found no root page before the fix. Under pytest-xdist the two may
land on different workers, where it proves less; `TEST_WORKERS=0 make test` runs it in one process.
"""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page, Workflow


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transactional_test():
    Group.objects.create(name="ทดสอบ")  # committed: pytest-django flushes every table after this test
    assert Page.get_first_root_node() is not None


@pytest.fixture(scope="module")
def migrated_state(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return {
            "root": Page.get_first_root_node(),
            "groups": Group.objects.count(),
            "locales": Locale.objects.count(),
            "workflows": Workflow.objects.count(),
        }


def test_the_next_test_finds_what_migrations_made(migrated_state):
    assert migrated_state["root"] is not None
    assert migrated_state["groups"] > 0 and migrated_state["locales"] > 0
    assert migrated_state["workflows"] > 0  # the approval workflow (repository/approvals/migrations/0002)
