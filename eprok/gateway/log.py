"""The gateway's message log: one append-only, hash-chained row per request and answer.

Each row's hash covers every stored field (bodies included) and the hash of the row before it, so editing
or deleting any row breaks the chain at that row; `verify()` walks the chain (`manage.py gateway_verify`).
The database refuses UPDATE and DELETE on the table (migration 0003).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .models import Message

GENESIS_HASH = "0" * 64
_SEP = "\x1f"
# Distinct from the audit log's advisory lock: the two chains are independent.
_CHAIN_LOCK_ID = 0x6761_7465  # "gate"

# The fields of a row in the order they are hashed (after prev_hash).
HASHED_FIELDS = (
    "occurred_at",
    "direction",
    "xroad_id",
    "client",
    "service",
    "service_code",
    "method",
    "path",
    "user_id",
    "issue",
    "purpose",
    "actor_id",
    "attempt",
    "status_code",
    "outcome",
    "error",
    "duration_ms",
    "request_body",
    "response_body",
    "request_hash",
    "response_hash",
)


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "occurred_at":
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def message_hash(prev_hash: str, values: dict[str, Any]) -> str:
    payload = _SEP.join([prev_hash, *(_text(name, values.get(name)) for name in HASHED_FIELDS)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _last_hash() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    last = Message.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS_HASH


def append(**values: Any) -> Message:
    """Append one message to the chain (joins the caller's transaction, or commits on its own)."""
    values.setdefault("occurred_at", timezone.now())
    # The hashed text must be the stored text: every text cut to its column (PostgreSQL refuses a longer
    # one), and the hash computed from the row as built, so the model's defaults (attempt, duration) are in
    # it. Microseconds survive both databases.
    for name in HASHED_FIELDS:
        limit = getattr(Message._meta.get_field(name if name != "actor_id" else "actor"), "max_length", None)
        if limit and name != "actor_id":
            values[name] = str(values.get(name) or "")[:limit]
    with transaction.atomic(savepoint=False):
        prev = _last_hash()
        message = Message(**values, prev_hash=prev)
        message.hash = message_hash(prev, {name: getattr(message, name) for name in HASHED_FIELDS})
        message.save(force_insert=True)
    return message


@dataclass
class Verification:
    checked: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(batch: int) -> Iterator[tuple[Any, ...]]:
    last_id = 0
    columns = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    while True:
        chunk = list(Message.objects.filter(id__gt=last_id).order_by("id").values_list(*columns)[:batch])
        if not chunk:
            return
        yield from chunk
        last_id = chunk[-1][0]


def verify(*, batch: int = 5000, limit_problems: int = 100) -> Verification:
    """Walk the chain from the first row: each hash recomputed, each row linked to the one before."""
    result = Verification()
    expected_prev = GENESIS_HASH
    for row in _rows(batch):
        pk, prev_hash, stored_hash = row[0], row[1], row[2]
        values = dict(zip(HASHED_FIELDS, row[3:], strict=True))
        result.checked += 1
        if prev_hash != expected_prev:
            result.problems.append((pk, "chain_break"))
        elif message_hash(prev_hash, values) != stored_hash:
            result.problems.append((pk, "hash_mismatch"))
        expected_prev = stored_hash
        if len(result.problems) >= limit_problems:
            break
    return result
