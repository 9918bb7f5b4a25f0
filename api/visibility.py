"""What the public may see, in one place.

A page is public when it is live, not past its expiry, free of view
restrictions, sits below the default site's root, and every ancestor up to that
root is live too. Every public endpoint starts from :func:`public_pages`; no
view builds its own queryset from ``Page.objects``.

Content is serialised from the page row. For a live page Wagtail keeps the
published content in the row and newer drafts only in revisions
(``Page.save_revision`` writes nothing but ``latest_revision``,
``draft_title``, ``has_unpublished_changes`` and the revision timestamp), so
the row is always what the public was shown. ``draft_title`` and
``latest_revision*`` are never serialised.
"""

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from repository.models import DisclosurePage

from .state import memoized_by_generation


def default_site():
    """``(root page, root URL)`` of the default site (its root page falls back to the first site's).

    Read on every request, changed almost never: memoised like the other
    repository-wide facts (Wagtail logs site edits, moves and renames).
    """

    def compute():
        sites = list(Site.objects.select_related("root_page").order_by("-is_default_site", "pk")[:1])
        if not sites:
            return None, ""
        site = sites[0]
        return site.root_page, (site.root_url if site.is_default_site else "").rstrip("/")

    return memoized_by_generation("default_site", compute)


def site_root():
    """The root page of the default site (the HomePage)."""
    return default_site()[0]


def hidden_branch_paths():
    """Tree paths whose whole branch is hidden: view restrictions, parents not live or expired."""
    now = timezone.now()
    paths = set(PageViewRestriction.objects.values_list("page__path", flat=True))
    paths.update(Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True))
    paths.update(Page.objects.filter(numchild__gt=0, expire_at__lte=now).values_list("path", flat=True))
    # Drop paths already covered by a shorter one.
    kept = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _hidden_branches_q(queryset):
    q = Q()
    for path in memoized_by_generation("hidden_branch_paths", hidden_branch_paths):
        q |= Q(path__startswith=path)
    return q


def restrict_to_public(queryset, root=None, include_root=True):
    """Narrow any page queryset to what the public may see."""
    root = root or site_root()
    if root is None:
        return queryset.none()
    now = timezone.now()
    queryset = queryset.filter(live=True, path__startswith=root.path).filter(
        Q(expire_at__isnull=True) | Q(expire_at__gt=now)
    )
    if not include_root:
        queryset = queryset.exclude(pk=root.pk)
    hidden = _hidden_branches_q(queryset)
    if hidden:
        queryset = queryset.exclude(hidden)
    return queryset


def public_pages(root=None):
    return restrict_to_public(Page.objects.all(), root=root)


def public_disclosures(root=None):
    return restrict_to_public(DisclosurePage.objects.all(), root=root)


def is_public(page, root=None):
    return restrict_to_public(Page.objects.filter(pk=page.pk), root=root).exists()


def path_below_root(page, root=None):
    """``uthai-thani/procurement/o22/slug``: the page's path below the site root."""
    root = root or site_root()
    if root is None or not page.url_path.startswith(root.url_path):
        return None
    return page.url_path[len(root.url_path):].strip("/")


def url_path_for(path, root=None):
    """The ``url_path`` of the page at ``path`` below the site root."""
    root = root or site_root()
    clean = "/".join(part for part in path.split("/") if part)
    return root.url_path + (clean + "/" if clean else "")
