"""Recompute every open record's terms (after a change of the calendar or of a deadline rule)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.calendar.tracking import recomputers
from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Recompute the due dates of all open materials, cases and other records, and report the rate."

    def handle(self, *args: Any, **options: Any) -> None:
        total, started = 0, time.perf_counter()
        with work_context(WorkContext(source="cli")):
            for owner_type, recomputer in recomputers():
                began = time.perf_counter()
                count = recomputer()
                seconds = time.perf_counter() - began
                total += count
                rate = count / seconds if seconds else 0.0
                self.stdout.write(f"{owner_type}: {count} records in {seconds:.2f} s ({rate:,.0f}/s)")
        seconds = time.perf_counter() - started
        rate = total / seconds if seconds else 0.0
        self.stdout.write(f"total: {total} records in {seconds:.2f} s ({rate:,.0f}/s)")
