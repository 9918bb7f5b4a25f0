"""Starting the next ITA framework year from the previous one, and agencies' decisions on what carries over.

``roll_over(source, year, name, items, mapping)`` creates framework year ``year`` with ``items``
(edited copies of ``source``'s) and the successions ``mapping`` names (old code → new codes: one old
item to several new ones, several old ones to one new one), in one transaction, or raises
``RollOverError`` with a message per field and changes nothing. The NACC's list is never invented
here: the administrator types the new codes and names.

``decide(succession, agency, user, confirmed)`` records an agency's answer to a proposal (its
disclosures answering the old item, offered for the new one on its answer sheet). Only a holder of
the agency's approver role may decide; administrators start years, agencies decide what their
pages answer. ``change(succession, agency, user, confirmed, was)`` changes that answer (confirmed ↔
declined, or ``None``: back to undecided), by the same role, recorded the same way.
"""

import dataclasses

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from .accounts.administrators import is_administrator
from .approvals.roles import APPROVER, user_has_role
from .models import AgencyPage, CarryOverDecision, FrameworkItem, FrameworkItemSuccession, FrameworkYear, Recurrence
from .models.frameworks import KEY_SEPARATOR

ACTION_ROLLED_OVER = "repository.framework_rolled_over"
ACTION_CONFIRMED = "repository.carry_over_confirmed"
ACTION_DECLINED = "repository.carry_over_declined"
ACTION_WITHDRAWN = "repository.carry_over_withdrawn"
CONFIRMED, DECLINED = "confirmed", "declined"
ITEM_FIELDS = ("code", "name_th", "name_en", "group", "recurrence", "guidance")


class RollOverError(ValueError):
    """``errors`` = ``{field: [Thai messages]}``; ``"items"`` and ``"mapping"`` rows are ``"items-<n>"``,
    ``"mapping-<old code>"``."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class NotAllowed(PermissionError):
    pass


@dataclasses.dataclass
class RollOver:
    framework: FrameworkYear
    items: list
    successions: list


def proposed_items(source):
    """The new year's items as a first draft: copies of ``source``'s, in its order."""
    return [{field: getattr(item, field) for field in ITEM_FIELDS}
            for item in source.items.all().order_by("sort_order", "pk")]


def identity_mapping(source):
    """Each old code to the same code (the draft the administrator edits)."""
    return {code: [code] for code in source.items.order_by("sort_order", "pk").values_list("code", flat=True)}


def parse_codes(text):
    """``"O12, O13"`` → ``["O12", "O13"]`` (upper case, each once)."""
    return list(dict.fromkeys(part.strip().upper() for part in str(text or "").replace(" ", ",").split(",")
                              if part.strip()))


def check(source, year, name, items, mapping):
    """Every error of a roll-over request, as ``{field: [messages]}`` (empty when it may be made)."""
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not isinstance(year, int) or not 2500 <= year <= 2700:
        add("year", "ปีการประเมินต้องเป็นปี พ.ศ. เช่น 2570")
    elif FrameworkYear.objects.filter(year=year).exists():
        add("year", f"มีกรอบการประเมินปี {year} อยู่แล้ว")
    elif source is not None and year <= source.year:
        add("year", f"ปีใหม่ต้องอยู่หลังปี {source.year} ที่ยกมา")
    if not str(name or "").strip():
        add("name", "กรุณาตั้งชื่อกรอบการประเมิน")
    if not items:
        add("items", "ปีใหม่ต้องมีรายการอย่างน้อยหนึ่งรายการ")
    codes = {}
    for number, item in enumerate(items):
        code = str(item.get("code") or "").strip().upper()
        field = f"items-{number}"
        if not code:
            add(field, "กรุณาใส่รหัสรายการ")
        elif len(code) > 8 or any(c.isspace() or c in "," + KEY_SEPARATOR for c in code):
            add(field, f"รหัส {code[:20]} ใช้ไม่ได้ (ไม่เกิน 8 ตัวอักษร ไม่มีช่องว่าง จุลภาค หรือทวิภาค)")
        elif code in codes:
            add(field, f"รหัส {code} ซ้ำกับรายการที่ {codes[code] + 1}")
        else:
            codes[code] = number
        if not str(item.get("name_th") or "").strip():
            add(field, "กรุณาใส่ชื่อรายการ (ไทย)")
        if item.get("recurrence") not in Recurrence.values:
            add(field, "ความถี่ไม่ถูกต้อง")
    old_codes = set(source.items.values_list("code", flat=True)) if source is not None else set()
    for old, new_codes in mapping.items():
        if old not in old_codes:
            add(f"mapping-{old}", f"ไม่มีรายการ {old} ในปี {source.year if source else ''}")
        for new in new_codes:
            if new not in codes:
                add(f"mapping-{old}", f"รายการ {old} เทียบไปยัง {new} ซึ่งไม่มีในรายการของปีใหม่")
    return errors


def roll_over(source, year, name, items, mapping, user):
    """Create framework year ``year`` from ``source``: its ``items`` (dicts of ``ITEM_FIELDS``) and the
    successions of ``mapping`` (``{old code: [new codes]}``; an old code left out or mapped to nothing
    carries nothing over). Administrators only; all or nothing."""
    if not is_administrator(user):
        raise NotAllowed("ผู้ดูแลระบบเท่านั้นที่เริ่มปีการประเมินใหม่ได้")
    items = [{**item, "code": str(item.get("code") or "").strip().upper()} for item in items]
    mapping = {str(old).strip().upper(): [str(c).strip().upper() for c in new] for old, new in mapping.items()}
    errors = check(source, year, name, items, mapping)
    if errors:
        raise RollOverError(errors)
    try:
        with transaction.atomic():
            framework = FrameworkYear.objects.create(
                year=year, name=name.strip(),
                source_note=f"ยกมาจาก {source.name} โดย {user.get_username()}; รหัสและชื่อรายการแก้โดยผู้ดูแลระบบ "
                            "ตรวจกับคู่มือการประเมินของ ป.ป.ช. ปีนั้น",
            )
            created = {}
            for order, item in enumerate(items):
                created[item["code"]] = FrameworkItem.objects.create(
                    framework=framework, sort_order=order,
                    **{field: (item.get(field) or "") for field in ITEM_FIELDS if field != "recurrence"},
                    recurrence=item["recurrence"],
                )
            old = {item.code: item for item in source.items.all()}
            successions = [
                FrameworkItemSuccession.objects.create(previous=old[old_code], successor=created[new_code])
                for old_code, new_codes in mapping.items() for new_code in new_codes
            ]
            log(instance=framework, action=ACTION_ROLLED_OVER, user=user, data={
                "from_year": source.year, "year": year,
                "mapping": {old_code: new_codes for old_code, new_codes in mapping.items()},
            })
    except IntegrityError:  # the same year made at the same moment by someone else
        raise RollOverError({"year": [f"มีกรอบการประเมินปี {year} อยู่แล้ว"]}) from None
    return RollOver(framework, list(created.values()), successions)


# --- agencies' decisions ---------------------------------------------------------


def may_decide(user, agency):
    """Holders of the agency's approver role (ผู้อนุมัติรับรอง) decide what its pages answer."""
    page = AgencyPage.objects.filter(agency=agency).first()
    return page is not None and user_has_role(user, APPROVER, page)


