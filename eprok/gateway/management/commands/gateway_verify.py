"""Verify the gateway's message log: every row's hash and its link to the row before it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eprok.gateway.log import verify


class Command(BaseCommand):
    help = "Verify the hash chain of the gateway's message log; exits 1 when a row was edited or deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = verify()
        seconds = time.perf_counter() - started
        rate = result.checked / seconds if seconds > 0 else 0.0
        self.stdout.write(f"{result.checked} messages checked in {seconds:.2f} s ({rate:,.0f}/s)")
        for pk, problem in result.problems:
            self.stdout.write(f"message {pk}: {problem}")
        if not result.ok:
            raise CommandError(f"{len(result.problems)} problem(s) in the gateway message log")
        self.stdout.write("the message log is intact")
