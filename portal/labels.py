"""Thai wording the portal chooses for values the API returns as identifiers.

A front end owns its wording; these are the portal's, keyed by the API's
identifiers (page type, answer-sheet status, recurrence).
"""

PAGE_TYPES = {
    "repository.NewsPage": "ข่าวประชาสัมพันธ์",
    "repository.OfficialOrderPage": "คำสั่ง/ประกาศ",
    "repository.EmergencyAnnouncementPage": "ประกาศเหตุฉุกเฉิน",
    "repository.ProcurementAnnouncementPage": "ประกาศจัดซื้อจัดจ้าง",
    "repository.ProcurementSummaryPage": "สรุปผลการจัดซื้อจัดจ้างรายเดือน",
    "repository.PlanReportPage": "แผนและรายงาน",
    "repository.GeneralDisclosurePage": "ข้อมูลเผยแพร่ทั่วไป",
    "repository.AgencyPage": "หน่วยงาน",
    "repository.ItemGroupPage": "หมวดข้อมูล",
    "repository.ItemPage": "รายการข้อมูล ITA",
    "repository.HomePage": "หน้าแรก",
}

STATUSES = {
    "published": "เผยแพร่แล้ว",
    "stale": "ยังไม่เป็นปัจจุบัน",
    "missing": "ยังไม่เผยแพร่",
}

RECURRENCES = {
    "once": "ครั้งเดียว/เมื่อมีการเปลี่ยนแปลง",
    "annual": "รายปี",
    "semi_annual": "รอบ 6 เดือน",
    "monthly": "รายเดือน",
    "per_event": "ตามเหตุการณ์",
}

SORTS = {"relevance": "ความเกี่ยวข้อง", "date": "วันที่ล่าสุด"}


def page_type_label(value, fallback=None):
    return PAGE_TYPES.get(value) or fallback or (value or "").rsplit(".", 1)[-1]
