"""Attachments (Wagtail documents): who may see, choose and change them, in one place.

* **Collections.** Each agency has its own collection (``agency_collection``); its role
  groups hold Wagtail collection permissions there only (providers add, change and
  choose; approvers and publishers choose), so a provider of one agency can neither
  list, choose nor replace another agency's files.
* **Public serving.** A document is served to the public only while a public page
  (``repository.visibility``) attaches it or links to it from its published body.
  Otherwise only users with a permission on its collection, auditors and administrators
  download it; everyone else gets 404, so draft attachments are not found by their
  sequential ``/documents/<id>/<name>`` URL.
* **No change in place.** The file of a document attached to a page (live content) or to
  a revision in an approval workflow is never replaced: a new file is a new document,
  hence a new revision, hence the workflow. ``Document.save`` refuses it (the core);
  the admin's edit form says so before saving.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Collection, WorkflowState

from repository import visibility
from repository.accounts.administrators import is_administrator
from repository.models import DisclosureAttachment

FILE_IN_USE = (
    "ไฟล์นี้แนบอยู่กับข้อมูลที่เผยแพร่แล้วหรืออยู่ระหว่างขออนุมัติ จึงเปลี่ยนไฟล์เดิมไม่ได้ "
    "ให้อัปโหลดเป็นเอกสารใหม่แล้วแนบในหน้าข้อมูล (ต้องผ่านการอนุมัติอีกครั้ง)"
)


@transaction.atomic
def agency_collection(agency):
    """The agency's own collection (created under the root collection on first use)."""
    if agency.collection_id:
        return agency.collection
    root = Collection.get_first_root_node()
    collection = root.add_child(instance=Collection(name=f"{agency.name_th} ({agency.code})"[:255]))
    type(agency).objects.filter(pk=agency.pk).update(collection=collection)
    agency.collection = collection
    return collection


# --- who may download ------------------------------------------------------


def _document_link(document_id):
    return f'linktype="document" id="{int(document_id)}"'


def is_public_document(document):
    """True while a public page attaches ``document`` or links to it from its published body."""
    public = visibility.public_disclosures()
    if DisclosureAttachment.objects.filter(document_id=document.pk, page__in=public.values("pk")).exists():
        return True
    return public.filter(body__contains=_document_link(document.pk)).exists()


def may_download(user, document):
    """The public: only public documents. Signed-in staff: also those of collections they hold a document
    permission on. Auditors and administrators: every document."""
    if is_public_document(document):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_administrator(user) or user.has_perm("approvals.view_all_approvalforms"):
        return True
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(get_document_model())
    return policy.user_has_any_permission_for_instance(user, ["add", "change", "choose"], document)


# --- no change in place ----------------------------------------------------


def is_in_use(document):
    """Attached to a page's saved content, or to the revision of a page in an approval workflow."""
    if DisclosureAttachment.objects.filter(document_id=document.pk).exists():
        return True
    in_progress = WorkflowState.objects.active().select_related("current_task_state__revision")
    for state in in_progress:
        revision = state.current_task_state.revision if state.current_task_state else None
        content = revision.content if revision is not None else {}
        if any(row.get("document") == document.pk for row in content.get("attachments") or []):
            return True
        if _document_link(document.pk) in (content.get("body") or ""):
            return True
    return False


def file_changed(document):
    """Whether the unsaved ``document`` carries another file than the stored one."""
    if document.pk is None:
        return False
    stored = get_document_model().objects.filter(pk=document.pk).values_list("file", flat=True).first()
    return stored is not None and stored != document.file.name


def check_file_change(document):
    """Refuse replacing the file of a document in use (``PermissionDenied``)."""
    if file_changed(document) and is_in_use(document):
        raise PermissionDenied(FILE_IN_USE)


def file_documents_by_agency():
    """Move documents still in the root collection into the collection of the agency whose page attaches
    them (installations from before per-agency collections). Idempotent."""
    root = Collection.get_first_root_node()
    if root is None:
        return 0
    moved = 0
    rows = (DisclosureAttachment.objects.filter(document__collection=root, page__agency__isnull=False)
            .select_related("page__agency", "document"))
    for row in rows:
        document = row.document
        if document.collection_id != root.pk:
            continue  # attached to pages of two agencies: it stays with the first
        document.collection = agency_collection(row.page.agency)
        get_document_model().objects.filter(pk=document.pk).update(collection=document.collection)
        moved += 1
    return moved


def refuse_file_change(sender, instance, raw=False, **kwargs):
    """``pre_save`` of the document model: the core of "no change in place"."""
    if not raw:
        check_file_change(instance)


def serve_only_if_allowed(document, request):
    """Wagtail's ``before_serve_document`` hook: 404 unless :func:`may_download`."""
    from django.http import Http404

    if not may_download(request.user, document):
        raise Http404
