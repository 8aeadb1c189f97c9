"""The worker's fan-out of a submitted special report to its receiving units (`eprok worker`).

Queued after the submitting transaction commits; if the worker is down the task waits in the queue and
the report shows as undelivered, and `manage.py special_sweep` (run every minute by the scheduler)
delivers it anyway. Delivering twice is harmless: the second call finds the report delivered.
"""

from __future__ import annotations

from django_tasks import task

from eprok.audit.context import audited_task


@task()
@audited_task
def deliver_task(report_pk: int) -> bool:
    from eprok.special.services import report_deliver

    return report_deliver(report_pk=report_pk)