def state(decision):
    """``"confirmed"`` or ``"declined"`` (the sheet's ``decision`` values; no row is ``"proposed"``)."""
    return CONFIRMED if decision.confirmed else DECLINED


def _record(decision, action, user, **data):
    """The decision's Wagtail log entry (the audit trail seals it with the row as it is now)."""
    succession = decision.succession
    log(instance=decision, action=action, user=user, data={
        "agency": decision.agency.code, "from": succession.previous.key, "to": succession.successor.key, **data,
    })


def decide(succession, agency, user, confirmed):
    """Record ``agency``'s decision on ``succession``; refuses anyone but its approvers and a second decision."""
    if not may_decide(user, agency):
        raise NotAllowed("ผู้อนุมัติรับรองของหน่วยงานเท่านั้นที่ยืนยันรายการที่ยกมาได้")
    try:
        with transaction.atomic():
            decision = CarryOverDecision.objects.create(succession=succession, agency=agency,
                                                        confirmed=bool(confirmed), decided_by=user)
            _record(decision, ACTION_CONFIRMED if confirmed else ACTION_DECLINED, user)
            return decision
    except IntegrityError:
        raise RollOverError({"decision": ["หน่วยงานตัดสินเรื่องนี้ไปแล้ว"]}) from None


def change(succession, agency, user, confirmed, was):
    """Change ``agency``'s decision on ``succession`` from ``was`` (``"confirmed"``/``"declined"``, what the
    person saw) to confirmed or declined (``confirmed`` True/False: the same row, decided again by ``user``,
    logged as a confirmation or a decline naming ``changed_from``), or back to undecided (``None``: logged
    as ``ACTION_WITHDRAWN`` naming what ``was``, then the row is deleted and the proposal is open again).
    The agency's approvers only, like deciding; refused, changing nothing, when the decision is no longer
    ``was`` (someone changed it meanwhile) or already is what is asked."""
    if not may_decide(user, agency):
        raise NotAllowed("ผู้อนุมัติรับรองของหน่วยงานเท่านั้นที่เปลี่ยนการตัดสินรายการที่ยกมาได้")
    with transaction.atomic():
        decision = (CarryOverDecision.objects.select_for_update(of=("self",))
                    .filter(succession=succession, agency=agency).select_related("agency").first())
        if decision is None or state(decision) != was:
            raise RollOverError({"decision": ["การตัดสินเรื่องนี้เปลี่ยนไปแล้ว โปรดดูหน้านี้อีกครั้ง"]})
        if confirmed is None:
            _record(decision, ACTION_WITHDRAWN, user, was=was)
            decision.delete()
            return None
        if bool(confirmed) == decision.confirmed:
            raise RollOverError({"decision": ["หน่วยงานตัดสินเช่นนี้อยู่แล้ว"]})
        decision.confirmed, decision.decided_by, decision.decided_at = bool(confirmed), user, timezone.now()
        decision.save(update_fields=["confirmed", "decided_by", "decided_at"])
        _record(decision, ACTION_CONFIRMED if confirmed else ACTION_DECLINED, user, changed_from=was)
        return decision


def decisions_for(agency, framework):
    """``{succession_id: CarryOverDecision}`` of ``agency`` for the items of ``framework``."""
    return {d.succession_id: d for d in CarryOverDecision.objects.filter(
        agency=agency, succession__successor__framework=framework).select_related("decided_by")}


__all__ = ["NotAllowed", "RollOver", "RollOverError", "change", "check", "decide", "decisions_for",
           "identity_mapping", "may_decide", "parse_codes", "proposed_items", "roll_over", "state"]
