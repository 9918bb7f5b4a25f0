"""Reading object states out of reversion versions, without the application's models.

A version's ``serialized_data`` is Django's JSON serialisation of one row. A
page is several rows (``wagtailcore.page`` → ``repository.disclosurepage`` →
the specific type) plus child rows (attachments, procurement rows, tags);
``assemble_state`` merges them back into one dict the way the registration
follows them. Working on the JSON directly keeps this fast and lets deleted
objects, and models that no longer exist, be read all the same.
"""

import json
from functools import lru_cache

import reversion
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from reversion.models import Version


def parse(serialized_data):
    row = json.loads(serialized_data)[0]
    return row["model"], str(row["pk"]), row["fields"]


def load_revisions(revision_ids, model_labels=None):
    """{revision_id: {(model_label, object_id): fields}} for the given revisions, in one query per chunk.

    ``model_labels`` limits which rows are read (e.g. only ``wagtailcore.page``).
    """
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    wanted = None
    if model_labels is not None:
        wanted = {pk for pk, label in labels.items() if label in model_labels}
    out = {}
    revision_ids = list(revision_ids)
    table = Version._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(revision_ids), 900):
            chunk = revision_ids[start:start + 900]
            sql = (f"SELECT revision_id, content_type_id, object_id, serialized_data FROM {table} "
                   f"WHERE revision_id IN ({', '.join(['%s'] * len(chunk))})")
            cursor.execute(sql, chunk)
            for revision_id, content_type_id, object_id, data in cursor.fetchall():
                # Filtered here rather than in SQL, which would steer SQLite off the revision_id index.
                if wanted is not None and content_type_id not in wanted:
                    continue
                out.setdefault(revision_id, {})[(labels.get(content_type_id), object_id)] = \
                    json.loads(data)[0]["fields"]
    return out


def _options(model):
    try:
        return reversion.revisions._get_options(model)
    except reversion.RegistrationError:
        return None


@lru_cache(maxsize=256)
def _plan(model_label):
    """How to assemble a model's state: [(kind, name, related_label, remote_name)], or None if unknown."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return None
    options = _options(model)
    plan = []
    for name in (options.follow if options else ()):
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        related_label = field.related_model._meta.label_lower
        if isinstance(field, models.OneToOneField) and field.remote_field.parent_link:
            plan.append(("parent", name, related_label, None))
        elif field.one_to_many or (field.one_to_one and not field.concrete):
            plan.append(("children", name, related_label, field.field.name))
        elif field.many_to_one or field.one_to_one:
            plan.append(("target", name, related_label, None))
    return tuple(plan)


def assemble_state(model_label, object_id, rows, _seen=None, _by_label=None):
    """One object's state: its own row, merged with its parent rows, with followed child rows nested.

    ``rows`` is {(model_label, object_id): fields} for one revision.
    """
    object_id = str(object_id)
    fields = rows.get((model_label, object_id))
    if fields is None:
        return None
    seen = _seen or set()
    seen.add((model_label, object_id))
    state = {"id": _coerce_pk(object_id), **fields}
    for kind, name, related_label, remote_name in _plan(model_label) or ():
        if kind == "parent":
            parent = assemble_state(related_label, fields.get(name, object_id), rows, seen, _by_label)
            if parent:
                parent.update(state)
                state = parent
        elif kind == "children":
            if _by_label is None:
                _by_label = {}
                for label, pk in rows:
                    _by_label.setdefault(label, []).append(pk)
            children = [
                assemble_state(related_label, pk, rows, seen, _by_label)
                for pk in _by_label.get(related_label, ())
                if str(rows[(related_label, pk)].get(remote_name)) == object_id and (related_label, pk) not in seen
            ]
            children.sort(key=lambda c: (c.get("sort_order") if c.get("sort_order") is not None else 0, c["id"]))
            state[name] = children
        else:
            target = assemble_state(related_label, fields.get(name), rows, seen, _by_label)
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
