"""The allow-list of `supervised-cases-v1`: every investigating body with a gateway member may send cases.

Rerunnable: a row already there (perhaps deactivated by an administrator) is left as it is. A body added
later is allowed by an administrator on the allow-list page (docs/decisions/0018-gateway-x-road.md).
"""

from django.db import migrations

SERVICE = "supervised-cases-v1"


def allow(apps, schema_editor):
    body_model = apps.get_model("supervision", "InvestigatingBody")
    permission_model = apps.get_model("gateway", "InboundPermission")
    for member, name in body_model.objects.exclude(xroad_member="").values_list("xroad_member", "name_az"):
        permission_model.objects.get_or_create(
            client=member, service=SERVICE, defaults={"note": str(name)[:200]}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("gateway", "0004_load_services"),
        ("supervision", "0002_load_investigating_bodies"),
    ]

    operations = [migrations.RunPython(allow, migrations.RunPython.noop)]
