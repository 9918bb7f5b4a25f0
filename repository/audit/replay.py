"""Replaying the audit trail: timelines, past states, what the public saw.

Public functions (called by the API and the admin views):

* ``object_timeline(obj_or_model, pk=None)`` — every audit event of one object.
* ``version_state(version_id)`` — the object's fields at that version, with child rows.
* ``entry_state(version_id)`` — what an auditor reads at a version: the draft the entry kept, if any.
* ``state_as_of(model, pk, moment)`` — the object's state at a moment (None if it did not exist).
* ``live_pages_as_of(moment, agency=None)`` — the pages publicly live at a moment, with their content.
* ``restricted_paths_as_of(moment)`` — the pages that were privately restricted then (with what is below them).
* ``moves_as_of(moment)`` and ``follow_moves(...)`` — where pages below a moved page were, after the move.
* ``published_versions(page)`` — the versions of a page that were published.
* ``iter_events(since=None, until=None, agency=None)`` — all events in chain order (``audit replay``).
"""

import datetime
import re
from dataclasses import dataclass

from django.apps import apps
from django.db.models import BooleanField, ExpressionWrapper, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page

from repository.models import DISCLOSURE_PAGE_MODELS, Agency

from . import labels, tree
from .canonical import canonical_time
from .models import PUBLICATION_ACTIONS, AuditRecord
from .recording import RESTRICTION_ACTIONS
from .states import assemble_state, load_revisions, version_rows

EVENT_FIELDS = ("sequence", "at", "user_name", "action", "revision__comment", "version_id", "object_model",
                "object_id", "object_repr", "page_id", "live", "agency_code", "item_codes", "seal", "revision_id")
# Computed beside EVENT_FIELDS: the workflow task an entry recorded, and whether it kept a draft.
EVENT_EXPRESSIONS = {"task_id": labels.TASK_ID,
                     "has_draft": ExpressionWrapper(Q(extra__has_key="draft"), output_field=BooleanField())}


def event_rows(records):
    """``records`` (a queryset) as rows for ``_event``."""
    return records.values(*EVENT_FIELDS, **EVENT_EXPRESSIONS)


def _event(row, steps):
    """One event; ``steps`` is ``labels.step_tasks()``. ``action`` is the act an auditor sees
    (``labels.act``), ``logged_action`` the action Wagtail logged and the seal covers."""
    action = labels.act(row["action"], row["task_id"], steps)
    return {
        "sequence": row["sequence"],
        "time": row["at"],
        "user": row["user_name"],
        "action": action,
        "action_label": labels.action_label(action),
        "logged_action": row["action"],
        "comment": row["revision__comment"],
        "version_id": row["version_id"],
        "revision_id": row["revision_id"],
        "is_publication": row["action"] in PUBLICATION_ACTIONS,
        "draft": bool(row["has_draft"]),
        "live": row["live"],
        "object": {"model": row["object_model"], "id": row["object_id"], "repr": row["object_repr"]},
        "page_id": row["page_id"],
        "agency": row["agency_code"],
        "item_codes": row["item_codes"].split(),
        "seal": row["seal"],
    }


def event_as_json(event):
    """An event with its time as canonical UTC text (for NDJSON and the API)."""
    return {**event, "time": canonical_time(event["time"])}


def _model_and_pk(obj_or_model, pk):
    if pk is None:
        obj = obj_or_model
        return type(obj), obj.pk
    model = apps.get_model(obj_or_model) if isinstance(obj_or_model, str) else obj_or_model
    return model, pk


def _records_for(model, pk):
    if issubclass(model, Page):
        return AuditRecord.objects.filter(page_id=pk)
    return AuditRecord.objects.filter(object_model=model._meta.label_lower, object_id=str(pk))


def object_timeline(obj_or_model, pk=None):
    """Every audit event of one object, oldest first.

    Each event: sequence, time, user (display name — never an e-mail address),
    action, comment, version_id, is_publication, live, object, agency, item codes, seal.
    Pages are found by page id whatever their type, including deleted pages.
    """
    model, pk = _model_and_pk(obj_or_model, pk)
    steps = labels.step_tasks()
    return [_event(row, steps) for row in event_rows(_records_for(model, pk).order_by("sequence"))]


