from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from . import feeds
from .views import content, listings, oit

# Wagtail's own read API, kept for comparison and for tools that speak it.
wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", PagesAPIViewSet)

# Path segments below the site root (slugs): no '@', so services stay distinct.
PAGE_PATH = r"(?P<path>[^@?#]+?)"

v1 = [
    path("content/", content.SiteRootView.as_view(), name="content-root"),
    path("content/@children", listings.RootChildrenView.as_view(), name="content-root-children"),
    re_path(rf"^content/{PAGE_PATH}/@children$", listings.ChildrenView.as_view(), name="content-children"),
    re_path(rf"^content/{PAGE_PATH}/?$", content.ContentView.as_view(), name="content"),
    path("pages/<int:page_id>", content.PageByIdView.as_view(), name="page"),
    path("disclosures", listings.DisclosureListView.as_view(), name="disclosures"),
    path("oit/<int:year>/<slug:agency>", oit.AnswerSheetView.as_view(), name="oit"),
    path("feeds/latest.rss", feeds.latest_rss, name="feed-latest-rss"),
    path("feeds/latest.atom", feeds.latest_atom, name="feed-latest-atom"),
    path("feeds/agency/<slug:code>.rss", feeds.agency_rss, name="feed-agency-rss"),
    path("feeds/agency/<slug:code>.atom", feeds.agency_atom, name="feed-agency-atom"),
    path("feeds/item/<str:code>.rss", feeds.item_rss, name="feed-item-rss"),
    path("feeds/item/<str:code>.atom", feeds.item_atom, name="feed-item-atom"),
]

urlpatterns = [
    path("v2/", wagtail_api.urls),
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
