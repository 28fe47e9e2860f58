"""The attempt limits move to the shared cache (issue 9 item 10): the database cache table is
created here (a no-op when it exists), and the per-user-name lock-out table goes."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_api_keys"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.DeleteModel(name="LoginThrottle"),
    ]