def published_versions(page):
    """The publication events of a page (publish / scheduled publish), oldest first."""
    page_id = page.pk if hasattr(page, "pk") else page
    rows = event_rows(AuditRecord.objects.filter(
        page_id=page_id, action__in=("wagtail.publish", "wagtail.publish.scheduled")).order_by("sequence"))
    return [_event(row, {}) for row in rows]


def version_state(version_id):
    """The object's fields at that version, merged across multi-table parents, with child rows.

    Field values are as Django serialises them (foreign keys as ids, dates as ISO text).
    """
    label, object_id, rows = version_rows(version_id)
    state = assemble_state(label, object_id, rows)
    if state is None:
        raise LookupError(f"version {version_id} not found")
    return state


# Keys of a Wagtail revision's content that are the page row's bookkeeping, not what the editor wrote: a
# draft's state keeps the recorded row's (where the page sat, whether it was live, its revision pointers).
ROW_KEYS = frozenset({
    "pk", "id", "live", "live_revision", "latest_revision", "latest_revision_created_at", "has_unpublished_changes",
    "draft_title", "first_published_at", "last_published_at", "path", "url_path", "depth", "numchild", "locked",
    "locked_at", "locked_by", "content_type", "translation_key", "locale", "alias_of", "expired",
    "wagtail_admin_comments",
})


def entry_state(version_id):
    """What an auditor reads at ``version_id``: ``(state, is_draft)``.

    An entry about a page whose Wagtail revision was not the live one (a draft saved, submitted, approved
    or sent back) kept that revision's content in ``extra.draft``, since the page row — the version —
    still holds the live content. Its state is then the version's state with the draft's fields over it
    (``is_draft`` True: the public never saw it); otherwise the version's state. Only auditors' reads call
    this: what the public saw is ``version_state`` of the published versions alone.
    """
    state = version_state(version_id)
    draft = _kept_draft(version_id)
    if not isinstance(draft, dict):
        return state, False
    return with_draft(state, draft), True


def _kept_draft(version_id):
    from reversion.models import Version

    revision_id = Version.objects.filter(pk=version_id).values_list("revision_id", flat=True).first()
    record = AuditRecord.objects.filter(revision_id=revision_id).values("version_id", "extra").first()
    if record is None or record["version_id"] != version_id:
        return None  # a version of another object in the entry (a child row): the draft is the page's
    return (record["extra"] or {}).get("draft")


def with_draft(state, draft):
    """A version's state with a Wagtail revision's content over it (child rows matched by id)."""
    merged = dict(state)
    for key, value in draft.items():
        if key in ROW_KEYS:
            continue
        if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
            value = _draft_rows(value, state.get(key) or [])
        merged[key] = value
    return merged


def _draft_rows(rows, recorded):
    """A revision's child rows (``pk``) as state rows (``id``), keeping the recorded ``…__state`` of a
    target the row still points to."""
    by_id = {row.get("id"): row for row in recorded if isinstance(row, dict)}
    out = []
    for row in rows:
        pk = row.get("pk", row.get("id"))
        shaped = {"id": pk, **{k: v for k, v in row.items() if k not in ("pk", "id")}}
        if isinstance(row, dict):
            for key, value in (by_id.get(pk) or {}).items():
                if key.endswith("__state") and shaped.get(key[:-len("__state")]) == by_id[pk].get(key[:-len("__state")]):
                    shaped[key] = value
        out.append(shaped)
    return out


def state_as_of(model, pk, moment):
    """The object's state at ``moment`` (its last recorded version then), or None if it did not exist."""
    model = apps.get_model(model) if isinstance(model, str) else model
    moment = ensure_aware(moment)
    record = _records_for(model, pk).filter(at__lte=moment).order_by("-sequence").values(
        "action", "version_id").first()
    if record is None or record["action"] == "wagtail.delete" or record["version_id"] is None:
        return None
    return version_state(record["version_id"])


def _agency_ids(agency):
    if agency is None:
        return None
    if not isinstance(agency, Agency):
        agency = Agency.objects.get(code=agency) if isinstance(agency, str) and not agency.isdigit() else \
            Agency.objects.get(pk=int(agency))
    return agency.descendant_ids()


# A move to another parent, or among siblings (the tree path changes, the URL path stays).
MOVE_ACTIONS = tree.MOVE_ACTIONS


