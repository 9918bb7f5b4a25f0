from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "repository.audit"
    label = "audit"
    verbose_name = "บันทึกการตรวจสอบ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from reversion.signals import post_revision_commit
        from wagtail.models import GroupCollectionPermission, GroupPagePermission, ModelLogEntry, PageLogEntry

        from .recording import (
            on_approval_form_saved,
            on_group_permission_changed,
            on_log_entry_saved,
            seal_unsealed_revision,
        )
        from .registration import register_models

        register_models()
        post_save.connect(on_log_entry_saved, sender=PageLogEntry, dispatch_uid="audit.page_log_entry")
        post_save.connect(on_log_entry_saved, sender=ModelLogEntry, dispatch_uid="audit.model_log_entry")
        post_revision_commit.connect(seal_unsealed_revision, dispatch_uid="audit.seal_unsealed_revision")
        try:
            from django.apps import apps

            approval_form = apps.get_model("approvals", "ApprovalForm")
        except LookupError:
            approval_form = None
        if approval_form is not None:
            post_save.connect(on_approval_form_saved, sender=approval_form, dispatch_uid="audit.approval_form")
        for model in (GroupPagePermission, GroupCollectionPermission):
            for signal in (post_save, post_delete):
                signal.connect(on_group_permission_changed, sender=model,
                               dispatch_uid=f"audit.{model.__name__}.{signal is post_save}")
