"""Versions, diffs and point-in-time reads of pages, on the audit trail (``repository.audit``).

Anonymous callers see what the public saw: only publication events, only
the fields a public page shows (never owner, lock, draft title or workflow
state), only pages public now. Auditors see every event with who, when,
action and comment, every version, and deleted pages too; a version whose
entry kept a draft (a draft saved, submitted, approved or sent back while the
page row held the live content) reads, for them only, as that draft, marked
``"draft": true`` (``replay.entry_state``).

A version is named by its reversion version id (``version`` in the events);
``@history/<n>`` takes that id, the same for everybody.
"""

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from wagtail.models import Page, PageViewRestriction

from repository import answers
from repository.audit import diff as audit_diff
from repository.audit import replay
from repository.models import DISCLOSURE_PAGE_MODELS

from .exceptions import ParameterError, TooCostly
from .representations import allowed_fields
from .representations.fields import date_pair
from .visibility import path_below_root, public_pages, site_root, url_path_for

# Keys of a stored state the public may see besides the serialised field names.
PUBLIC_STATE_EXTRA = {"id", "procurement_rows", "attachments", "items", "tags", "agency", "content_type"}
HIDDEN_STATE_KEYS = {"owner", "locked", "locked_by", "locked_at", "draft_title", "latest_revision",
                     "latest_revision_created_at", "live_revision", "has_unpublished_changes", "alias_of",
                     "translation_key", "locale", "path", "numchild", "depth", "url_path", "go_live_at",
                     "expire_at", "expired", "content_type", "search_description", "seo_title", "show_in_menus",
                     "wagtail_admin_comments", "comments"}
PUBLIC_EVENT_KEYS = ("version_id", "time", "action")


def find_page(path=None, page_id=None, auditor=False, root=None):
    """The page whose history is asked for: public pages for everyone, any page (even deleted) for auditors."""
    queryset = Page.objects.all() if auditor else public_pages(root)
    if page_id is not None:
        page = queryset.filter(pk=page_id).first()
        if page is None and auditor:
            if replay.object_timeline(Page, page_id):
                return DeletedPage(page_id)
    else:
        page = queryset.filter(url_path=url_path_for(path or "", root)).first()
    if page is None:
        raise Http404("No page here.")
    return page.specific


class DeletedPage:
    """A page that no longer exists, known only to the audit trail (its model and tree path when known)."""

    def __init__(self, pk, specific_class=None, path=None):
        self.pk = pk
        self.specific_class = specific_class
        self.path = path


def public_state(state, model):
    """Only the keys a public page shows."""
    allowed = set(allowed_fields(model)) | PUBLIC_STATE_EXTRA if model else PUBLIC_STATE_EXTRA
    return {k: v for k, v in state.items() if k in allowed and k not in HIDDEN_STATE_KEYS}


def _public_event(event):
    return {"version": event["version_id"], **date_pair("time", event["time"]), "action": event["action"]}


def _auditor_event(event):
    return {
        "version": event["version_id"],
        **date_pair("time", event["time"]),
        "action": event["action"],
        "action_label": event["action_label"],
        "logged_action": event["logged_action"],
        "user": event["user"],
        "comment": event["comment"],
        "sequence": event["sequence"],
        "is_publication": event["is_publication"],
        "live": event["live"],
        "draft": event["draft"],
        "seal": event["seal"],
    }


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def history(page, auditor):
    if auditor:
        events = replay.object_timeline(Page, page.pk)
        return [_auditor_event(e) for e in events]
    return [_public_event(e) for e in _public_versions(replay, page)]


def _public_versions(replay, page):
    """The page's published versions that the public could see when they went live: a version published
    while the page sat under a view restriction, below an unpublished or expired section, or past its own
    expiry, was never public history (checked at the moment it went live)."""
    out = []
    for event in replay.published_versions(page):
        if event["version_id"] is None:
            continue
        state = replay.version_state(event["version_id"])
        moves = replay.moves_as_of(event["time"])
        tree_path, _url_path = _paths_then(replay, state, event, moves, getattr(page, "path", ""))
        if _was_private(replay, tree_path, event["time"], moves) or replay.expired_then(state, event["time"]):
            continue
        out.append(event)
    return out


def _allowed_versions(page, auditor):
    events = replay.object_timeline(Page, page.pk) if auditor else _public_versions(replay, page)
    return {e["version_id"] for e in events if e["version_id"] is not None}


def version(page, version_id, auditor):
    if version_id not in _allowed_versions(page, auditor):
        raise Http404("No such version of this page.")
    if auditor:
        state, is_draft = replay.entry_state(version_id)
        return {"page_id": page.pk, "version": version_id, "draft": is_draft, "state": _jsonable(state)}
    model = page.specific_class if hasattr(page, "specific_class") else None
    state = public_state(replay.version_state(version_id), model)
    return {"page_id": page.pk, "version": version_id, "state": _jsonable(state)}


