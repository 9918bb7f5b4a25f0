"""The approval form record, assembled from what happened in the workflow.

``record_publication(page, revision)`` runs on Wagtail's ``page_published``
signal (admin, workflow, ``publish_scheduled`` alike). It reads the task
states and log entries that authorised the revision and writes one
``ApprovalForm``; nothing on it is typed by a person afterwards.
"""

from django.db import transaction
from django.utils import timezone
from wagtail.models import PageLogEntry

from repository.fiscal import fiscal_year_of
from repository.models import AgencyPage

from .forms import RequestForm
from .models import ApprovalForm, RequestTaskState
from .workflow import approved_states, is_emergency_fast_track


def _signature(user):
    if user is None:
        return "", ""
    return user.get_full_name(), getattr(user, "position", "") or ""


def _log_entry(task_state, action):
    """Wagtail's own log entry for a task state's approval (who and when, as logged)."""
    return (
        PageLogEntry.objects.filter(action=action, data__workflow__task_state_id=task_state.pk)
        .select_related("user")
        .order_by("-timestamp", "-pk")
        .first()
    )


def _signed(task_state):
    """(user, time) of a task state's approval, from the log entry Wagtail wrote for it."""
    entry = _log_entry(task_state, "wagtail.workflow.approve")
    if entry is not None:
        return entry.user, entry.timestamp
    return task_state.finished_by, task_state.finished_at


def _agency_of(page):
    agency = getattr(page, "agency", None)
    if agency is None and hasattr(page, "nearest_agency"):
        agency = page.nearest_agency()
    if agency is None:
        agency_page = AgencyPage.objects.ancestor_of(page, inclusive=True).order_by("-depth").first()
        agency = agency_page.agency if agency_page else None
    return agency


@transaction.atomic
def record_publication(page, revision, authorisation):
    """Write the ApprovalForm for ``revision`` having just gone live under ``authorisation``.

    Called by the publication gate (``gate.GatedPublishAction``) in the publishing
    transaction; returns the form, or None when the page belongs to no agency
    (the gate then refuses the publication).
    """
    page = page.specific
    agency = _agency_of(page)
    if agency is None:
        return None
    how = authorisation.kind
    source = authorisation.workflow_state if how == "workflow" else authorisation.override_entry

    published_at = page.last_published_at or timezone.now()
    values = {
        "page": page,
        "page_title": page.title[:255],
        "page_url": (page.get_url() or "")[:500],
        "revision": revision,
        "agency": agency,
        "published_at": published_at,
        "fiscal_year": fiscal_year_of(timezone.localtime(published_at).date()),
        "corrects": ApprovalForm.objects.filter(page=page).order_by("-published_at", "-pk").first(),
    }
    if how == "workflow":
        states = approved_states(source, revision)
        request = states["request"].specific
        provider, provided_at = _signed(request)
        approver, approved_at = _signed(states["approval"])
        publisher, signed_at = _signed(states["publication"])
        values.update(
            workflow_state=source,
            kind=ApprovalForm.Kind.EMERGENCY if is_emergency_fast_track(source) else ApprovalForm.Kind.NORMAL,
            document_date=timezone.localtime(provided_at).date(),
            subject=request.subject or page.title,
            details=request.details,
            external_link=request.external_link,
            remarks=request.remarks,
            confirmed_measure_1_1=request.confirmed_measure_1_1,
            provider=provider,
            provided_at=provided_at,
            approver=approver,
            approved_at=approved_at,
            approver_comment=states["approval"].comment,
            publisher=publisher,
        )
    else:
        publisher = source.user
        values.update(
            kind=ApprovalForm.Kind.OVERRIDE,
            override_reason=source.data.get("reason", ""),
            document_date=timezone.localtime(source.timestamp).date(),
            subject=page.title,
            details=getattr(page, "summary", "") or "",
            external_link=getattr(page, "external_link", "") or "",
            publisher=publisher,
        )
    for role in ("provider", "approver", "publisher"):
        name, position = _signature(values.get(role))
        values[f"{role}_name"] = name
        values[f"{role}_position"] = position
    return ApprovalForm.objects.create(**values)


def preview_for(page):
    """The form as it stands for a page in the workflow (not a record): what the approver reviews."""
    page = page.specific
    workflow_state = page.current_workflow_state
    data = {"page": page, "agency": _agency_of(page), "workflow_state": workflow_state, "request": None,
            "approval": None, "publication": None, "send_backs": []}
    data.update({f"initial_{k}": v for k, v in RequestForm.initial_for_page(page).items()})
    if workflow_state is None:
        return data
    request = (
        RequestTaskState.objects.filter(workflow_state=workflow_state, status="approved")
        .order_by("-finished_at", "-pk")
        .first()
    )
    data["request"] = request
    if request is not None:
        states = approved_states(workflow_state, request.revision)
        data["approval"], data["publication"] = states["approval"], states["publication"]
    data["send_backs"] = list(
        workflow_state.task_states.filter(status="rejected").select_related("finished_by").order_by("-finished_at")
    )
    return data
