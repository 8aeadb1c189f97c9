"""The full-text part of the index, per database vendor.

SQLite: an FTS5 table `search_fts(terms)` whose rowid is the SearchEntry id, written by the services.
PostgreSQL: a generated column `search_searchentry.tsv` (the terms as lexemes, taken verbatim, since
they are folded already) with a GIN index; fuzzy names use pg_trgm over SearchName.term.
Both are created by migration 0002_full_text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection

FTS_TABLE = "search_fts"


def vendor() -> str:
    return connection.vendor


def write_terms(rows: Iterable[tuple[int, str]]) -> None:
    """Add the FTS rows of new entries (PostgreSQL computes its column itself)."""
    if vendor() != "sqlite":
        return
    rows = list(rows)
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO search_fts(rowid, terms) VALUES (%s, %s)", rows)


def delete_terms(entry_ids: Sequence[int]) -> None:
    if vendor() != "sqlite" or not entry_ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [[rowid] for rowid in entry_ids])


def delete_label_terms(label: str) -> None:
    """Drop the terms of every entry of one type (before its entries are deleted)."""
    if vendor() != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_searchentry WHERE label = %s)",
            [label],
        )


def clear_terms() -> None:
    if vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")


def _quote_sqlite(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _quote_pg(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def match_sql(groups: Sequence[tuple[Sequence[str], Sequence[str]]]) -> tuple[str, list[str]]:
    """A boolean SQL condition on search_searchentry, true for entries that match every group.

    A group is (prefix terms, exact terms): an entry matches it when it has a term starting with one
    of the prefixes or equal to one of the exact terms. Terms are quoted for the full-text syntax and
    the whole expression is passed as a parameter."""
    if vendor() == "postgresql":
        parts = []
        for prefixes, exact in groups:
            alts = [f"{_quote_pg(p)}:*" for p in prefixes] + [_quote_pg(e) for e in exact]
            parts.append("(" + " | ".join(alts) + ")")
        # A condition on the entry row itself (not an IN over ids), so that for a common term the
        # planner may walk the (date, id) index and stop at the candidate bound instead of
        # collecting every match from the GIN index.
        return "search_searchentry.tsv @@ %s::tsquery", [" & ".join(parts)]
    parts = []
    for prefixes, exact in groups:
        alts = [f"{_quote_sqlite(p)}*" for p in prefixes] + [_quote_sqlite(e) for e in exact]
        parts.append("(" + " OR ".join(alts) + ")")
    return "search_searchentry.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [
        " AND ".join(parts)
    ]


def estimated_share(groups: Sequence[tuple[Sequence[str], Sequence[str]]]) -> float | None:
    """The share of the entries the planner expects these groups to match (PostgreSQL: from the
    statistics of the tsvector column, one EXPLAIN; None elsewhere or without statistics)."""
    if vendor() != "postgresql" or not groups:
        return None
    sql, params = match_sql(groups)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'search_searchentry'::regclass")
        row = cursor.fetchone()
        total = float(row[0]) if row else 0.0
        if total <= 0:
            return None
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchentry WHERE {sql}", params)  # noqa: S608
        found = cursor.fetchone()
    plan = found[0] if found else None
    if isinstance(plan, str):
        plan = json.loads(plan)
    if not plan:
        return None
    return float(plan[0]["Plan"]["Plan Rows"]) / total
