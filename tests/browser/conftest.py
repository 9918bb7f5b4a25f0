# The approvals tests' fixtures: a province, its users by role, real corpus drafts.
import pytest

from tests.approvals.conftest import approver, draft, make_draft, news_index, provider, publisher  # noqa: F401
from tests.factories import make_agency


@pytest.fixture
def agency(db):
    """The province of tests/approvals, built by each test: a transactional test cannot read a shared one."""
    return make_agency()


# Browser tests run against pytest-django's live_server, so they are transactional: the root
# conftest's _flushable_audit_trail lets their final flush pass the audit trail's triggers, and
# each marks itself serialized_rollback=True to start from what migrations made (Wagtail's roots,
# the workflow, the groups), whatever ran before it.
