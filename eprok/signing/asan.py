"""The ASAN İmza mobile-signature client: the certificate of a phone + ASAN ID, start a signing, poll it.

The service is reached over HTTP at EPROK_ASAN_URL with HTTP Basic credentials (EPROK_ASAN_CLIENT_ID,
EPROK_ASAN_CLIENT_SECRET). The demo and the tests run simulators/asan.py there. Every failure of the
service (unreachable, timeout, an error status, a malformed answer) is an AsanUnavailable with a message
the signer can act on; nothing here touches the database.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ApplicationError, ValidationFailed

PHONE_RE = re.compile(r"^\+994\d{9}$")
ASAN_ID_RE = re.compile(r"^\d{6}$")


class AsanUnavailable(ApplicationError):
    code = "asan_unavailable"
    status = 503
    default_message = _("ASAN İmza cannot be reached now. Try again in a few minutes or sign with your key.")


def normalise_phone(phone: str) -> str:
    """+994XXXXXXXXX from the ways people write it (spaces, dashes, 0XX..., 994...)."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    if digits.startswith("00994"):
        digits = "+" + digits[2:]
    elif digits.startswith("994"):
        digits = "+" + digits
    elif digits.startswith("0") and len(digits) == 10:
        digits = "+994" + digits[1:]
    return digits


def check_identity(phone: str, asan_id: str) -> tuple[str, str]:
    phone = normalise_phone(phone)
    asan_id = (asan_id or "").strip()
    errors = {}
    if not PHONE_RE.match(phone):
        errors["phone"] = str(_("Enter a mobile number like +994 50 123 45 67."))
    if not ASAN_ID_RE.match(asan_id):
        errors["asan_id"] = str(_("The ASAN ID is the 6 digits printed on your ASAN İmza card."))
    if errors:
        raise ValidationFailed(details=errors)
    return phone, asan_id


@dataclass(frozen=True)
class AsanCertificate:
    certificate: x509.Certificate
    chain: list[x509.Certificate]


@dataclass(frozen=True)
class AsanStarted:
    transaction_id: str
    verification_code: str


@dataclass(frozen=True)
class AsanResult:
    status: str  # OUTSTANDING, OK, USER_CANCEL, EXPIRED
    signature: bytes = b""
    certificate: x509.Certificate | None = None


class AsanClient:
    def __init__(
        self, base_url: str | None = None, *, client_id: str | None = None, secret: str | None = None
    ) -> None:
        self.base_url = (base_url or settings.EPROK_ASAN_URL).rstrip("/")
        self.client_id = client_id if client_id is not None else settings.EPROK_ASAN_CLIENT_ID
        self.secret = secret if secret is not None else settings.EPROK_ASAN_CLIENT_SECRET
        self.timeout = float(settings.EPROK_ASAN_TIMEOUT)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the operator's configured service
            self.base_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        if self.secret:
            token = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = json.loads(response.read(1_000_000))
        except urllib.error.HTTPError as exc:
            if exc.code == 400:
                raise ValidationFailed(
                    _("ASAN İmza did not accept the phone number or ASAN ID. Check them and try again."),
                    code="asan_rejected",
                ) from exc
            raise AsanUnavailable(details={"status": exc.code}) from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise AsanUnavailable() from exc
        if not isinstance(payload, dict):
            raise AsanUnavailable()
        return payload

    @staticmethod
    def _cert(value: Any) -> x509.Certificate:
        try:
            return x509.load_der_x509_certificate(base64.b64decode(str(value), validate=True))
        except (ValueError, binascii.Error) as exc:
            raise AsanUnavailable() from exc

    def certificate(self, phone: str, asan_id: str) -> AsanCertificate:
        payload = self._call("POST", "/v1/certificate", {"phoneNumber": phone, "userId": asan_id})
        return AsanCertificate(
            certificate=self._cert(payload.get("certificate")),
            chain=[self._cert(item) for item in payload.get("chain") or []],
        )

    def start(self, phone: str, asan_id: str, digest: bytes, display_text: str) -> AsanStarted:
        payload = self._call(
            "POST",
            "/v1/sign",
            {
                "phoneNumber": phone,
                "userId": asan_id,
                "hash": base64.b64encode(digest).decode(),
                "hashAlgorithm": "SHA-256",
                "displayText": display_text[:100],
            },
        )
        tx, code = str(payload.get("transactionId", "")), str(payload.get("verificationCode", ""))
        if not re.match(r"^[A-Za-z0-9-]{8,64}$", tx) or not re.match(r"^\d{4}$", code):
            raise AsanUnavailable()
        return AsanStarted(transaction_id=tx, verification_code=code)

    def status(self, transaction_id: str) -> AsanResult:
        payload = self._call("GET", f"/v1/sign/{transaction_id}")
        status = str(payload.get("status", ""))
        if status == "OK":
            try:
                signature = base64.b64decode(str(payload.get("signature", "")), validate=True)
            except (ValueError, binascii.Error) as exc:
                raise AsanUnavailable() from exc
            return AsanResult(
                status=status, signature=signature, certificate=self._cert(payload.get("certificate"))
            )
        if status not in {"OUTSTANDING", "USER_CANCEL", "EXPIRED"}:
            raise AsanUnavailable()
        return AsanResult(status=status)


def client() -> AsanClient:
    return AsanClient()
