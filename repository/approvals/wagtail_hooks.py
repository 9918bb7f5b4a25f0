"""Wagtail admin integration of the publication procedure."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

from repository.models import DisclosurePage

from . import editor, gate, roles, send_back, urls
from .actions import ApprovalActionError, refuse_direct_publish
from .workflow import is_governed


@hooks.register("register_admin_urls")
def register_urls():
    return [path("approvals/", include((urls.urlpatterns, "approvals"), namespace="approvals"))]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    @actions.register_action("approvals.override_publish")
    class OverridePublish(LogFormatter):
        label = "เผยแพร่นอกขั้นตอนการอนุมัติ (ผู้ดูแลระบบ)"

        def format_message(self, log_entry):
            return f"ผู้ดูแลระบบเผยแพร่นอกขั้นตอนการอนุมัติ เหตุผล: {log_entry.data.get('reason', '')}"

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")

    @actions.register_action("approvals.emergency_publish")
    class EmergencyPublish(LogFormatter):
        label = "อนุมัติและเผยแพร่ทันที (เหตุเร่งด่วน มาตรการข้อ 1.2)"
        message = "อนุมัติและเผยแพร่ทันทีตามช่องทางเร่งด่วน (มาตรการข้อ 1.2)"

        def format_comment(self, log_entry):
            return log_entry.data.get("comment", "")

    @actions.register_action("approvals.refused_scheduled_publish")
    class RefusedScheduledPublish(LogFormatter):
        label = "ปฏิเสธการเผยแพร่ตามกำหนดเวลา (ไม่ผ่านการอนุมัติ)"
        message = "ไม่เผยแพร่ตามกำหนดเวลา เพราะรุ่นนี้ไม่ผ่านขั้นตอนการอนุมัติ"


def _refuse(request, page):
    try:
        refuse_direct_publish(page, request.user)
    except ApprovalActionError as error:
        messages.error(request, str(error))
        if page.pk:
            return redirect("wagtailadmin_pages:edit", page.pk)
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_edit_page")
def refuse_publish_before_saving(request, page):
    """Refuse the editor's Publish before it saves a revision (which would void the approvals)."""
    if request.method == "POST" and request.POST.get("action-publish"):
        return _refuse(request, page)
    return None


hooks.register("before_edit_page", send_back.show_send_back)


@hooks.register("before_create_page")
def refuse_publish_on_create(request, parent_page, page_class):
    if request.method == "POST" and request.POST.get("action-publish") and issubclass(page_class, DisclosurePage):
        messages.error(request, "ข้อมูลเผยแพร่ต้องผ่านขั้นตอนการอนุมัติ บันทึกร่างแล้วยื่นขออนุมัติ")
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None


@hooks.register("before_publish_page")
def refuse_direct_publish_in_editor(request, page):
    """The editor's Publish button is not a way around the procedure (a draft is still saved)."""
    return _refuse(request, page)


@hooks.register("before_bulk_action")
def refuse_bulk_publish(request, action_type, objects, action_class_instance):
    """Warn before a bulk publish that the gate would refuse, naming the pages (the gate refuses it anyway)."""
    if action_type != "publish":
        return None
    form = getattr(action_class_instance, "cleaned_form", None)
    include_descendants = bool(form is None or form.cleaned_data.get("include_descendants"))
    refused = []
    for page in objects:
        candidates = [page]
        if include_descendants:
            candidates += list(page.get_descendants().not_live().specific())
        for candidate in candidates:
            reason = gate.refusal(candidate, candidate.get_latest_revision()) if gate.is_governed(candidate) else None
            if reason is not None:
                refused.append(candidate.get_admin_display_title())
    if refused:
        messages.error(
            request,
            "ไม่ได้เผยแพร่: " + ", ".join(f"“{title}”" for title in refused[:10])
            + (f" และอีก {len(refused) - 10} รายการ" if len(refused) > 10 else "")
            + " — " + gate.NOT_APPROVED,
        )
        first = objects[0]
        parent = first.get_parent() if first.depth > 1 else first
        return redirect("wagtailadmin_explore", parent.pk)
    return None


@hooks.register("construct_page_action_menu")
def hide_publish_button(menu_items, request, context):
    page = context.get("page")
    if page is not None and page.pk and is_governed(page):
        menu_items[:] = [item for item in menu_items if getattr(item, "name", "") != "action-publish"]


@hooks.register("register_page_header_buttons")
def page_header_buttons(page, user, view_name, next_url=None):
    if not page.pk or not is_governed(page):
        return
    yield Button(
        "แบบฟอร์มขออนุมัติเผยแพร่", reverse("approvals:page_forms", args=[page.pk]), icon_name="clipboard-list",
        priority=66,
    )
    if roles.is_administrator(user):
        yield Button(
            "เผยแพร่นอกขั้นตอน (ระบุเหตุผล)", reverse("approvals:override_publish", args=[page.pk]),
            icon_name="warning", priority=67,
        )


class ApprovalFormsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("approvals.view_approvalform")


@hooks.register("register_admin_menu_item")
def register_forms_menu_item():
    return ApprovalFormsMenuItem(
        "แบบฟอร์มขออนุมัติเผยแพร่", reverse("approvals:form_list"), icon_name="clipboard-list", order=220
    )


@hooks.register("register_admin_viewset")
def register_disclosure_page_views():
    """Disclosures' edit, create and workflow action views: one-step submission, messages that say what happened."""
    return editor.DisclosurePageViewSet("disclosure_pages")


hooks.register("construct_page_action_menu", editor.use_submit_request_item)
