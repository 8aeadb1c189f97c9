"""Background work of the search app: indexing the many records that show a changed object."""

from __future__ import annotations

from django_tasks import task

from eprok.audit.context import audited_task


@task()
@audited_task
def index_dependents_task(label: str, pks: list[int]) -> int:
    """Index, in batches, the records whose entries show the objects `pks` of `label` (a person's cases)."""
    from eprok.search.services import index_dependents

    return index_dependents(label, pks, inline=True)
