"""Anything under /api/v1/ that matches no endpoint: a problem-details 404, not Django's HTML page."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound

from .base import ApiView


@extend_schema(exclude=True)
class NoSuchEndpointView(ApiView):
    def get(self, request, rest=""):
        raise NotFound("No such endpoint or page.")

    post = put = patch = delete = get
