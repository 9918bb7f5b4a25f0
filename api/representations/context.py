"""Per-request state the key functions share: URLs, caches, the moment served."""

from django.db.models import Prefetch
from django.utils import timezone

from repository.models import Agency, FrameworkItem
from security import public_url

from ..state import memoized_by_generation
from ..visibility import default_site, path_below_root
from .pages import restricted_collection_ids

API_CONTENT_PREFIX = "/api/v1/content/"


def _item_order(item):
    return (item.framework.year, item.sort_order, item.code)


def framework_items():
    """Every OIT item with its framework, by id (a few hundred rows, memoised per process)."""
    return FrameworkItem.objects.select_related("framework").in_bulk()


def items_prefetch():
    return Prefetch("items", queryset=FrameworkItem.objects.select_related("framework").order_by("framework__year", "sort_order", "code"))


class SerializerContext:
    def __init__(self, request=None, root=None, moment=None):
        self.request = request
        default_root, _ = default_site()
        self.root = root or default_root
        self.moment = moment or timezone.now()
        # A small table read by every disclosure: memoised per process like the other repository facts.
        self._agencies = dict(memoized_by_generation("agencies", Agency.objects.in_bulk))
        self._restricted = None

    # URLs
    def absolute(self, url):
        """A link at the configured public base URL (``security.public_url``), never the request's host."""
        if not url or "://" in url:
            return url
        return public_url.absolute(url)

    def path_of(self, page):
        return path_below_root(page, self.root) or ""

    def canonical_url(self, path):
        base = public_url.base_url()
        return f"{base}/{path}/" if path else f"{base}/"

    def api_url(self, path):
        return self.absolute(API_CONTENT_PREFIX + path) if path else self.absolute(API_CONTENT_PREFIX)

    # caches
    def preload_agencies(self, ids):
        missing = {i for i in ids if i is not None and i not in self._agencies}
        if missing:
            self._agencies.update(Agency.objects.in_bulk(missing))

    def agency(self, agency_id):
        if agency_id is None:
            return None
        if agency_id not in self._agencies:
            self.preload_agencies([agency_id])
        return self._agencies.get(agency_id)

    def items_of(self, page):
        cache = getattr(page, "_prefetched_objects_cache", {})
        if "items" in cache:
            return list(cache["items"])
        ids = list(page.items.values_list("pk", flat=True))
        known = memoized_by_generation("framework_items", framework_items)
        if any(i not in known for i in ids):
            known = {**known, **FrameworkItem.objects.select_related("framework").in_bulk(ids)}
        return sorted((known[i] for i in ids if i in known), key=_item_order)

    def restricted_collections(self):
        if self._restricted is None:
            self._restricted = memoized_by_generation("restricted_collections", restricted_collection_ids)
        return self._restricted
