"""Database triggers that refuse UPDATE and DELETE on the statistical cards, on SQLite and PostgreSQL."""

from django.db import migrations

TABLE = "stats_card"

SQLITE_UP = [
    f"""CREATE TRIGGER stats_card_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'statistical cards are append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER stats_card_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'statistical cards are append-only: DELETE refused'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS stats_card_no_update",
    "DROP TRIGGER IF EXISTS stats_card_no_delete",
]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION stats_card_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'statistical cards are append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$""",
    f"""CREATE TRIGGER stats_card_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION stats_card_refuse_change()""",
    f"""CREATE TRIGGER stats_card_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION stats_card_refuse_change()""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS stats_card_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS stats_card_no_update_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS stats_card_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
