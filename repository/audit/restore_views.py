"""Admin entry points for the audit trail's two write operations: restore a deleted page, revert to a version.

Administrators only (``repository.accounts.administrators``); both go through the action classes of
``actions.py`` (which check again), so the admin, commands and tests behave alike. A revert that also
publishes passes the publication gate as an administrator override, with the reason typed here.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from repository.accounts.administrators import is_administrator

from .actions import restore_deleted_page, revert_to_version


class RevertForm(forms.Form):
    publish = forms.BooleanField(label="เผยแพร่ทันทีหลังย้อนกลับ (ผู้ดูแลระบบเผยแพร่นอกขั้นตอน)", required=False)
    reason = forms.CharField(
        label="เหตุผล (จำเป็นเมื่อเผยแพร่ทันที)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publish") and len((cleaned.get("reason") or "").strip()) < 10:
            self.add_error("reason", "กรุณาระบุเหตุผลอย่างน้อย 10 ตัวอักษรเมื่อเผยแพร่นอกขั้นตอน")
        return cleaned


def _administrators_only(request):
    if not is_administrator(request.user):
        raise PermissionDenied("เฉพาะผู้ดูแลระบบ")


def _refused(request, error):
    text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)


@require_http_methods(["GET", "POST"])
def restore(request, page_id):
    _administrators_only(request)
    if request.method == "POST":
        try:
            page = restore_deleted_page(page_id, request.user)
        except (PermissionDenied, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(request, f"กู้คืน “{page.title}” เป็นฉบับร่างแล้ว — ต้องขออนุมัติก่อนเผยแพร่")
            return redirect("wagtailadmin_pages:edit", page.pk)
    return render(request, "audit/restore.html", {
        "page_title": "กู้คืนหน้าที่ถูกลบ", "header_icon": "history", "page_id": page_id,
    })


@require_http_methods(["GET", "POST"])
def revert(request, version_id):
    _administrators_only(request)
    form = RevertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            instance = revert_to_version(version_id, request.user, publish=form.cleaned_data["publish"],
                                         reason=form.cleaned_data["reason"])
        except (PermissionDenied, ValidationError, LookupError) as error:
            _refused(request, error)
        else:
            messages.success(request, "ย้อนกลับเป็นฉบับที่เลือกแล้ว")
            if hasattr(instance, "get_admin_display_title"):
                return redirect("wagtailadmin_pages:edit", instance.pk)
            return redirect("audit_timeline")
    return render(request, "audit/revert.html", {
        "page_title": "ย้อนกลับเป็นฉบับในบันทึกการตรวจสอบ", "header_icon": "history", "form": form,
        "version_id": version_id,
    })
