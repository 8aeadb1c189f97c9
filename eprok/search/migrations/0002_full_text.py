"""The full-text index, per database vendor.

SQLite: an FTS5 table whose rowid is the SearchEntry id (written by eprok.search.services).
PostgreSQL: a generated tsvector column over the folded terms (taken verbatim: they are folded at
index time) with a GIN index, and pg_trgm with a trigram GIN index on the fuzzy-name vocabulary.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
            'terms, tokenize = "unicode61 remove_diacritics 0", detail = none)'
        )
    elif vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "ALTER TABLE search_searchentry ADD COLUMN tsv tsvector "
            "GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms, ' '))) STORED"
        )
        schema_editor.execute("CREATE INDEX search_entry_tsv ON search_searchentry USING gin (tsv)")
        schema_editor.execute(
            "CREATE INDEX search_name_trgm ON search_searchname USING gin (term gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_name_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_tsv")
        schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN IF EXISTS tsv")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_index")]

    operations = [migrations.RunPython(forwards, backwards)]
