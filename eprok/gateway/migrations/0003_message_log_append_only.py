"""Database triggers that refuse UPDATE and DELETE on the gateway's message log, on SQLite and PostgreSQL."""

from django.db import migrations

TABLE = "gateway_message"

SQLITE_UP = [
    f"""CREATE TRIGGER gateway_message_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the gateway message log is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER gateway_message_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the gateway message log is append-only: DELETE refused'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS gateway_message_no_update",
    "DROP TRIGGER IF EXISTS gateway_message_no_delete",
]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION gateway_message_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the gateway message log is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$""",
    f"""CREATE TRIGGER gateway_message_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION gateway_message_refuse_change()""",
    f"""CREATE TRIGGER gateway_message_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION gateway_message_refuse_change()""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS gateway_message_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS gateway_message_no_update_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS gateway_message_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("gateway", "0002_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
