"""Background work of training events (`eprok worker`): creating an event's video meeting at its provider.

Queued after the request that chose the provider commits. If the worker is down, `manage.py training_sweep`
(every minute) makes the attempt once it is due; an attempt that is not due or no longer pending does
nothing, so the task and the sweep never create two meetings.
"""

from __future__ import annotations

from django_tasks import task

from eprok.audit.context import audited_task


@task()
@audited_task
def meeting_create_task(event_pk: int) -> str:
    from eprok.training.services_meetings import meeting_attempt

    return meeting_attempt(event_pk=event_pk, first=True)
