"""Load the classifier of investigating bodies from the app's fixture (rerunnable; see bodies.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from eprok.supervision.bodies import load_investigating_bodies

    load_investigating_bodies(apps.get_model("supervision", "InvestigatingBody"))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
