"""The publication approval procedure, on Wagtail's workflow models.

Three Wagtail ``Task`` types make the order's procedure — every item passes
three people before it reaches the public:

1. ``RequestTask`` — the information provider (ผู้รับผิดชอบการให้ข้อมูล) fills
   the approval form's fields and confirms compliance with measure 1.1;
2. ``ApprovalTask`` — the approver (ผู้อนุมัติรับรอง) approves or sends back with
   a reason; for an emergency announcement (measure 1.2) an emergency approver
   may approve and publish in one step;
3. ``PublicationTask`` — the publisher (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่)
   puts the approved revision live (or schedules it).

``ApprovalForm`` is the evidence: one row per publication event, assembled
from the workflow's own task states when the page goes live, never typed.

Dependencies: this module imports ``roles`` (who holds which role) and
``forms`` (the task action forms); ``actions``, ``records``, ``views`` import
this module, never the reverse.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from wagtail.models import Page, Task, TaskState

from repository.models import EmergencyAnnouncementPage

from . import roles
from .agency_roles import AgencyRole  # noqa: F401  (a model of this app)
from .forms import ApproveForm, RequestForm, SendBackForm

# --- task states ---------------------------------------------------------


class RequestTaskState(TaskState):
    """The provider's request: the fields of the approval form as submitted."""

    subject = models.CharField("หัวข้อ", max_length=500, blank=True)
    details = models.TextField("รายละเอียดข้อมูล (โดยสรุปหรือเอกสารแนบ)", blank=True)
    external_link = models.URLField("Link ภายนอก", max_length=500, blank=True)
    remarks = models.TextField("หมายเหตุ", blank=True)
    confirmed_measure_1_1 = models.BooleanField("ยืนยันว่าเนื้อหาเป็นไปตามมาตรการข้อ 1.1", default=False)

    class Meta:
        verbose_name = "คำขออนุมัติเผยแพร่"
        verbose_name_plural = "คำขออนุมัติเผยแพร่"


# --- helpers shared by the tasks -----------------------------------------


def _page(obj):
    return obj.specific if isinstance(obj, Page) else obj


def _finished_by(workflow_state, task_model):
    """Users who finished (approved) a task of this type in this workflow run, on its current revision."""
    states = TaskState.objects.filter(
        workflow_state=workflow_state,
        task__content_type__model=task_model._meta.model_name,
        task__content_type__app_label=task_model._meta.app_label,
        status=TaskState.STATUS_APPROVED,
    )
    return {pk for pk in states.values_list("finished_by_id", flat=True) if pk}


def _earlier_signers(task_state, *task_models):
    ids = set()
    for model in task_models:
        ids |= _finished_by(task_state.workflow_state, model)
    return ids


def _is_emergency(page):
    return isinstance(_page(page), EmergencyAnnouncementPage)


def first_unapproved_earlier_task(workflow_state, task):
    """The first task before ``task`` in the workflow not approved on the object's latest revision."""
    latest = workflow_state.content_object.get_latest_revision()
    for earlier in workflow_state.workflow.tasks.filter(active=True):
        if earlier.pk == task.pk:
            return None
        approved = TaskState.objects.filter(
            workflow_state=workflow_state, task=earlier, status=TaskState.STATUS_APPROVED, revision=latest
        ).exists()
        if not approved:
            return earlier
    return None