@dataclass(frozen=True, slots=True)
class Move:
    """A page moved (entry ``sequence``): its tree path and URL path before and after.

    The siblings a move shifted to make room (``audit.children_renumbered``) are moves too, with the
    move's own sequence: moves with one sequence happened at once.
    """

    sequence: int
    page_id: int
    old_path: str
    new_path: str
    old_url: str
    new_url: str


def moves_as_of(moment):
    """The page moves recorded up to ``moment``, oldest first.

    Treebeard and Wagtail rewrite the tree and URL paths of the pages below a moved
    page in SQL and log only the moved page, so the entries of the pages below keep
    their old paths until their next action; ``follow_moves`` derives where they were.
    """
    moment = ensure_aware(moment)
    # The moved page's entry just before each move holds where it was.
    previous = AuditRecord.objects.filter(page_id=OuterRef("page_id"), sequence__lt=OuterRef("sequence")).order_by(
        "-sequence")
    moves = list(AuditRecord.objects.filter(action__in=MOVE_ACTIONS, at__lte=moment, page_id__isnull=False)
                 .annotate(previous_sequence=Subquery(previous.values("sequence")[:1]),
                           previous_revision=Subquery(previous.values("revision_id")[:1]),
                           previous_object=Subquery(previous.values("object_id")[:1]))
                 .order_by("sequence").values("sequence", "page_id", "object_id", "revision_id", "log_entry_id",
                                              "previous_sequence", "previous_revision", "previous_object"))
    if not moves:
        return []
    shifts = _shifts_as_of(moment)
    revisions = [m["revision_id"] for m in moves] + [m["previous_revision"] for m in moves if m["previous_revision"]]
    states = load_revisions(revisions, {"wagtailcore.page"})
    found = []
    for move in moves:
        group = []
        for page_id, old_path, new_path in shifts.get(move["log_entry_id"], ()):
            group.append(Move(move["sequence"], page_id, old_path, new_path, "", ""))
        old = states.get(move["previous_revision"], {}).get(("wagtailcore.page", move["previous_object"])) or {}
        new = states.get(move["revision_id"], {}).get(("wagtailcore.page", move["object_id"])) or {}
        if old.get("path") and new.get("path"):
            # Where the moved page was just before: its entry, itself carried through the earlier moves above it.
            old_path, old_url = follow_moves(old["path"], old.get("url_path") or "", move["previous_sequence"], found)
            if (old_path, old_url) != (new["path"], new.get("url_path") or ""):
                group.append(Move(move["sequence"], move["page_id"], old_path, new["path"], old_url,
                                  new.get("url_path") or ""))
        found.extend(group)
    return found


def _shifts_as_of(moment):
    """{log entry id of a move: [(page id, tree path before, after)]} of the siblings moves shifted."""
    shifts = {}
    for extra in AuditRecord.objects.filter(action=tree.ACTION_CHILDREN_RENUMBERED, at__lte=moment).values_list(
            "extra", flat=True):
        log_entry_id, rows = tree.shifts_in(((extra or {}).get("log") or {}).get("data"))
        if log_entry_id is not None:
            shifts[log_entry_id] = rows
    return shifts


def follow_moves(path, url_path, sequence, moves):
    """A page's tree and URL paths recorded at entry ``sequence``, carried through the later ``moves``
    of the page itself or of pages above it (each applies to what the earlier ones made of the paths).

    Moves with one sequence — a move and the siblings it shifted — happened at once: the path
    follows the one of them whose old path is its longest prefix.
    """
    best = None
    for move in moves:
        if best is not None and move.sequence != best.sequence:
            path, url_path = _carried(best, path, url_path)
            best = None
        # The page itself too (equal paths): a shifted sibling has no entry of its own at its new path.
        if move.sequence <= sequence or not path or len(path) < len(move.old_path):
            continue
        if path.startswith(move.old_path) and (best is None or len(move.old_path) > len(best.old_path)):
            best = move
    if best is not None:
        path, url_path = _carried(best, path, url_path)
    return path, url_path


def _carried(move, path, url_path):
    path = move.new_path + path[len(move.old_path):]
    if move.old_url and url_path and url_path.startswith(move.old_url):
        url_path = move.new_url + url_path[len(move.old_url):]
    return path, url_path


