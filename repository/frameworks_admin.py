"""Wagtail admin view: start the next ITA framework year from the previous one (administrators only).

Agencies decide what carries over on their answer sheet's admin page (``api/carry_over_admin.py``: it
shows what the sheet proposes, and the sheet's rule lives in the API).

Thin: forms parse, ``repository.frameworks_rollover`` decides and writes.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import frameworks_rollover as rollover
from .accounts.administrators import is_administrator
from .models import FrameworkYear, Recurrence


class RollOverForm(forms.Form):
    source = forms.ModelChoiceField(FrameworkYear.objects.order_by("-year"), label="ยกมาจากปี", to_field_name="year")
    year = forms.IntegerField(label="ปีการประเมินใหม่ (พ.ศ.)", min_value=2500, max_value=2700)
    name = forms.CharField(label="ชื่อ", max_length=255)


class NewItemForm(forms.Form):
    code = forms.CharField(label="รหัส", max_length=8, required=False)
    name_th = forms.CharField(label="ชื่อรายการ (ไทย)", max_length=255, required=False)
    name_en = forms.CharField(label="ชื่อรายการ (อังกฤษ)", max_length=255, required=False)
    group = forms.CharField(label="หมวด", max_length=255, required=False)
    recurrence = forms.ChoiceField(label="ความถี่", choices=Recurrence.choices, initial=Recurrence.ONCE)
    guidance = forms.CharField(label="คำอธิบาย", required=False, widget=forms.HiddenInput)


class MappingForm(forms.Form):
    old_code = forms.CharField(widget=forms.HiddenInput)
    new_codes = forms.CharField(label="รหัสในปีใหม่", required=False, max_length=200,
                                help_text="คั่นด้วยจุลภาค เว้นว่างถ้าไม่ยกไป")


NewItemFormSet = forms.formset_factory(NewItemForm, extra=5, can_delete=True, max_num=500)
MappingFormSet = forms.formset_factory(MappingForm, extra=0, max_num=500)


def forbidden(message):
    """A plain 403 (Wagtail's admin turns PermissionDenied into a redirect to the dashboard)."""
    return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")


def roll_over_view(request):
    """One page: the new year, its items (copies of the old year's, to edit), and each old item's new code(s)."""
    if not is_administrator(request.user):
        return forbidden("ผู้ดูแลระบบเท่านั้นที่เริ่มปีการประเมินใหม่ได้")
    chosen = request.POST.get("source") or request.GET.get("source")
    source = (FrameworkYear.objects.filter(year=chosen).first() if chosen and str(chosen).isdigit()
              else None) or FrameworkYear.objects.order_by("-year").first()
    if source is None:
        messages.error(request, "ยังไม่มีกรอบการประเมินให้ยกมา")
        return redirect("wagtailadmin_home")
    old_items = list(source.items.order_by("sort_order", "pk"))
    old_names = {item.code: item.name_th for item in old_items}
    if request.method == "POST":
        form = RollOverForm(request.POST)
        items = NewItemFormSet(request.POST, prefix="items")
        mapping = MappingFormSet(request.POST, prefix="mapping")
        if form.is_valid() and items.is_valid() and mapping.is_valid():
            kept = [(n, f) for n, f in enumerate(items.forms)
                    if f.has_changed() or n < items.initial_form_count()]
            kept = [(n, f) for n, f in kept if not f.cleaned_data.get("DELETE")
                    and any(f.cleaned_data.get(k) for k in ("code", "name_th"))]
            rows = [{k: f.cleaned_data.get(k, "") for k in rollover.ITEM_FIELDS} for _, f in kept]
            pairs = {f.cleaned_data["old_code"]: rollover.parse_codes(f.cleaned_data.get("new_codes"))
                     for f in mapping.forms}
            try:
                done = rollover.roll_over(form.cleaned_data["source"], form.cleaned_data["year"],
                                          form.cleaned_data["name"], rows, pairs, request.user)
            except rollover.RollOverError as error:
                _attach_errors(error.errors, form, [f for _, f in kept], mapping)
            else:
                messages.success(request, f"เริ่ม{done.framework.name}แล้ว: {len(done.items)} รายการ "
                                 f"เทียบจากปี {source.year} {len(done.successions)} คู่ "
                                 "หน่วยงานจะเห็นข้อมูลที่ยกมาเป็นข้อเสนอในแบบตอบ OIT จนกว่าผู้อนุมัติรับรองจะยืนยัน")
                return redirect(reverse("wagtailsnippets_repository_frameworkyear:edit", args=[done.framework.pk]))
    else:
        form = RollOverForm(initial={"source": source.year, "year": source.year + 1, "name": f"ITA {source.year + 1}"})
        items = NewItemFormSet(prefix="items", initial=rollover.proposed_items(source))
        mapping = MappingFormSet(prefix="mapping", initial=[
            {"old_code": code, "new_codes": ", ".join(new)} for code, new in rollover.identity_mapping(source).items()])
    mapping_rows = [(f, f["old_code"].value(), old_names.get(f["old_code"].value(), "")) for f in mapping.forms]
    return TemplateResponse(request, "repository/framework_rollover.html", {
        "form": form, "items": items, "mapping": mapping, "mapping_rows": mapping_rows, "source": source,
        "years": FrameworkYear.objects.order_by("-year"),
    }, status=400 if request.method == "POST" else 200)


def _attach_errors(errors, form, item_forms, mapping):
    by_code = {f["old_code"].value(): f for f in mapping.forms}
    for field, found in errors.items():
        for message in found:
            if field in ("year", "name"):
                form.add_error(field, message)
            elif field.startswith("items-") and int(field[6:]) < len(item_forms):
                item_forms[int(field[6:])].add_error(None, message)
            elif field.startswith("mapping-") and field[8:] in by_code:
                by_code[field[8:]].add_error("new_codes", message)
            else:
                form.add_error(None, message)


urlpatterns = [
    path("rollover/", roll_over_view, name="rollover"),
]