class RoleTaskMixin:
    """A task done by the holders of one agency role for the page's part of the tree.

    Like Wagtail's ``GroupApprovalTask``, but the groups are found from the
    page: the role's groups of the agencies whose pages are above it.
    """

    role = None

    def user_may_act(self, obj, user):
        return roles.user_has_role(user, self.role, _page(obj))

    def user_can_access_editor(self, obj, user):
        return self.user_may_act(obj, user)

    def locked_for_user(self, obj, user):
        return not self.user_may_act(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_may_act(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        page_ids = [str(pk) for pk in roles.pages_with_role(user, self.role).values_list("pk", flat=True)]
        return states.filter(workflow_state__object_id__in=page_ids)

    def start(self, workflow_state, user=None):
        """Start this task, or an earlier one if its approval no longer covers the latest revision.

        After a send-back Wagtail resumes the task that sent it back; the
        provider's request must cover what the approver sees, so the request
        step comes first again when the page changed since it was made.
        """
        earlier = first_unapproved_earlier_task(workflow_state, self)
        if earlier is not None:
            return earlier.specific.start(workflow_state, user=user)
        return super().start(workflow_state, user=user)

    def _require(self, task_state, user, action_name):
        allowed = {name for name, _label, _modal in self.get_actions(task_state.workflow_state.content_object, user)}
        if action_name not in allowed:
            raise PermissionDenied(f"ผู้ใช้ไม่มีสิทธิ์ดำเนินการ '{action_name}' ในขั้นตอน '{self.name}'")

    def _require_reason(self, comment):
        if not (comment or "").strip():
            raise ValidationError({"comment": "กรุณาระบุเหตุผลที่ส่งกลับแก้ไข"})


# --- tasks ---------------------------------------------------------------


class RequestTask(RoleTaskMixin, Task):
    """Step 1: the provider submits the form's fields for the page's latest revision."""

    role = roles.PROVIDER
    task_state_class = RequestTaskState

    def get_actions(self, obj, user):
        if self.user_may_act(obj, user):
            return [("request", "ยื่นขออนุมัติเผยแพร่", True)]
        return []

    def get_form_for_action(self, action):
        return RequestForm if action == "request" else super().get_form_for_action(action)

    def get_template_for_action(self, action):
        return "approvals/request_modal.html" if action == "request" else ""

    def on_action(self, task_state, user, action_name, **kwargs):
        self._require(task_state, user, action_name)
        form = RequestForm(kwargs)
        if not form.is_valid():
            raise ValidationError(form.errors)
        state = task_state.specific
        # The provider's request covers what they saved with it.
        latest = state.workflow_state.content_object.get_latest_revision()
        if latest is not None and latest.pk != state.revision_id:
            state.revision = latest
        for field, value in form.cleaned_data.items():
            setattr(state, field, value)
        state.save()
        state.approve(user=user)

    @classmethod
    def get_description(cls):
        return "ผู้รับผิดชอบการให้ข้อมูลของหน่วยงานกรอกแบบฟอร์มและยื่นขออนุมัติเผยแพร่"

    class Meta:
        verbose_name = "ขั้นตอนยื่นขออนุมัติ (ผู้รับผิดชอบการให้ข้อมูล)"
        verbose_name_plural = "ขั้นตอนยื่นขออนุมัติ"


class SignOffTaskMixin(RoleTaskMixin):
    """The approver's and the publisher's steps: approve (optional comment) or send back (reason required)."""

    def get_form_for_action(self, action):
        if action == "reject":
            return SendBackForm
        return ApproveForm

    def on_action(self, task_state, user, action_name, **kwargs):
        self._require(task_state, user, action_name)
        comment = kwargs.get("comment", "")
        if action_name == "reject":
            self._require_reason(comment)
            task_state.reject(user=user, comment=comment)
        elif action_name == "approve":
            task_state.approve(user=user, comment=comment)


class ApprovalTask(SignOffTaskMixin, Task):
    """Step 2: the head of the unit approves or sends back with a reason.

    Nobody approves their own request. For an emergency announcement an
    emergency approver may approve and publish in one step (measure 1.2).
    """

    role = roles.APPROVER

    def _is_requester(self, obj, user):
        state = obj.current_workflow_state
        if state is None:
            return False
        return user.pk in _finished_by(state, RequestTask)

    def get_actions(self, obj, user):
        if self._is_requester(obj, user):
            return []
        actions = []
        if self.user_may_act(obj, user):
            actions += [
                ("reject", "ส่งกลับแก้ไข", True),
                ("approve", "อนุมัติ", False),
                ("approve", "อนุมัติพร้อมความเห็น", True),
            ]
        if _is_emergency(obj) and roles.user_has_role(user, roles.EMERGENCY_APPROVER, _page(obj)):
            actions.append(("emergency_publish", "อนุมัติและเผยแพร่ทันที (เหตุเร่งด่วน)", True))
        return actions

    def user_may_act(self, obj, user):
        return super().user_may_act(obj, user) or (
            _is_emergency(obj) and roles.user_has_role(user, roles.EMERGENCY_APPROVER, _page(obj))
        )

    def on_action(self, task_state, user, action_name, **kwargs):
        super().on_action(task_state, user, action_name, **kwargs)
        comment = kwargs.get("comment", "")
        if action_name == "emergency_publish":
            from wagtail.log_actions import log

            workflow_state = task_state.workflow_state
            page = _page(workflow_state.content_object)
            log(
                instance=page,
                action="approvals.emergency_publish",
                user=user,
                revision=task_state.revision,
                data={"workflow_state_id": workflow_state.pk, "comment": comment},
            )
            task_state.approve(user=user, comment=comment)
            workflow_state.refresh_from_db()
            publication_state = workflow_state.current_task_state
            if publication_state is not None and publication_state.status == TaskState.STATUS_IN_PROGRESS:
                publication_state.specific.approve(user=user, comment=comment)

    @classmethod
    def get_description(cls):
        return "ผู้อนุมัติรับรองของหน่วยงานอนุมัติ หรือส่งกลับแก้ไขพร้อมเหตุผล"

    class Meta:
        verbose_name = "ขั้นตอนอนุมัติรับรอง (ผู้อนุมัติรับรอง)"
        verbose_name_plural = "ขั้นตอนอนุมัติรับรอง"


class PublicationTask(SignOffTaskMixin, Task):
    """Step 3: the publisher puts the approved revision live (or schedules it).

    Approving this task finishes the workflow, and the workflow's finish
    action (``repository.approvals.finish``) publishes the approved revision.
    """

    role = roles.PUBLISHER

    def get_actions(self, obj, user):
        if not self.user_may_act(obj, user):
            return []
        state = obj.current_workflow_state
        if state is not None and user.pk in _earlier_signers(state.current_task_state, RequestTask, ApprovalTask):
            return []
        return [("reject", "ส่งกลับแก้ไข", True), ("approve", "เผยแพร่", False)]


    def _require(self, task_state, user, action_name):
        # The emergency fast track: the emergency approver who has just
        # approved finishes the publication step in the same action.
        if action_name == "approve" and _is_emergency(task_state.workflow_state.content_object):
            page = _page(task_state.workflow_state.content_object)
            if roles.user_has_role(user, roles.EMERGENCY_APPROVER, page) and user.pk in _finished_by(
                task_state.workflow_state, ApprovalTask
            ):
                return
        super()._require(task_state, user, action_name)

    @classmethod
    def get_description(cls):
        return "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่นำรุ่นที่อนุมัติแล้วขึ้นเผยแพร่ (หรือตั้งเวลาเผยแพร่)"

    class Meta:
        verbose_name = "ขั้นตอนนำข้อมูลขึ้นเผยแพร่ (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่)"
        verbose_name_plural = "ขั้นตอนนำข้อมูลขึ้นเผยแพร่"


# --- roles ---------------------------------------------------------------


# AgencyRole lives in agency_roles.py (roles.py builds on it without importing this module).


# --- the approval form record --------------------------------------------


class ApprovalFormQuerySet(models.QuerySet):
    def for_fiscal_year(self, year):
        return self.filter(fiscal_year=year)

    def for_agency(self, agency, include_children=True):
        ids = agency.descendant_ids() if include_children else {agency.pk}
        return self.filter(agency_id__in=ids)


class ApprovalForm(models.Model):
    """แบบฟอร์มการขออนุมัติเผยแพร่ข้อมูลผ่านเว็บไซต์ของหน่วยงาน — one per publication event.

    Made by ``records.record_publication`` from the workflow's task states and
    log entries when a page goes live; never edited afterwards. A page that
    is published again gets a new record whose ``corrects`` points at the
    previous one. ``page`` and ``revision`` become NULL if the page is deleted;
    ``page_title`` and ``page_url`` keep what the evidence refers to.
    """

    class Kind(models.TextChoices):
        NORMAL = "normal", "ปกติ (ผ่านขั้นตอนครบสามคน)"
        EMERGENCY = "emergency", "เหตุเร่งด่วน (มาตรการข้อ 1.2)"
        OVERRIDE = "override", "ผู้ดูแลระบบเผยแพร่นอกขั้นตอน"

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="หน้า", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="approval_forms",
    )
    page_title = models.CharField("ชื่อหน้า (ขณะเผยแพร่)", max_length=255)
    page_url = models.CharField("URL (ขณะเผยแพร่)", max_length=500, blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name="รุ่นที่เผยแพร่", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    workflow_state = models.ForeignKey(
        "wagtailcore.WorkflowState", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey("repository.Agency", verbose_name="หน่วยงาน", on_delete=models.PROTECT,
                               related_name="approval_forms")
    document_date = models.DateField("วัน/เดือน/ปี")
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ (พ.ศ.)", db_index=True)
    subject = models.CharField("หัวข้อ", max_length=500)
    details = models.TextField("รายละเอียดข้อมูล (โดยสรุปหรือเอกสารแนบ)", blank=True)
    external_link = models.URLField("Link ภายนอก", max_length=500, blank=True)
    remarks = models.TextField("หมายเหตุ", blank=True)
    confirmed_measure_1_1 = models.BooleanField("ยืนยันมาตรการข้อ 1.1", default=False)

    provider = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    provider_name = models.CharField("ผู้รับผิดชอบการให้ข้อมูล", max_length=200, blank=True)
    provider_position = models.CharField("ตำแหน่ง (ผู้ให้ข้อมูล)", max_length=200, blank=True)
    provided_at = models.DateTimeField("วันที่ให้ข้อมูล", null=True, blank=True)

    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    approver_name = models.CharField("ผู้อนุมัติรับรอง", max_length=200, blank=True)
    approver_position = models.CharField("ตำแหน่ง (ผู้อนุมัติ)", max_length=200, blank=True)
    approved_at = models.DateTimeField("วันที่อนุมัติ", null=True, blank=True)
    approver_comment = models.TextField("ความเห็นผู้อนุมัติ", blank=True)

    publisher = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    publisher_name = models.CharField("ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่", max_length=200)
    publisher_position = models.CharField("ตำแหน่ง (ผู้เผยแพร่)", max_length=200, blank=True)
    published_at = models.DateTimeField("วันที่เผยแพร่")

    kind = models.CharField("ประเภท", max_length=16, choices=Kind.choices, default=Kind.NORMAL)
    override_reason = models.TextField("เหตุผลที่เผยแพร่นอกขั้นตอน", blank=True)
    corrects = models.ForeignKey("self", verbose_name="แก้ไขแทนแบบฟอร์ม", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrected_by")
    created_at = models.DateTimeField("บันทึกเมื่อ", default=timezone.now, editable=False)

    objects = ApprovalFormQuerySet.as_manager()

    class Meta:
        verbose_name = "แบบฟอร์มการขออนุมัติเผยแพร่"
        verbose_name_plural = "แบบฟอร์มการขออนุมัติเผยแพร่"
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("override_publish", "เผยแพร่นอกขั้นตอนการอนุมัติ (ต้องระบุเหตุผล)"),
            ("view_all_approvalforms", "ดูแบบฟอร์มการขออนุมัติของทุกหน่วยงาน"),
        ]
        indexes = [models.Index(fields=["agency", "fiscal_year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow_state"], condition=models.Q(workflow_state__isnull=False),
                name="approvals_one_form_per_workflow_run",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="override") | ~models.Q(override_reason=""),
                name="approvals_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.subject} ({self.published_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("แบบฟอร์มที่เผยแพร่แล้วแก้ไขไม่ได้ การแก้ไขให้บันทึกเป็นแบบฟอร์มใหม่")
        if self.kind == self.Kind.OVERRIDE and not self.override_reason.strip():
            raise ValidationError({"override_reason": "การเผยแพร่นอกขั้นตอนต้องระบุเหตุผล"})
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("แบบฟอร์มเป็นหลักฐานการเผยแพร่ ลบไม่ได้")

    @property
    def is_complete(self):
        signers = [self.publisher_name, self.published_at]
        if self.kind in (self.Kind.NORMAL, self.Kind.EMERGENCY):
            signers += [self.provider_name, self.provided_at, self.approver_name, self.approved_at]
        else:
            signers += [self.override_reason]
        return all(signers) and bool(self.subject)
