from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from motcua.core.text import fold


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Fold the names of the dossiers received before the column existed."""
    dossier_model = apps.get_model("dossiers", "Dossier")
    batch = []
    for dossier in dossier_model.objects.only("id", "applicant_name").iterator(chunk_size=2000):
        dossier.applicant_name_folded = fold(dossier.applicant_name)[:200]
        batch.append(dossier)
        if len(batch) >= 2000:
            dossier_model.objects.bulk_update(batch, ["applicant_name_folded"])
            batch = []
    if batch:
        dossier_model.objects.bulk_update(batch, ["applicant_name_folded"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0010_idempotency_request_hash"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_name_folded",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=200),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
