"""The optional blocks ``expand=`` adds to a page: breadcrumbs, children, attachments, approval."""

from django.apps import apps

from ..visibility import public_pages
from . import navigation_rows
from .fields import be, iso
from .pages import attachments_keys

EXPANSIONS = ("breadcrumbs", "children", "attachments", "approval")
CHILDREN_LIMIT = 100


def breadcrumbs(page, ctx):
    """The public ancestors from the site root down to (excluding) the page."""
    ancestors = public_pages(ctx.root).filter(path__in=_ancestor_paths(page, ctx)).order_by("depth")
    return [
        {"id": a.pk, "title": a.title, "path": ctx.path_of(a), "api_url": ctx.api_url(ctx.path_of(a))}
        for a in ancestors
    ]


def _ancestor_paths(page, ctx):
    step = page.steplen
    return [page.path[:n] for n in range(len(ctx.root.path), len(page.path), step)]


def children(page, ctx):
    rows = public_pages(ctx.root).filter(path__startswith=page.path, depth=page.depth + 1).order_by("path")
    total = rows.count()
    shown = list(rows[:CHILDREN_LIMIT])
    by_id = navigation_rows(shown, ctx)
    return {
        "total": total,
        "items": [by_id[child.pk] for child in shown],
        "truncated": total > CHILDREN_LIMIT,
    }


def approval_form_model():
    try:
        return apps.get_model("approvals", "ApprovalForm")
    except LookupError:
        return None


APPROVAL_FIELDS = (
    "kind", "subject", "details", "external_link", "remarks",
    "provider_name", "provider_position", "provided_at",
    "approver_name", "approver_position", "approved_at",
    "publisher_name", "publisher_position", "published_at", "override_reason",
)


def approval_summary(form):
    data = {"id": form.pk}
    for name in ("document_date",) + APPROVAL_FIELDS:
        value = getattr(form, name, None)
        if name in ("document_date", "provided_at", "approved_at", "published_at"):
            data[name] = iso(value)
            data[f"{name}_be"] = be(value)
        elif hasattr(value, "pk"):
            data[name] = str(value)
        else:
            data[name] = value
    agency = getattr(form, "agency", None)
    data["agency"] = agency.code if agency is not None else None
    return data


def approval_form_for(page):
    """The approval form of the revision the public sees (never one for a draft)."""
    model = approval_form_model()
    if model is None or not getattr(page, "live_revision_id", None):
        return None
    return model.objects.filter(page_id=page.pk, revision_id=page.live_revision_id).order_by("-created_at").first()


def approval(page, ctx):
    form = approval_form_for(page)
    return approval_summary(form) if form is not None else None


def expand(page, ctx, names):
    out = {}
    for name in names:
        if name == "breadcrumbs":
            out["breadcrumbs"] = breadcrumbs(page, ctx)
        elif name == "children":
            out["children"] = children(page, ctx)
        elif name == "attachments":
            out.update(attachments_keys(page, ctx) if hasattr(page, "attachments") else {"attachments": []})
        elif name == "approval":
            out["approval"] = approval(page, ctx)
    return out
