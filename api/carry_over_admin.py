"""Wagtail admin view: an agency's approvers confirm or decline what a new framework year carries over.

The roll-over (``repository.frameworks_rollover``) maps items of the previous year to the new year's;
the answer sheet (``api.oit.carried_over``) proposes the agency's pages answering the old items. Here the
agency decides, and may change or withdraw its decision, a recorded action (``CarryOverDecision`` and a Wagtail log entry, sealed by the audit trail).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from repository import frameworks_rollover as rollover
from repository.accounts.administrators import is_administrator
from repository.frameworks_admin import forbidden
from repository.models import Agency, FrameworkItemSuccession, FrameworkYear

from .oit import carried_over


def carry_over_view(request, year, agency):
    """An agency's proposals for framework year ``year``: confirm or decline each, or change a decision
    (``was`` = the decision the page showed; ``withdraw`` makes it a proposal again) — its approvers."""
    framework = get_object_or_404(FrameworkYear, year=year)
    agency = get_object_or_404(Agency, code=agency)
    allowed = rollover.may_decide(request.user, agency)
    if not (allowed or is_administrator(request.user)):
        return forbidden("ผู้อนุมัติรับรองของหน่วยงานนี้ (หรือผู้ดูแลระบบ เพื่อดู) เท่านั้น")
    if request.method == "POST":
        if not allowed:
            return forbidden("ผู้อนุมัติรับรองของหน่วยงานนี้เท่านั้นที่ยืนยัน ไม่รับ หรือเปลี่ยนการตัดสินรายการที่ยกมาได้")
        succession = get_object_or_404(FrameworkItemSuccession, pk=request.POST.get("succession"),
                                       successor__framework=framework)
        decision, was = request.POST.get("decision"), request.POST.get("was")
        choices = ("confirm", "decline") + (("withdraw",) if was else ())
        if decision not in choices:
            messages.error(request, "ไม่ทราบว่าจะยืนยัน ไม่รับ หรือยกเลิกการตัดสิน")
        else:
            confirmed = None if decision == "withdraw" else decision == "confirm"
            try:
                if was:  # a change of a decision the page showed
                    rollover.change(succession, agency, request.user, confirmed, was)
                else:
                    rollover.decide(succession, agency, request.user, confirmed)
            except rollover.RollOverError as error:
                messages.error(request, " ".join(sum(error.errors.values(), [])))
            else:
                done = {"confirm": "ยืนยัน", "decline": "ไม่รับ", "withdraw": "ยกเลิกการตัดสิน"}[decision]
                messages.success(request, f"{done} {succession.previous.code} (ITA {succession.previous.framework.year})"
                                 f" → {succession.successor.code} (ITA {framework.year}) ของ {agency.name_th} แล้ว")
        return redirect(request.path)
    rows = []
    for item in framework.items.filter(predecessions__isnull=False).distinct().order_by("sort_order", "pk"):
        rows.append({"item": item, "carried": carried_over(item, agency)})
    return TemplateResponse(request, "api/carry_over.html", {
        "framework": framework, "agency": agency, "rows": rows, "allowed": allowed,
    })


urlpatterns = [
    path("<int:year>/<str:agency>/", carry_over_view, name="carry_over"),
]
