"""The bundled population of the regions (eprok/stats/data/population.json), for rates per 10,000."""

from django.db import migrations


def load(apps, schema_editor):
    from eprok.stats.population import load_bundled

    load_bundled(apps.get_model("stats", "Population"))


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_cards_append_only")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
