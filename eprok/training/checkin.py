"""The rotating attendance QR code of a training event.

The code of an event in a 30-second window is an HMAC of the window's number under the event's check-in
secret; the secret itself is derived from settings.SECRET_KEY and the event's public id, so nothing secret is
stored. A check-in accepts the code of the current window or of the previous one (a scan that crosses the
boundary); an older code is recognised as one from an earlier rotation and refused with its own message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

WINDOW_SECONDS = 30
DIGITS = 8
# How far back a code is still recognised as "from an earlier rotation" rather than simply wrong.
RECOGNISED_WINDOWS = 240  # two hours


def now() -> dt.datetime:
    """The clock (tests stop it by patching django.utils.timezone.now)."""
    return timezone.now()


def window_of(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // WINDOW_SECONDS


def _secret(public_id: object) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"eprok.training.checkin:{public_id}".encode(), hashlib.sha256
    ).digest()


def code_for(public_id: object, window: int) -> str:
    digest = hmac.new(_secret(public_id), str(window).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") % (10**DIGITS)
    return f"{number:0{DIGITS}d}"


def current_code(public_id: object) -> str:
    return code_for(public_id, window_of(now()))


def seconds_left() -> int:
    """Seconds until the current code is replaced."""
    return WINDOW_SECONDS - int(now().timestamp()) % WINDOW_SECONDS


def normalise(code: str) -> str:
    return "".join(ch for ch in str(code or "") if ch.isdigit())


def verify(public_id: object, code: str) -> str:
    """'valid' for the current or the previous window, 'expired' for an older one, 'invalid' otherwise."""
    given = normalise(code)
    if len(given) != DIGITS:
        return "invalid"
    current = window_of(now())
    for window in (current, current - 1):
        if hmac.compare_digest(code_for(public_id, window), given):
            return "valid"
    for window in range(current - 2, current - RECOGNISED_WINDOWS, -1):
        if hmac.compare_digest(code_for(public_id, window), given):
            return "expired"
    return "invalid"
