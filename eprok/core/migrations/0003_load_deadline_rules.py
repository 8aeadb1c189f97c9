"""Load the statutory deadline rules from eprok/core/fixtures/deadline_rules.json.

Rerunnable: only rules whose code is missing are created, so rules an administrator has edited
(e.g. the uncertain ones, see their notes) are never overwritten.
"""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "deadline_rules.json"


def load_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    existing = set(DeadlineRule.objects.values_list("code", flat=True))
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    DeadlineRule.objects.bulk_create([DeadlineRule(**row) for row in rows if row["code"] not in existing])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_day_and_deadline_rule")]

    operations = [migrations.RunPython(load_rules, migrations.RunPython.noop)]
