"""Signed telephony events: how a PBX proves an event is its own, and where its secret comes from.

A PBX signs each event (an HTTP POST to /api/v1/contact/pbx/<code>/events) with HMAC-SHA256 over
"<timestamp>.<raw body>", keyed with its secret, and sends

    X-PBX-Timestamp: <Unix time in seconds>
    X-PBX-Signature: sha256=<hex digest>

eprok recomputes the digest and compares it in constant time, and refuses a timestamp more than five
minutes away from its clock, so a captured request cannot be replayed later (and an event replayed
within the five minutes changes nothing: events are idempotent). Signing the timestamp with the body
means it cannot be refreshed on a captured request.

The secret is never in the code or the database. It comes from the environment: EPROK_PBX_SECRETS maps
PBX codes to secrets (JSON); outside production, a PBX without its own secret uses the demo secret
(EPROK_PBX_DEMO_SECRET, or one derived from SECRET_KEY). The PBX row keeps the secret's SHA-256, so an
environment that holds another secret than the one the PBX was registered with is refused and noticed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from django.conf import settings

SIGNATURE_HEADER = "X-PBX-Signature"
TIMESTAMP_HEADER = "X-PBX-Timestamp"
SIGNATURE_PREFIX = "sha256="
# An event older (or newer) than this is refused: a replayed request.
MAX_AGE_SECONDS = 5 * 60

# Generated once per process under the test suite (tests never depend on a fixed secret).
_TEST_SECRET = secrets.token_hex(20)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def demo_secret() -> str:
    """The demo PBXs' secret outside production: EPROK_PBX_DEMO_SECRET, or one derived from SECRET_KEY.

    Derived, so the process that seeds the demo and the server that checks events agree on it without
    anyone writing it down; under the test suite a random one per run. Empty in production.
    """
    if getattr(settings, "PRODUCTION", False):
        return ""
    explicit = str(getattr(settings, "EPROK_PBX_DEMO_SECRET", "") or "")
    if explicit:
        return explicit
    if getattr(settings, "TESTING", False):
        return _TEST_SECRET
    return hmac.new(settings.SECRET_KEY.encode(), b"eprok.contact.pbx.demo", hashlib.sha256).hexdigest()[:40]


def configured_secret(code: str) -> str:
    """The secret the environment holds for the PBX `code` ("" when none)."""
    configured = getattr(settings, "EPROK_PBX_SECRETS", None) or {}
    secret = str(configured.get(code, "") or "") if isinstance(configured, dict) else ""
    return secret or demo_secret()


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The X-PBX-Signature header value for `body` sent at `timestamp`."""
    message = f"{timestamp}.".encode() + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def check(
    pbx: Any, *, signature: str | None, timestamp: str | None, body: bytes, now: float | None = None
) -> str:
    """Why the event must be refused ("" when it is genuine and fresh).

    Reasons: unknown_pbx, no_secret, secret_mismatch, missing_signature, stale_timestamp, bad_signature.
    The digest is computed even when the PBX is unknown, so the answer takes as long either way.
    """
    secret = configured_secret(pbx.code) if pbx is not None else ""
    expected = sign(secret or "-", timestamp or "", body)
    given = (signature or "").strip()
    matches = hmac.compare_digest(expected.encode(), given.encode())
    if pbx is None or not pbx.is_active:
        return "unknown_pbx"
    if not secret:
        return "no_secret"
    if not pbx.secret_hash or not hmac.compare_digest(secret_hash(secret), pbx.secret_hash):
        return "secret_mismatch"
    if not given:
        return "missing_signature"
    try:
        sent = int(str(timestamp or "").strip())
    except ValueError:
        return "stale_timestamp"
    current = now if now is not None else time.time()
    if abs(current - sent) > MAX_AGE_SECONDS:
        return "stale_timestamp"
    return "" if matches else "bad_signature"
