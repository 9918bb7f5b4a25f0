"""Turning Wagtail's log into sealed reversion revisions.

Every Wagtail log entry (``PageLogEntry`` / ``ModelLogEntry``) about a
versioned object produces one reversion revision holding the object's actual
state at that moment, with the entry's user, time, action and comment, and one
sealed ``AuditRecord``. Admin edits, API calls and management commands all log
through Wagtail's actions, so the reversion history agrees with Wagtail's log
by construction.

Revisions that other code opens with ``reversion.create_revision()`` are
sealed too (``seal_unsealed_revision``), with the action ``reversion.revision``.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Length, Substr
from reversion import revisions as reversion_revisions
from wagtail.models import Page

from repository.models import Agency, AgencyPage, DisclosurePage

from .chain import seal_pending
from .models import AuditRecord

ACTION_DELETE = "wagtail.delete"
# True while record_action saves its own revision: that revision gets its record through add_meta,
# so seal_unsealed_revision need not look for one.
_sealing_own = ContextVar("audit_sealing_own_revision", default=False)


def json_safe(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def user_display_name(user):
    """Who acted, as shown to auditors: full name, else username; never the e-mail address."""
    if user is None:
        return ""
    full_name = getattr(user, "full_name", "") or (user.get_full_name() if hasattr(user, "get_full_name") else "")
    return (full_name or getattr(user, "username", "") or f"user {user.pk}").strip()


def describe(obj, action):
    """Denormalised facts about the object, for filtering and point-in-time reads."""
    facts = {
        "object_model": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:2000],
        "page_id": None,
        "live": None,
        "agency_id": None,
        "agency_code": "",
        "item_codes": "",
    }
    agency = None
    if isinstance(obj, Page):
        facts["page_id"] = obj.pk
        facts["live"] = bool(obj.live) and action != ACTION_DELETE
        if isinstance(obj, DisclosurePage):
            agency = obj.agency
            codes = sorted({item.code for item in obj.items.all()})
            facts["item_codes"] = f" {' '.join(codes)} " if codes else ""
        elif isinstance(obj, AgencyPage):
            agency = obj.agency
    elif isinstance(obj, Agency):
        agency = obj
    elif isinstance(getattr(obj, "agency", None), Agency):  # e.g. approvals.ApprovalForm
        agency = obj.agency
    if agency is not None:
        facts["agency_id"], facts["agency_code"] = agency.pk, agency.code
    return facts


@contextmanager
def _own_revision():
    """Run a revision of our own even inside someone else's ``create_revision()``.

    reversion nests revisions into the outermost one; an audit entry is one
    action, so the stack is set aside (reversion keeps it in a ContextVar) and
    restored afterwards. The outer revision still saves, and gets sealed too.
    """
    token = reversion_revisions._stack.set([])
    try:
        yield
    finally:
        reversion_revisions._stack.reset(token)


def record_action(obj, action, *, user=None, comment="", at=None, log_entry=None, extra=None, return_record=True,
                  page_facts=None):
    """Record ``obj``'s current state as one sealed audit revision; return the AuditRecord
    (read back only when ``return_record``; the signal receivers below do not need it).

    ``page_facts`` (for a page): its parent's id and whether it has view restrictions, when the caller
    read them with the page itself (``read_page_as_stored``); otherwise they are read here.

    Call inside the operation's transaction: if it rolls back, the revision and
    its seal roll back with it.
    """
    if not reversion.is_registered(obj.__class__):
        raise ValueError(f"{obj._meta.label} is not registered with django-reversion")
    user = user if getattr(user, "pk", None) else None
    extra = dict(extra or {})
    if isinstance(obj, Page) and obj.depth and obj.depth > 1:
        # Where the page sat, so that a deleted page can be restored to its old parent.
        extra["parent_id"] = page_facts["parent_id"] if page_facts else (
            Page.objects.filter(path=obj.path[: -Page.steplen]).values_list("pk", flat=True).first())
    if isinstance(obj, Page):
        # The page's own view restrictions after the action (its descendants inherit them): as-of reads
        # must not call a page public while it, or a page above it, was private.
        extra["view_restrictions"] = view_restrictions_after(
            obj, action, (log_entry.data or {}) if log_entry else {},
            restricted=page_facts["restricted"] if page_facts else None)
    meta = describe(obj, action)
    meta.update(
        action=action,
        user_id_snapshot=user.pk if user else None,
        user_name=user_display_name(user),
        log_model=log_entry._meta.label_lower if log_entry is not None else "",
        log_entry_id=log_entry.pk if log_entry is not None else None,
        extra=json_safe(extra),
    )
    token = _sealing_own.set(True)
    try:
        with _own_revision(), transaction.atomic():
            with reversion.create_revision(atomic=False):  # inside the block above: one savepoint, not two
                reversion.set_user(user)
                reversion.set_comment(comment or "")
                if at is not None:
                    reversion.set_date_created(at)
                reversion.add_to_revision(obj)
                reversion.add_meta(AuditRecord, **meta)
            if not return_record:
                return None
            seal_pending()  # inside chain.sealing_in_bulk, this one too
            # Still inside the transaction that holds the chain lock: the head is ours.
            return AuditRecord.objects.order_by("-sequence").first()
    finally:
        _sealing_own.reset(token)


RESTRICTION_ACTIONS = ("wagtail.view_restriction.create", "wagtail.view_restriction.edit",
                       "wagtail.view_restriction.delete")


def view_restrictions_after(page, action, data, restricted=None):
    """The restriction types (e.g. ["password"]) on the page itself once ``action`` is done, sorted.

    Wagtail logs ``wagtail.view_restriction.delete`` before it deletes the row, so that one is left out;
    a deleted page's restrictions go with it. ``restricted=False``: the caller has just read that the page
    has none.
    """
    from wagtail.models import PageViewRestriction

    if action == ACTION_DELETE or restricted is False:
        return []
    types = sorted(PageViewRestriction.objects.filter(page_id=page.pk).values_list("restriction_type", flat=True))
    if action == "wagtail.view_restriction.delete":
        removed = (data.get("restriction") or {}).get("type")
        if removed in types:
            types.remove(removed)
        elif types:
            types.pop()
    return types


def read_page_as_stored(model, page_id):
    """``(page, page_facts)``: the page as stored, read as ``model`` with its agency, and in the same query
    the facts ``record_action`` needs about its place (parent id, whether it has view restrictions);
    ``(None, None)`` if it is gone. A page that is not of ``model`` itself is read again as its specific
    class, and its facts are then left to ``record_action``."""
    from wagtail.models import PageViewRestriction

    # No ORDER BY in either query (a primary key, a unique path): compiling it cost a fifth of the read.
    queryset = model._base_manager.filter(pk=page_id).order_by().annotate(
        audit_parent_id=Subquery(
            Page._base_manager.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen))
            .order_by().values("pk")[:1]),
        audit_restricted=Exists(PageViewRestriction.objects.filter(page_id=OuterRef("pk"))),
    )
    if issubclass(model, DisclosurePage | AgencyPage):
        queryset = queryset.select_related("agency")
    page = next(iter(queryset[:1]), None)
    if page is None:
        return None, None
    facts = {"parent_id": page.__dict__.pop("audit_parent_id"), "restricted": page.__dict__.pop("audit_restricted")}
    if page.specific_class is not type(page):
        return page.specific, None
    return page, facts


def _log_entry_object(log_entry):
    """``(object, page_facts)`` the entry is about, as stored now; ``(None, None)`` if there is none to version."""
    from wagtail.models import PageLogEntry

    if isinstance(log_entry, PageLogEntry):
        # Read as the class the entry names (Wagtail logs the specific page, so one query); the row's own
        # content type decides: a page logged as a more general class is read again as its specific one.
        content_type = ContentType.objects.get_for_id(log_entry.content_type_id) if log_entry.content_type_id else None
        model = content_type.model_class() if content_type is not None else None
        if model is None or not issubclass(model, Page):
            model = Page
        return read_page_as_stored(model, log_entry.page_id)
    content_type = log_entry.content_type
    model = content_type.model_class() if content_type is not None else None
    if model is None or not reversion.is_registered(model):
        return None, None
    return model._base_manager.filter(pk=log_entry.object_id).first(), None


def _log_entry_comment(log_entry):
    data = log_entry.data or {}
    for key in ("comment", "reason"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    try:
        return str(log_entry.comment or "")
    except Exception:  # a formatter for an action from an app no longer installed
        return ""


def _log_entry_extra(log_entry, obj):
    extra = {
        "log": {
            "uuid": str(log_entry.uuid) if log_entry.uuid else None,
            "label": log_entry.label,
            "data": log_entry.data or {},
            "content_changed": log_entry.content_changed,
            "deleted": log_entry.deleted,
            "wagtail_revision_id": log_entry.revision_id,
        }
    }
    # A draft that is not (yet) live: keep what it said, since the page row holds the live content.
    if isinstance(obj, Page) and log_entry.revision_id and log_entry.revision_id != obj.live_revision_id:
        revision = log_entry.revision
        if revision is not None:
            extra["draft"] = revision.content
    return extra


def on_log_entry_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of PageLogEntry / ModelLogEntry → one sealed audit revision."""
    if not created or raw:
        return
    obj, page_facts = _log_entry_object(instance)
    if obj is None or not reversion.is_registered(obj.__class__):
        return
    record_action(
        obj,
        instance.action,
        user=instance.user if instance.user_id else None,
        comment=_log_entry_comment(instance),
        at=instance.timestamp,
        log_entry=instance,
        extra=_log_entry_extra(instance, obj),
        return_record=False,
        page_facts=page_facts,
    )


