"""`manage.py training_sweep`: run every minute by the scheduler (docs/operations.md).

Creates the video meetings whose attempt is due (the worker was down, or the provider failed and the
back-off has passed) and takes attendance from the Zoom meetings of events that have ended.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Retry pending video meetings of training events; take attendance from ended Zoom meetings."

    def handle(self, *args: Any, **options: Any) -> None:
        from eprok.training.services_meetings import meetings_sweep

        with work_context(WorkContext(source="cli")):
            meetings = meetings_sweep()
        self.stdout.write(
            f"training meetings: attempted {meetings.attempted}, created {meetings.created}, "
            f"failed {meetings.failed}; attendance from {meetings.attendance_events} meetings, "
            f"{meetings.attendance_marked} listeners marked, {meetings.attendance_errors} not reachable"
        )
