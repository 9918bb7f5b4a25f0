"""The admin's read-only Audit area: timeline, object history, diff, verify, export.

Every view is GET only and needs ``audit.view_audit_trail`` (superusers have it).
"""

import shutil
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from reversion.models import Version

from repository.accounts.administrators import is_administrator

from .chain import head_seal, verify_chain
from .diff import diff_versions, readable_changes
from .export import export_archive
from .filters import TimelineFilterForm, events, filter_records
from .models import AuditRecord
from .replay import entry_state, object_timeline

PERMISSION = "audit.view_audit_trail"


def can_view_audit_trail(user):
    return bool(user and user.is_active and (user.is_superuser or user.has_perm(PERMISSION)))


def auditor_only(view):
    def wrapped(request, *args, **kwargs):
        if not can_view_audit_trail(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return require_GET(wrapped)


@auditor_only
def timeline(request):
    form = TimelineFilterForm(request.GET or None)
    records = AuditRecord.objects.order_by("-sequence")
    if form.is_bound and form.is_valid():
        records = filter_records(**form.cleaned_data)
    page = Paginator(records, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(request, "audit/timeline.html", {
        "page_title": "บันทึกการตรวจสอบ", "header_icon": "history", "form": form, "page_obj": page,
        "events": events(records.filter(pk__in=[r.pk for r in page.object_list])), "head": head_seal(),
        "query": query.urlencode(),
    })


@auditor_only
def object_history(request, model, pk):
    from django.apps import apps

    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError):
        raise Http404("no such model")
    items = object_timeline(model_class, pk)
    if not items:
        raise Http404("no audit history for this object")
    for before, after in zip(items, items[1:], strict=False):
        after["previous_version_id"] = before["version_id"]
    return render(request, "audit/object.html", {
        "page_title": f"ประวัติ: {items[-1]['object']['repr']}", "header_icon": "history", "events": items,
        "is_administrator": is_administrator(request.user),
    })


@auditor_only
def diff(request, a, b):
    if not Version.objects.filter(pk__in=[a, b]).count() == len({a, b}):
        raise Http404("no such version")
    (_state_a, draft_a), (state_b, draft_b) = entry_state(a), entry_state(b)
    return render(request, "audit/diff.html", {
        "page_title": "เปรียบเทียบฉบับ", "header_icon": "history",
        "changes": readable_changes(diff_versions(a, b, with_drafts=True)),
        "a": a, "b": b, "draft_a": draft_a, "draft_b": draft_b, "state_b": state_b,
    })


@auditor_only
def verify(request):
    result = verify_chain()
    return render(request, "audit/verify.html", {
        "page_title": "ตรวจสอบความถูกต้องของบันทึก", "header_icon": "success", "result": result, "head": head_seal(),
        "checked_at": timezone.now(),
    })


@auditor_only
def export(request):
    """The signed archive as one zip file, which tools/verify_audit_archive.py reads as it is."""
    workdir = Path(tempfile.mkdtemp(prefix="audit-export-"))
    try:
        export_archive(workdir / "audit-archive.zip")
        handle = open(workdir / "audit-archive.zip", "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # the open file stays readable until closed (POSIX)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = FileResponse(handle, as_attachment=True, filename=f"audit-archive-{stamp}.zip")
    response["X-Audit-Head-Seal"] = head_seal()["seal"]
    return response
