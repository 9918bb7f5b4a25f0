from wagtail import hooks


@hooks.register("register_log_actions")
def register_audit_log_actions(actions):
    actions.register_action("audit.restore", "Restore deleted page", "Restored from the audit trail")
    actions.register_action("audit.revert", "Revert to audit version", "Reverted to a version in the audit trail")
