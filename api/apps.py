from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Headless delivery API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .webhooks import signals

        signals.connect()
