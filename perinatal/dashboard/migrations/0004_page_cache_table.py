"""The table of the dashboard's shared page cache (settings.CACHES["dashboard"]): made by
Django's createcachetable, here so that every `migrate` (set-up, deployment, tests) has it."""

from django.core.management import call_command
from django.db import migrations

TABLE = "dashboard_page_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0003_tally_cache")]

    operations = [migrations.RunPython(create, drop)]
