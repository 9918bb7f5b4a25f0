"""The portal's URLs. Mounted at ``/`` before Wagtail's page serving, which keeps every other path."""

from django.urls import path, re_path

from .views import browse, detail, oit, search

app_name = "portal"

urlpatterns = [
    path("", search.search, name="search"),
    path("agencies/", browse.agencies, name="agencies"),
    path("agencies/<slug:code>/", browse.agency, name="agency"),
    path("items/", browse.items, name="items"),
    path("items/<str:code>/", browse.item, name="item"),
    path("oit/<slug:code>/", oit.answer_sheet, name="oit"),
    path("oit/<slug:code>/<int:year>/", oit.answer_sheet, name="oit-year"),
    re_path(r"^p/(?P<path>[^@?#]+?)/history/$", detail.history, name="history"),
    re_path(r"^p/(?P<path>[^@?#]+?)/$", detail.page, name="page"),
]
