"""``AuditRecord.extra`` is written as canonical JSON text from now on.

State only: the column's type does not change, and SQLite would otherwise rebuild
the table for a changed encoder — dropping the append-only triggers with it.
Records written before keep their text; verification reads either.
"""

from django.db import migrations, models

import repository.audit.canonical


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_page_timeline_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditrecord",
                    name="extra",
                    field=models.JSONField(blank=True, default=dict,
                                           encoder=repository.audit.canonical.CanonicalJSONEncoder),
                ),
            ],
            database_operations=[],
        ),
    ]
