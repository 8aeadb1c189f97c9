"""Rule cpc.207.check: the 30-day ground (expert opinion, art. 207.3 audit) may be used directly.

CPC art. 207.1.2 sets the check at 3 days, "up to 10 days" when it cannot be done in 3, and "up to 30
days" when an expert opinion is needed: the 30-day ground does not require the 10-day one first. The
step now allows up to +27 days on its own; the rule's cap (30 days) still bounds both steps together.
Rerunnable: it only touches that step of that rule, and only while it still has the old length.
"""

from django.db import migrations


def allow_thirty_days(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    rule = DeadlineRule.objects.filter(code="cpc.207.check").first()
    if rule is None:
        return
    steps = list(rule.extension_steps or [])
    changed = False
    for step in steps:
        if step.get("key") == "207.1.2-30" and int(step.get("max_total", 0)) == 20:
            step["length"] = 27
            step["max_total"] = 27
            changed = True
    if changed:
        rule.extension_steps = steps
        rule.save(update_fields=["extension_steps"])


class Migration(migrations.Migration):
    dependencies = [("core", "0004_numbering_tracking_idempotency")]

    operations = [migrations.RunPython(allow_thirty_days, migrations.RunPython.noop)]
