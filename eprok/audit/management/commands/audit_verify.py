"""`eprok audit verify`: check the audit hash chain and name the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from eprok.audit.chain import format_time
from eprok.audit.services import audit_record
from eprok.audit.verify import verify_chain
from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain; exit with code 1 and name the first broken event if it is broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=20_000, help="rows fetched per round trip")

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain(batch_size=options["batch_size"])
        rate = f"{result.events_per_second:,.0f}"
        self.stdout.write(f"checked {result.checked:,} events in {result.seconds:.2f} s ({rate} events/s)")
        with work_context(WorkContext(source="cli")):
            audit_record(
                actor=None,
                action="audit.chain.verified",
                data={
                    "checked": result.checked,
                    "result": "intact" if result.ok else "broken",
                    "last_intact_id": result.last_id,
                    "head_hash": result.head_hash,
                    **(
                        {"broken_id": result.broken.id, "problem": result.broken.problem}
                        if result.broken is not None
                        else {}
                    ),
                },
            )
        broken = result.broken
        if broken is None:
            self.stdout.write(
                self.style.SUCCESS(f"chain intact; last event {result.last_id}, hash {result.head_hash}")
            )
            return
        when = format_time(broken.occurred_at) if broken.occurred_at is not None else "?"
        self.stderr.write(
            self.style.ERROR(
                f"FIRST BROKEN EVENT: id {broken.id}, time {when}, action {broken.action}: "
                f"{broken.problem_text}"
            )
        )
        self.stderr.write(
            f"events before it are intact (last intact id {result.last_id}, hash {result.head_hash})"
        )
        raise SystemExit(1)
