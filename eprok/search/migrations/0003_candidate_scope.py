"""The candidate scope on the entry: whose access rule decides (scope_label, scope_id), that record's
unit (scope_unit) and the record's classification; existing entries are filled in the same way as
eprok.search.services.scope_columns writes them (a document: its owner, the owner's unit now)."""

import django.db.models.deletion
from django.db import migrations, models

DOCUMENTS = "documents.document"


def fill(apps, schema_editor):
    from eprok.documents import owners

    Entry = apps.get_model("search", "SearchEntry")
    Document = apps.get_model("documents", "Document")
    entries = schema_editor.quote_name(Entry._meta.db_table)
    documents = schema_editor.quote_name(Document._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {entries} SET scope_label = label, scope_id = object_id, scope_unit_id = unit_id "  # noqa: S608
            "WHERE label <> %s",
            [DOCUMENTS],
        )
        if not Entry.objects.filter(label=DOCUMENTS).exists():
            return  # a new database: nothing to fill (and the owners' tables may come later)
        whens: list[str] = []
        params: list[str] = []
        for owner in owners.owner_types():
            try:
                model = apps.get_model(owner.model._meta.app_label, owner.model._meta.model_name)
            except LookupError:
                continue
            if "unit" not in {f.name for f in model._meta.concrete_fields}:
                continue
            table = schema_editor.quote_name(model._meta.db_table)
            whens.append(f"WHEN %s THEN (SELECT o.unit_id FROM {table} o WHERE o.id = d.owner_id)")  # noqa: S608
            params.append(owner.label)
        unit = f"CASE d.owner_type {' '.join(whens)} END" if whens else "NULL"
        cursor.execute(
            f"UPDATE {entries} SET scope_label = d.owner_type, scope_id = d.owner_id, "  # noqa: S608
            f"classification = d.classification, scope_unit_id = {unit} "
            f"FROM {documents} d WHERE {entries}.label = %s AND d.id = {entries}.object_id",
            [*params, DOCUMENTS],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_documents_and_versions"),
        ("org", "0009_role_administer_gateway"),
        ("search", "0002_full_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="classification",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="classification"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="scope_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="access record id"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="scope_label",
            field=models.CharField(blank=True, max_length=64, verbose_name="access decided by"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="scope_unit",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="org.unit",
                verbose_name="access unit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["scope_unit", "-date", "-id"], name="search_entry_scope_unit"),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["scope_label", "-date", "-id"], name="search_entry_scope_label"),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                fields=["scope_label", "scope_id", "scope_unit"], name="search_entry_scope_record"
            ),
        ),
    ]
