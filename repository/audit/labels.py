"""What an auditor calls each audit entry: its *act* (a code) and the act's Thai name.

An entry's act is the action Wagtail logged, except for the steps of the publication workflow: Wagtail logs
every task it finishes as ``wagtail.workflow.approve``, so the provider's request (the ``RequestTask``) and
the publisher's step (the ``PublicationTask``) would read as "อนุมัติ". Their acts are derived from the task
the entry recorded (``extra.log.data.workflow.task.id``, sealed with it since the first entry), not written
into the entry: sealed history stays as it was, and old entries read the same as new ones.

This module is the one place for it: the admin's timeline and object history, its filter, the API's audit
events and their filter, ``audit replay`` and the archive all call it (``act``, ``action_label``,
``acts_matching``, ``doing``).

Thai names: Wagtail's own labels (its log action registry, in Thai where Wagtail's translation has one) are
used first; the actions its Thai translation leaves in English, our own, and the workflow steps' acts (the
labels of the buttons each person pressed, ``repository/approvals/models.py``) are named here.
"""

from functools import lru_cache

from django.db.models import CharField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import translation

APPROVE = "wagtail.workflow.approve"
REQUEST = "approvals.request"  # the provider's request: the RequestTask finished
PUBLICATION_STEP = "approvals.publication"  # the publisher's step: the PublicationTask finished
# The act of finishing a task of each workflow step, by the task's model (app ``approvals``); a task of
# any other type (the approver's ApprovalTask, Wagtail's own GroupApprovalTask) stays an approval.
STEP_ACTS = {"requesttask": REQUEST, "publicationtask": PUBLICATION_STEP}
# The task an entry recorded, as text (null for entries that are not a workflow step).
TASK_ID = Cast(KT("extra__log__data__workflow__task__id"), output_field=CharField())

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
    REQUEST: "ยื่นขออนุมัติเผยแพร่",
    PUBLICATION_STEP: "เผยแพร่ (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่)",
    "wagtail.workflow.reject": "ส่งกลับแก้ไข",
    "wagtail.workflow.resume": "ส่งขออนุมัติอีกครั้ง",
    "wagtail.workflow.cancel": "ยกเลิกการขออนุมัติ",
    "audit.restore": "กู้คืนหน้าที่ถูกลบ",
    "audit.revert": "ย้อนกลับเป็นฉบับในบันทึก",
    "audit.group_permissions": "เปลี่ยนสิทธิ์ของกลุ่ม",
    "audit.children_renumbered": "เลื่อนตำแหน่งหน้าย่อย",
}


def step_tasks():
    """{task id (text): act} of the workflow tasks whose finishing is not an approval."""
    from wagtail.models import Task

    return {str(pk): STEP_ACTS[model] for pk, model in Task.objects.filter(
        content_type__app_label="approvals", content_type__model__in=STEP_ACTS).values_list(
        "pk", "content_type__model")}


def act(action, task_id, steps):
    """The act of an entry whose logged action is ``action`` and recorded task ``task_id`` (``TASK_ID``);
    ``steps`` is ``step_tasks()``."""
    if action == APPROVE and task_id is not None:
        return steps.get(str(task_id), action)
    return action


def recorded_task(extra):
    """The workflow task id an entry's ``extra`` recorded (what ``TASK_ID`` reads in SQL), or None."""
    try:
        return extra["log"]["data"]["workflow"]["task"]["id"]
    except (KeyError, TypeError):
        return None


def known_acts(actions):
    """The acts entries with these logged actions can have."""
    acts = set(actions)
    return acts | set(STEP_ACTS.values()) if APPROVE in acts else acts


def doing(records, acts, steps=None):
    """The AuditRecords (a queryset) whose act is one of ``acts``."""
    steps = step_tasks() if steps is None else steps
    acts = set(acts)
    plain = acts - {APPROVE} - set(STEP_ACTS.values())
    wanted = Q(action__in=plain)
    step_ids = [int(pk) for pk, step in steps.items() if step in acts]
    if step_ids:
        wanted |= Q(action=APPROVE, _task__in=[str(pk) for pk in step_ids])
    if APPROVE in acts:
        wanted |= Q(action=APPROVE) & (Q(_task__isnull=True) | ~Q(_task__in=list(steps) or [""]))
    return records.annotate(_task=TASK_ID).filter(wanted)


@lru_cache(maxsize=512)
def action_label(action):
    """The Thai name of an act (Wagtail's label, or the code itself, when neither knows it)."""
    if action in THAI:
        return THAI[action]
    from wagtail.log_actions import registry

    with translation.override("th"):
        try:
            return str(registry.get_action_label(action))
        except KeyError:
            return action


def actions_matching(text, known):
    """The acts among ``known`` that ``text`` names: a code, a code prefix ending in ".", or (part of) a Thai
    name. ``เผยแพร่`` names publish, its scheduled form and the publisher's step, not ยกเลิกการเผยแพร่;
    ``อนุมัติ`` the approver's approval, not the provider's request (ยื่นขออนุมัติเผยแพร่)."""
    text = text.strip()
    if not text:
        return set(known)
    if text in known or text.endswith("."):
        return {code for code in known if code == text or (text.endswith(".") and code.startswith(text))}
    labels = {code: action_label(code) for code in known}
    exact = {code for code, label in labels.items() if label == text}
    starting = {code for code, label in labels.items() if label.startswith(text)}
    return exact | starting or {code for code, label in labels.items() if text in label}
