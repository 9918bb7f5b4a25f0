"""API authentication by Wagtail's own API tokens (``wagtail.models.APIToken``), which expire here.

Wagtail stores only an HMAC digest of each token and shows it once, in the admin's "API tokens"
(Settings → API tokens, self-service for a user with ``wagtailcore.add_apitoken``; registered by
``api/wagtail_hooks.py``). Requests send ``Authorization: Bearer <token>``. A token older than
``API_TOKEN_MAX_AGE_DAYS`` (default 90) is refused: the owner makes a new one.

DRF's own ``Token <key>`` (``manage.py drf_create_token``, kept in plain text) is still accepted by
``ApiView`` beside it, for existing clients.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions


def max_age():
    return datetime.timedelta(days=getattr(settings, "API_TOKEN_MAX_AGE_DAYS", 90))


class WagtailTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid bearer header: one token, no spaces.")
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid bearer token.") from None
        return self.authenticate_token(token)

    def authenticate_token(self, token):
        from wagtail.models import APIToken

        if not APIToken.validate_token_format(token):
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        found = APIToken.objects.select_related("user").filter(
            key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True,
            created__gt=timezone.now() - max_age()).first()
        if found is None or not found.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > datetime.timedelta(minutes=1):
            APIToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user, found

    def authenticate_header(self, request):
        return self.keyword


class WagtailTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of ``WagtailTokenAuthentication``."""

    target_class = "api.authentication.WagtailTokenAuthentication"
    name = "wagtailApiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A Wagtail API token (admin: Settings → API tokens); refused after "
                               "API_TOKEN_MAX_AGE_DAYS days or once revoked"}
