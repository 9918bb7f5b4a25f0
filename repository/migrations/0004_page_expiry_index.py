"""An index on Wagtail's ``wagtailcore_page.expire_at``: the API's generation counts the live pages past
their expiry on every request (api/state.py), and search drops expired pages before each query."""

from django.db import migrations

INDEX = "repository_page_expire_at_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("repository", "0003_imported_source"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (expire_at)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