def live_pages_as_of(moment, agency=None, with_content=True, moves=None, models=None):
    """Which pages were publicly live at ``moment``, with what content.

    Answers "what did the public see on 1 March 2568 at 09:00?": for every page,
    its last audit entry at or before the moment decides whether it was live,
    and that entry's version holds the content it showed then. Pages under a
    view restriction at that moment (their own or a page's above them) are left
    out: they were not public. ``agency`` (an
    Agency, its code or id) narrows to that agency and the agencies below it.
    Returns a list of dicts sorted by URL path: page_id, model, title, url_path,
    agency, item_codes, version_id, sequence, since (the time of that entry), and
    ``content`` (the whole state, with child rows) unless ``with_content=False``. ``moves``: those of
    ``moves_as_of(moment)``, when the caller has them already. ``models``: only pages of these models
    (labels such as ``"repository.itempage"``).
    """
    moment = ensure_aware(moment)
    latest = _latest_entries(moment)
    records = AuditRecord.objects.filter(sequence__in=latest, live=True)
    if models is not None:
        records = records.filter(object_model__in=models)
    agency_ids = _agency_ids(agency)
    if agency_ids is not None:
        records = records.filter(agency_id__in=agency_ids)
    rows = list(records.values("sequence", "at", "page_id", "object_model", "object_id", "object_repr",
                               "version_id", "revision_id", "agency_code", "item_codes"))
    revision_ids = [row["revision_id"] for row in rows]
    states = load_revisions(revision_ids, None if with_content else {"wagtailcore.page"}) if rows else {}
    moves = moves_as_of(moment) if moves is None else moves
    private = tuple(restricted_paths_as_of(moment, moves).values())
    hidden_sections = _hidden_sections_as_of(moment, latest, moves)
    pages = []
    for row in rows:
        revision_rows = states.get(row["revision_id"], {})
        page_fields = revision_rows.get(("wagtailcore.page", row["object_id"]), {})
        path, url_path = follow_moves(page_fields.get("path", ""), page_fields.get("url_path", ""),
                                      row["sequence"], moves)
        if private and path.startswith(private):
            continue  # it, or a page above it, was restricted (password, groups, login) at that moment
        if _expired(page_fields, moment) or (hidden_sections and path.startswith(hidden_sections)):
            continue  # past its expiry then, or below a section that was unpublished or expired then
        entry = {
            "page_id": row["page_id"],
            "model": row["object_model"],
            "title": page_fields.get("title", row["object_repr"]),
            "url_path": url_path,
            "agency": row["agency_code"],
            "item_codes": row["item_codes"].split(),
            "version_id": row["version_id"],
            "sequence": row["sequence"],
            "since": row["at"],
        }
        if with_content:
            entry["content"] = assemble_state(row["object_model"], row["object_id"], revision_rows)
        pages.append(entry)
    pages.sort(key=lambda p: (p["url_path"], p["page_id"]))
    return pages


def _latest_entries(moment):
    return (AuditRecord.objects.filter(page_id__isnull=False, at__lte=moment)
            .values("page_id").annotate(last=Max("sequence")).values("last"))


def hidden_paths_as_of(moment, moves=None):
    """Tree paths (then) whose branches the public could not see at ``moment``: view restrictions, and
    sections that were not live or past their expiry. A page whose path then starts with one was hidden."""
    moment = ensure_aware(moment)
    moves = moves_as_of(moment) if moves is None else moves
    return tuple(restricted_paths_as_of(moment, moves).values()) + _hidden_sections_as_of(
        moment, _latest_entries(moment), moves)


def expired_then(state, moment):
    """Whether a page state (``version_state``) was past its expiry at ``moment``."""
    return _expired(state, ensure_aware(moment))


def _expired(page_fields, moment):
    expire_at = page_fields.get("expire_at")
    if not expire_at:
        return False
    parsed = parse_datetime(expire_at) if isinstance(expire_at, str) else expire_at
    return parsed is not None and ensure_aware(parsed) <= moment