def seal_unsealed_revision(sender, revision, versions, **kwargs):
    """reversion's post_revision_commit: seal revisions opened by other code."""
    if not versions or _sealing_own.get() or AuditRecord.objects.filter(revision_id=revision.pk).exists():
        return
    first = versions[0]
    obj = first.object
    facts = describe(obj, "reversion.revision") if obj is not None else {
        "object_model": first._model._meta.label_lower, "object_id": first.object_id, "object_repr": first.object_repr,
        "page_id": None, "live": None, "agency_id": None, "agency_code": "", "item_codes": "",
    }
    user = revision.user
    AuditRecord(
        revision=revision,
        action="reversion.revision",
        user_id_snapshot=user.pk if user else None,
        user_name=user_display_name(user),
        extra={},
        **facts,
    ).save(using=revision._state.db)


def on_group_permission_changed(sender, instance, **kwargs):
    """Page and collection permission rows change after Wagtail has logged the group edit
    (its permission panels save last), so each change is logged on the group itself:
    a Wagtail log entry ``audit.group_permissions``, which the receiver above seals."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import post_delete
    from wagtail.log_actions import get_active_log_context, log

    group = Group.objects.filter(pk=instance.group_id).first()
    if group is None:
        return
    removed = kwargs.get("signal") is post_delete
    target = getattr(instance, "page", None) or getattr(instance, "collection", None)
    permission = instance.permission.codename if instance.permission_id else ""
    log(group, "audit.group_permissions", user=get_active_log_context().user, data={
        "change": "removed" if removed else "granted", "permission": permission,
        "target_model": target._meta.label_lower if target is not None else "",
        "target_id": target.pk if target is not None else None, "target": str(target) if target is not None else "",
        "reason": f"{'removed' if removed else 'granted'} {permission} on {target}",
    })


def on_approval_form_saved(sender, instance, created, raw=False, **kwargs):
    """An approval form record (ITA evidence) is written once, when its page is published:
    it gets its own sealed audit entry, ``approvals.form``, by the publisher."""
    if not created or raw:
        return
    record_action(
        instance,
        "approvals.form",
        user=getattr(instance, "publisher", None),
        comment=getattr(instance, "override_reason", "") or "",
        extra={"page_id": getattr(instance, "page_id", None), "kind": getattr(instance, "kind", "")},
        return_record=False,
    )
