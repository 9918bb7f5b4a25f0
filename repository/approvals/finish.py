"""What Wagtail does when the publication workflow completes (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

Wagtail imports this path while it defines ``WorkflowState``, so this module
imports nothing from the models at import time.
"""


def publish_approved_revision(workflow_state, user=None):
    """Publish the revision the workflow's steps approved — never a later one.

    Wagtail's default (``wagtail.workflows.publish_workflow_state``) publishes
    the latest revision; here the latest revision must also be the one every
    step approved, else nothing is published and the finish is refused.
    The publication step's holder is the permission: Wagtail's own publish
    permission check is skipped, the workflow's is done instead.
    """
    from .workflow import verified_revision  # deferred: Wagtail imports this module while defining its models

    revision = verified_revision(workflow_state)
    revision.publish(user=user, skip_permission_checks=True)
