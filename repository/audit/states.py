"""Reading object states out of reversion versions, without the application's models.

A version's ``serialized_data`` is Django's JSON serialisation of one row. A
page is several rows (``wagtailcore.page`` → ``repository.disclosurepage`` →
the specific type) plus child rows (attachments, procurement rows, tags);
``assemble_state`` merges them back into one dict the way the registration
follows them. Working on the JSON directly keeps this fast and lets deleted
objects, and models that no longer exist, be read all the same.
"""

import json

import reversion
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from reversion.models import Version


def parse(serialized_data):
    row = json.loads(serialized_data)[0]
    return row["model"], str(row["pk"]), row["fields"]


def load_revisions(revision_ids):
    """{revision_id: {(model_label, object_id): fields}} for the given revisions, in one query per chunk."""
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    out = {}
    revision_ids = list(revision_ids)
    for start in range(0, len(revision_ids), 900):
        chunk = revision_ids[start:start + 900]
        rows = Version.objects.filter(revision_id__in=chunk).values_list(
            "revision_id", "content_type_id", "object_id", "serialized_data")
        for revision_id, content_type_id, object_id, data in rows:
            out.setdefault(revision_id, {})[(labels.get(content_type_id), object_id)] = json.loads(data)[0]["fields"]
    return out


def _options(model):
    try:
        return reversion.revisions._get_options(model)
    except reversion.RegistrationError:
        return None


def assemble_state(model_label, object_id, rows, _seen=None):
    """One object's state: its own row, merged with its parent rows, with followed child rows nested.

    ``rows`` is {(model_label, object_id): fields} for one revision.
    """
    fields = rows.get((model_label, str(object_id)))
    if fields is None:
        return None
    seen = _seen or set()
    seen.add((model_label, str(object_id)))
    state = {"id": _coerce_pk(object_id), **fields}
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return state
    options = _options(model)
    follow = options.follow if options else ()
    for name in follow:
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        related = field.related_model
        related_label = related._meta.label_lower
        if isinstance(field, models.OneToOneField) and field.remote_field.parent_link:
            parent_id = fields.get(name, object_id)
            parent = assemble_state(related_label, parent_id, rows, seen)
            if parent:
                merged = dict(parent)
                merged.update(state)
                state = merged
        elif field.one_to_many or (field.one_to_one and not field.concrete):
            remote_name = field.field.name
            children = [
                assemble_state(label, pk, rows, seen)
                for (label, pk), child in rows.items()
                if label == related_label and str(child.get(remote_name)) == str(object_id) and (label, pk) not in seen
            ]
            children.sort(key=lambda c: (c.get("sort_order") if c.get("sort_order") is not None else 0, c["id"]))
            state[name] = children
        elif field.many_to_one or field.one_to_one:
            target = assemble_state(related_label, fields.get(name), rows, seen)
            if target is not None:
                state[f"{name}__state"] = target
    return state


def _coerce_pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def version_rows(version_id):
    version = Version.objects.values("revision_id", "content_type_id", "object_id").get(pk=version_id)
    content_type = ContentType.objects.get_for_id(version["content_type_id"])
    label = f"{content_type.app_label}.{content_type.model}"
    rows = load_revisions([version["revision_id"]]).get(version["revision_id"], {})
    return label, version["object_id"], rows
