"""Admin views: a page's forms, the printable form, its PDF, the auditors' listing, the override."""


from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from repository.thai import format_be_date
from security import spreadsheets

from . import layout, pdf, roles
from .access import agencies_visible_to, forms_visible_to, user_can_view_page_forms
from .actions import ApprovalActionError, OverridePublishAction, SubmitForApprovalAction
from .forms import OverridePublishForm, RequestForm
from .models import ApprovalForm
from .records import preview_for
from .submission import SUBMIT_LABEL, request_initial
from .workflow import is_governed


def _visible_form(request, pk):
    form = get_object_or_404(ApprovalForm.objects.select_related("agency"), pk=pk)
    if not forms_visible_to(request.user).filter(pk=form.pk).exists():
        raise PermissionDenied
    return form


def page_forms(request, page_id):
    """On a page's admin screen: the form under review (with the diff link) and the published records."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not user_can_view_page_forms(request.user, page):
        raise PermissionDenied
    preview = preview_for(page)
    latest = page.get_latest_revision()
    context = {
        "page": page,
        "preview": preview,
        "records": ApprovalForm.objects.filter(page=page).order_by("-published_at"),
        "latest_revision": latest,
        "compare_live_latest": page.live and latest is not None and latest.pk != page.live_revision_id,
        "is_administrator": roles.is_administrator(request.user),
    }
    return TemplateResponse(request, "approvals/page_forms.html", context)


def form_detail(request, pk):
    """The printable form, laid out like the paper one."""
    form = _visible_form(request, pk)
    context = {
        "form": form,
        "title": layout.FORM_TITLE,
        "header_rows": layout.header_rows(form),
        "signatures": layout.signature_blocks(form),
        "kind_note": layout.KIND_NOTES.get(form.kind, ""),
        "reference": layout.page_reference(form),
        "created_at": format_be_date(form.created_at),
    }
    return TemplateResponse(request, "approvals/form_print.html", context)


def form_pdf(request, pk):
    form = _visible_form(request, pk)
    response = HttpResponse(pdf.render_form(form), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="approval-form-{form.pk}.pdf"'
    return response


class FormFilter(forms.Form):
    agency = forms.ModelChoiceField(queryset=None, required=False, label="หน่วยงาน")
    include_children = forms.BooleanField(required=False, initial=True, label="รวมหน่วยงานในสังกัด")
    fiscal_year = forms.IntegerField(required=False, min_value=2400, max_value=2700, label="ปีงบประมาณ (พ.ศ.)")
    kind = forms.ChoiceField(choices=[("", "ทุกประเภท")] + list(ApprovalForm.Kind.choices), required=False,
                             label="ประเภท")
    q = forms.CharField(required=False, label="ค้นหาหัวข้อ/ชื่อผู้ลงนาม")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_visible_to(user)


def filtered_forms(user, params):
    """(FormFilter, queryset) for the listing and its CSV export. Bad filters change nothing but show errors."""
    from django.db.models import Q

    filter_form = FormFilter(params or None, user=user)
    queryset = forms_visible_to(user).select_related("agency")
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["agency"]:
            include = data["include_children"] if "include_children" in params else True
            queryset = queryset.for_agency(data["agency"], include_children=include)
        if data["fiscal_year"]:
            queryset = queryset.for_fiscal_year(data["fiscal_year"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["q"]:
            q = data["q"]
            queryset = queryset.filter(
                Q(subject__icontains=q) | Q(provider_name__icontains=q) | Q(approver_name__icontains=q)
                | Q(publisher_name__icontains=q)
            )
    elif params:
        queryset = queryset.none()
    return filter_form, queryset.order_by("-published_at", "-pk")


def _csv_value(form, field):
    value = form
    for part in field.split("__"):
        value = getattr(value, part, "")
    if hasattr(value, "tzinfo") and value is not None and value != "":
        value = timezone.localtime(value).isoformat(timespec="seconds")
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return "" if value is None else value


def form_list(request):
    """Auditors: all forms of an agency for a fiscal year, filterable; ``?format=csv`` exports them."""
    if not request.user.has_perm("approvals.view_approvalform"):
        raise PermissionDenied
    params = request.GET.copy()
    export = params.pop("format", [""])[0] == "csv"
    params.pop("page", None)
    filter_form, queryset = filtered_forms(request.user, params)
    if export:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="approval-forms.csv"'
        response.write("\ufeff")  # so spreadsheet programs read the Thai as UTF-8
        writer = spreadsheets.writer(response)  # formula cells neutralised (security/spreadsheets.py)
        writer.writerow([label for _field, label in layout.CSV_COLUMNS])
        for form in queryset.iterator():
            writer.writerow([_csv_value(form, field) for field, _label in layout.CSV_COLUMNS])
        return response
    page_obj = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = params.urlencode()
    return TemplateResponse(
        request, "approvals/form_list.html",
        {"filter_form": filter_form, "page_obj": page_obj, "query": query, "count": queryset.count()},
    )


def override_publish(request, page_id):
    """An administrator publishes outside the workflow, stating why."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not roles.is_administrator(request.user):
        raise PermissionDenied
    form = OverridePublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            OverridePublishAction(page, request.user, form.cleaned_data["reason"]).execute()
        except (ApprovalActionError, ValidationError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"เผยแพร่ '{page.title}' นอกขั้นตอนแล้ว และบันทึกเหตุผลไว้ให้ผู้ตรวจสอบ")
            return redirect("approvals:page_forms", page.pk)
    return TemplateResponse(request, "approvals/override_publish.html", {"page": page, "form": form})


def submit_request(request, page_id):
    """The editor's submit dialog: the request form's fields, checked, handed back to the editor's form.

    Like Wagtail's ``CollectWorkflowActionDataView`` (the same modal template and JSON steps), but
    before the workflow has started: GET shows the form, prefilled (``submission.request_initial``);
    a valid POST answers ``{"step": "success", "cleaned_data": ...}`` and Wagtail's
    ``workflow-action.js`` posts the editor's form with them, where the submission happens
    (``editor.DisclosureEditView``). Only a user who may submit this page now gets the dialog.
    """
    from wagtail.admin.modal_workflow import render_modal_workflow

    page = get_object_or_404(Page, pk=page_id).specific
    if not is_governed(page):
        raise PermissionDenied
    SubmitForApprovalAction(page, request.user, prefill=False).check_allowed()
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            return render_modal_workflow(request, "", None, {}, json_data={"step": "success", "cleaned_data": form.cleaned_data})
    else:
        form = RequestForm(initial=request_initial(page))
    context = {
        "object": page, "form": form, "action": "request", "action_verbose": SUBMIT_LABEL,
        "submit_url": reverse("approvals:submit_request", args=[page.pk]),
    }
    return render_modal_workflow(request, "approvals/request_modal.html", None, context, json_data={"step": "action"})
