"""The X-Road Message Protocol for REST as eprok speaks it: addresses, headers and the request hash.

A service is addressed as `/r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}{path}`. The caller names
itself in `X-Road-Client`, the message in `X-Road-Id`, the person behind it in `X-Road-UserId` and the case
in `X-Road-Issue`; the answer carries `X-Road-Request-Hash`, the SHA-512 (base64) of the request it answers,
so an answer to another request is noticed, and `X-Road-Error` when the security server or the provider
refuses. The simulators (simulators/xroad.py) re-implement `request_hash` without importing eprok.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid

CLIENT = "X-Road-Client"
ID = "X-Road-Id"
USER_ID = "X-Road-UserId"
ISSUE = "X-Road-Issue"
SERVICE = "X-Road-Service"
REQUEST_HASH = "X-Road-Request-Hash"
ERROR = "X-Road-Error"

# Error codes eprok answers with as a provider (the X-Road catalogue's names).
ACCESS_DENIED = "Server.ServerProxy.AccessDenied"
UNKNOWN_SERVICE = "Server.ServerProxy.UnknownService"
SERVICE_FAILED = "Server.ServerProxy.ServiceFailed"
INVALID_REQUEST = "Client.InvalidRequest"

# INSTANCE/CLASS/MEMBER/SUBSYSTEM: letters, digits and - _ . in each part.
_PART = r"[A-Za-z0-9._-]{1,64}"
MEMBER_RE = re.compile(rf"^{_PART}/{_PART}/{_PART}/{_PART}$")
MAX_ID = 100


def new_id() -> str:
    return uuid.uuid4().hex


def request_hash(method: str, path_with_query: str, xroad_id: str, body: bytes) -> str:
    """base64(SHA-512(METHOD \\n path?query \\n X-Road-Id \\n body))."""
    digest = hashlib.sha512()
    digest.update(f"{method.upper()}\n{path_with_query}\n{xroad_id}\n".encode())
    digest.update(body)
    return base64.b64encode(digest.digest()).decode("ascii")


def body_hash(body: bytes) -> str:
    return base64.b64encode(hashlib.sha512(body).digest()).decode("ascii") if body else ""


def service_path(member: str, service: str, path: str = "") -> str:
    if path and not path.startswith("/"):
        path = "/" + path
    return f"/r1/{member}/{service}{path}"


def user_id(actor: object | None) -> str:
    """X-Road-UserId: the country code and the employee's FIN (or username); "AZ-system" for the worker."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "AZ-system"
    fin = getattr(actor, "fin", "") or ""
    return f"AZ{fin or actor.get_username()}"  # type: ignore[attr-defined]
