"""Wagtail's users app, with a user viewset whose forms carry full name and position."""

from wagtail.users.apps import WagtailUsersAppConfig


class AccountsUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "repository.accounts.viewsets.UserViewSet"