def diff(page, version_from, version_to, auditor):
    allowed = _allowed_versions(page, auditor)
    for param, value in (("from", version_from), ("to", version_to)):
        if value not in allowed:
            raise ParameterError(param, f"'{param}' is not a version of this page you may see.")
    # Versions never change: the diff of a pair is computed once and kept in the (shared) cache.
    key = f"api:diff2:{'auditor' if auditor else 'public'}:{page.pk}:{version_from}:{version_to}"
    changes = cache.get(key)
    if changes is None:
        changes = _compute_diff(page, version_from, version_to, auditor)
        cache.set(key, changes, timeout=DIFF_CACHE_SECONDS)
    return {"page_id": page.pk, "from": version_from, "to": version_to, "changes": changes}


DIFF_CACHE_SECONDS = 7 * 24 * 3600


def _text_size(value):
    """Characters of text in a state (what a diff tokenises and compares)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_text_size(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_text_size(v) for v in value)
    return 0


def _compute_diff(page, version_from, version_to, auditor):
    model = page.specific_class if hasattr(page, "specific_class") else None
    if auditor:  # a draft's own content (replay.entry_state); the public's versions are published rows only
        a, b = replay.entry_state(version_from)[0], replay.entry_state(version_to)[0]
    else:
        a, b = (public_state(replay.version_state(v), model) for v in (version_from, version_to))
    limit = settings.API_DIFF_MAX_CHARS
    size = max(_text_size(a), _text_size(b))
    if size > limit:
        raise TooCostly(
            f"These versions are too large to compare here ({size:,} characters of text; the limit is {limit:,}). "
            "Read each version at @history/<version> and compare them yourself."
        )
    return _jsonable(audit_diff.diff_states(a, b, model))


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


# --- point in time ------------------------------------------------------------


def page_for_as_of(path=None, page_id=None, root=None):
    """Any existing page outside a private section (whether it is live now or not)."""
    root = root or site_root()
    queryset = Page.objects.filter(path__startswith=root.path)
    for restricted in _restricted_tree_paths():
        queryset = queryset.exclude(path__startswith=restricted)
    page = queryset.filter(pk=page_id).first() if page_id is not None else \
        queryset.filter(url_path=url_path_for(path or "", root)).first()
    if page is None and page_id is not None:
        page = deleted_page(page_id, root)
    if page is None:
        raise Http404("No page here.")
    return page if isinstance(page, DeletedPage) else page.specific


def deleted_page(page_id, root):
    """A page deleted since, as the audit trail last recorded it, if it sat below ``root`` outside a section
    that is private now (the current view restrictions apply to past reads, as for pages that still exist)."""
    if Page.objects.filter(pk=page_id).exists():
        return None  # it exists, outside this site or in a private section
    versions = [e for e in replay.object_timeline(Page, page_id) if e["version_id"] is not None]
    if not versions:
        return None
    state = replay.version_state(versions[-1]["version_id"])
    tree_path = state.get("path") or ""
    if not tree_path.startswith(root.path) or any(tree_path.startswith(p) for p in _restricted_tree_paths()):
        return None
    try:
        model = apps.get_model(versions[-1]["object"]["model"])
    except (LookupError, ValueError, KeyError, TypeError):
        return None
    if not issubclass(model, Page):
        return None
    return DeletedPage(page_id, specific_class=model, path=tree_path)


def _restricted_tree_paths():
    return list(PageViewRestriction.objects.values_list("page__path", flat=True))


def check_as_of_alone(query, allowed=("as_of",)):
    for name in query:
        if name not in allowed and name != "format" and query.get(name) != "":
            raise ParameterError(name, f"'{name}' cannot be combined with 'as_of'.")


def moves_as_of(moment):
    """The page moves up to ``moment`` (``replay.moves_as_of``): one read can pass them to every step."""
    return replay.moves_as_of(moment)


def page_as_of(page, moment, root=None, moves=None):
    """What the public saw of ``page`` at ``moment``: its public state then, or 404 if it was not live.

    ``path`` is where the page was then (from that version's ``url_path``), which may differ from now.
    """
    last = _last_event(replay, page.pk, moment)
    if last is None:
        raise Http404("This page was not public at that moment.")
    state = replay.version_state(last["version_id"])
    moves = replay.moves_as_of(moment) if moves is None else moves
    tree_path, url_path = _paths_then(replay, state, last, moves, page.path)
    if _was_private(replay, tree_path, moment, moves) or replay.expired_then(state, moment):
        raise Http404("This page was not public at that moment.")
    model = page.specific_class if isinstance(page, DeletedPage) else type(page)
    data = public_state(state, model)
    then = _path_from_url_path(url_path, root)
    if then is None and not isinstance(page, DeletedPage):
        then = path_below_root(page, root)
    return {
        "id": page.pk,
        "type": f"{model._meta.app_label}.{model._meta.object_name}",
        "as_of": moment.isoformat(),
        "version": last["version_id"],
        "since": _iso(last["time"]),
        "path": then,
        "state": _jsonable(data),
    }


def _last_event(replay, page_id, moment):
    """The page's last audit event at or before ``moment`` when it left the page live, else None."""
    events = [e for e in replay.object_timeline(Page, page_id) if e["time"] <= moment]
    if not events or not events[-1]["live"] or events[-1]["version_id"] is None:
        return None
    return events[-1]


def _paths_then(replay, state, event, moves, fallback_path=None):
    """A page's tree and URL paths then: its entry's, carried through the later ``moves`` of pages above it."""
    return replay.follow_moves(state.get("path") or fallback_path or "", state.get("url_path") or "",
                               event["sequence"], moves)


def _was_private(replay, tree_path, moment, moves):
    """Whether the page at ``tree_path`` (its tree path then) was hidden at ``moment``: under a view
    restriction, or below a section that was unpublished or expired (``replay.hidden_paths_as_of``)."""
    return any(tree_path.startswith(path) for path in replay.hidden_paths_as_of(moment, moves))


def _path_from_url_path(url_path, root=None):
    root = root or site_root()
    if not url_path or root is None or not url_path.startswith(root.url_path):
        return None
    return url_path[len(root.url_path):].strip("/")


def page_at_path_as_of(path, moment, root=None, moves=None):
    """The page that was public at ``path`` at ``moment``, even if it has since moved or been renamed.

    The audit trail records the page row (``url_path`` included) with every event, moves and
    renames too. The page at that path now answers when it was already there then (one page's
    timeline); otherwise every page live at that moment is looked up by its ``url_path`` then
    (one pass over the audit trail, without content). The page must still exist outside a private
    section (the current view restrictions apply to past reads too); 404 otherwise.
    """
    root = root or site_root()
    target = url_path_for(path or "", root)
    moves = replay.moves_as_of(moment) if moves is None else moves
    current = Page.objects.filter(url_path=target, path__startswith=root.path).values_list("pk", flat=True).first()
    if current is not None:
        last = _last_event(replay, current, moment)
        state = replay.version_state(last["version_id"]) if last is not None else None
        if state is not None and _paths_then(replay, state, last, moves)[1] == target:
            return page_for_as_of(page_id=current, root=root)
    for entry in replay.live_pages_as_of(moment, with_content=False, moves=moves):
        if entry["url_path"] == target:
            return page_for_as_of(page_id=entry["page_id"], root=root)
    raise Http404("No public page was at this path at that moment.")


def listing_as_of(moment, agency_code=None, root=None, item_pages=False):
    """Disclosures live at ``moment`` (optionally for an agency and those below it), newest first.

    Each row's ``_item_ids`` are the items it answered then (``repository.answers``): its own links, and,
    with ``item_pages`` (a listing filtered by item asks for it), those of the item page above it then.
    """
    labels = {m._meta.label_lower: m for m in DISCLOSURE_PAGE_MODELS}
    moves = replay.moves_as_of(moment)  # read once for both replays below
    try:
        pages = replay.live_pages_as_of(moment, agency=agency_code, with_content=True, moves=moves)
    except Exception as error:  # Agency.DoesNotExist for an unknown code
        if error.__class__.__name__ == "DoesNotExist":
            raise ParameterError("agency", "Unknown agency code.") from None
        raise
    restricted = _restricted_paths()
    item_page_items = {}
    if item_pages:
        for entry in replay.live_pages_as_of(moment, with_content=True, moves=moves, models=("repository.itempage",)):
            item_page_items[entry["url_path"]] = (entry.get("content") or {}).get("items") or []
    rows = []
    for entry in pages:
        model = labels.get(entry["model"])
        if model is None or any(entry["url_path"].startswith(p) for p in restricted):
            continue
        content = entry.get("content") or {}
        root_path = root.url_path if root else "/"
        rows.append({
            "id": entry["page_id"],
            "type": f"{model._meta.app_label}.{model.__name__}",
            "title": entry["title"],
            "path": entry["url_path"][len(root_path):].strip("/") if entry["url_path"].startswith(root_path) else None,
            "agency_code": entry["agency"],
            "item_codes": entry["item_codes"],
            "issue_date": content.get("issue_date"),
            "fiscal_year": content.get("fiscal_year"),
            "summary": content.get("summary", ""),
            "version": entry["version_id"],
            "since": _iso(entry["since"]),
            # For filtering and ordering only (api.filters.ListingFilter.select drops them).
            "_item_ids": answers.answered_then(content.get("items"), item_page_items.get(_parent_url(entry["url_path"]))),
            "_tags": [(t.get("tag__state") or {}).get("name") for t in content.get("tagged_items") or []],
            "_valid_until": content.get("valid_until"),
            "_first_published_at": content.get("first_published_at"),
            "_last_published_at": content.get("last_published_at"),
        })
    rows.sort(key=lambda r: (r["issue_date"] or "", r["id"]), reverse=True)
    return rows


def _parent_url(url_path):
    """``/home/agency/group/item/page/`` → ``/home/agency/group/item/``."""
    return url_path.rstrip("/").rpartition("/")[0] + "/"


def _restricted_paths():
    return list(PageViewRestriction.objects.values_list("page__url_path", flat=True))
