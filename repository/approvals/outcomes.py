"""What a step of the procedure did and whose queue the page is in now, in one Thai sentence.

Wagtail answers every workflow action in the editor with its generic "the page has been updated";
the editor (``editor.DisclosureEditView``) and the workflow action view (``editor.DisclosureWorkflowActionView``,
the dashboard's buttons) show this instead. It is read from the page's workflow state after the action,
so it says what actually happened: submitted and waiting for the approvers, approved and waiting for the
publishers, sent back (with the reason, waiting for the providers), or live.

The people named are the holders of the next step's role for the page (``roles.role_holders``) who may
act on it now (the task's own ``get_actions``, so a provider who is also an approver is not named for
their own request).
"""

from django.utils import timezone
from wagtail.models import Page, WorkflowState

from repository.thai import format_be_date

from . import roles
from .models import ApprovalTask, PublicationTask, RequestTask, _is_emergency
from .workflow import is_emergency_fast_track

NAMES_SHOWN = 3


def _name(user):
    return (getattr(user, "full_name", "") or "").strip() or user.get_username()


def queue(page, task):
    """``"ผู้อนุมัติรับรองของ จังหวัดอุทัยธานี (สมหญิง รักษ์ธรรม)"`` — who may do ``task`` on ``page`` now."""
    wanted = [task.role]
    if isinstance(task, ApprovalTask) and _is_emergency(page):
        wanted.append(roles.EMERGENCY_APPROVER)
    label = roles.ROLE_LABELS[task.role]
    parts = []
    for agency, users in roles.role_holders(page, *wanted):
        able = [user for user in users if task.get_actions(page, user)]
        if not able:
            continue
        names = ", ".join(_name(user) for user in able[:NAMES_SHOWN])
        if len(able) > NAMES_SHOWN:
            names += f" และอีก {len(able) - NAMES_SHOWN} คน"
        parts.append(f"{label}ของ {agency.name_th} ({names})")
    if parts:
        return " หรือ ".join(parts)
    agency = getattr(page, "agency", None)
    where = f"ของ {agency.name_th} " if agency is not None else ""
    return f"{label}{where}(ยังไม่มีผู้ใดดำเนินการได้ — แจ้งผู้ดูแลระบบให้มอบบทบาท)"


def describe(page):
    """The sentence for ``page`` as its workflow stands now (``""`` when it has none)."""
    page = Page.objects.get(pk=page.pk).specific
    title = f"“{page.get_admin_display_title()}”"
    state = WorkflowState.objects.for_instance(page).order_by("-created_at", "-pk").first()
    if state is None:
        return ""
    task_state = state.current_task_state
    if state.status == WorkflowState.STATUS_NEEDS_CHANGES and task_state is not None:
        reason = (task_state.comment or "").strip() or "(ไม่ได้ระบุ)"
        request_task = next(
            (task.specific for task in state.workflow.tasks.all() if isinstance(task.specific, RequestTask)), None
        )
        waiting = f" — รอ{queue(page, request_task)} แก้ไขแล้วยื่นขออนุมัติอีกครั้ง" if request_task else ""
        return f"{title} ส่งกลับแก้ไขแล้ว — เหตุผล: {reason}{waiting}"
    if state.status == WorkflowState.STATUS_IN_PROGRESS and task_state is not None:
        task = task_state.task.specific
        if isinstance(task, ApprovalTask):
            return f"{title} ยื่นขออนุมัติเผยแพร่แล้ว — รอ{queue(page, task)}"
        if isinstance(task, PublicationTask):
            return f"{title} อนุมัติแล้ว รอผู้เผยแพร่ — {queue(page, task)}"
        if isinstance(task, RequestTask):
            return f"{title} รอ{queue(page, task)} ยื่นขออนุมัติเผยแพร่"
        return ""
    if state.status == WorkflowState.STATUS_APPROVED:
        scheduled = page.scheduled_revision
        if scheduled is not None and scheduled.approved_go_live_at and scheduled.approved_go_live_at > timezone.now():
            return f"{title} อนุมัติแล้ว ตั้งเวลาเผยแพร่ {format_be_date(scheduled.approved_go_live_at, style='abbr')}"
        if page.live:
            fast_track = " (ช่องทางเร่งด่วน มาตรการข้อ 1.2)" if is_emergency_fast_track(state) else ""
            return f"{title} เผยแพร่แล้ว{fast_track}"
    return ""
