from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The user model, apart so that Wagtail's migrations (which depend on the
    user model) do not depend on the page models' migrations in a cycle."""

    name = "repository.accounts"
    label = "accounts"
    verbose_name = "ผู้ใช้งาน"
    default_auto_field = "django.db.models.BigAutoField"
