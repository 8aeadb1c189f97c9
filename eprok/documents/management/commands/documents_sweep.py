"""manage.py documents_sweep: remove stored document files that no version references (after a crash)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.documents.sweep import grace_period, sweep


class Command(BaseCommand):
    help = "Remove stored document files no version references, older than the grace period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only list what would be removed")
        parser.add_argument("--enqueue", action="store_true", help="run it in the background worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from eprok.documents.sweep import sweep_task

            sweep_task.enqueue()
            self.stdout.write("queued")
            return
        removed = sweep(dry_run=options["dry_run"])
        for name in removed:
            self.stdout.write(name)
        verb = "would be removed" if options["dry_run"] else "removed"
        self.stdout.write(f"{len(removed)} file(s) {verb} (grace period {grace_period()})")
