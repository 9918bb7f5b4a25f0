from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import restore_views, views
from .tree import ACTION_CHILDREN_RENUMBERED


@hooks.register("register_log_actions")
def register_audit_log_actions(actions):
    actions.register_action("audit.restore", "Restore deleted page", "Restored from the audit trail")
    actions.register_action("audit.revert", "Revert to audit version", "Reverted to a version in the audit trail")
    actions.register_action("audit.group_permissions", "Change group permissions", "Group permissions changed")
    actions.register_action(ACTION_CHILDREN_RENUMBERED, "Children renumbered",
                            "Tree paths of child pages shifted by a move among them")


@hooks.register("register_admin_urls")
def register_audit_urls():
    return [
        path("audit/", views.timeline, name="audit_timeline"),
        path("audit/object/<str:model>/<str:pk>/", views.object_history, name="audit_object"),
        path("audit/diff/<int:a>/<int:b>/", views.diff, name="audit_diff"),
        path("audit/verify/", views.verify, name="audit_verify"),
        path("audit/export/", views.export, name="audit_export"),
        path("audit/pages/<int:page_id>/restore/", restore_views.restore, name="audit_restore"),
        path("audit/versions/<int:version_id>/revert/", restore_views.revert, name="audit_revert"),
    ]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_view_audit_trail(request.user)


@hooks.register("register_admin_menu_item")
def register_audit_menu_item():
    return AuditMenuItem("บันทึกการตรวจสอบ", reverse("audit_timeline"), icon_name="history", order=1100)


@hooks.register("register_permissions")
def register_audit_permissions():
    return Permission.objects.filter(content_type__app_label="audit", codename="view_audit_trail")
