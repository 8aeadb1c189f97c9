"""Idempotency keys for creating API operations: a retried request never creates a second record.

    record, created = run_once(client=request.user, operation="materials.register", key=key,
                               payload=body.dict(), create=lambda: services.material_register(...),
                               result_key=lambda m: str(m.public_id),
                               load=lambda k: Material.objects.get(public_id=k))

The record and the key are written in one transaction. A concurrent duplicate hits the unique
constraint, rolls its own creation back and returns the first request's result. The same key with a
different body is refused (409), as the IETF Idempotency-Key draft asks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.models import IdempotencyRecord

T = TypeVar("T")
HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


def payload_hash(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def check_key(key: str | None) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(
            _("The Idempotency-Key header must be printable text of at most 100 characters."),
            code="idempotency_key_invalid",
        )
    return key


def _existing(client: Any, operation: str, key: str, digest: str) -> IdempotencyRecord | None:
    record = IdempotencyRecord.objects.filter(client=client, operation=operation, key=key).first()
    if record is not None and record.request_hash != digest:
        raise Conflict(
            _("This Idempotency-Key was already used with a different request."),
            code="idempotency_key_reused",
        )
    return record


def run_once(
    *,
    client: Any,
    operation: str,
    key: str | None,
    payload: Any,
    create: Callable[[], T],
    result_key: Callable[[T], str],
    load: Callable[[str], T],
) -> tuple[T, bool]:
    """(result, created): `create()` once per (client, operation, key); without a key, always create."""
    key = check_key(key)
    if key is None:
        return create(), True
    digest = payload_hash(payload)
    record = _existing(client, operation, key, digest)
    if record is not None:
        return load(record.result_key), False
    try:
        with transaction.atomic():
            result = create()
            IdempotencyRecord.objects.create(
                client=client,
                operation=operation,
                key=key,
                request_hash=digest,
                result_key=result_key(result),
            )
    except IntegrityError:
        record = _existing(client, operation, key, digest)
        if record is None:
            raise
        return load(record.result_key), False
    return result, True
