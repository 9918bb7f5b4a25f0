"""The disclosure editor: Wagtail's page views for disclosures, with one-step submission and plain messages.

Registered as a Wagtail ``PageViewSet`` for ``DisclosurePage`` (every disclosure type), Wagtail 8's way
to give a page type its own views on the shared admin URLs; other page types keep Wagtail's.

- **Submit in one step** (``submission``): the editor's submit button (``SubmitRequestMenuItem``, for the
  page's providers) opens the request dialog (``views.submit_request``) and Wagtail's
  ``workflow-action.js`` posts the page's edits with the request's fields. ``DisclosureEditView`` then
  saves the revision and runs ``actions.SubmitForApprovalAction`` on it — start or resume the workflow,
  and the request signed by the submitter on that revision — in one transaction. A submission whose
  fields are missing or wrong, or by someone who may not submit, changes nothing and says why.
- **Messages that say what happened** (``outcomes.describe``): after a workflow action in the editor
  or from the dashboard, instead of Wagtail's "the page has been updated".
- A new disclosure is saved as a draft first: the create view offers no submit (a posted one saves the
  draft, submits nothing, and says where to submit), the edit view submits.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin import messages
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import TaskState, WorkflowState

from repository.models import DisclosurePage

from . import outcomes, submission
from .actions import SubmitForApprovalAction
from .forms import RequestForm
from .workflow import is_governed

CREATE_SUBMIT_NOTICE = (
    f"บันทึกร่างแล้ว ยังไม่ได้ยื่นขออนุมัติ — ยื่นจากหน้าแก้ไขนี้ด้วยปุ่ม “{submission.SUBMIT_LABEL}” พร้อมแบบฟอร์มคำขอ"
)


class SubmitRequestMenuItem(ActionMenuItem):
    """The editor's submit button for disclosures: opens the request dialog, then submits in one POST.

    Without script it posts Wagtail's plain ``action-submit``, which is refused for want of the fields.
    """

    name = "action-submit"
    label = submission.SUBMIT_LABEL
    icon_name = "resubmit"
    template_name = "approvals/submit_menu_item.html"

    def is_shown(self, context):
        if context["view"] != "edit" or context["locked_for_user"]:
            return False
        page = context["page"]
        try:
            SubmitForApprovalAction(page, context["request"].user, prefill=False).check_allowed()
        except PermissionDenied:
            return False
        return True

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        state = context["page"].current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            context["label"] = submission.RESUBMIT_LABEL
        context["submit_action"] = submission.SUBMIT_ACTION
        context["dialog_url"] = reverse("approvals:submit_request", args=[context["page"].pk])
        return context


def use_submit_request_item(menu_items, request, context):
    """``construct_page_action_menu``: on a disclosure's edit page our submit item replaces Wagtail's (or none)."""
    page = context.get("page")
    if context.get("view") != "edit" or page is None or not page.pk or not is_governed(page):
        return
    ours = SubmitRequestMenuItem(order=60)
    # Wagtail's submit and, on a page left waiting at the request step, the request task's own
    # button: our one button does either.
    kept = [item for item in menu_items if item.name not in ("action-submit", "request")]
    if ours.is_shown(context):
        kept.append(ours)
        kept.sort(key=lambda item: item.order)
    menu_items[:] = kept


def _field_errors(error):
    labels = {name: field.label for name, field in RequestForm.base_fields.items()}
    parts = []
    for name, messages_ in getattr(error, "message_dict", {"": error.messages}).items():
        label = labels.get(name, "")
        parts.append((f"{label}: " if label else "") + " ".join(messages_))
    return "; ".join(parts)


class DisclosureEditView(EditView):
    """Wagtail's edit view; a submission is one step, and workflow actions answer what they did."""

    @cached_property
    def action_name_and_method(self):
        if submission.is_submission(self.request.POST):
            return ("submit", self.submit_action)
        return super().action_name_and_method

    def submit_action(self):
        data = submission.posted_request(self.request.POST)
        try:
            SubmitForApprovalAction(self.page, self.request.user, prefill=False, **data).check()
        except ValidationError as error:
            return self.refuse_submission("ยื่นขออนุมัติเผยแพร่ไม่ได้ — แบบฟอร์มคำขอไม่ครบถ้วน: " + _field_errors(error), 400)
        except PermissionDenied as error:
            return self.refuse_submission(f"ยื่นขออนุมัติเผยแพร่ไม่ได้ — {error}", 403)

        with transaction.atomic():
            self.page = self.form.save(commit=not self.page.live)
            self.subscription.save()
            revision = self.page.save_revision(
                user=self.request.user, log_action=True, previous_revision=self.previous_revision
            )
            if self.has_content_changes and "comments" in self.form.formsets:
                changes = self.get_commenting_changes()
                self.log_commenting_changes(changes, revision)
                self.send_commenting_notifications(changes)
            SubmitForApprovalAction(self.page, self.request.user, prefill=False, **data).execute()

        messages.success(
            self.request, outcomes.describe(self.page),
            buttons=[self.get_view_draft_message_button(), self.get_edit_message_button()],
        )
        response = self.run_hook("after_edit_page", self.request, self.page)
        if response:
            return response
        return self.redirect_away()

    def refuse_submission(self, message, status):
        """Nothing saved: the editor again, with the page's edits as typed and why."""
        messages.error(self.request, message)
        self.has_unsaved_changes = True
        response = self.render_to_response(self.get_context_data())
        if isinstance(response, TemplateResponse):
            response.status_code = status
        return response

    def add_save_confirmation_message(self):
        if self.action_name == "perform_workflow_action":
            text = outcomes.describe(self.page)
            if text:
                messages.success(self.request, text)
                return
        super().add_save_confirmation_message()


class DisclosureCreateView(CreateView):
    """Wagtail's create view; a new disclosure is saved as a draft, then submitted from its edit page.

    The submit button is not offered; a posted one saves the draft and says where to submit.
    """

    @cached_property
    def action_name_and_method(self):
        name, method = super().action_name_and_method
        if name == "submit":
            return ("save", self.save_then_point_to_submit)
        return name, method

    def save_then_point_to_submit(self):
        response = self.save_action()
        if self.page.pk:
            messages.warning(self.request, CREATE_SUBMIT_NOTICE)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        menu = context.get("action_menu")
        if menu is not None:
            menu.menu_items = [item for item in menu.menu_items if item.name != "action-submit"]
        return context


class DisclosureWorkflowActionView(WorkflowActionView):
    """Wagtail's workflow action view (the dashboard's buttons), answering what the action did."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        self.task_state.refresh_from_db()
        if self.task_state.status != TaskState.STATUS_IN_PROGRESS:
            text = outcomes.describe(self.object)
            if text:
                messages.success(request, text)
        return response


class DisclosurePageViewSet(PageViewSet):
    model = DisclosurePage
    add_view_class = DisclosureCreateView
    edit_view_class = DisclosureEditView
    workflow_action_view_class = DisclosureWorkflowActionView

    @cached_property
    def parent_models(self):
        # Only the views of the disclosure pages themselves; their parents' listings stay Wagtail's.
        return []
