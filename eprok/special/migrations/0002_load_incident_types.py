"""Load the classifier of incident types from the app's fixture (rerunnable; see classifiers.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from eprok.special.classifiers import load_incident_types

    load_incident_types(apps.get_model("special", "IncidentType"), apps.get_model("org", "Unit"))


class Migration(migrations.Migration):
    dependencies = [("special", "0001_special_reports")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
