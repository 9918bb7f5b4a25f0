"""Every operation of the procedure, as Wagtail-style actions with ``check()`` and ``execute()``.

The admin (through the tasks' ``on_action``), tests, the demo and management
commands call these, so each behaves the same whoever asks. They wrap
Wagtail's own workflow machinery (``Workflow.start``, ``WorkflowState.resume``,
``Task.on_action``, ``Revision.publish``) rather than re-implement it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import WorkflowState

from . import roles
from .forms import OverridePublishForm, RequestForm
from .models import ApprovalTask, PublicationTask, RequestTask
from .submission import request_initial
from .workflow import is_governed


class ApprovalActionError(PermissionDenied):
    """The operation is not allowed for this user, page or state; nothing was changed."""


class BaseApprovalAction:
    action_name = None

    def __init__(self, page, user):
        self.page = page.specific
        self.user = user

    def check(self):
        raise NotImplementedError

    def execute(self):
        raise NotImplementedError

    # helpers

    @property
    def workflow_state(self):
        return self.page.current_workflow_state

    def _task_state(self, expected_task_class):
        state = self.workflow_state
        if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS or state.current_task_state is None:
            raise ApprovalActionError("หน้านี้ไม่ได้อยู่ระหว่างขั้นตอนการอนุมัติ")
        task = state.current_task_state.task.specific
        if not isinstance(task, expected_task_class):
            raise ApprovalActionError(f"หน้านี้อยู่ที่ขั้นตอน '{task.name}'")
        return state.current_task_state.specific, task

    def _check_allowed(self, expected_task_class, action_name, **data):
        task_state, task = self._task_state(expected_task_class)
        allowed = {name for name, _label, _modal in task.get_actions(self.page, self.user)}
        if action_name not in allowed:
            raise ApprovalActionError(f"ผู้ใช้ไม่มีสิทธิ์ '{action_name}' ในขั้นตอน '{task.name}'")
        return task, task_state

    def _run(self, expected_task_class, action_name, **data):
        task, task_state = self._check_allowed(expected_task_class, action_name, **data)
        with transaction.atomic():
            task.on_action(task_state, self.user, action_name, **data)
        self.page.refresh_from_db()
        return self.page


class SubmitForApprovalAction(BaseApprovalAction):
    """Start (or resume, after a send-back) the workflow and make the provider's request.

    ``data`` are the approval form's fields (see ``RequestForm``). With
    ``prefill`` (callers in code), missing ones start as the editor's dialog
    does (``submission.request_initial``: the page, or the last request) —
    except the measure 1.1 confirmation, which is always given explicitly;
    the editor passes ``prefill=False``: what was posted is all there is.
    """

    action_name = "submit"

    def __init__(self, page, user, prefill=True, **data):
        super().__init__(page, user)
        if prefill:
            initial = request_initial(self.page)
            initial.pop("confirmed_measure_1_1", None)
            data = {**initial, **data}
        self.data = data

    def check(self):
        self.check_allowed()
        form = RequestForm(self.data)
        if not form.is_valid():
            raise ValidationError(form.errors)
        self.cleaned_data = form.cleaned_data

    def check_allowed(self):
        """Whether this user may submit this page now, whatever the fields (the editor's dialog asks first)."""
        if not roles.user_has_role(self.user, roles.PROVIDER, self.page):
            raise ApprovalActionError("เฉพาะผู้รับผิดชอบการให้ข้อมูลของหน่วยงานยื่นขออนุมัติได้")
        if self.page.get_workflow() is None:
            raise ApprovalActionError("หน้านี้ไม่มีขั้นตอนการอนุมัติ")
        state = self.workflow_state
        if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
            if not isinstance(state.current_task_state.task.specific, RequestTask):
                raise ApprovalActionError("หน้านี้อยู่ระหว่างการพิจารณาแล้ว")

    def execute(self):
        self.check()
        with transaction.atomic():
            if self.page.get_latest_revision() is None:
                self.page.save_revision(user=self.user)
            state = self.workflow_state
            if state is None:
                state = self.page.get_workflow().start(self.page, self.user)
            elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
                state.resume(user=self.user)
            state.refresh_from_db()
            task = state.current_task_state.task.specific
            if not isinstance(task, RequestTask):
                # Resubmitted unchanged after a send-back: the earlier request still covers it.
                return state
            task.on_action(state.current_task_state.specific, self.user, "request", **self.cleaned_data)
        self.page.refresh_from_db()
        return state


class ApproveAction(BaseApprovalAction):
    """The approver approves the request (optional comment)."""

    action_name = "approve"

    def __init__(self, page, user, comment=""):
        super().__init__(page, user)
        self.comment = comment

    def check(self):
        self._check_allowed(ApprovalTask, "approve")

    def execute(self):
        return self._run(ApprovalTask, "approve", comment=self.comment)


class SendBackAction(BaseApprovalAction):
    """The approver or the publisher sends the page back to the provider; a reason is required."""

    action_name = "send_back"

    def __init__(self, page, user, reason):
        super().__init__(page, user)
        self.reason = (reason or "").strip()

    def _step(self):
        state = self.workflow_state
        task = state.current_task_state.task.specific if state and state.current_task_state else None
        return PublicationTask if isinstance(task, PublicationTask) else ApprovalTask

    def check(self):
        if not self.reason:
            raise ValidationError({"comment": "กรุณาระบุเหตุผลที่ส่งกลับแก้ไข"})
        self._check_allowed(self._step(), "reject")

    def execute(self):
        self.check()
        return self._run(self._step(), "reject", comment=self.reason)


class PublishAction(BaseApprovalAction):
    """The publisher puts the approved revision live (or schedules it, if it has a go-live date)."""

    action_name = "publish"

    def __init__(self, page, user, comment=""):
        super().__init__(page, user)
        self.comment = comment

    def check(self):
        self._check_allowed(PublicationTask, "approve")

    def execute(self):
        return self._run(PublicationTask, "approve", comment=self.comment)


class EmergencyPublishAction(BaseApprovalAction):
    """Measure 1.2: an authorised emergency approver approves and publishes an emergency announcement in one step."""

    action_name = "emergency_publish"

    def __init__(self, page, user, comment=""):
        super().__init__(page, user)
        self.comment = comment

    def check(self):
        self._check_allowed(ApprovalTask, "emergency_publish")

    def execute(self):
        return self._run(ApprovalTask, "emergency_publish", comment=self.comment)


class OverridePublishAction(BaseApprovalAction):
    """An administrator publishes the latest revision outside the workflow, with a stated reason.

    The reason is logged (``approvals.override_publish``, visible in the page
    history and to auditors) before publishing, and goes on the form record.
    """

    action_name = "override_publish"

    def __init__(self, page, user, reason):
        super().__init__(page, user)
        self.reason = (reason or "").strip()

    def check(self):
        if not roles.is_administrator(self.user):
            raise ApprovalActionError("เฉพาะผู้ดูแลระบบเผยแพร่นอกขั้นตอนได้")
        form = OverridePublishForm({"reason": self.reason})
        if not form.is_valid():
            raise ValidationError(form.errors)
        if self.page.get_latest_revision() is None:
            raise ApprovalActionError("หน้านี้ยังไม่มีรุ่นที่บันทึกไว้")

    def execute(self):
        self.check()
        revision = self.page.get_latest_revision()
        with transaction.atomic():
            state = self.workflow_state
            if state is not None:
                state.cancel(user=self.user)
            log(
                instance=self.page,
                action="approvals.override_publish",
                user=self.user,
                revision=revision,
                data={"reason": self.reason, "revision_id": revision.pk},
            )
            revision.publish(user=self.user, skip_permission_checks=True)
        self.page.refresh_from_db()
        return self.page


def refuse_direct_publish(page, user):
    """Raise unless a direct (non-workflow) publish of ``page`` is allowed. Governed pages never are."""
    if is_governed(page):
        raise ApprovalActionError(
            "ข้อมูลเผยแพร่ต้องผ่านขั้นตอนการอนุมัติ (ยื่นขออนุมัติ → อนุมัติรับรอง → นำขึ้นเผยแพร่); "
            "ผู้ดูแลระบบเผยแพร่นอกขั้นตอนได้โดยระบุเหตุผล"
        )
