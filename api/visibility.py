"""The public rule (``repository.visibility``), with the API's per-generation memos.

The rule itself — live, not expired, every ancestor live and not expired, no view
restriction on the page or an ancestor, below the default site's root — lives in
``repository.visibility``; this module only memoises its repository-wide facts (the
default site, the hidden branches) by the API's generation, so each request pays
one cheap query for them. Every public endpoint starts from :func:`public_pages`
or :func:`public_disclosures`; no view builds its own queryset from ``Page.objects``.

Content is serialised from the page row: for a live page Wagtail keeps the
published content in the row and newer drafts only in revisions, so the row is
always what the public was shown. ``draft_title`` and ``latest_revision*`` are
never serialised.
"""

from wagtail.models import Page

from repository import visibility
from repository.models import DisclosurePage

from .state import memoized_by_generation


def default_site():
    """``(root page, root URL)`` of the default site, memoised by generation (Wagtail logs site edits)."""
    return memoized_by_generation("default_site", visibility.default_site)


def site_root():
    """The root page of the default site (the HomePage)."""
    return default_site()[0]


def hidden_branch_paths():
    """``repository.visibility.hidden_branch_paths``, memoised by generation (see ``api.state``)."""
    return memoized_by_generation("hidden_branch_paths", visibility.hidden_branch_paths)


def restrict_to_public(queryset, root=None, include_root=True):
    """Narrow any page queryset to what the public may see."""
    return visibility.restrict_to_public(
        queryset, root=root or site_root(), include_root=include_root, hidden_paths=hidden_branch_paths()
    )


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
