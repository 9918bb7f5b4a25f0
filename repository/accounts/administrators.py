"""Who is an administrator: the one definition every rule uses.

An active superuser, or an active member of a group holding
``approvals.override_publish`` (the global administrator group made by
``repository.approvals.roles.ensure_global_groups``). Administrators may publish
outside the workflow with a recorded reason, restore deleted pages and revert.
"""


def is_administrator(user):
    return bool(
        user is not None
        and getattr(user, "is_active", False)
        and (user.is_superuser or user.has_perm("approvals.override_publish"))
    )
