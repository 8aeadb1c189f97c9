"""Load the configured gateway services and the inbound allow-list (rerunnable; see fixtures.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from eprok.gateway.fixtures import load_services

    load_services(apps.get_model("gateway", "RemoteService"), apps.get_model("gateway", "InboundPermission"))


class Migration(migrations.Migration):
    dependencies = [("gateway", "0003_message_log_append_only")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
