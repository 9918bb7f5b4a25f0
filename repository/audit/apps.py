from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "repository.audit"
    label = "audit"
    verbose_name = "บันทึกการตรวจสอบ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save
        from reversion.signals import post_revision_commit
        from wagtail.models import ModelLogEntry, PageLogEntry

        from .recording import on_log_entry_saved, seal_unsealed_revision
        from .registration import register_models

        register_models()
        post_save.connect(on_log_entry_saved, sender=PageLogEntry, dispatch_uid="audit.page_log_entry")
        post_save.connect(on_log_entry_saved, sender=ModelLogEntry, dispatch_uid="audit.model_log_entry")
        post_revision_commit.connect(seal_unsealed_revision, dispatch_uid="audit.seal_unsealed_revision")
