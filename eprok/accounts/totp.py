"""TOTP (RFC 6238) arithmetic and the enrolment QR code; no database access here."""

from __future__ import annotations

import hmac
import re
import time

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils.html import escape

# Codes from the previous and the next 30-second step are accepted, for clocks that drift a little.
ACCEPTED_DRIFT_STEPS = 1
_CODE_RE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """A fresh 160-bit Base32 secret."""
    return pyotp.random_base32()


def normalise_code(code: str) -> str:
    """Drop the spaces and dashes people type between the digits."""
    return re.sub(r"[\s-]", "", code or "")


def matching_step(
    secret: str, code: str, *, last_used_step: int | None, at: float | None = None
) -> int | None:
    """The time step `code` belongs to, within the accepted drift and later than `last_used_step`; else None.

    Refusing steps at or before the last accepted one stops a code from being used twice.
    """
    code = normalise_code(code)
    if not _CODE_RE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(time.time() if at is None else at)
    for step in range(now_step - ACCEPTED_DRIFT_STEPS, now_step + ACCEPTED_DRIFT_STEPS + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, *, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=settings.TOTP_ISSUER)


def qr_svg(uri: str, *, label: str) -> str:
    """The QR code of `uri` as an inline <svg> element (no script, no style: allowed by our CSP)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg: str = image.to_string(encoding="unicode")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="eprok-qr" ', 1)


def grouped(secret: str) -> str:
    """The secret in groups of four characters, for typing into an authenticator by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
