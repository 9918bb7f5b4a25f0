"""What the public may see: the one definition of "public" every read path uses.

A page is public when, at the moment of reading,

* it is live and not past its expiry (``expire_at`` is compared with *now*, so an
  expired page is hidden before ``publish_scheduled`` runs),
* it sits below the default site's root, and every ancestor up to that root is
  live and not expired,
* neither it nor any ancestor carries a view restriction (password, login or
  group: none of them is "the public"),
* it is not deleted (a deleted page has no row).

The API (detail, listings, counts, feeds, the OIT sheet), search indexing and every
search number, webhooks, Wagtail's own front end and ``/api/v2/`` all narrow their
querysets with :func:`restrict_to_public`; history and ``as_of`` reads apply the
same rule to the recorded past (``repository.audit.replay``). Callers that read
often may pass ``hidden_paths`` memoised (the API keys them by its repository
generation); the rule itself is here only.
"""

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from repository.models import DisclosurePage


def default_site():
    """``(root page, root URL)`` of the default site (falling back to the first site), or ``(None, "")``."""
    sites = list(Site.objects.select_related("root_page").order_by("-is_default_site", "pk")[:1])
    if not sites:
        return None, ""
    site = sites[0]
    return site.root_page, (site.root_url if site.is_default_site else "").rstrip("/")


def hidden_branch_paths(now=None, restrictions=True, ignoring=()):
    """Tree paths whose whole branch is hidden from the public: view restrictions (unless
    ``restrictions=False``), and pages with children that are not live or have expired.
    Pages whose paths are in ``ignoring`` count as live and unrestricted ("as it was just
    before this section was unpublished"). Sorted, with paths inside another dropped."""
    now = now or timezone.now()
    paths = set(PageViewRestriction.objects.values_list("page__path", flat=True)) if restrictions else set()
    paths.update(Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True))
    paths.update(Page.objects.filter(numchild__gt=0, expire_at__lte=now).values_list("path", flat=True))
    paths.difference_update(ignoring)
    kept = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def is_hidden_path(path, hidden_paths):
    """True when ``path`` lies in (or is) one of ``hidden_paths``."""
    return any(path.startswith(hidden) for hidden in hidden_paths)


def restrict_to_public(queryset, root=None, include_root=True, hidden_paths=None, now=None):
    """Narrow any page queryset to what the public may see now."""
    root = root if root is not None else default_site()[0]
    if root is None:
        return queryset.none()
    now = now or timezone.now()
    queryset = queryset.filter(live=True, path__startswith=root.path).filter(
        Q(expire_at__isnull=True) | Q(expire_at__gt=now)
    )
    if not include_root:
        queryset = queryset.exclude(pk=root.pk)
    hidden = Q()
    for path in hidden_paths if hidden_paths is not None else hidden_branch_paths(now):
        hidden |= Q(path__startswith=path)
    if hidden:
        queryset = queryset.exclude(hidden)
    return queryset


def public_pages(root=None, hidden_paths=None):
    return restrict_to_public(Page.objects.all(), root=root, hidden_paths=hidden_paths)


def public_disclosures(root=None, hidden_paths=None):
    return restrict_to_public(DisclosurePage.objects.all(), root=root, hidden_paths=hidden_paths)


def is_public(page, root=None, hidden_paths=None):
    if page is None or page.pk is None:
        return False
    return restrict_to_public(Page.objects.filter(pk=page.pk), root=root, hidden_paths=hidden_paths).exists()


def is_served_publicly(page):
    """Wagtail's front end: the page would be public but for a view restriction, which Wagtail's own
    serve view then asks for (password or login). An unpublished or expired ancestor hides it outright."""
    return restrict_to_public(Page.objects.filter(pk=page.pk), hidden_paths=hidden_branch_paths(restrictions=False)).exists()


def public_disclosures_below(page, as_if_public=False):
    """Disclosures strictly below ``page`` that are public now — or, with ``as_if_public``, that would be
    if ``page`` itself were live and unrestricted (what a section's unpublication just hid)."""
    hidden = hidden_branch_paths(ignoring={page.path}) if as_if_public else None
    below = DisclosurePage.objects.filter(path__startswith=page.path, depth__gt=page.depth)
    return restrict_to_public(below, hidden_paths=hidden)
