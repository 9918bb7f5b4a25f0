from django.apps import AppConfig


class RepositoryConfig(AppConfig):
    name = "repository"
    verbose_name = "คลังข้อมูลเผยแพร่"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # deferred: app registry

        signals.connect()
