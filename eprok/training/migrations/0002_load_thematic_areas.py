"""Load the classifier of thematic areas from the app's fixture (rerunnable; see classifiers.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from eprok.training.classifiers import load_thematic_areas

    load_thematic_areas(apps.get_model("training", "ThematicArea"))


class Migration(migrations.Migration):
    dependencies = [("training", "0001_training_events")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
