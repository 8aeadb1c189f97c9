"""Close the court proceedings whose term to appeal ran out with no appeal filed (run daily; rerunnable)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Close the court proceedings whose term to appeal ran out with no appeal filed."

    def handle(self, *args: Any, **options: Any) -> None:
        from eprok.courtwork.services import proceedings_sweep

        with work_context(WorkContext(source="cli")):
            closed = proceedings_sweep()
        self.stdout.write(f"court proceedings closed: {closed}")
