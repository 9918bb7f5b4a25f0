"""The latest send-back, shown at the top of the edit page until the page is resubmitted.

Wagtail keeps the reason under the status panel's "View details"; a provider opening the
page must see at once who sent it back and why. Read from Wagtail's own workflow state:
a state that needs changes holds the rejected task state, its comment and who rejected it.
Once resubmitted, the state is in progress again and the notice is gone.
"""

from dataclasses import dataclass

from django.contrib import messages
from wagtail.models import WorkflowState

from repository.thai import format_be_date


@dataclass(frozen=True)
class SendBack:
    reason: str
    by: str
    at: object

    def message(self):
        return f"ส่งกลับแก้ไขโดย {self.by} เมื่อ {format_be_date(self.at, style='abbr')} — เหตุผล: {self.reason}"


def latest_send_back(page):
    """The send-back that the page's current workflow waits on, or ``None``."""
    state = (
        WorkflowState.objects.for_instance(page).filter(status=WorkflowState.STATUS_NEEDS_CHANGES)
        .select_related("current_task_state__finished_by").first()
    )
    task_state = state.current_task_state if state else None
    if task_state is None:
        return None
    user = task_state.finished_by
    name = (getattr(user, "full_name", "") or user.get_username()) if user else "ไม่ทราบผู้ส่งกลับ"
    return SendBack(reason=task_state.comment or "", by=name, at=task_state.finished_at)


def show_send_back(request, page):
    """``before_edit_page``: on opening the editor, the latest send-back as a warning at the top."""
    if request.method != "GET":
        return None
    found = latest_send_back(page)
    if found is not None:
        messages.warning(request, found.message())
    return None
