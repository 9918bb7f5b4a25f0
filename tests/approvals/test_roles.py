"""Role groups, their Wagtail page permissions, and the user form's full name and position."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission

from repository.approvals import roles
from repository.approvals.models import AgencyRole

pytestmark = pytest.mark.django_db


def test_an_agency_page_gets_its_role_groups_with_scoped_page_permissions(agency):
    links = AgencyRole.objects.filter(agency=agency)
    assert {link.role for link in links} == {role for role, _ in roles.AGENCY_ROLE_CHOICES}
    provider_group = links.get(role=roles.PROVIDER).group
    assert provider_group.name == f"ผู้รับผิดชอบการให้ข้อมูล — {agency.code}"
    perms = set(GroupPagePermission.objects.filter(group=provider_group).values_list("permission__codename", "page"))
    assert perms == {("add_page", agency.page.pk), ("change_page", agency.page.pk)}
    publisher_group = links.get(role=roles.PUBLISHER).group
    assert GroupPagePermission.objects.filter(group=publisher_group, permission__codename="publish_page").exists()


def test_grant_agency_roles_is_idempotent(agency):
    before = (Group.objects.count(), GroupPagePermission.objects.count(), AgencyRole.objects.count())
    roles.grant_agency_roles(agency)
    roles.grant_agency_roles(agency)
    assert (Group.objects.count(), GroupPagePermission.objects.count(), AgencyRole.objects.count()) == before


def test_the_auditor_reads_and_changes_nothing(draft, auditor):
    assert auditor.has_perm("approvals.view_all_approvalforms")
    assert not auditor.has_perm("approvals.override_publish")
    perms = draft.permissions_for_user(auditor)
    assert not perms.can_edit() and not perms.can_publish() and not perms.can_delete()
    assert not GroupPagePermission.objects.filter(group__name=roles.AUDITOR_GROUP).exists()


def test_roles_cover_the_agencys_sub_agencies(agency, draft):
    from tests.factories import make_agency

    from .conftest import make_user

    office = make_agency(code="uthai-pr", name="สำนักงานประชาสัมพันธ์จังหวัดอุทัยธานี", parent=agency)
    office_provider = make_user("office", "วิไล ประชาสัมพันธ์", "นักประชาสัมพันธ์", roles.PROVIDER, agency=office)
    province_approver = make_user("head", "หัวหน้า จังหวัด", "หัวหน้าสำนักงาน", roles.APPROVER, agency=agency)
    assert roles.user_has_role(province_approver, roles.APPROVER, office.page)
    assert not roles.user_has_role(office_provider, roles.PROVIDER, draft)  # draft is under the province's tree


def test_the_user_admin_form_keeps_full_name_and_position(client, administrator):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    html = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert 'name="full_name"' in html and 'name="position"' in html
    response = client.post(reverse("wagtailusers_users:add"), {
        "username": "newprovider", "email": "p@example.go.th", "first_name": "", "last_name": "",
        "full_name": "  นภา   สุขใจ ", "position": "นักวิชาการประชาสัมพันธ์", "password1": "Xy9-long-enough-pw",
        "password2": "Xy9-long-enough-pw", "is_active": "on",
    })
    assert response.status_code == 302, response.context["form"].errors
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="newprovider")
    assert (user.full_name, user.position) == ("นภา สุขใจ", "นักวิชาการประชาสัมพันธ์")
    missing = client.post(reverse("wagtailusers_users:add"), {
        "username": "noname", "email": "n@example.go.th", "password1": "Xy9-long-enough-pw",
        "password2": "Xy9-long-enough-pw", "full_name": "", "position": "",
    })
    assert missing.status_code == 200
    assert not get_user_model().objects.filter(username="noname").exists()
