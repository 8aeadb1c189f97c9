"""`manage.py stats_sync`: compare every crime report, case and supervised case with its statistical cards
and append what is missing (new facts, correcting cards). Idempotent: a second run writes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.stats.models import SubjectType
from eprok.stats.services import record_all


class Command(BaseCommand):
    help = "Bring the statistical cards up to date with the records (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--type",
            action="append",
            choices=list(SubjectType.values),
            help="Only records of this type (repeatable). Default: all.",
        )
        parser.add_argument("--batch", type=int, default=500, help="Records read per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        types = options.get("type") or list(SubjectType.values)
        written = record_all(types, batch=max(1, options["batch"]))
        if options["verbosity"]:
            self.stdout.write(
                f"stats_sync: {written.added} cards added, {written.corrected} corrected, "
                f"{written.cancelled} cancelled"
            )
