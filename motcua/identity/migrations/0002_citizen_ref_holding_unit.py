"""Opaque citizen references and the holding unit (issue 9, item 1).

Existing rows get a random ``ref`` each, and as holding unit the unit of the first recorded
access to them (the registration at a counter); rows with no such access keep no holding unit,
which only a system administrator may then change.
"""

import secrets

import django.db.models.deletion
from django.db import migrations, models

import motcua.identity.models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Citizen = apps.get_model("identity", "Citizen")
    DataAccess = apps.get_model("identity", "DataAccess")
    for citizen in Citizen.objects.all().only("pk").iterator():
        first = (
            DataAccess.objects.filter(citizen_id=citizen.pk, unit__isnull=False)
            .order_by("accessed_at", "id")
            .values_list("unit_id", flat=True)
            .first()
        )
        Citizen.objects.filter(pk=citizen.pk).update(ref=secrets.token_urlsafe(16), unit_id=first)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("identity", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="citizen",
            name="ref",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="citizen",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.administrativeunit",
                verbose_name="holding unit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="citizen",
            name="ref",
            field=models.CharField(
                default=motcua.identity.models.citizen_ref_new, editable=False, max_length=32, unique=True
            ),
        ),
    ]
