"""Operations on history, in the style of ``wagtail/actions/``: one class per
operation with ``check()`` and ``execute()``, so admin views, the API and
management commands behave alike. Each logs a Wagtail action
(``audit.restore``, ``audit.revert``), which the recorder turns into a sealed
audit revision like any other.

* ``RestoreDeletedPageAction`` / ``restore_deleted_page(page_id, user, parent=None)``:
  re-create a deleted page, with its child rows and OIT items, at its old
  parent (or ``parent``), under its old id, as a draft.
* ``RevertToVersionAction`` / ``revert_to_version(version_id, user, publish=False)``:
  bring an existing object back to a recorded version (pages as a new draft
  revision, published only if asked).
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from wagtail.log_actions import log
from wagtail.models import Page

from repository.accounts.administrators import is_administrator
from repository.approvals.actions import OverridePublishAction
from repository.approvals.gate import is_governed

from .models import AuditRecord
from .replay import version_state
from .states import version_rows

# Page fields that belong to the page's place and publication, not its content.
PAGE_STATE_FIELDS = frozenset({
    "id", "path", "depth", "numchild", "url_path", "live", "has_unpublished_changes", "live_revision",
    "latest_revision", "latest_revision_created_at", "locked", "locked_at", "locked_by", "content_type",
    "first_published_at", "last_published_at", "draft_title", "alias_of", "translation_key", "locale",
})


class AuditActionError(ValidationError):
    pass


def _set_fields(instance, state, skip=()):
    """Set concrete fields (not parent links) from a serialised state."""
    for field in instance._meta.concrete_fields:
        if field.name in skip or field.name not in state:
            continue
        if isinstance(field, models.OneToOneField) and field.remote_field.parent_link:
            continue
        value = state[field.name]
        if field.is_relation:
            setattr(instance, field.attname, value)
        else:
            setattr(instance, field.attname, field.to_python(value))


def _relations(model, state):
    """(name, field) for list-valued state keys that are reverse one-to-many relations of ``model``."""
    for name, value in state.items():
        if not isinstance(value, list):
            continue
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        if field.one_to_many:
            yield name, field


def _build_children(model, state, parent_pk):
    children = {}
    for name, field in _relations(model, state):
        rows = []
        for row in state[name]:
            child = field.related_model()
            _set_fields(child, row)
            child.pk = row["id"]
            setattr(child, field.field.attname, parent_pk)
            rows.append((child, row))
        children[name] = rows
    return children


def _m2m(model, state):
    return {f.name: state[f.name] for f in model._meta.many_to_many if f.name in state}


class RestoreDeletedPageAction:
    action_name = "audit.restore"

    def __init__(self, page_id, user, parent=None):
        self.page_id = int(page_id)
        self.user = user
        self.parent = parent

    def _deletion(self):
        return (AuditRecord.objects.filter(page_id=self.page_id).order_by("-sequence")
                .values("action", "version_id", "object_model", "extra").first())

    def check(self):
        if not is_administrator(self.user):
            raise PermissionDenied("Only an administrator may restore a deleted page.")
        if Page.objects.filter(pk=self.page_id).exists():
            raise AuditActionError(f"Page {self.page_id} exists; it is not deleted.")
        last = self._deletion()
        if last is None:
            raise AuditActionError(f"The audit trail has no page {self.page_id}.")
        if last["action"] != "wagtail.delete" or last["version_id"] is None:
            raise AuditActionError(f"Page {self.page_id}'s last audit entry is {last['action']}, not a deletion.")
        parent = self.parent or Page.objects.filter(pk=(last["extra"] or {}).get("parent_id")).first()
        if parent is None:
            raise AuditActionError("The page's old parent no longer exists; choose a parent to restore it under.")
        model = apps.get_model(last["object_model"])
        if parent.specific_class not in model.allowed_parent_page_models():
            raise AuditActionError(f"A {model._meta.verbose_name} cannot be placed under {parent.specific_class.__name__}.")
        return last, parent.specific, model

    def execute(self):
        last, parent, model = self.check()
        state = version_state(last["version_id"])
        with transaction.atomic():
            page = model()
            _set_fields(page, state, skip=PAGE_STATE_FIELDS)
            for field in model._meta.concrete_fields:
                if isinstance(field, models.OneToOneField) and field.remote_field.parent_link:
                    setattr(page, field.attname, self.page_id)
            page.id = self.page_id
            if not Page._slug_is_available(page.slug, parent, page):
                raise AuditActionError(f"The slug '{page.slug}' is taken under {parent.title}; rename that page first.")
            locked_parent = Page.objects.select_for_update().get(pk=parent.pk)
            page.depth = locked_parent.depth + 1
            last_child = locked_parent.get_last_child()
            page.path = last_child._inc_path() if last_child else Page._get_path(locked_parent.path, page.depth, 1)
            page.set_url_path(locked_parent)
            page.live = False
            page.has_unpublished_changes = True
            page.draft_title = page.title
            page.first_published_at = state.get("first_published_at") and Page._meta.get_field(
                "first_published_at").to_python(state["first_published_at"])
            # Insert the rows as they were, bypassing Page.save()'s "is this new?" guess (the id is not new).
            models.Model.save_base(page, force_insert=True)
            Page.objects.filter(pk=locked_parent.pk).update(numchild=F("numchild") + 1)
            for _name, rows in _build_children(model, state, self.page_id).items():
                for child, row in rows:
                    tag_state = row.get("tag__state")
                    if tag_state is not None:
                        tag_model = child._meta.get_field("tag").related_model
                        tag_model.objects.get_or_create(pk=tag_state["id"], defaults={
                            k: v for k, v in tag_state.items() if k != "id"})
                    models.Model.save_base(child, force_insert=True)
            for name, ids in _m2m(model, state).items():
                field = model._meta.get_field(name)
                through = field.remote_field.through
                through.objects.bulk_create([
                    through(**{f"{field.m2m_field_name()}_id": self.page_id, f"{field.m2m_reverse_field_name()}_id": pk})
                    for pk in field.related_model.objects.filter(pk__in=ids).values_list("pk", flat=True)
                ])
            page = Page.objects.get(pk=self.page_id).specific
            page.save_revision(user=self.user, log_action=False, clean=False)
            log(page, "audit.restore", user=self.user,
                data={"version_id": last["version_id"], "parent_id": parent.pk})
        return page


class RevertToVersionAction:
    action_name = "audit.revert"

    def __init__(self, version_id, user, publish=False, reason=""):
        self.version_id = int(version_id)
        self.user = user
        self.publish = publish
        self.reason = (reason or "").strip()

    def check(self):
        if not is_administrator(self.user):
            raise PermissionDenied("Only an administrator may revert to an audit version.")
        label, object_id, _rows = version_rows(self.version_id)
        model = apps.get_model(label)
        instance = model._base_manager.filter(pk=object_id).first()
        if instance is None:
            raise AuditActionError(f"{model._meta.verbose_name} {object_id} no longer exists; restore it instead.")
        return model, instance

    def execute(self):
        model, instance = self.check()
        state = version_state(self.version_id)
        with transaction.atomic():
            if isinstance(instance, Page):
                page = instance.specific
                _set_fields(page, state, skip=PAGE_STATE_FIELDS)
                self._apply_relations(page, model, state)
                revision = page.save_revision(user=self.user, log_action=False, clean=True)
                log(page, "audit.revert", user=self.user, revision=revision, data={"version_id": self.version_id})
                if self.publish:
                    # Through the publication gate: a reverted disclosure goes live only by the
                    # administrator's recorded override, with the reason on its approval form.
                    if is_governed(page):
                        OverridePublishAction(page, self.user, self.reason).execute()
                    else:
                        revision.publish(user=self.user)
                return page
            _set_fields(instance, state, skip={"id"})
            self._apply_relations(instance, model, state)
            instance.full_clean()
            instance.save()
            log(instance, "audit.revert", user=self.user, data={"version_id": self.version_id})
            return instance

    def _apply_relations(self, instance, model, state):
        for name, rows in _build_children(model, state, instance.pk).items():
            setattr(instance, name, [child for child, _row in rows])
        for name, ids in _m2m(model, state).items():
            getattr(instance, name).set(model._meta.get_field(name).related_model.objects.filter(pk__in=ids))


def restore_deleted_page(page_id, user, parent=None):
    return RestoreDeletedPageAction(page_id, user, parent=parent).execute()


def revert_to_version(version_id, user, publish=False, reason=""):
    return RevertToVersionAction(version_id, user, publish=publish, reason=reason).execute()
