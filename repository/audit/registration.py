"""Which models django-reversion versions, and what each version follows.

Called from ``AuditConfig.ready()``. Multi-table page models follow their
parent rows (``disclosurepage_ptr`` → ``page_ptr``) and their child rows, so
that one version restores a page whole.
"""

import reversion
from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.documents import get_document_model
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page

from repository.models import (
    DISCLOSURE_PAGE_MODELS,
    Agency,
    AgencyPage,
    CarryOverDecision,
    DisclosureAttachment,
    DisclosurePage,
    DisclosureTag,
    FrameworkItem,
    FrameworkItemSuccession,
    FrameworkYear,
    HomePage,
    ItemGroupPage,
    ItemPage,
    ProcurementSummaryRow,
)

# Never versioned: secrets, and e-mail (the audit trail is exported to outsiders).
USER_FIELDS_EXCLUDED = ("password", "email", "last_login")


def _register(model, **options):
    if not reversion.is_registered(model):
        reversion.register(model, **options)


def register_models():
    from taggit.models import Tag
    _register(Page)
    _register(DisclosurePage, follow=("page_ptr", "attachments", "tagged_items"))
    for model in DISCLOSURE_PAGE_MODELS:
        follow = ["disclosurepage_ptr"]
        if hasattr(model, "procurement_rows"):
            follow.append("procurement_rows")
        _register(model, follow=tuple(follow))
    for model in (HomePage, AgencyPage, ItemGroupPage, ItemPage):
        _register(model, follow=("page_ptr",))
    _register(DisclosureAttachment)
    _register(DisclosureTag, follow=("tag",))
    _register(Tag)
    _register(ProcurementSummaryRow)
    _register(Agency)
    _register(FrameworkYear, follow=("items",))
    _register(FrameworkItem)
    _register(FrameworkItemSuccession)
    _register(CarryOverDecision, follow=("succession",))
    _register(get_document_model())
    _register(Group, follow=("page_permissions", "collection_permissions"))
    _register(GroupPagePermission)
    _register(GroupCollectionPermission)
    user_model = apps.get_model("accounts", "User")
    fields = [f.name for f in user_model._meta.concrete_model._meta.local_fields + user_model._meta.local_many_to_many
              if f.name not in USER_FIELDS_EXCLUDED]
    _register(user_model, fields=fields)
    # The approvals app's form records, once that app defines them.
    try:
        approval_form = apps.get_model("approvals", "ApprovalForm")
    except LookupError:
        approval_form = None
    if approval_form is not None:
        _register(approval_form)
