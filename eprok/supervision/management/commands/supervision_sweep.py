"""Raise the automatic violations of supervised investigations (missed terms, custody, unanswered acts).

Idempotent: run it as often as you like (a scheduler runs it daily); each violation is raised once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Raise the automatic violations of supervised investigations (rerunnable)."

    def handle(self, *args: Any, **options: Any) -> None:
        from eprok.supervision.services import supervision_sweep

        with work_context(WorkContext(source="cli")):
            report = supervision_sweep()
        details = ", ".join(f"{kind} +{count}" for kind, count in sorted(report.raised.items()))
        self.stdout.write(
            f"supervision sweep: {report.total} violations raised" + (f" ({details})" if details else "")
        )
