"""The one client for every outbound exchange through the e-Government gateway (X-Road REST).

`call(code, ...)` looks up the configured service, checks its circuit breaker, sends the request with the
X-Road headers, retries what may succeed on a second try (no answer, unreachable, 5xx) with exponential
backoff under the same X-Road-Id, checks that the answer's `X-Road-Request-Hash` is the hash of the request
it answers, and writes one message-log row per attempt. A 404 is a normal answer ("not found"); every
other failure raises a `GatewayError` whose `message` is for the user and whose `log` is the last row.

Call it outside a transaction: the message-log rows are meant to outlive a caller's rollback.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import circuit, log, protocol
from .models import Direction, Message, Outcome, RemoteService

MAX_BACKOFF = 10.0
# The longest answer body kept in the log and parsed (a register answer is a few kilobytes).
MAX_BODY = 5 * 1024 * 1024


class GatewayError(Exception):
    """A call that did not give a usable answer; `message` is translated for the user."""

    outcome: str = Outcome.ERROR

    def __init__(
        self, message: Any, *, log: Message | None = None, error: str = "", outcome: str = ""
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.log = log
        self.error = error
        if outcome:
            self.outcome = outcome


class GatewayUnavailable(GatewayError):
    """No answer in time, unreachable, a server error after the retries, or the circuit is open."""

    outcome = Outcome.UNREACHABLE


class GatewayRefused(GatewayError):
    """The security server or the provider refused the request (X-Road-Error, or a 4xx other than 404)."""

    outcome = Outcome.REFUSED


class GatewayBadAnswer(GatewayError):
    """An answer that is not JSON, or whose request hash is not the hash of our request."""

    outcome = Outcome.BAD_ANSWER


class UnknownService(GatewayError):
    outcome = Outcome.REFUSED


@dataclass
class Reply:
    status: int
    data: Any
    message: Message
    xroad_id: str

    @property
    def found(self) -> bool:
        return self.status != 404


@dataclass
class _Attempt:
    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes = b""
    outcome: str = Outcome.OK
    error: str = ""


# --- transport: one keep-alive connection per thread and origin ---------------------------------------------

_local = threading.local()


def _connection(base: urllib.parse.SplitResult, timeout: float) -> http.client.HTTPConnection:
    pool: dict[tuple[str, str, int | None], http.client.HTTPConnection] = getattr(_local, "pool", None) or {}
    _local.pool = pool
    key = (base.scheme, base.hostname or "", base.port)
    conn = pool.get(key)
    if conn is None:
        cls = http.client.HTTPSConnection if base.scheme == "https" else http.client.HTTPConnection
        conn = cls(base.hostname or "", base.port, timeout=timeout)
        pool[key] = conn
    conn.timeout = timeout
    if conn.sock is not None:
        conn.sock.settimeout(timeout)
    return conn


def _drop(base: urllib.parse.SplitResult) -> None:
    pool = getattr(_local, "pool", None) or {}
    conn = pool.pop((base.scheme, base.hostname or "", base.port), None)
    if conn is not None:
        conn.close()


def close_connections() -> None:
    for conn in (getattr(_local, "pool", None) or {}).values():
        conn.close()
    _local.pool = {}


def _send(
    base: urllib.parse.SplitResult,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    timeout: float,
) -> _Attempt:
    for reuse in (True, False):
        conn = _connection(base, timeout)
        try:
            conn.request(method, target, body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read(MAX_BODY + 1)
            if response.will_close:
                _drop(base)
            return _Attempt(
                status=response.status, headers={k.lower(): v for k, v in response.getheaders()}, body=data
            )
        except TimeoutError:
            _drop(base)
            return _Attempt(outcome=Outcome.TIMEOUT, error=f"no answer within {timeout:.1f} s")
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            # A kept-alive connection the server closed meanwhile: try once on a fresh one.
            _drop(base)
            if reuse:
                continue
            return _Attempt(outcome=Outcome.UNREACHABLE, error=type(exc).__name__)
        except (OSError, http.client.HTTPException) as exc:
            _drop(base)
            if isinstance(exc, socket.timeout):
                return _Attempt(outcome=Outcome.TIMEOUT, error=f"no answer within {timeout:.1f} s")
            return _Attempt(outcome=Outcome.UNREACHABLE, error=f"{type(exc).__name__}: {exc}"[:300])
    return _Attempt(outcome=Outcome.UNREACHABLE, error="connection lost")


# --- the call -----------------------------------------------------------------------------------------------


def service(code: str) -> RemoteService:
    # One query for the service and its circuit state (absent until the service first fails).
    found = RemoteService.objects.select_related("circuit").filter(code=code, is_active=True).first()
    if found is None:
        raise UnknownService(_("The gateway service “%(code)s” is not configured.") % {"code": code})
    return found


def base_url(member: str) -> str:
    return (getattr(settings, "EPROK_XROAD_MEMBER_URLS", None) or {}).get(member) or settings.EPROK_XROAD_URL


def _classify(attempt: _Attempt, sent_hash: str) -> tuple[str, str, Any]:
    """The outcome of an answered attempt, an error text and the parsed body."""
    headers = attempt.headers or {}
    status = attempt.status or 0
    xroad_error = headers.get(protocol.ERROR.lower(), "")
    if len(attempt.body) > MAX_BODY:
        return Outcome.BAD_ANSWER, "answer larger than the limit", None
    data: Any = None
    if attempt.body:
        try:
            data = json.loads(attempt.body)
        except ValueError:
            if status < 400:
                return Outcome.BAD_ANSWER, "the answer is not JSON", None
    if xroad_error:
        detail = data.get("message", "") if isinstance(data, dict) else ""
        outcome = Outcome.ERROR if status >= 500 else Outcome.REFUSED
        return outcome, f"{xroad_error}: {detail}"[:500], data
    answered_hash = headers.get(protocol.REQUEST_HASH.lower(), "")
    if answered_hash != sent_hash:
        return Outcome.HASH_MISMATCH, "X-Road-Request-Hash does not match the request", None
    if status >= 500:
        return Outcome.ERROR, f"HTTP {status}", data
    if status == 404:
        return Outcome.NOT_FOUND, "", data
    if status >= 400:
        detail = data.get("message", "") if isinstance(data, dict) else ""
        return Outcome.REFUSED, f"HTTP {status}: {detail}"[:500], data
    return Outcome.OK, "", data


RETRYABLE = frozenset({Outcome.TIMEOUT, Outcome.UNREACHABLE, Outcome.ERROR})
# Failures that count towards opening the circuit.
CIRCUIT_FAILURES = frozenset({Outcome.TIMEOUT, Outcome.UNREACHABLE, Outcome.ERROR, Outcome.BAD_ANSWER})


def call(
    code: str,
    *,
    method: str = "GET",
    path: str = "",
    query: dict[str, str] | None = None,
    body: Any = None,
    actor: Any = None,
    purpose: str = "",
    issue: str = "",
    xroad_id: str = "",
    log_bodies: bool = True,
) -> Reply:
    """Call the gateway service `code`; see the module's docstring."""
    remote = service(code)
    method = method.upper()
    xroad_id = xroad_id or protocol.new_id()
    base = urllib.parse.urlsplit(base_url(remote.member).rstrip("/"))
    target = base.path + protocol.service_path(remote.member, remote.service, path)
    if query:
        target += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v not in (None, "")})
    hashed_target = target[len(base.path) :]
    payload = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    sent_hash = protocol.request_hash(method, hashed_target, xroad_id, payload)
    user = protocol.user_id(actor)
    headers = {
        protocol.CLIENT: settings.EPROK_XROAD_CLIENT,
        protocol.ID: xroad_id,
        protocol.USER_ID: user,
        "Accept": "application/json",
    }
    if issue:
        headers[protocol.ISSUE] = urllib.parse.quote(issue, safe="/-_.() ")
    if payload:
        headers["Content-Type"] = "application/json; charset=utf-8"
    common = {
        "direction": Direction.OUT,
        "xroad_id": xroad_id,
        "client": settings.EPROK_XROAD_CLIENT,
        "service": f"{remote.member}/{remote.service}",
        "service_code": remote.code,
        "method": method,
        "path": hashed_target,
        "user_id": user,
        "issue": issue,
        "purpose": purpose,
        "actor_id": getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None,
        "request_hash": sent_hash,
        "request_body": payload.decode("utf-8") if log_bodies else f"<{len(payload)} bytes>",
    }
    backoff = float(getattr(settings, "EPROK_XROAD_BACKOFF", 0.5))
    attempts = 1 + remote.retries
    last: Message | None = None
    for number in range(1, attempts + 1):
        if not circuit.allow(remote):
            last = log.append(**common, attempt=number, outcome=Outcome.CIRCUIT_OPEN, error="circuit open")
            raise GatewayUnavailable(
                _("%(service)s is failing and is not being called for a while; try again later.")
                % {"service": remote.name},
                log=last,
                outcome=Outcome.CIRCUIT_OPEN,
            )
        started = time.perf_counter()
        attempt = _send(base, method, target, headers, payload, remote.timeout)
        duration = int((time.perf_counter() - started) * 1000)
        data: Any = None
        if attempt.status is None:
            outcome, error = attempt.outcome, attempt.error
        else:
            outcome, error, data = _classify(attempt, sent_hash)
        body_text = attempt.body[:MAX_BODY].decode("utf-8", errors="replace")
        last = log.append(
            **common,
            attempt=number,
            status_code=attempt.status,
            outcome=outcome,
            error=error,
            duration_ms=duration,
            response_body=body_text if log_bodies else f"<{len(attempt.body)} bytes>",
            response_hash=protocol.body_hash(attempt.body),
        )
        if outcome in CIRCUIT_FAILURES:
            circuit.record_failure(remote)
        else:
            circuit.record_success(remote)
        if outcome in (Outcome.OK, Outcome.NOT_FOUND):
            return Reply(status=attempt.status or 0, data=data, message=last, xroad_id=xroad_id)
        if outcome in RETRYABLE and number < attempts:
            if backoff > 0:
                time.sleep(min(MAX_BACKOFF, backoff * 2 ** (number - 1)))
            continue
        raise _error(remote, outcome, error, last)
    raise AssertionError("unreachable")  # pragma: no cover


def _error(remote: RemoteService, outcome: str, error: str, message: Message) -> GatewayError:
    name = remote.name
    if outcome == Outcome.TIMEOUT:
        return GatewayUnavailable(
            _("%(service)s did not answer in time; try again later.") % {"service": name},
            log=message,
            error=error,
            outcome=outcome,
        )
    if outcome in (Outcome.UNREACHABLE, Outcome.ERROR):
        return GatewayUnavailable(
            _("%(service)s is not available now (%(error)s); try again later.")
            % {"service": name, "error": error},
            log=message,
            error=error,
            outcome=outcome,
        )
    if outcome == Outcome.HASH_MISMATCH:
        return GatewayBadAnswer(
            _("The answer of %(service)s is not the answer to this request and was discarded.")
            % {"service": name},
            log=message,
            error=error,
            outcome=outcome,
        )
    if outcome == Outcome.BAD_ANSWER:
        return GatewayBadAnswer(
            _("%(service)s answered with data that cannot be read; the answer was discarded.")
            % {"service": name},
            log=message,
            error=error,
            outcome=outcome,
        )
    return GatewayRefused(
        _("%(service)s refused the request: %(error)s") % {"service": name, "error": error},
        log=message,
        error=error,
        outcome=outcome,
    )
