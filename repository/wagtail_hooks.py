from django.http import Http404
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import documents, frameworks_admin, visibility
from .accounts.administrators import is_administrator
from .frameworks_rollover import ACTION_CONFIRMED, ACTION_DECLINED, ACTION_ROLLED_OVER, ACTION_WITHDRAWN
from .models import Agency, FrameworkYear
from .signals import ACTION_AGENCY_FOLLOWS_TREE


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "group"
    menu_label = "หน่วยงาน"
    add_to_admin_menu = True
    menu_order = 200
    list_display = ["name_th", "code", "kind", "parent"]
    list_filter = ["kind"]
    # The listing searches every field of Agency.search_fields through the admin's Thai search backend; naming
    # fields here would pass them to SQLite's full-text index, which has no per-field columns (a 500).


class FrameworkYearViewSet(SnippetViewSet):
    model = FrameworkYear
    icon = "list-ul"
    menu_label = "กรอบการประเมิน ITA"
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["name", "year"]


register_snippet(AgencyViewSet)
register_snippet(FrameworkYearViewSet)


@hooks.register("register_log_actions")
def register_repository_log_actions(actions):
    actions.register_action(ACTION_AGENCY_FOLLOWS_TREE, "Agency follows the tree",
                            "Agency changed: the page moved with a page above it")
    actions.register_action(ACTION_ROLLED_OVER, "เริ่มปีการประเมินใหม่",
                            "เริ่มปีการประเมินใหม่จากปีก่อน พร้อมการเทียบรายการ")
    actions.register_action(ACTION_CONFIRMED, "ยืนยันรายการที่ยกมา",
                            "หน่วยงานยืนยันว่าข้อมูลของรายการเดิมตอบรายการใหม่")
    actions.register_action(ACTION_DECLINED, "ไม่รับรายการที่ยกมา",
                            "หน่วยงานไม่รับข้อมูลของรายการเดิมเป็นคำตอบของรายการใหม่")
    actions.register_action(ACTION_WITHDRAWN, "ยกเลิกการตัดสินรายการที่ยกมา",
                            "หน่วยงานยกเลิกการยืนยันหรือการไม่รับ รายการกลับเป็นข้อเสนอที่รอการตัดสิน")


@hooks.register("before_serve_page")
def serve_only_what_is_public(page, request, serve_args, serve_kwargs):
    """Wagtail's front end follows the public rule: a page below an unpublished or expired section, or
    past its own expiry, is not found (view restrictions are left to Wagtail's own password/login form)."""
    if not visibility.is_served_publicly(page):
        raise Http404


@hooks.register("before_serve_document")
def serve_documents_by_the_rule(document, request):
    """Only public documents for the public; drafts' attachments for those allowed (repository.documents)."""
    documents.serve_only_if_allowed(document, request)


@hooks.register("register_admin_urls")
def register_framework_urls():
    """``/admin/frameworks/rollover/``: start the next ITA framework year (administrators)."""
    return [path("frameworks/", include((frameworks_admin.urlpatterns, "frameworks"), namespace="frameworks"))]


@hooks.register("register_admin_menu_item")
def register_rollover_menu_item():
    class AdministratorsOnly(MenuItem):
        def is_shown(self, request):
            return is_administrator(request.user)

    return AdministratorsOnly("เริ่มปีการประเมินใหม่", reverse("frameworks:rollover"), icon_name="copy", order=211)
