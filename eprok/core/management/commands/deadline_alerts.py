"""Notify responsible employees of terms that are about to run out or have run out (run every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.calendar.tracking import deadline_alerts
from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Send the approaching and overdue deadline notifications that are due; each is sent once."

    def handle(self, *args: Any, **options: Any) -> None:
        with work_context(WorkContext(source="cli")):
            sent = deadline_alerts()
        self.stdout.write(f"approaching: {sent['approaching']}, overdue: {sent['overdue']}")
