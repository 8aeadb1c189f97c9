"""`manage.py special_sweep`: run every minute by the scheduler (docs/operations.md).

Delivers the special reports the worker has not delivered within 30 seconds (the worker or the queue is
down), alerts the reporting units and the duty prosecutors of overdue follow-ups (once per due time), and
closes the reports whose linked case or crime report has reached a decision.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Deliver pending special reports, alert overdue follow-ups, close reports whose matter is decided."

    def handle(self, *args: Any, **options: Any) -> None:
        from eprok.special.services import sweep

        with work_context(WorkContext(source="cli")):
            result = sweep()
        self.stdout.write(
            f"special reports: delivered {result.delivered}, follow-up alerts {result.alerted}, "
            f"closed {result.closed}"
        )
