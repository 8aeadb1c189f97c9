"""`manage.py gateway_sweep`: run every minute by the scheduler (docs/operations.md).

Sends the e-Court deliveries that are queued and due: those the worker never got (it or the queue was
down) and those whose next attempt after a failure has come. Running it twice, or next to the worker, is
harmless: each delivery is claimed before it is sent, and a retry repeats the delivery's X-Road-Id, which
the e-Court answers with its first answer.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Send the e-Court deliveries that are queued and due (failed attempts with their backoff)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=200, help="at most this many deliveries per run")

    def handle(self, *args: Any, **options: Any) -> None:
        from eprok.gateway.ecourt import deliveries_sweep

        with work_context(WorkContext(source="cli")):
            counts = deliveries_sweep(limit=options["limit"])
        summary = ", ".join(f"{status} {count}" for status, count in sorted(counts.items())) or "nothing due"
        self.stdout.write(f"e-Court deliveries: {summary}")
