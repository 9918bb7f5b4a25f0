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
        from wagtail.signals import post_page_move, pre_page_move

        from .recording import (  # deferred: app registry
            on_approval_form_saved,
            on_group_permission_changed,
            on_log_entry_saved,
            seal_unsealed_revision,
        )
        from .registration import register_models  # deferred: app registry
        from .tree import (  # deferred: app registry
            find_shifted_children,
            log_shifted_children,
            remember_destination_paths,
        )

        register_models()
        post_save.connect(on_log_entry_saved, sender=PageLogEntry, dispatch_uid="audit.page_log_entry")
        post_save.connect(on_log_entry_saved, sender=ModelLogEntry, dispatch_uid="audit.model_log_entry")
        # After the recorder above: a move's own entry is sealed before the shifts it made.
        post_save.connect(log_shifted_children, sender=PageLogEntry, dispatch_uid="audit.shifted_children")
        pre_page_move.connect(remember_destination_paths, dispatch_uid="audit.remember_destination_paths")
        post_page_move.connect(find_shifted_children, dispatch_uid="audit.find_shifted_children")
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
