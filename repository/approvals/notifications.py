"""E-mail the holders of a task's role when the page reaches their step.

Wagtail e-mails the groups of a ``GroupApprovalTask``; our tasks find their
people from the page's agency, so this notifier does the same for them, with
Wagtail's own templates and each user's notification preferences. Wagtail's
workflow-level notices (submitted, approved, sent back) need nothing here.
"""

from wagtail.admin.mail import BaseGroupApprovalTaskStateEmailNotifier
from wagtail.models import TaskState

from . import roles
from .models import ApprovalTask, RoleTaskMixin, _is_emergency


class RoleTaskSubmissionEmailNotifier(BaseGroupApprovalTaskStateEmailNotifier):
    notification = "submitted"

    def can_handle(self, instance, **kwargs):
        return isinstance(instance, TaskState) and isinstance(instance.task.specific, RoleTaskMixin)

    def get_template_base_prefix(self, instance, **kwargs):
        return "task_state_"

    def get_recipient_users(self, task_state, **kwargs):
        task = task_state.task.specific
        page = task_state.workflow_state.content_object.specific
        wanted = [task.role]
        if isinstance(task, ApprovalTask) and _is_emergency(page):
            wanted.append(roles.EMERGENCY_APPROVER)
        # The one rule of who holds a role for a page (the same as the messages' "whose queue").
        users = {user for _, holders in roles.role_holders(page, *wanted) for user in holders}
        triggering_user = kwargs.get("user")
        if triggering_user is not None:
            users = {user for user in users if user.pk != triggering_user.pk}
        return users


role_task_submission_email_notifier = RoleTaskSubmissionEmailNotifier()
