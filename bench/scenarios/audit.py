"""Audit chain verification throughput, in-process, next to raw SHA-256 over the same bytes.

The target is what `eprok audit verify` runs (`eprok.audit.verify.verify_chain`): read every event
in id order, rebuild its hashed text, hash it, compare with the stored hash and the next row's link.
The baseline reads the same texts once, untimed, then times only `hashlib.sha256(text).hexdigest()`
over them: the floor any verification in Python has to stand on.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import time
from collections.abc import Iterator
from typing import Any

from django.core.management import call_command, get_commands
from django.db import connection, transaction

from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, register
from eprok.audit.chain import _SEP, format_time
from eprok.audit.models import AuditEvent

CHUNK = 50_000


def _payload_chunks() -> Iterator[list[str]]:
    """The hashed text of every event, in id order, a chunk at a time."""
    try:
        from eprok.audit.verify import _payload_sql  # the very SQL verify_chain reads with
    except ImportError:
        yield from _payload_chunks_python()
        return
    guard = transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext()
    with guard, connection.chunked_cursor() as cursor:
        cursor.execute(_payload_sql(), [0])
        while rows := cursor.fetchmany(CHUNK):
            yield [row[2] for row in rows]


def _payload_chunks_python() -> Iterator[list[str]]:
    fields = (
        "prev_hash",
        "occurred_at",
        "actor_id",
        "actor_name",
        "actor_unit",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "related_type",
        "related_id",
        "changes",
        "data",
        "purpose",
        "source",
        "request_id",
        "ip",
        "user_agent",
    )
    chunk: list[str] = []
    for row in AuditEvent.objects.order_by("id").values_list(*fields).iterator(chunk_size=CHUNK):
        values = list(row)
        values[1] = format_time(values[1])
        values[2] = "" if values[2] is None else str(values[2])
        values[16] = values[16] or ""
        chunk.append(_SEP.join(values))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def raw_sha256(limit: int | None = None) -> dict[str, Any]:
    """Time SHA-256 (hex digest, as verification needs) over every event's hashed text; reading the
    texts and encoding them are outside the timed part."""
    sha256 = hashlib.sha256
    seconds = 0.0
    events = size = 0
    for chunk in _payload_chunks():
        payloads = [text.encode() for text in chunk]
        size += sum(map(len, payloads))
        started = time.perf_counter()
        for payload in payloads:
            sha256(payload).hexdigest()
        seconds += time.perf_counter() - started
        events += len(payloads)
        if limit is not None and events >= limit:
            break
    return {"events": events, "seconds": seconds, "bytes": size}


def run_verify() -> dict[str, Any]:
    """verify_chain() when present, else the `audit_verify` command, timed."""
    try:
        from eprok.audit.verify import verify_chain
    except ImportError:
        verify_chain = None  # type: ignore[assignment]
    if verify_chain is not None:
        result = verify_chain()
        return {
            "how": "eprok.audit.verify.verify_chain()",
            "events": result.checked,
            "seconds": result.seconds,
            "ok": result.ok,
        }
    if "audit_verify" not in get_commands():
        raise RuntimeError("neither eprok.audit.verify nor the audit_verify command is available")
    started = time.perf_counter()
    out = io.StringIO()
    call_command("audit_verify", stdout=out, stderr=out)
    return {
        "how": "manage.py audit_verify",
        "events": AuditEvent.objects.count(),
        "seconds": time.perf_counter() - started,
        "ok": True,
    }


class AuditVerify(Scenario):
    name = "audit_verify"
    title = "Audit chain verification (eprok audit verify), in-process"
    needs_server = False

    def run(self, ctx: BenchContext) -> ScenarioResult:
        total = AuditEvent.objects.count()
        ctx.progress(f"{self.name}: verifying {total:,} events")
        verified = run_verify()
        if not verified["ok"]:
            raise RuntimeError("the seeded chain did not verify: the benchmark's seeding is wrong")
        ctx.progress(f"{self.name}: raw SHA-256 over the same bytes")
        raw = raw_sha256()
        verify_rate = verified["events"] / verified["seconds"] if verified["seconds"] else 0.0
        raw_rate = raw["events"] / raw["seconds"] if raw["seconds"] else 0.0
        ratio = verify_rate / raw_rate if raw_rate else None
        mb = raw["bytes"] / 1e6
        rows: list[list[Any]] = [
            [
                "eprok audit verify",
                verified["events"],
                verified["seconds"],
                verify_rate,
                None if ratio is None else f"{ratio:.0%}",
            ],
            [f"raw SHA-256, same {mb:,.0f} MB", raw["events"], raw["seconds"], raw_rate, "100%"],
        ]
        notes = [
            f"verify: {verified['how']} (reads, rebuilds, hashes and compares every event).",
            "raw: texts read once untimed; only hashlib.sha256(text).hexdigest() is timed.",
        ]
        return ScenarioResult(
            title=self.title,
            columns=["check", "events", "seconds", "events/s", "vs raw"],
            rows=rows,
            notes=notes,
            data={
                "verify": {**verified, "events_per_second": round(verify_rate)},
                "raw_sha256": {**raw, "events_per_second": round(raw_rate)},
                "ratio": None if ratio is None else round(ratio, 4),
            },
        )


register(AuditVerify())
