"""Filtering the audit timeline (the admin's Audit area; the API may reuse it)."""

from django import forms

from .models import AuditRecord
from .replay import EVENT_FIELDS, _event, ensure_aware


class TimelineFilterForm(forms.Form):
    agency = forms.CharField(label="หน่วยงาน (รหัส)", required=False)
    user = forms.CharField(label="ผู้ดำเนินการ", required=False)
    action = forms.CharField(label="การกระทำ", required=False)
    item_code = forms.CharField(label="รายการ OIT", required=False, help_text="เช่น O12")
    date_from = forms.DateTimeField(label="ตั้งแต่", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    date_to = forms.DateTimeField(label="ถึง", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise forms.ValidationError("วันที่เริ่มต้องไม่หลังวันที่สิ้นสุด")
        return cleaned


def filter_records(agency=None, user=None, action=None, item_code=None, date_from=None, date_to=None):
    """AuditRecords matching the filters, newest first. ``agency`` includes the agencies below it."""
    from repository.models import Agency

    records = AuditRecord.objects.all()
    if agency:
        found = Agency.objects.filter(code=agency).first()
        records = records.filter(agency_id__in=found.descendant_ids()) if found else records.none()
    if user:
        records = records.filter(user_name__icontains=user)
    if action:
        records = records.filter(action__startswith=action) if action.endswith(".") else records.filter(action=action)
    if item_code:
        records = records.filter(item_codes__contains=f" {item_code.strip().upper()} ")
    if date_from:
        records = records.filter(at__gte=ensure_aware(date_from))
    if date_to:
        records = records.filter(at__lte=ensure_aware(date_to))
    return records.order_by("-sequence")


def events(records):
    return [_event(row) for row in records.values(*EVENT_FIELDS)]
