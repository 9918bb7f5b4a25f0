"""Append-only triggers on the audit tables, and the chain head row."""

from django.db import migrations

from repository.audit.canonical import GENESIS_SEAL
from repository.audit.triggers import create_triggers, drop_triggers


def create(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"sequence": 0, "seal": GENESIS_SEAL}
    )
    create_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(create, drop)]
