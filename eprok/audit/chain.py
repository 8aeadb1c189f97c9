"""The hash chain: how one event's hash is computed from its fields and the previous hash.

The byte layout is fixed; changing it breaks verification of every stored event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64
_SEP = "\x1f"


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys; what is stored is exactly what is hashed."""
    if value is None or value == {}:
        return ""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    prev_hash: str,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    actor_unit: str,
    action: str,
    target_type: str,
    target_id: str,
    target_repr: str,
    related_type: str,
    related_id: str,
    changes: str,
    data: str,
    purpose: str,
    source: str,
    request_id: str,
    ip: str | None,
    user_agent: str,
) -> str:
    payload = _SEP.join(
        (
            prev_hash,
            format_time(occurred_at),
            "" if actor_id is None else str(actor_id),
            actor_name,
            actor_unit,
            action,
            target_type,
            target_id,
            target_repr,
            related_type,
            related_id,
            changes,
            data,
            purpose,
            source,
            request_id,
            ip or "",
            user_agent,
        )
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
