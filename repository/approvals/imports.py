"""How content loaded from elsewhere goes live: an administrator override with a stated reason.

Imported items were approved and published by their source before they reached
this repository, so they do not pass the workflow here; each one is published by
``OverridePublishAction`` instead, which logs the reason and writes the item's
approval form (kind "override"), so auditors see exactly how it went out.
"""

from .actions import OverridePublishAction

NEWS_IMPORT_REASON = (
    "นำเข้าข่าวที่หน่วยงานต้นทางเผยแพร่แล้ว (ระบุแหล่งที่มาในแต่ละรายการ) "
    "จึงไม่ได้ผ่านขั้นตอนขออนุมัติในระบบนี้"
)


def override_publisher(reason):
    """A ``publish(page, user)`` callable for importers: each page goes live by override with ``reason``."""

    def publish(page, user):
        OverridePublishAction(page, user, reason).execute()

    return publish
