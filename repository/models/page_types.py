"""The disclosure page types, by label: the list the item pages, the admin forms and the API share."""

DISCLOSURE_TYPES = [
    "repository.OfficialOrderPage",
    "repository.NewsPage",
    "repository.EmergencyAnnouncementPage",
    "repository.ProcurementAnnouncementPage",
    "repository.ProcurementSummaryPage",
    "repository.PlanReportPage",
    "repository.GeneralDisclosurePage",
]
