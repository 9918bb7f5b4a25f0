"""django-axes' lock-outs and failed logins, in Thai, in the Wagtail admin ("ความพยายามเข้าสู่ระบบ").

Auditors and administrators read every failed login (who, from where, when, whether it locked);
administrators lift a lock-out (axes' own way: its ``AccessAttempt`` row goes). The lock-out page
itself (HTTP 429, Thai) is :func:`lockout_response`, django-axes' ``AXES_LOCKOUT_CALLABLE``.
"""

import logging
import math

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from repository.approvals import roles

logger = logging.getLogger(__name__)


def lockout_response(request, original_response=None, credentials=None):
    """The Thai lock-out page (429) django-axes answers instead of the login."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return TemplateResponse(request, "security/lockout.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes,
    }, status=settings.AXES_HTTP_RESPONSE_CODE).render()


def can_read(user):
    """Auditors and administrators (the approvals app's roles; superusers are both)."""
    return bool(user and user.is_authenticated and (roles.is_auditor(user) or roles.is_administrator(user)))


def can_unlock(user):
    return bool(user and user.is_authenticated and roles.is_administrator(user))


def locked(queryset=None):
    """Attempts that are locking now (at or past the failure limit)."""
    queryset = AccessAttempt.objects.all() if queryset is None else queryset
    return queryset.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by("-attempt_time")


def index(request):
    if not can_read(request.user):
        raise PermissionDenied
    failures = Paginator(AccessFailureLog.objects.order_by("-attempt_time"), 50).get_page(request.GET.get("page"))
    return render(request, "security/login_attempts.html", {
        "page_title": "ความพยายามเข้าสู่ระบบ", "header_icon": "lock",
        "locked": locked(), "failures": failures, "can_unlock": can_unlock(request.user),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    })


@require_POST
def unlock(request, attempt_id):
    if not can_unlock(request.user):
        raise PermissionDenied
    attempt = get_object_or_404(AccessAttempt, pk=attempt_id)
    logger.warning("login lock-out lifted by %s: username=%r ip=%s", request.user.get_username(),
                   attempt.username, attempt.ip_address)
    attempt.delete()
    messages.success(request, "ปลดการระงับการเข้าสู่ระบบแล้ว")
    return redirect("security_login_attempts")
