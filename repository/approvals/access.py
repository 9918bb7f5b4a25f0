"""Who may read which approval forms."""

from django.db.models import Q

from repository.models import Agency

from . import roles
from .models import AgencyRole, ApprovalForm


def forms_visible_to(user):
    """ApprovalForms ``user`` may read: auditors all; agency role holders their agencies' (and below)."""
    if not user.is_active or not user.has_perm("approvals.view_approvalform"):
        return ApprovalForm.objects.none()
    if roles.is_auditor(user):
        return ApprovalForm.objects.all()
    agency_ids = set()
    for link in AgencyRole.objects.filter(group__user=user).select_related("agency"):
        agency_ids |= link.agency.descendant_ids()
    return ApprovalForm.objects.filter(agency_id__in=agency_ids)


def user_can_view_page_forms(user, page):
    if not user.is_active:
        return False
    if roles.is_auditor(user) or page.permissions_for_user(user).can_edit():
        return True
    return any(roles.user_has_role(user, role, page) for role, _ in roles.AGENCY_ROLE_CHOICES)


def agencies_visible_to(user):
    if roles.is_auditor(user):
        return Agency.objects.all()
    ids = set(forms_visible_to(user).values_list("agency_id", flat=True).distinct())
    for link in AgencyRole.objects.filter(group__user=user).select_related("agency"):
        ids |= link.agency.descendant_ids()
    return Agency.objects.filter(Q(pk__in=ids))
