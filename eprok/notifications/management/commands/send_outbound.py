"""Retry the outbound messages to citizens that failed or were interrupted (run every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from eprok.core.context import WorkContext, work_context
from eprok.notifications.models import OutboundMessage
from eprok.notifications.outbound import outbound_retry


class Command(BaseCommand):
    help = (
        "Without options: count outbound messages by status. With --retry: send again the failed ones "
        "(and queued ones left by an interrupted send) that have attempts left."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retry", action="store_true", help="send failed and interrupted messages again")
        parser.add_argument("--limit", type=int, default=100, help="at most this many messages per run")
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=None,
            help="attempts per message in all (default: EPROK_OUTBOUND_MAX_ATTEMPTS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry"]:
            with work_context(WorkContext(source="cli")):
                report = outbound_retry(limit=options["limit"], max_attempts=options["max_attempts"])
            self.stdout.write(
                f"tried: {report.tried}, sent: {report.sent}, failed: {report.failed}, "
                f"gave up: {report.gave_up}"
            )
            return
        counts = dict(
            OutboundMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        self.stdout.write(
            ", ".join(f"{status}: {counts.get(status, 0)}" for status in ("queued", "sent", "failed"))
        )
