"""Load the 331 articles of the Special Part, in force from 1 September 2000 (rerunnable, idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from eprok.criminal_code.seeding import load_articles

    load_articles(apps.get_model("criminal_code", "Article"))


class Migration(migrations.Migration):
    dependencies = [("criminal_code", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
