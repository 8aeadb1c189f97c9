"""Fill Employee.name_key for rows created before the column existed (rerunnable)."""

from django.db import migrations


def fill(apps, schema_editor):
    from eprok.org.models import name_search_key

    Employee = apps.get_model("org", "Employee")
    for row in (
        Employee.objects.filter(name_key="").only("pk", "last_name", "first_name", "patronymic").iterator()
    ):
        full = " ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p)
        Employee.objects.filter(pk=row.pk).update(name_key=name_search_key(full))


class Migration(migrations.Migration):
    dependencies = [("org", "0002_employee_name_key_assignment_ended_at")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
