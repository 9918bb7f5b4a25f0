"""Demo of the procedure: users in each role, and a few pages taken through the real workflow.

``setup_demo_workflow(stdout)`` is called by ``load_demo`` after the agencies,
page tree, news and demo users exist. Idempotent: a second run adds nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from repository.models import AgencyPage, EmergencyAnnouncementPage, NewsPage

from . import roles
from .actions import ApproveAction, PublishAction, SubmitForApprovalAction
from .models import ApprovalForm

DEMO_AGENCY = "uthai-thani"
# username, full name, position, groups (agency roles, or a global group name)
DEMO_USERS = [
    ("provider", "สมชาย ใจดี", "นักประชาสัมพันธ์ปฏิบัติการ", [roles.PROVIDER]),
    ("approver", "สมหญิง รักษ์ธรรม", "หัวหน้าสำนักงานจังหวัดอุทัยธานี", [roles.APPROVER, roles.EMERGENCY_APPROVER]),
    ("publisher", "วีระ เว็บมาสเตอร์", "นักวิชาการคอมพิวเตอร์ชำนาญการ", [roles.PUBLISHER]),
    ("auditor", "อรุณี ตรวจสอบ", "ผู้ตรวจสอบภายในจังหวัด", [roles.AUDITOR_GROUP]),
    ("admin", "ผู้ดูแลระบบ", "ผู้ดูแลระบบ", [roles.ADMINISTRATOR_GROUP]),
]
# Local demo only (`make run`); the same pattern as repository.demo.
DEMO_PASSWORD = "demo-{username}-2568"
DEMO_PUBLICATIONS = 3


def _ensure_user(username, full_name, position):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, position=position, email=f"{username}@demo.invalid",
                    is_staff=True)
        user.set_password(DEMO_PASSWORD.format(username=username))
        user.save()
    elif not user.full_name or not user.position:
        user.full_name = user.full_name or full_name
        user.position = user.position or position
        user.save(update_fields=["full_name", "position"])
    return user


def ensure_demo_users(agency, stdout=None):
    from django.contrib.auth.models import Group

    agency_groups = roles.grant_agency_roles(agency)
    global_groups = roles.ensure_global_groups()
    by_name = {group.name: group for group in global_groups.values()}
    users = {}
    for username, full_name, position, memberships in DEMO_USERS:
        user = _ensure_user(username, full_name, position)
        for membership in memberships:
            group = agency_groups.get(membership) or by_name.get(membership) or Group.objects.get(name=membership)
            user.groups.add(group)
        users[username] = user
    if stdout is not None:
        stdout.write(f"Approval workflow demo users (local only), roles for {agency.name_th}:")
        for username, full_name, position, memberships in DEMO_USERS:
            labels = ", ".join(roles.ROLE_LABELS.get(m, m) for m in memberships)
            stdout.write(f"  {username:<10} password {DEMO_PASSWORD.format(username=username)}  "
                         f"{full_name} ({position}) — {labels}")
    return users


def take_through_workflow(page, users, **changes):
    """The provider saves a revision (with ``changes``) and requests; the approver approves; the publisher publishes."""
    page = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision(user=users["provider"], log_action=True)
    SubmitForApprovalAction(page, users["provider"], remarks="ข้อมูลตัวอย่างสำหรับการสาธิต",
                            confirmed_measure_1_1=True).execute()
    ApproveAction(page, users["approver"], comment="เห็นชอบให้เผยแพร่").execute()
    PublishAction(page, users["publisher"]).execute()


def setup_demo_workflow(stdout=None):
    """Demo users in each role, and ``DEMO_PUBLICATIONS`` live news pages re-published through the workflow.

    The users hold their roles for the province and for the agency whose news
    the demo imported; each chosen page gets a new revision by the provider,
    the provider's request, the approver's approval and the publisher's
    publication — the real workflow, so each gets its approval form.
    """
    news = NewsPage.objects.live().filter(agency__isnull=False).select_related("agency").order_by("pk").first()
    agencies = [page.agency for page in AgencyPage.objects.select_related("agency").filter(agency__code=DEMO_AGENCY)]
    if news is not None and news.agency not in agencies:
        agencies.append(news.agency)
    if not agencies:
        if stdout is not None:
            stdout.write("No agency page yet: approval workflow demo skipped.")
        return {}
    users = {}
    for agency in agencies:
        users = ensure_demo_users(agency, stdout)
    if news is None:
        return users
    agency = news.agency
    done = ApprovalForm.objects.filter(agency=agency, kind=ApprovalForm.Kind.NORMAL).count()
    candidates = (
        NewsPage.objects.live().filter(agency=agency)
        .exclude(approval_forms__kind=ApprovalForm.Kind.NORMAL)
        .exclude(pk__in=EmergencyAnnouncementPage.objects.values("pk")).order_by("-pk")
    )
    for page in candidates[: max(0, DEMO_PUBLICATIONS - done)]:
        if page.workflow_in_progress:
            continue
        with transaction.atomic():
            take_through_workflow(page, users)
    count = ApprovalForm.objects.filter(agency=agency).count()
    if stdout is not None:
        stdout.write(f"Approval forms for {agency.name_th}: {count} (admin: /admin/approvals/forms/)")
    return users
