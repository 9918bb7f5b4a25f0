"""Which OIT items a disclosure answers: the one rule.

A disclosure answers the framework items it is linked to **and** those of the ``ItemPage`` it sits under
(its listing page on the agency's site, which is where an ITA assessor follows the sheet's URL). A new
disclosure starts with its item page's links (``DisclosurePage.save``), but either side may change later:
a provider re-tags the page, an administrator re-links the item page in a new framework year.

The answer sheet (``api.oit``), the public framework directory's counts (``api.directory``), listings'
``?item=`` (``api.filters.ListingFilter``, live and as of a moment) and the search documents' items
(``search.documents``) all apply it, so a count and the list behind it agree. Carry-overs (an agency's
confirmation that an earlier year's item's pages answer the new item) are added on top by ``api.oit``.
"""

from collections import defaultdict

from django.db.models import Q
from django.db.models.functions import Left, Length
from wagtail.models import Page

from repository.models import DisclosurePage, ItemPage


def parent_path(path):
    """The tree path of the page directly above ``path`` (an item page, for a disclosure)."""
    return path[: -Page.steplen]


def answering(queryset, item_ids):
    """``queryset`` (disclosures) narrowed to those answering one of ``item_ids`` (one query, distinct)."""
    item_page_paths = ItemPage.objects.filter(items__in=item_ids).values("path")
    return (
        queryset.annotate(_item_page_path=Left("path", Length("path") - Page.steplen))
        .filter(Q(items__in=item_ids) | Q(_item_page_path__in=item_page_paths))
        .distinct()
    )


def answered_items(pages, item_ids=None):
    """``{page_id: {item ids}}`` for ``pages``, ``{disclosure id: tree path}``; with ``item_ids``, only those
    items are looked at. Flat queries (page ids in chunks: databases cap a query's parameters)."""
    answered = defaultdict(set)
    links = DisclosurePage.items.through.objects.values_list("disclosurepage_id", "frameworkitem_id")
    item_page_links = ItemPage.items.through.objects.values_list("itempage__path", "frameworkitem_id")
    if item_ids is not None:
        rows = links.filter(frameworkitem_id__in=item_ids)
        item_page_rows = item_page_links.filter(frameworkitem_id__in=item_ids)
    else:
        ids, parents = list(pages), sorted({parent_path(path) for path in pages.values()})
        rows = _chunked(ids, lambda chunk: links.filter(disclosurepage_id__in=chunk))
        item_page_rows = _chunked(parents, lambda chunk: item_page_links.filter(itempage__path__in=chunk))
    for page_id, item_id in rows:
        if page_id in pages:
            answered[page_id].add(item_id)
    by_item_page = defaultdict(set)
    for path, item_id in item_page_rows:
        by_item_page[path].add(item_id)
    if by_item_page:
        for page_id, path in pages.items():
            answered[page_id] |= by_item_page.get(parent_path(path), set())
    return answered


CHUNK = 500


def _chunked(values, query):
    for start in range(0, len(values), CHUNK):
        yield from query(values[start : start + CHUNK])


def answered_then(own_item_ids, item_page_item_ids):
    """The items a disclosure answered at a past moment, from its links and its item page's then."""
    return set(own_item_ids or ()) | set(item_page_item_ids or ())
