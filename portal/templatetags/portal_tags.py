"""Template filters of the portal: highlighted snippets, file sizes, labels."""

import datetime
import html
import re

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from pythainlp.util import thai_strftime

from .. import labels

register = template.Library()
_MARK = re.compile(r"(</?mark>)")


@register.filter
def marked(value):
    """Text from the API with ``<mark>`` highlights: every other tag or entity is escaped anew."""
    if not value:
        return ""
    out = []
    for part in _MARK.split(str(value)):
        if part in ("<mark>", "</mark>"):
            out.append(part)
        else:
            out.append(html.escape(html.unescape(part), quote=False))
    # Balance the tags in case a snippet was cut inside a match.
    opened = sum(1 for p in out if p == "<mark>") - sum(1 for p in out if p == "</mark>")
    out.extend(["</mark>"] * max(opened, 0))
    return mark_safe("".join(out))


@register.filter
def filesize_th(size):
    """``123456`` → ``120.6 KB``; unknown sizes say so in Thai."""
    if size is None or size == "":
        return "ไม่ทราบขนาด"
    size = float(size)
    for unit in ("ไบต์", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "ไบต์" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


@register.filter
def filetype_th(content_type, filename=""):
    """A short name for a MIME type (PDF, Word, Excel…), falling back to the file's extension."""
    known = {
        "application/pdf": "PDF",
        "application/msword": "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
        "application/vnd.ms-excel": "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
        "text/csv": "CSV",
        "text/plain": "ข้อความ",
        "image/jpeg": "ภาพ JPEG",
        "image/png": "ภาพ PNG",
        "application/zip": "ZIP",
    }
    if content_type in known:
        return known[content_type]
    if filename and "." in filename:
        return filename.rsplit(".", 1)[-1].upper()
    return content_type or "ไม่ทราบชนิด"


@register.filter
def page_type_th(value):
    return labels.page_type_label(value)


@register.filter
def status_th(value):
    return labels.STATUSES.get(value, value)


@register.filter
def recurrence_th(value):
    return labels.RECURRENCES.get(value, value)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def be_datetime(value):
    """An ISO date-time from the API → ``25 พ.ย. 2569 เวลา 14:05 น.`` (Buddhist Era, local time)."""
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return thai_strftime(moment, "%-d %b %Y เวลา %H:%M น.")


@register.filter
def baht(value):
    """A number of baht from the API → ``2,500,000.00`` (``""`` for none)."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    except InvalidOperation:
        return str(value)
