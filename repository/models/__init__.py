"""The repository's content model, one module per concern.

Dependency direction: ``agencies`` and ``frameworks`` depend on
nothing else here; ``pages`` (navigation pages and the shared disclosure base)
depends on those; ``disclosures`` (the concrete disclosure page types) depends on
``pages``; ``imports`` (source ids already imported) depends on nothing. The user model lives in ``repository.accounts``. Other apps (approvals, audit, search, api) import from this package,
never the reverse.
"""

from .agencies import Agency
from .disclosures import (
    DISCLOSURE_PAGE_MODELS,
    EmergencyAnnouncementPage,
    GeneralDisclosurePage,
    NewsPage,
    OfficialOrderPage,
    PlanReportPage,
    ProcurementAnnouncementPage,
    ProcurementSummaryPage,
    ProcurementSummaryRow,
)
from .frameworks import CarryOverDecision, FrameworkItem, FrameworkItemSuccession, FrameworkYear, Recurrence
from .imports import ImportedSource
from .pages import (
    AgencyPage,
    DisclosureAttachment,
    DisclosurePage,
    DisclosureTag,
    HomePage,
    ItemGroupPage,
    ItemPage,
)

__all__ = [
    "DISCLOSURE_PAGE_MODELS",
    "Agency",
    "AgencyPage",
    "DisclosureAttachment",
    "DisclosurePage",
    "DisclosureTag",
    "EmergencyAnnouncementPage",
    "CarryOverDecision",
    "FrameworkItem",
    "FrameworkItemSuccession",
    "FrameworkYear",
    "GeneralDisclosurePage",
    "HomePage",
    "ImportedSource",
    "ItemGroupPage",
    "ItemPage",
    "NewsPage",
    "OfficialOrderPage",
    "PlanReportPage",
    "ProcurementAnnouncementPage",
    "ProcurementSummaryPage",
    "ProcurementSummaryRow",
    "Recurrence",
]
