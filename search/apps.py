from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "การค้นหา"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # deferred: app registry

        signals.connect()
