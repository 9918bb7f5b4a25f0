"""Filtering the audit timeline (the admin's Audit area; the API may reuse it)."""

from django import forms

from repository.models import Agency

from . import labels
from .models import AuditRecord
from .replay import _event, ensure_aware, event_rows


class TimelineFilterForm(forms.Form):
    agency = forms.CharField(label="หน่วยงาน", required=False, help_text="ชื่อหรือรหัสหน่วยงาน")
    user = forms.CharField(label="ผู้ดำเนินการ", required=False)
    action = forms.CharField(label="การกระทำ", required=False, help_text="เช่น เผยแพร่ อนุมัติ")
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
    records = AuditRecord.objects.all()
    if agency:
        agency = agency.strip()
        found = Agency.objects.filter(code=agency).first()
        matches = [found] if found else list(Agency.objects.filter(name_th__icontains=agency))
        ids = {pk for match in matches for pk in match.descendant_ids()}
        records = records.filter(agency_id__in=ids)
    if user:
        records = records.filter(user_name__icontains=user)
    if action:
        known = labels.known_acts(AuditRecord.objects.order_by().values_list("action", flat=True).distinct())
        records = labels.doing(records, labels.actions_matching(action, known))
    if item_code:
        records = records.filter(item_codes__contains=f" {item_code.strip().upper()} ")
    if date_from:
        records = records.filter(at__gte=ensure_aware(date_from))
    if date_to:
        records = records.filter(at__lte=ensure_aware(date_to))
    return records.order_by("-sequence")


def events(records):
    """The records as events (``replay._event``: the act and its Thai name)."""
    steps = labels.step_tasks()
    return [_event(row, steps) for row in event_rows(records)]
