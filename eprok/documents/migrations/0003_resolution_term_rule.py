"""The term of a resolution (dərkənar) on a registered letter, as a deadline rule kept as data.

No statutory record-keeping term was confirmed for letters from other bodies; the rule applies the
general answer term of the Law on citizens' appeals (art. 10.1, 15 working days) as the register's default,
and the head may set an earlier date on each resolution. Administrators change the rule as data when the
service's record-keeping instruction sets another term.
"""

from django.db import migrations

CODE = "documents.resolution"


def add_rule(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DeadlineRule.objects.update_or_create(
        code=CODE,
        defaults={
            "legal_source": "Record-keeping default after the Law on citizens' appeals (No. 1308-IVQ), art. 10.1",
            "name_az": "Dərkənarın icrası",
            "name_en": "Execution of a resolution on a letter",
            "name_ru": "Исполнение резолюции по письму",
            "start_event_az": "Dərkənarın verilməsi",
            "start_event_en": "The resolution is given",
            "start_event_ru": "Вынесение резолюции",
            "unit": "working_days",
            "length": 15,
            "extension_steps": [],
            "max_total_length": None,
            "suspendable": False,
            "note": (
                "[uncertain] The service's record-keeping instruction may set other terms for letters of "
                "state bodies; the head can set an earlier date on each resolution."
            ),
            "is_active": True,
        },
    )


def remove_rule(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_correspondence_register"),
        ("core", "0006_deadline_rule_unit_of_time"),
    ]

    operations = [migrations.RunPython(add_rule, remove_rule)]
