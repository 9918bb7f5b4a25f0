from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include("api.urls")),
]

if settings.DEBUG:
    # Media in development — but never the documents' folder: attachments are served only through
    # Wagtail's document view, which asks repository.documents who may download them.
    from django.urls import re_path
    from django.views.static import serve

    media = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media}/(?!documents/)(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

# The public reference portal answers first; Wagtail serves any other path.
urlpatterns += [path("", include("portal.urls")), path("", include(wagtail_urls))]
