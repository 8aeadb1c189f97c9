"""Delete the files of expired report exports (the jobs stay listed), fail exports stuck running and build
the exports the worker missed. Run it every few minutes (docs/user/report-builder.en.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.context import WorkContext, work_context
from eprok.stats.jobs import exports_sweep


class Command(BaseCommand):
    help = "Delete expired report export files, fail exports stuck running, build exports the worker missed."

    def handle(self, *args: Any, **options: Any) -> None:
        with work_context(WorkContext(source="cli")):
            result = exports_sweep()
        self.stdout.write(
            f"expired files deleted: {result['expired']}; stuck exports failed: {result['stuck']}"
        )
