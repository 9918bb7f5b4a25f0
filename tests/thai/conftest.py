"""The approvals suite's province, page tree, one user per role and corpus drafts, reused."""

from tests.approvals.conftest import (  # noqa: F401 (fixtures)
    administrator,
    agency,
    approver,
    auditor,
    draft,
    make_draft,
    news_index,
    other_agency,
    provider,
    publisher,
)
