"""Role and permission changes are part of the audit trail."""

from django.contrib.auth.models import Group, Permission
from wagtail.log_actions import LogContext
from wagtail.models import GroupPagePermission

from repository.audit.chain import verify_chain
from repository.audit.models import AuditRecord
from repository.audit.replay import object_timeline, version_state


def test_page_permission_changes_are_recorded_with_the_acting_user(tree, admin_user):
    group = Group.objects.create(name="ผู้อนุมัติ อุทัยธานี")
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    with LogContext(user=admin_user):  # what the Wagtail admin sets for every request
        grant = GroupPagePermission.objects.create(group=group, page=tree["item_page"], permission=publish)
        grant.delete()
    events = object_timeline(Group, group.pk)
    assert [e["action"] for e in events] == ["audit.group_permissions", "audit.group_permissions"]
    assert [e["user"] for e in events] == ["ผู้ดูแลระบบ", "ผู้ดูแลระบบ"]
    assert events[0]["comment"].startswith("granted publish_page on")
    granted, removed = (version_state(e["version_id"]) for e in events)
    assert [p["permission"] for p in granted["page_permissions"]] == [publish.pk]
    assert removed["page_permissions"] == []
    assert verify_chain().ok


def test_group_membership_is_versioned_without_email(admin_user, editor):
    from wagtail.log_actions import log

    group = Group.objects.create(name="บรรณาธิการ")
    editor.groups.add(group)
    log(editor, "wagtail.edit", user=admin_user)
    record = AuditRecord.objects.filter(object_model="accounts.user", object_id=str(editor.pk)).get()
    state = version_state(record.version_id)
    assert state["groups"] == [group.pk] and state["username"] == "editor1"
    assert "email" not in state and "password" not in state
    assert "editor1@example.go.th" not in "".join(record.revision.version_set.values_list("serialized_data", flat=True))
