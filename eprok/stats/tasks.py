"""The worker's side of the statistics (`eprok worker`): building a queued report export.

Queued after the request's transaction commits (`jobs.export_request`). Building twice is harmless: the
second run finds the job no longer queued and does nothing. A job stuck running is failed by
`manage.py stats_exports_sweep`.
"""

from __future__ import annotations

from django_tasks import task

from eprok.audit.context import audited_task


@task()
@audited_task
def export_build_task(job_pk: int) -> str:
    """Build one export job; returns its status ("" when it was not queued)."""
    from eprok.stats.jobs import export_build

    return export_build(job_pk)
