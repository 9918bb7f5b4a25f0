"""The publication gate: the one place that decides whether a disclosure revision may go live.

Every way a page goes live in Wagtail ends in ``Revision.publish()`` →
``Page.publish()`` → ``PublishPageRevisionAction``. ``DisclosurePage.publish``
runs :class:`GatedPublishAction` instead, so the admin's single and bulk
actions (with or without descendants), the workflow's finish, scheduled
publishing, revert, importers and shell code all meet :func:`authorise`.

A disclosure revision may go live only when one of these was recorded for it:

* **workflow** — a finished run of the publication workflow in which the
  provider's request, the approver's approval and the publisher's act were all
  made on this very revision, by different people (the publisher may be the
  approver only on the emergency fast track, measure 1.2);
* **override** — an administrator's logged decision (``approvals.override_publish``)
  with a stated reason, for this revision.

Each authorisation is good for one go-live: a revision that was withdrawn
(unpublished) needs a new decision to return. The go-live and its approval form
are written in one transaction; ``DisclosurePage.save`` refuses to make a
disclosure live outside that transaction (a direct ``PublishPageRevisionAction``,
a hand-set ``live=True``), so a publication without a form cannot commit.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.actions.publish_page_revision import PublishPageRevisionAction

from repository.accounts.administrators import is_administrator

from . import workflow
from .models import ApprovalForm
from .records import record_publication


class PublicationRefused(PermissionDenied):
    """The revision may not go live; nothing was changed."""


@dataclass(frozen=True)
class Authorisation:
    kind: str  # "workflow" or "override"
    workflow_state: object = None
    override_entry: object = None


NOT_APPROVED = (
    "ข้อมูลเผยแพร่ต้องผ่านขั้นตอนการอนุมัติ (ยื่นขออนุมัติ → อนุมัติรับรอง → นำขึ้นเผยแพร่) ก่อนเผยแพร่ "
    "รุ่นนี้ยังไม่ได้รับอนุมัติ หรือถูกแก้ไขหลังการอนุมัติ; ผู้ดูแลระบบเผยแพร่นอกขั้นตอนได้โดยระบุเหตุผล"
)
ALREADY_USED = "การอนุมัติของรุ่นนี้ใช้เผยแพร่ไปแล้ว (ถูกถอนการเผยแพร่ภายหลัง) ต้องขออนุมัติใหม่หรือให้ผู้ดูแลระบบเผยแพร่โดยระบุเหตุผล"


def is_governed(page):
    """Pages whose publication must pass the gate: every disclosure page type."""
    return workflow.is_governed(page)


def _form_exists(**filters):
    return ApprovalForm.objects.filter(**filters).exists()


def authorise(page, revision):
    """The :class:`Authorisation` for ``revision`` of ``page`` to go live; :class:`PublicationRefused` if none.

    Pages outside the procedure (navigation pages) need none and get ``None``.
    """
    if not is_governed(page):
        return None
    if revision is None or str(revision.object_id) != str(page.pk):
        raise PublicationRefused(NOT_APPROVED)
    state = workflow.approving_workflow_state(revision)
    if state is not None:
        try:
            workflow.check_signers(state, revision)
        except PermissionDenied as refusal:
            raise PublicationRefused(str(refusal))
        if _form_exists(workflow_state=state):
            raise PublicationRefused(ALREADY_USED)
        return Authorisation("workflow", workflow_state=state)
    entry = workflow.override_entry(revision)
    if entry is not None and is_administrator(entry.user) and (entry.data or {}).get("reason", "").strip():
        if _form_exists(revision=revision, kind="override", published_at__gte=entry.timestamp):
            raise PublicationRefused(ALREADY_USED)
        return Authorisation("override", override_entry=entry)
    raise PublicationRefused(NOT_APPROVED)


def refusal(page, revision):
    """The refusal message :func:`authorise` would give, or ``None``: for admin screens that warn before acting."""
    try:
        authorise(page, revision)
    except PublicationRefused as refused:
        return str(refused)
    return None


# (revision id, page id) the gate is putting live in this context: DisclosurePage.save lets a disclosure
# become live only with this revision (or, for an alias of that page, with its content), inside
# GatedPublishAction.
_going_live = contextvars.ContextVar("repository_approvals_going_live", default=None)


@contextlib.contextmanager
def _admitting(revision):
    token = _going_live.set((revision.pk, int(revision.object_id)))
    try:
        yield
    finally:
        _going_live.reset(token)


def check_save(page, was_live, was_live_revision_id):
    """Called by ``DisclosurePage.save``: refuse a save that makes the disclosure live outside the gate."""
    if not page.live:
        return
    if was_live and page.live_revision_id == was_live_revision_id:
        return  # already live with this revision: an ordinary save (move, draft, agency, …)
    admitting = _going_live.get()
    if admitting is not None:
        revision_id, page_id = admitting
        if page.live_revision_id is not None and page.live_revision_id == revision_id:
            return
        if page.alias_of_id == page_id:
            return  # Wagtail mirrors the revision the gate admitted into the page's aliases
    raise PublicationRefused(NOT_APPROVED)


class GatedPublishAction(PublishPageRevisionAction):
    """Wagtail's publish action with the gate in front and the approval form in the same transaction."""

    def execute(self, skip_permission_checks=False):
        with transaction.atomic():
            self.check(skip_permission_checks=skip_permission_checks)
            authorisation = authorise(self.object, self.revision)
            with _admitting(self.revision):
                result = self._publish_revision(
                    self.revision,
                    self.object,
                    user=self.user,
                    changed=self.changed,
                    log_action=self.log_action,
                    previous_revision=self.previous_revision,
                )
            page = self.object
            if page.live and page.live_revision_id == self.revision.pk:
                if record_publication(page, self.revision, authorisation) is None:
                    raise PublicationRefused("เขียนแบบฟอร์มขออนุมัติเผยแพร่ไม่ได้ จึงไม่เผยแพร่")
        return result
