"""Delete the files of expired report exports (the jobs stay listed) and fail exports stuck running."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.context import WorkContext, work_context
from eprok.stats.jobs import exports_sweep


class Command(BaseCommand):
    help = "Delete expired report export files and fail exports running for more than an hour."

    def handle(self, *args: Any, **options: Any) -> None:
        with work_context(WorkContext(source="cli")):
            result = exports_sweep()
        self.stdout.write(
            f"expired files deleted: {result['expired']}; stuck exports failed: {result['stuck']}"
        )