def _hidden_sections_as_of(moment, latest, moves):
    """Tree paths (then) of the sections — pages that are not disclosures — that were not live, or were
    past their expiry, at ``moment``: the public rule of ``repository.visibility`` applied to the past.

    A section with no recorded entry at or before the moment (created outside any logged action) is
    taken as it is recorded, i.e. not hidden: the trail cannot say otherwise."""
    disclosures = {model._meta.label_lower for model in DISCLOSURE_PAGE_MODELS} | {"repository.disclosurepage"}
    # A deleted section hides nothing (its branch went with it, and treebeard may give its path to a new page).
    rows = list(AuditRecord.objects.filter(sequence__in=latest).exclude(object_model__in=disclosures)
                .exclude(action="wagtail.delete").values("sequence", "live", "object_id", "revision_id"))
    if not rows:
        return ()
    states = load_revisions([row["revision_id"] for row in rows], {"wagtailcore.page"})
    hidden = []
    for row in rows:
        page_fields = states.get(row["revision_id"], {}).get(("wagtailcore.page", row["object_id"]), {})
        if not page_fields:
            continue
        if row["live"] and not _expired(page_fields, moment):
            continue
        path, _url_path = follow_moves(page_fields.get("path", ""), page_fields.get("url_path", ""),
                                       row["sequence"], moves)
        if path:
            hidden.append(path)
    return tuple(hidden)


def restricted_paths_as_of(moment, moves=None):
    """{page_id: tree path} of the pages that had a view restriction of their own at ``moment``.

    A page is private while it or any page above it is restricted, so a page whose
    tree path at that moment starts with one of these paths was not public. Each
    page entry records the page's own restrictions after the action
    (``extra.view_restrictions``); entries from before that was recorded are read
    by their action (create and edit restrict, delete lifts).
    """
    moment = ensure_aware(moment)
    moves = moves_as_of(moment) if moves is None else moves
    ever_restricted = AuditRecord.objects.filter(action__in=RESTRICTION_ACTIONS, at__lte=moment).values("page_id")
    latest = (AuditRecord.objects.filter(page_id__in=ever_restricted, at__lte=moment)
              .values("page_id").annotate(last=Max("sequence")).values("last"))
    restricted = []
    for row in AuditRecord.objects.filter(sequence__in=latest).values("sequence", "page_id", "object_id",
                                                                      "revision_id", "action", "extra"):
        extra = row["extra"] or {}
        if "view_restrictions" in extra:
            is_restricted = bool(extra["view_restrictions"])
        else:
            is_restricted = row["action"] in RESTRICTION_ACTIONS[:2]
        if is_restricted:
            restricted.append(row)
    if not restricted:
        return {}
    states = load_revisions([row["revision_id"] for row in restricted], {"wagtailcore.page"})
    paths = {}
    for row in restricted:
        page_fields = states.get(row["revision_id"], {}).get(("wagtailcore.page", row["object_id"]))
        if page_fields and page_fields.get("path"):
            paths[row["page_id"]] = follow_moves(page_fields["path"], "", row["sequence"], moves)[0]
    return paths


def iter_events(since=None, until=None, agency=None):
    """Every audit event in chain order, optionally within [since, until] and for an agency."""
    records = AuditRecord.objects.order_by("sequence")
    if since is not None:
        records = records.filter(at__gte=ensure_aware(since))
    if until is not None:
        records = records.filter(at__lte=ensure_aware(until))
    agency_ids = _agency_ids(agency)
    if agency_ids is not None:
        records = records.filter(agency_id__in=agency_ids)
    steps = labels.step_tasks()
    for row in event_rows(records).iterator(chunk_size=2000):
        yield _event(row, steps)


def ensure_aware(moment):
    if isinstance(moment, str):
        moment = parse_moment(moment)
    if isinstance(moment, datetime.date) and not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time.max)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


_MOMENT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_moment(text):
    """An ISO date or date-time; a year above 2400 is read as Buddhist Era (2568 → 2025).

    Without a zone the time is local (settings.TIME_ZONE, Asia/Bangkok); a date
    alone means the end of that day.
    """
    match = _MOMENT.match(text.strip())
    if not match:
        raise ValueError(f"not a date or date-time: {text!r} (use e.g. 2568-03-01T09:00 or 2025-03-01T09:00+07:00)")
    year, month, day, hour, minute, second, zone = match.groups()
    year = int(year)
    if year > 2400:
        year -= 543
    if hour is None:
        moment = datetime.datetime(year, int(month), int(day), 23, 59, 59, 999999)
    else:
        moment = datetime.datetime(year, int(month), int(day), int(hour), int(minute), int(second or 0))
    if zone:
        if zone == "Z":
            return moment.replace(tzinfo=datetime.UTC)
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return moment.replace(tzinfo=datetime.timezone(sign * offset))
    return timezone.make_aware(moment)
