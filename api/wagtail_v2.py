"""Wagtail's own API v2 at ``/api/v2/``, kept for the benchmark comparison, on the product's public rule.

Wagtail's ``get_public_pages_queryset`` lists live pages without view restrictions
but keeps pages below an unpublished or expired section and expired pages; the
base queryset here is narrowed by ``repository.visibility`` like every other read.
"""

from wagtail.api.v2.views import PagesAPIViewSet

from repository import visibility


class PublicPagesAPIViewSet(PagesAPIViewSet):
    def get_base_queryset(self):
        return visibility.restrict_to_public(super().get_base_queryset())
