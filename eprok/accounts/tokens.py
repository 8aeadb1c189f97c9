"""Issuing and checking personal API tokens: "epk_<prefix>_<secret>"."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from django.utils import timezone

from eprok.accounts.models import ApiToken

_PREFIX_RE = re.compile(r"^[0-9a-f]{1,16}$")
TOKEN_MARK = "epk"  # noqa: S105 - the token format's marker, not a secret


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_material() -> tuple[str, str, str]:
    """(prefix, secret, full token shown once to the owner)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return prefix, secret, f"{TOKEN_MARK}_{prefix}_{secret}"


def authenticate_token(raw: str) -> ApiToken | None:
    """The live token matching `raw`, or None. Constant-time comparison of the secret hash."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_MARK or not _PREFIX_RE.match(parts[1]) or not parts[2]:
        return None
    # The prefix is unique: no ORDER BY (the model's default ordering) on this per-call query.
    found = list(
        ApiToken.objects.select_related("owner", "owner__unit", "owner__position", "owner__class_rank")
        .filter(prefix=parts[1])
        .order_by()[:1]
    )
    token = found[0] if found else None
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    if not hmac.compare_digest(token.key_hash, hash_secret(parts[2])):
        return None
    if not token.owner.is_active:
        return None
    return token


def touch(token: ApiToken) -> None:
    """Record use at most once a minute, to keep API reads write-free."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def has_scope(token: Any, scope: str) -> bool:
    return scope in (token.scopes or [])
