"""Query ceilings that hold on both databases.

A request that appends to the audit chain takes the chain's advisory lock on PostgreSQL
(`SELECT pg_advisory_xact_lock`), one statement SQLite does not need (its writes are serialised by
the IMMEDIATE transaction). Ceilings of audited requests are written for SQLite and wrapped in
`audited()`, so neither database gets a looser bound than it needs.
"""

from __future__ import annotations

from django.db import connection


def audited(ceiling: int, *, appends: int = 1) -> int:
    """`ceiling` on SQLite; one more per audit append on PostgreSQL."""
    return ceiling + (appends if connection.vendor == "postgresql" else 0)
