"""The portal's URLs. Mounted at ``/`` before Wagtail's page serving, which keeps every other path."""

from django.urls import path, re_path

from .views import browse, detail, oit, search
from .views.base import api_errors

app_name = "portal"

urlpatterns = [
    path("", api_errors(search.search), name="search"),
    path("agencies/", api_errors(browse.agencies), name="agencies"),
    path("agencies/<slug:code>/", api_errors(browse.agency), name="agency"),
    path("items/", api_errors(browse.items), name="items"),
    path("items/<str:code>/", api_errors(browse.item), name="item"),
    path("oit/<slug:code>/", api_errors(oit.answer_sheet), name="oit"),
    path("oit/<slug:code>/<int:year>/", api_errors(oit.answer_sheet), name="oit-year"),
    re_path(r"^p/(?P<path>[^@?#]+?)/history/$", api_errors(detail.history), name="history"),
    re_path(r"^p/(?P<path>[^@?#]+?)/$", api_errors(detail.page), name="page"),
]
