from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "ความปลอดภัย"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from .public_url import sync_default_site  # deferred: app registry

        # Wagtail's Site lives in wagtailcore: after its migrations the default Site follows the setting.
        post_migrate.connect(sync_default_site, sender=apps.get_app_config("wagtailcore"),
                             dispatch_uid="security.sync_default_site")
