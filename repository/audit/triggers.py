"""Database triggers that make the audit tables append-only.

Created by migration 0002 on SQLite and PostgreSQL (and by 0005 for the
transparency log's tables). They refuse every UPDATE and DELETE on
``audit_auditrecord``, ``reversion_revision``, ``reversion_version`` and the
Merkle tree's nodes, checkpoints and cosignatures — with one exception: reversion's ``Revision.user`` is
``on_delete=SET_NULL``, so deleting a user sets ``user_id`` to NULL on their
revisions; that single change is allowed. The seal does not cover
``Revision.user_id`` (it covers the record's own user snapshot instead), so the
chain still verifies after a user is deleted.

What this means in normal operation (see docs/AUDIT.md):

* reversion's ``deleterevisions`` command, and deleting revisions in the
  Django admin, are refused: history is never pruned.
* deleting a ContentType that has versions is refused (versions cascade).
* PostgreSQL's ``TRUNCATE`` is not covered by row triggers; it needs the
  table owner's rights, as does dropping the triggers. The triggers protect
  against the application rewriting history by accident; someone holding the
  owner's rights is caught by ``manage.py audit verify`` and pinned head seals.
"""

TABLES = ("audit_auditrecord", "reversion_revision", "reversion_version", "audit_treenode", "audit_checkpoint",
          "audit_cosignature")
MESSAGE = "audit trail is append-only"

# reversion_revision may change only by SET_NULL of user_id (a user was deleted).
_REVISION_UPDATE_ALLOWED = (
    "NEW.user_id IS NULL AND NEW.id = OLD.id AND NEW.date_created = OLD.date_created "
    "AND NEW.comment = OLD.comment"
)


def _sqlite_statements(table):
    update_when = f" WHEN NOT ({_REVISION_UPDATE_ALLOWED})" if table == "reversion_revision" else ""
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}{update_when} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE on {table} refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE on {table} refused'); END",
    ]


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def _pg_statements(table):
    update_when = f" WHEN (NOT ({_REVISION_UPDATE_ALLOWED}))" if table == "reversion_revision" else ""
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} FOR EACH ROW{update_when} "
        f"EXECUTE FUNCTION audit_refuse_change()",
        f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION audit_refuse_change()",
    ]


def create_statements(vendor, tables=TABLES):
    if vendor == "sqlite":
        return [s for table in tables for s in _sqlite_statements(table)]
    if vendor == "postgresql":
        return [_PG_FUNCTION] + [s for table in tables for s in _pg_statements(table)]
    raise NotImplementedError(f"append-only triggers are written for SQLite and PostgreSQL, not {vendor}")


def drop_statements(vendor, tables=TABLES):
    statements = []
    for table in tables:
        for suffix in ("no_update", "no_delete"):
            if vendor == "sqlite":
                statements.append(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
            elif vendor == "postgresql":
                statements.append(f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}")
    if vendor == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS audit_refuse_change()")
    return statements


def _existing(connection):
    """The protected tables this database has (an earlier migration runs before later tables exist)."""
    present = set(connection.introspection.table_names())
    return [table for table in TABLES if table in present]


def create_triggers(connection):
    with connection.cursor() as cursor:
        for statement in create_statements(connection.vendor, _existing(connection)):
            cursor.execute(statement)


def drop_triggers(connection):
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor, _existing(connection)):
            cursor.execute(statement)
