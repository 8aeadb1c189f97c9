"""Database triggers that refuse UPDATE and DELETE on audit events, on SQLite and PostgreSQL."""

from django.db import migrations

TABLE = "audit_auditevent"

SQLITE_UP = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$""",
    f"""CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    f"""CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_update_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_event_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            # params=None: the PL/pgSQL body contains a literal '%' that must not be read as a placeholder.
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
