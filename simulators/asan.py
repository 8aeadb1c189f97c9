"""An ASAN İmza mobile-signature simulator: a test CA, one key per user, and the mobile signing flow.

    python -m simulators.asan --port 8100 --state var/asan-sim [--auto-confirm-after 5]

The flow is the one of ASAN İmza's mobile signature service: the relying system asks for the user's
signing certificate (phone number + ASAN ID), sends the hash to be signed, shows the user the 4-digit
verification code, and polls until the user confirms (or cancels) on the phone:

    GET  /health                                 -> {"status": "ok"}
    GET  /ca.pem                                 the simulator CA's certificate (to be trusted by eprok)
    POST /v1/certificate {phoneNumber, userId}   -> {certificate, chain} (base64 DER)
    POST /v1/sign {phoneNumber, userId, hash, hashAlgorithm: "SHA-256", displayText}
                                                 -> {transactionId, verificationCode}
    GET  /v1/sign/<transactionId>                -> {status: OUTSTANDING | OK | USER_CANCEL | EXPIRED,
                                                     signature, certificate (with OK)}

The "phone" and the test controls (no authentication; the simulator is for tests and the demo only):

    POST /phone/<transactionId>/confirm | /phone/<transactionId>/cancel
    POST /control/users {phoneNumber, userId, name, fin}   enrol a user: name and FIN (else on first use)
    POST /control/faults {fail: N, status: 503, delay: seconds}   the next N API calls fail / every call waits

A certificate carries its holder's FIN (personal identification number) as the subject's serialNumber,
as real ASAN İmza certificates do, so the relying system can tell whose card signed. A user not enrolled
through /control/users is enrolled on first use with the name and FIN that `<state>/directory.json`
gives for the phone number ({"+994501234567": {"fin": "1AB2CD3", "name": "..."}}: the mobile
operator's register of whose number it is; the demo writes it from the employees' records), or else
with a FIN derived from the phone number and ASAN ID (a stranger's card).

The /v1 calls need HTTP Basic authentication with the client id and secret (--client-id, and the secret
from --client-secret or ASAN_SIM_CLIENT_SECRET; no secret: no check). Keys and the CA persist in --state.
The signature is RSA PKCS#1 v1.5 over the given SHA-256 hash, as a smart card or SIM applet makes it.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from cryptography.x509.oid import NameOID

PHONE_RE = re.compile(r"^\+?994\d{9}$")
USER_ID_RE = re.compile(r"^\d{6}$")
TX_PATH = re.compile(r"^/v1/sign/([A-Za-z0-9-]{8,64})$")
PHONE_PATH = re.compile(r"^/phone/([A-Za-z0-9-]{8,64})/(confirm|cancel)$")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@dataclass
class Transaction:
    id: str
    user_key: str
    digest: bytes
    code: str
    started: float
    status: str = "OUTSTANDING"
    signature: bytes = b""


@dataclass
class Faults:
    fail: int = 0
    status: int = 503
    delay: float = 0.0


@dataclass
class AsanService:
    """The simulator's state: the CA, the users' keys (on disk), transactions (in memory)."""

    state: Path
    auto_confirm_after: float | None = None
    timeout: float = 120.0
    transactions: dict[str, Transaction] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        (self.state / "users").mkdir(exist_ok=True)
        self.ca_cert, self.ca_key = ensure_ca(self.state)

    # --- users --------------------------------------------------------------------------------

    @staticmethod
    def user_key(phone: str, user_id: str) -> str:
        return hashlib.sha256(f"{phone.lstrip('+')}:{user_id}".encode()).hexdigest()[:24]

    FIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

    def directory(self, phone: str) -> dict[str, str]:
        """Whose number this is, from <state>/directory.json ({} when unknown or unreadable)."""
        path = self.state / "directory.json"
        try:
            entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (OSError, ValueError):
            return {}
        entry = entries.get("+" + phone.lstrip("+")) if isinstance(entries, dict) else None
        return {k: str(v) for k, v in entry.items()} if isinstance(entry, dict) else {}

    @classmethod
    def derived_fin(cls, phone: str, user_id: str) -> str:
        value = int(hashlib.sha256(f"fin:{phone.lstrip('+')}:{user_id}".encode()).hexdigest(), 16)
        return "".join(cls.FIN_ALPHABET[(value >> (6 * i)) % len(cls.FIN_ALPHABET)] for i in range(7))

    def enrol(self, phone: str, user_id: str, name: str, fin: str = "") -> tuple[x509.Certificate, Any]:
        key_name = self.user_key(phone, user_id)
        key_path = self.state / "users" / f"{key_name}.key.pem"
        cert_path = self.state / "users" / f"{key_name}.cert.pem"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.UTC)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "AZ"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ASAN Imza (simulator)"),
                # The holder's FIN, as in real ASAN İmza certificates.
                x509.NameAttribute(NameOID.SERIAL_NUMBER, fin or self.derived_fin(phone, user_id)),
                x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), critical=False
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        os.chmod(key_path, 0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cert, key

    def user(self, phone: str, user_id: str) -> tuple[x509.Certificate, Any]:
        key_name = self.user_key(phone, user_id)
        key_path = self.state / "users" / f"{key_name}.key.pem"
        cert_path = self.state / "users" / f"{key_name}.cert.pem"
        if key_path.exists() and cert_path.exists():
            return (
                x509.load_pem_x509_certificate(cert_path.read_bytes()),
                serialization.load_pem_private_key(key_path.read_bytes(), password=None),
            )
        known = self.directory(phone)
        return self.enrol(phone, user_id, known.get("name") or f"ASAN user {user_id}", known.get("fin", ""))

    # --- transactions -------------------------------------------------------------------------

    def start(self, phone: str, user_id: str, digest: bytes) -> Transaction:
        self.user(phone, user_id)
        tx = Transaction(
            id=secrets.token_hex(12),
            user_key=self.user_key(phone, user_id),
            digest=digest,
            code=f"{secrets.randbelow(10000):04d}",
            started=time.monotonic(),
        )
        # Phone and user id are needed to sign on confirmation.
        tx.phone, tx.user_id = phone, user_id  # type: ignore[attr-defined]
        with self.lock:
            self.transactions[tx.id] = tx
        return tx

    def _sign(self, tx: Transaction) -> None:
        _cert, key = self.user(tx.phone, tx.user_id)  # type: ignore[attr-defined]
        tx.signature = key.sign(tx.digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
        tx.status = "OK"

    def status(self, tx_id: str) -> Transaction | None:
        with self.lock:
            tx = self.transactions.get(tx_id)
            if tx is None:
                return None
            if tx.status == "OUTSTANDING":
                age = time.monotonic() - tx.started
                if self.auto_confirm_after is not None and age >= self.auto_confirm_after:
                    self._sign(tx)
                elif age >= self.timeout:
                    tx.status = "EXPIRED"
            return tx

    def answer(self, tx_id: str, action: str) -> Transaction | None:
        with self.lock:
            tx = self.transactions.get(tx_id)
            if tx is None or tx.status != "OUTSTANDING":
                return tx
            if action == "confirm":
                self._sign(tx)
            else:
                tx.status = "USER_CANCEL"
            return tx


def ensure_ca(state: Path) -> tuple[x509.Certificate, Any]:
    """The simulator's CA, created on first start and kept in the state directory."""
    state.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = state / "ca.pem", state / "ca.key.pem"
    if cert_path.exists() and key_path.exists():
        return (
            x509.load_pem_x509_certificate(cert_path.read_bytes()),
            serialization.load_pem_private_key(key_path.read_bytes(), password=None),
        )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ASAN Imza (simulator)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "ASAN Imza simulator CA"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=10 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    os.chmod(key_path, 0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def make_handler(service: AsanService, client_id: str, client_secret: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "asan-sim/1"

        def log_message(self, fmt: str, *args: Any) -> None:  # one line per request, to stderr
            sys.stderr.write(
                f"asan-sim {self.command} {self.path.split('?')[0]} {args[1] if len(args) > 1 else ''}\n"
            )

        def _send(
            self, status: int, body: dict[str, Any] | bytes, content_type: str = "application/json"
        ) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            if length > 65536:
                raise ValueError("too large")
            raw = self.rfile.read(length) if length else b"{}"
            data = json.loads(raw or b"{}")
            if not isinstance(data, dict):
                raise ValueError("not an object")
            return data

        def _authorised(self) -> bool:
            if not client_secret:
                return True
            header = self.headers.get("Authorization", "")
            expected = "Basic " + _b64(f"{client_id}:{client_secret}".encode())
            return hmac.compare_digest(header.encode(), expected.encode())

        def _api_gate(self) -> bool:
            """Authentication and the injected faults of the /v1 API; False when answered already."""
            if not self._authorised():
                self._send(401, {"error": "UNAUTHORIZED"})
                return False
            if service.faults.delay:
                time.sleep(service.faults.delay)
            with service.lock:
                failing = service.faults.fail > 0
                if failing:
                    service.faults.fail -= 1
            if failing:
                self._send(service.faults.status, {"error": "SERVICE_UNAVAILABLE"})
                return False
            return True

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/health":
                return self._send(200, {"status": "ok"})
            if path == "/ca.pem":
                return self._send(
                    200, service.ca_cert.public_bytes(serialization.Encoding.PEM), "application/x-pem-file"
                )
            match = TX_PATH.match(path)
            if match:
                if not self._api_gate():
                    return None
                tx = service.status(match.group(1))
                if tx is None:
                    return self._send(404, {"error": "TRANSACTION_NOT_FOUND"})
                body: dict[str, Any] = {"transactionId": tx.id, "status": tx.status}
                if tx.status == "OK":
                    cert, _key = service.user(tx.phone, tx.user_id)  # type: ignore[attr-defined]
                    body.update(
                        signature=_b64(tx.signature),
                        certificate=_b64(_der(cert)),
                        chain=[_b64(_der(service.ca_cert))],
                    )
                return self._send(200, body)
            return self._send(404, {"error": "NOT_FOUND"})

        def do_POST(self) -> None:
            path = self.path.split("?")[0]
            try:
                data = self._body()
            except (ValueError, json.JSONDecodeError):
                return self._send(400, {"error": "BAD_REQUEST"})
            if path in ("/v1/certificate", "/v1/sign", "/control/users"):
                phone, user_id = str(data.get("phoneNumber", "")), str(data.get("userId", ""))
                if not PHONE_RE.match(phone) or not USER_ID_RE.match(user_id):
                    return self._send(
                        400, {"error": "INVALID_USER", "message": "phoneNumber or userId is not valid"}
                    )
            if path == "/v1/certificate":
                if not self._api_gate():
                    return None
                cert, _key = service.user(phone, user_id)
                return self._send(
                    200, {"certificate": _b64(_der(cert)), "chain": [_b64(_der(service.ca_cert))]}
                )
            if path == "/v1/sign":
                if not self._api_gate():
                    return None
                if data.get("hashAlgorithm", "SHA-256") != "SHA-256":
                    return self._send(400, {"error": "UNSUPPORTED_HASH"})
                try:
                    digest = base64.b64decode(str(data.get("hash", "")), validate=True)
                except (binascii.Error, ValueError):
                    digest = b""
                if len(digest) != 32:
                    return self._send(400, {"error": "INVALID_HASH"})
                tx = service.start(phone, user_id, digest)
                sys.stderr.write(f"asan-sim transaction {tx.id}: verification code {tx.code}\n")
                return self._send(200, {"transactionId": tx.id, "verificationCode": tx.code})
            match = PHONE_PATH.match(path)
            if match:
                answered = service.answer(match.group(1), match.group(2))
                if answered is None:
                    return self._send(404, {"error": "TRANSACTION_NOT_FOUND"})
                return self._send(200, {"transactionId": answered.id, "status": answered.status})
            if path == "/control/users":
                fin = str(data.get("fin") or "").strip().upper()
                if fin and not re.match(r"^[0-9A-Z]{7}$", fin):
                    return self._send(400, {"error": "INVALID_FIN"})
                cert, _key = service.enrol(
                    phone, user_id, str(data.get("name") or f"ASAN user {user_id}"), fin
                )
                return self._send(200, {"certificate": _b64(_der(cert))})
            if path == "/control/faults":
                with service.lock:
                    service.faults = Faults(
                        fail=int(data.get("fail", 0)),
                        status=int(data.get("status", 503)),
                        delay=float(data.get("delay", 0)),
                    )
                return self._send(200, {"ok": True})
            return self._send(404, {"error": "NOT_FOUND"})

    return Handler


def serve(
    *,
    state: Path,
    host: str = "127.0.0.1",
    port: int = 8100,
    fd: int | None = None,
    auto_confirm_after: float | None = None,
    timeout: float = 120.0,
    client_id: str = "eprok",
    client_secret: str = "",
) -> None:
    service = AsanService(state=state, auto_confirm_after=auto_confirm_after, timeout=timeout)
    handler = make_handler(service, client_id, client_secret)
    if fd is not None:
        # A socket bound (and listening) by the caller: no race for the port, no waiting.
        server = ThreadingHTTPServer((host, 0), handler, bind_and_activate=False)
        server.socket.close()
        server.socket = socket.socket(fileno=fd)
    else:
        server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    sys.stderr.write(f"asan-sim listening on {server.socket.getsockname()}\n")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulators.asan", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--fd", type=int, default=None, help="serve on an inherited, listening socket")
    parser.add_argument(
        "--state", required=True, help="directory of the CA and users' keys (created if missing)"
    )
    parser.add_argument(
        "--auto-confirm-after", type=float, default=None, help="seconds after which the phone confirms"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before an unconfirmed signing expires"
    )
    parser.add_argument("--client-id", default="eprok")
    parser.add_argument("--client-secret", default=os.environ.get("ASAN_SIM_CLIENT_SECRET", ""))
    args = parser.parse_args(argv)
    serve(
        state=Path(args.state),
        host=args.host,
        port=args.port,
        fd=args.fd,
        auto_confirm_after=args.auto_confirm_after,
        timeout=args.timeout,
        client_id=args.client_id,
        client_secret=args.client_secret,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
