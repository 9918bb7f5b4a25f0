from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail.api.v2.router import WagtailAPIRouter

from . import feeds
from .views import audit, content, directory, errors, history, listings, oit, search
from .wagtail_v2 import PublicPagesAPIViewSet

# Wagtail's own read API, kept for comparison and for tools that speak it.
wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", PublicPagesAPIViewSet)

# Path segments below the site root (slugs): no '@', so services stay distinct.
PAGE_PATH = r"(?P<path>[^@?#]+?)"

v1 = [
    path("content/", content.SiteRootView.as_view(), name="content-root"),
    path("content/@children", listings.RootChildrenView.as_view(), name="content-root-children"),
    re_path(rf"^content/{PAGE_PATH}/@children$", listings.ChildrenView.as_view(), name="content-children"),
    re_path(rf"^content/{PAGE_PATH}/@history$", history.HistoryView.as_view(), name="content-history"),
    re_path(rf"^content/{PAGE_PATH}/@history/(?P<version>[0-9]+)$", history.VersionView.as_view(), name="content-version"),
    re_path(rf"^content/{PAGE_PATH}/@diff$", history.DiffView.as_view(), name="content-diff"),
    re_path(rf"^content/{PAGE_PATH}$", content.ContentView.as_view(), name="content"),
    path("pages/<int:page_id>", content.PageByIdView.as_view(), name="page"),
    path("pages/<int:page_id>/@history", history.HistoryByIdView.as_view(), name="page-history"),
    path("pages/<int:page_id>/@history/<int:version>", history.VersionByIdView.as_view(), name="page-version"),
    path("pages/<int:page_id>/@diff", history.DiffByIdView.as_view(), name="page-diff"),
    path("audit/head", audit.HeadView.as_view(), name="audit-head"),
    path("audit/checkpoint", audit.CheckpointView.as_view(), name="audit-checkpoint"),
    path("audit/checkpoints", audit.CheckpointListView.as_view(), name="audit-checkpoints"),
    path("audit/proof/inclusion", audit.InclusionProofView.as_view(), name="audit-proof-inclusion"),
    path("audit/proof/consistency", audit.ConsistencyProofView.as_view(), name="audit-proof-consistency"),
    path("audit/public-key", audit.PublicKeyView.as_view(), name="audit-public-key"),
    path("audit/verify", audit.VerifyView.as_view(), name="audit-verify"),
    path("audit/events", audit.EventsView.as_view(), name="audit-events"),
    path("audit/export", audit.ExportView.as_view(), name="audit-export"),
    path("agencies", directory.AgencyListView.as_view(), name="agencies"),
    path("agencies/<slug:code>", directory.AgencyDetailView.as_view(), name="agency"),
    path("frameworks", directory.FrameworkListView.as_view(), name="frameworks"),
    path("frameworks/<int:year>", directory.FrameworkDetailView.as_view(), name="framework"),
    path("disclosures", listings.DisclosureListView.as_view(), name="disclosures"),
    path("search", search.SearchView.as_view(), name="search"),
    path("search/suggest", search.SuggestView.as_view(), name="search-suggest"),
    path("oit/<int:year>/<slug:agency>", oit.AnswerSheetView.as_view(), name="oit"),
    path("feeds/latest.rss", feeds.latest_rss, name="feed-latest-rss"),
    path("feeds/latest.atom", feeds.latest_atom, name="feed-latest-atom"),
    path("feeds/agency/<slug:code>.rss", feeds.agency_rss, name="feed-agency-rss"),
    path("feeds/agency/<slug:code>.atom", feeds.agency_atom, name="feed-agency-atom"),
    path("feeds/item/<str:code>.rss", feeds.item_rss, name="feed-item-rss"),
    path("feeds/item/<str:code>.atom", feeds.item_atom, name="feed-item-atom"),
    # Anything else under /api/v1/, control characters included ([\s\S], not '.'), is a problem 404.
    re_path(r"^(?P<rest>[\s\S]*)$", errors.NoSuchEndpointView.as_view(), name="not-found"),
]

urlpatterns = [
    path("v2/", wagtail_api.urls),
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the project's static files (drf-spectacular-sidecar); its start-up script is a file
    # of its own (?script), so the Content-Security-Policy needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
