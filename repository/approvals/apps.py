from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "repository.approvals"
    label = "approvals"
    verbose_name = "การขออนุมัติเผยแพร่"

    def ready(self):
        from . import signals  # deferred: app registry

        signals.connect()
