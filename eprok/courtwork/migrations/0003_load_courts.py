"""Load the courts (fixtures/courts.json): rerunnable, a court already there keeps its row and gets the
names, level and codes of the fixture."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "courts.json"
FIELDS = ("level", "district", "name_az", "name_en", "name_ru", "xroad_code")


def load_courts(apps, schema_editor):
    Court = apps.get_model("courtwork", "Court")
    for item in json.loads(FIXTURE.read_text(encoding="utf-8")):
        Court.objects.update_or_create(code=item["code"], defaults={key: item[key] for key in FIELDS})


class Migration(migrations.Migration):
    dependencies = [("courtwork", "0002_initial")]

    operations = [migrations.RunPython(load_courts, migrations.RunPython.noop)]
