"""The publication workflow: setting it up, and checking what it approved.

``ensure_publication_workflow()`` makes the three tasks and the workflow and
assigns it to the root of the page tree (Wagtail's ``WorkflowPage``), so every
disclosure page type has it by default. ``verified_revision()``,
``approving_workflow_state()`` and ``override_entry()`` are what the
publication gate (``gate.py``) reads to answer "may this revision go live?".
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.models import Page, PageLogEntry, TaskState, Workflow, WorkflowPage, WorkflowState, WorkflowTask

from repository.models import DisclosurePage

from .models import ApprovalTask, PublicationTask, RequestTask

WORKFLOW_NAME = "การขออนุมัติเผยแพร่ข้อมูลผ่านเว็บไซต์"
TASK_NAMES = {
    "RequestTask": "ยื่นขออนุมัติเผยแพร่ (ผู้รับผิดชอบการให้ข้อมูล)",
    "ApprovalTask": "อนุมัติรับรอง (ผู้อนุมัติรับรอง)",
    "PublicationTask": "นำข้อมูลขึ้นเผยแพร่ (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่)",
}


@transaction.atomic
def ensure_publication_workflow():
    """Create the workflow and its tasks if missing; assign it to the tree's root. Idempotent."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    for order, model in enumerate([RequestTask, ApprovalTask, PublicationTask]):
        task = model.objects.filter(name=TASK_NAMES[model.__name__]).first()
        if task is None:
            task = model.objects.create(name=TASK_NAMES[model.__name__])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    root = Page.get_first_root_node()
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def _approved_state(workflow_state, model, revision):
    return (
        TaskState.objects.filter(
            workflow_state=workflow_state,
            task__content_type__app_label=model._meta.app_label,
            task__content_type__model=model._meta.model_name,
            status=TaskState.STATUS_APPROVED,
            revision=revision,
        )
        .select_related("finished_by")
        .order_by("-finished_at", "-pk")
        .first()
    )


def approved_states(workflow_state, revision):
    """``{"request": TaskState, "approval": ..., "publication": ...}`` approved on ``revision`` (None if missing)."""
    return {
        "request": _approved_state(workflow_state, RequestTask, revision),
        "approval": _approved_state(workflow_state, ApprovalTask, revision),
        "publication": _approved_state(workflow_state, PublicationTask, revision),
    }


def verified_revision(workflow_state):
    """The revision a finished workflow may publish; PermissionDenied unless all is in order.

    Every step approved the same revision, by the right number of different
    people, and nobody has changed the page since.
    """
    publication = (
        TaskState.objects.filter(
            workflow_state=workflow_state,
            status=TaskState.STATUS_APPROVED,
            task__content_type__app_label=PublicationTask._meta.app_label,
            task__content_type__model=PublicationTask._meta.model_name,
        )
        .select_related("revision")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if publication is None:
        raise PermissionDenied("ยังไม่มีผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่อนุมัติ")
    revision = publication.revision
    latest = workflow_state.content_object.get_latest_revision()
    if latest is None or latest.pk != revision.pk:
        raise PermissionDenied("หน้านี้ถูกแก้ไขหลังการอนุมัติ ต้องขออนุมัติใหม่")
    check_signers(workflow_state, revision)
    return revision


def check_signers(workflow_state, revision):
    """PermissionDenied unless every step approved ``revision``, each by a different person.

    The publisher may also be the approver only on the emergency fast track (measure 1.2).
    """
    found = approved_states(workflow_state, revision)
    missing = [step for step, state in found.items() if state is None]
    if missing:
        raise PermissionDenied(f"รุ่นนี้ยังไม่ผ่านขั้นตอน: {', '.join(missing)}")
    provider, approver, publisher = (found[k].finished_by_id for k in ("request", "approval", "publication"))
    if approver == provider:
        raise PermissionDenied("ผู้อนุมัติต้องไม่ใช่ผู้ยื่นขออนุมัติ")
    if publisher == provider or (publisher == approver and not is_emergency_fast_track(workflow_state)):
        raise PermissionDenied("ผู้เผยแพร่ต้องไม่ใช่ผู้ยื่นขออนุมัติหรือผู้อนุมัติ")


def is_emergency_fast_track(workflow_state):
    return PageLogEntry.objects.filter(
        action="approvals.emergency_publish", data__workflow_state_id=workflow_state.pk
    ).exists()


def approving_workflow_state(revision):
    """The finished workflow state that approved ``revision`` for publication, or None."""
    candidates = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_APPROVED,
        task_states__revision=revision,
        task_states__status="approved",
        task_states__task__content_type__model=PublicationTask._meta.model_name,
        task_states__task__content_type__app_label=PublicationTask._meta.app_label,
    ).order_by("-pk")
    for workflow_state in candidates:
        if all(approved_states(workflow_state, revision).values()):
            return workflow_state
    return None


def override_entry(revision):
    """The administrator's logged decision to publish ``revision`` outside the workflow, or None."""
    return (
        PageLogEntry.objects.filter(action="approvals.override_publish", revision=revision)
        .order_by("-timestamp", "-pk")
        .first()
    )


def is_governed(page):
    """Pages whose publication must go through the procedure: every disclosure page type."""
    return isinstance(page.specific, DisclosurePage)
