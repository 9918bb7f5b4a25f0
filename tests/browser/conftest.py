# The approvals tests' fixtures: a province, its users by role, real corpus drafts.
from tests.approvals.conftest import agency, approver, draft, make_draft, news_index, provider, publisher  # noqa: F401
