"""manage.py search_reindex [--label X] [--batch-size N]: rebuild the search index from the records."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eprok.search import services
from eprok.search.registry import labels


class Command(BaseCommand):
    help = "Rebuild the search index of one record type (--label) or of all, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--label", default="", help="One type, e.g. cases.case (default: every type).")
        parser.add_argument("--batch-size", type=int, default=500, help="Records per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        label = options["label"]
        if label and label not in labels():
            raise CommandError(f"Unknown type {label!r}; one of: {', '.join(labels())}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.monotonic()
        counts = services.reindex(label or None, batch_size=options["batch_size"])
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"Indexed {sum(counts.values())} records in {time.monotonic() - started:.1f} s.")
