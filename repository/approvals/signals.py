"""Side effects on Wagtail's signals, so admin edits, the workflow and commands all get them."""

from django.apps import apps
from django.db.models.signals import post_migrate, post_save
from wagtail.signals import task_submitted

from repository.documents import file_documents_by_agency
from repository.models import AgencyPage

from .notifications import role_task_submission_email_notifier
from .roles import ensure_global_groups, grant_agency_roles
from .workflow import ensure_publication_workflow


def on_agency_page_saved(sender, instance, created, raw=False, **kwargs):
    """An agency's page carries its role groups' page permissions."""
    if raw or instance.agency_id is None:
        return
    grant_agency_roles(instance.agency)


def on_post_migrate(sender, app_config=None, **kwargs):
    """Complete the global groups once every app's permissions exist (the audit app's among them)."""
    if kwargs.get("plan") is None:
        return  # a flush (tests), not a migrate: the tables were emptied on purpose
    # Run once per migrate, after the last app's permissions have been created.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is None or app_config is not with_models[-1]:
        return
    ensure_global_groups()
    ensure_publication_workflow()
    for agency_page in AgencyPage.objects.select_related("agency"):
        grant_agency_roles(agency_page.agency)
    file_documents_by_agency()


def connect():
    task_submitted.connect(role_task_submission_email_notifier, dispatch_uid="approvals_task_submitted_email")
    post_save.connect(on_agency_page_saved, sender=AgencyPage, dispatch_uid="approvals_agency_roles")
    post_migrate.connect(on_post_migrate, dispatch_uid="approvals_post_migrate")
