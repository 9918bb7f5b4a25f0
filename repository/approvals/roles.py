"""Who may do what: the order's roles as Wagtail groups.

Each agency owns an ``AgencyPage`` subtree. ``grant_agency_roles(agency)``
makes one group per role for it, with Wagtail page permissions
(``GroupPagePermission``) on that agency's page, so Wagtail's own permission
policy scopes what members see and edit. The workflow tasks find who may act
on a page the same way Wagtail does: a role group of an agency whose page is
the page itself or one of its ancestors.

Two global groups: the auditor (ผู้ตรวจสอบ) reads everything and changes
nothing; the administrator manages everything and may publish outside the
workflow, with a stated reason.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page

from repository.accounts.administrators import is_administrator  # noqa: F401  (re-exported for callers of roles)
from repository.documents import agency_collection

from .agency_roles import (  # noqa: F401  (the role names are part of this module's interface)
    AGENCY_ROLE_CHOICES,
    APPROVER,
    EMERGENCY_APPROVER,
    PROVIDER,
    PUBLISHER,
    ROLE_LABELS,
    AgencyRole,
)

AUDITOR_GROUP = "ผู้ตรวจสอบ"
ADMINISTRATOR_GROUP = "ผู้ดูแลระบบ"

# Wagtail page permissions each role holds on its agency's page. Publishing
# itself happens through the workflow; "publish" lets publishers unpublish and
# unschedule, and direct publishing is refused by the before_publish_page hook.
ROLE_PAGE_PERMISSIONS = {
    PROVIDER: ["add_page", "change_page"],
    APPROVER: ["change_page", "lock_page"],
    PUBLISHER: ["change_page", "publish_page"],
    EMERGENCY_APPROVER: ["change_page", "publish_page"],
}
# Model permissions ("app_label.codename") of each group.
ROLE_MODEL_PERMISSIONS = {
    PROVIDER: ["wagtailadmin.access_admin", "approvals.view_approvalform"],
    APPROVER: ["wagtailadmin.access_admin", "approvals.view_approvalform"],
    PUBLISHER: ["wagtailadmin.access_admin", "approvals.view_approvalform"],
    EMERGENCY_APPROVER: ["wagtailadmin.access_admin", "approvals.view_approvalform"],
}
AUDITOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "approvals.view_approvalform",
    "approvals.view_all_approvalforms",
    "audit.view_audit_trail",  # made by the audit app; granted when it exists
    # Auditors obtain and revoke their own API tokens (Wagtail's hashed, expiring APIToken) in the admin.
    "wagtailcore.add_apitoken",
    "wagtailcore.change_apitoken",
    "wagtailcore.delete_apitoken",
    "wagtailcore.view_apitoken",
]
ADMINISTRATOR_PERMISSIONS = AUDITOR_PERMISSIONS + [
    "approvals.override_publish",
    "repository.add_agency",
    "repository.change_agency",
]
ADMINISTRATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page",
                                  "unlock_page"]


def role_group_name(role, agency):
    return f"{ROLE_LABELS[role]} — {agency.code}"


def _permissions(names):
    """The Permission rows for "app_label.codename" names; missing ones are skipped."""
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if perm is not None:
            found.append(perm)
    return found


def _page_permissions(codenames):
    return list(Permission.objects.filter(content_type__app_label="wagtailcore", content_type__model="page",
                                          codename__in=codenames))


# Wagtail collection permissions each role holds on its agency's own collection (repository.documents).
ROLE_DOCUMENT_PERMISSIONS = {
    PROVIDER: ["add_document", "change_document", "choose_document"],
    APPROVER: ["choose_document"],
    PUBLISHER: ["choose_document"],
    EMERGENCY_APPROVER: ["choose_document"],
}


def _grant_document_permissions(group, role, agency):
    """The role's document permissions on the agency's collection, and none anywhere else."""
    collection = agency_collection(agency)
    GroupCollectionPermission.objects.filter(group=group).exclude(collection=collection).delete()
    for permission in Permission.objects.filter(
        content_type__app_label="wagtaildocs", codename__in=ROLE_DOCUMENT_PERMISSIONS[role]
    ):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


@transaction.atomic
def grant_agency_roles(agency):
    """Create (or complete) the agency's role groups and their page permissions.

    Idempotent. Returns ``{role: Group}``. Without an ``AgencyPage`` the groups
    exist but hold no page permissions yet; creating the page grants them
    (see ``signals``).
    """
    page = getattr(agency, "page", None) if agency.pk else None
    groups = {}
    for role, _label in AGENCY_ROLE_CHOICES:
        link = AgencyRole.objects.filter(agency=agency, role=role).select_related("group").first()
        if link is None:
            group, _ = Group.objects.get_or_create(name=role_group_name(role, agency))
            link = AgencyRole.objects.create(group=group, agency=agency, role=role)
        group = link.group
        group.permissions.add(*_permissions(ROLE_MODEL_PERMISSIONS[role]))
        _grant_document_permissions(group, role, agency)
        if page is not None:
            for permission in _page_permissions(ROLE_PAGE_PERMISSIONS[role]):
                GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
        groups[role] = group
    return groups


@transaction.atomic
def ensure_global_groups():
    """The auditor and administrator groups, with whatever of their permissions exist now."""
    auditor, _ = Group.objects.get_or_create(name=AUDITOR_GROUP)
    auditor.permissions.add(*_permissions(AUDITOR_PERMISSIONS))
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR_GROUP)
    administrator.permissions.add(*_permissions(ADMINISTRATOR_PERMISSIONS))
    root = Page.get_first_root_node()
    if root is not None:
        for permission in _page_permissions(ADMINISTRATOR_PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(group=administrator, page=root, permission=permission)
    return {"auditor": auditor, "administrator": administrator}


def _ancestor_paths(page):
    steplen = page.steplen
    return [page.path[:i] for i in range(steplen, len(page.path) + 1, steplen)]


def user_has_role(user, role, page):
    """Whether ``user`` holds ``role`` for an agency whose page is ``page`` or above it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = user.__dict__.setdefault("_approvals_role_cache", {})
    key = (role, page.path)
    if key not in cache:
        cache[key] = AgencyRole.objects.filter(
            group__user=user, role=role, agency__page__path__in=_ancestor_paths(page)
        ).exists()
    return cache[key]


def role_holders(page, *wanted_roles):
    """The active users who hold one of ``wanted_roles`` for ``page``, as ``[(Agency, [User, ...]), ...]``.

    The same rule as ``user_has_role``, read the other way: the role groups of the agencies whose
    pages are ``page`` or above it, nearest agency first. Agencies whose group has nobody are left out.
    """
    links = (
        AgencyRole.objects.filter(role__in=wanted_roles, agency__page__path__in=_ancestor_paths(page))
        .select_related("agency", "agency__page").order_by("-agency__page__depth", "role")
    )
    found = []
    for link in links:
        users = list(get_user_model().objects.filter(is_active=True, groups=link.group_id).order_by("pk"))
        if not users:
            continue
        if found and found[-1][0].pk == link.agency_id:
            found[-1][1].extend(user for user in users if user not in found[-1][1])
        else:
            found.append((link.agency, users))
    return found


def pages_with_role(user, role):
    """Pages on which ``user`` holds ``role``."""
    paths = AgencyRole.objects.filter(group__user=user, role=role, agency__page__isnull=False).values_list(
        "agency__page__path", flat=True
    )
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    if not query:
        return Page.objects.none()
    return Page.objects.filter(query)


def is_auditor(user):
    return user.is_active and (user.is_superuser or user.has_perm("approvals.view_all_approvalforms"))


