"""Who is an auditor: the audit app's ``audit.view_audit_trail`` permission (auditor group ผู้ตรวจสอบ)."""

from rest_framework.permissions import BasePermission

AUDIT_PERMISSION = "audit.view_audit_trail"


def is_auditor(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(AUDIT_PERMISSION))


class IsAuditor(BasePermission):
    message = "Auditor access (token or session with the audit permission) is required."

    def has_permission(self, request, view):
        return is_auditor(request.user)
