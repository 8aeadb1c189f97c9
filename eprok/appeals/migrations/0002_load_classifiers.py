"""Load the topics and sectors of appeals from the app's fixtures (rerunnable; see classifiers.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from eprok.appeals.classifiers import load_classifiers

    load_classifiers(
        apps.get_model("appeals", "AppealTopic"),
        apps.get_model("appeals", "Sector"),
        apps.get_model("org", "Unit"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_appeals_register"),
        ("org", "0004_roles_call_centre_supervisor_hotline_custodian"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
