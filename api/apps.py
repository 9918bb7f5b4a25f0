from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Headless delivery API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import state  # deferred: app registry
        from .webhooks import signals  # deferred: app registry

        state.connect()
        signals.connect()
