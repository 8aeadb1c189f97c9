"""Load the built-in library of procedural-act and letter templates (rerunnable: existing ones are kept)."""

from django.db import migrations


def load(apps, schema_editor):
    from eprok.drafting.library import load_library

    load_library(apps.get_model("drafting", "Template"), apps.get_model("drafting", "TemplateVersion"))


class Migration(migrations.Migration):
    dependencies = [("drafting", "0001_templates_versions_generations")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
