"""Submitting in one step: the request form's fields come with the editor's submit action.

Wagtail's own submit only starts the workflow; the order's first step, the provider's request
(``models.RequestTask``), then waits for a second action. Here the editor's submit button asks
the request form's fields in a dialog (``views.SubmitRequestDataView``, Wagtail's modal workflow
and its ``workflow-action.js``) and posts them with the page's edits as Wagtail does for a
workflow action (``workflow-action-extra-data``); ``editor.DisclosureEditView`` saves the revision
and runs ``actions.SubmitForApprovalAction`` on it, which starts (or resumes) the workflow and
makes the request signed by the submitter — all in one transaction, or nothing.

This module holds what the dialog, the editor and the action share: which POST is a submission,
its request fields, and the values a dialog starts from (the last request's, on resubmission).
"""

import json

from wagtail.models import TaskState, WorkflowState

from .forms import RequestForm
from .models import RequestTaskState

# The editor's workflow-action name for the one-step submission (not a task action).
SUBMIT_ACTION = "approvals-submit"
SUBMIT_LABEL = "ยื่นขออนุมัติเผยแพร่"
RESUBMIT_LABEL = "ยื่นขออนุมัติเผยแพร่อีกครั้ง"
REQUEST_FIELDS = tuple(RequestForm.base_fields)


def is_submission(post):
    """Whether an edit-view POST asks to submit: Wagtail's submit button, or our dialog's action."""
    return bool(post.get("action-submit")) or (
        bool(post.get("action-workflow-action")) and post.get("workflow-action-name") == SUBMIT_ACTION
    )


def posted_request(post):
    """The request fields posted with a submission, as given (nothing filled in): ``{}`` when none or malformed."""
    try:
        data = json.loads(post.get("workflow-action-extra-data") or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: data[name] for name in REQUEST_FIELDS if name in data}


def last_request(page):
    """The provider's most recent completed request on ``page`` (a ``RequestTaskState``), or ``None``."""
    return (
        RequestTaskState.objects.filter(
            workflow_state__in=WorkflowState.objects.for_instance(page), status=TaskState.STATUS_APPROVED
        )
        .select_related("revision").order_by("-finished_at", "-pk").first()
    )


def request_initial(page):
    """What the request dialog starts from.

    From the page (title, summary, external link); on a resubmission, the last request's
    fields instead — except those the provider left as the page gave them then, which follow
    the page now (a corrected title becomes the subject).
    """
    initial = RequestForm.initial_for_page(page)
    previous = last_request(page)
    if previous is None:
        return initial
    given_then = RequestForm.initial_for_page(previous.revision.as_object()) if previous.revision else {}
    for name in REQUEST_FIELDS:
        value = getattr(previous, name)
        if name in given_then and value == given_then[name]:
            continue
        initial[name] = value
    return initial
