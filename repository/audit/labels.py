"""The Thai names of audit actions: shown in the admin, and accepted by the timeline's filter.

Wagtail's own labels (its log action registry, in Thai where Wagtail's translation has one) are used
first; the actions its Thai translation leaves in English, and our own, are named here.
"""

from django.utils import translation

THAI = {
    "wagtail.create": "สร้าง",
    "wagtail.edit": "แก้ไข",
    "wagtail.publish": "เผยแพร่",
    "wagtail.publish.scheduled": "เผยแพร่ตามกำหนดเวลา",
    "wagtail.schedule.publish": "ตั้งเวลาเผยแพร่",
    "wagtail.schedule.cancel": "ยกเลิกการตั้งเวลาเผยแพร่",
    "wagtail.unpublish": "ยกเลิกการเผยแพร่",
    "wagtail.unpublish.scheduled": "ยกเลิกการเผยแพร่ตามกำหนดเวลา",
    "wagtail.delete": "ลบ",
    "wagtail.move": "ย้าย",
    "wagtail.reorder": "จัดลำดับ",
    "wagtail.copy": "คัดลอก",
    "wagtail.rename": "เปลี่ยนชื่อ",
    "wagtail.revert": "ย้อนกลับฉบับ",
    "wagtail.lock": "ล็อก",
    "wagtail.unlock": "ปลดล็อก",
    "wagtail.view_restriction.create": "จำกัดการเข้าถึง",
    "wagtail.view_restriction.edit": "แก้ไขการจำกัดการเข้าถึง",
    "wagtail.view_restriction.delete": "ยกเลิกการจำกัดการเข้าถึง",
    "wagtail.workflow.start": "ส่งขออนุมัติ",
    "wagtail.workflow.approve": "อนุมัติ",
    "wagtail.workflow.reject": "ส่งกลับแก้ไข",
    "wagtail.workflow.resume": "ส่งขออนุมัติอีกครั้ง",
    "wagtail.workflow.cancel": "ยกเลิกการขออนุมัติ",
    "audit.restore": "กู้คืนหน้าที่ถูกลบ",
    "audit.revert": "ย้อนกลับเป็นฉบับในบันทึก",
    "audit.group_permissions": "เปลี่ยนสิทธิ์ของกลุ่ม",
    "audit.children_renumbered": "เลื่อนตำแหน่งหน้าย่อย",
}


def action_label(action):
    """The Thai name of an action code (Wagtail's label, or the code itself, when neither knows it)."""
    if action in THAI:
        return THAI[action]
    from wagtail.log_actions import registry

    with translation.override("th"):
        try:
            return str(registry.get_action_label(action))
        except KeyError:
            return action


def actions_matching(text, known):
    """The action codes among ``known`` that ``text`` names: a code, a code prefix ending in ".", or
    (part of) a Thai name. ``เผยแพร่`` names publish and its scheduled form, not ยกเลิกการเผยแพร่."""
    text = text.strip()
    if not text:
        return set(known)
    if text in known or text.endswith("."):
        return {code for code in known if code == text or (text.endswith(".") and code.startswith(text))}
    labels = {code: action_label(code) for code in known}
    exact = {code for code, label in labels.items() if label == text}
    starting = {code for code, label in labels.items() if label.startswith(text)}
    return exact | starting or {code for code, label in labels.items() if text in label}
