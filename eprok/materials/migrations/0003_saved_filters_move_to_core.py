"""Saved filters of the register list move to core's saved filters of any list (list "materials:list")."""

from django.db import migrations


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("materials", "SavedFilter")
    New = apps.get_model("core", "SavedFilter")
    for row in Old.objects.all().iterator():
        New.objects.get_or_create(
            owner_id=row.owner_id, list_name="materials:list", name=row.name, defaults={"query": row.query}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0002_check_rounds_case_number_saved_filters"),
        ("core", "0007_saved_filters"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, migrations.RunPython.noop),
        migrations.DeleteModel(name="SavedFilter"),
    ]
