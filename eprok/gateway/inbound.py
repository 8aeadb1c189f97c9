"""eprok as an X-Road service provider: the registry of inbound services and the endpoint serving them.

A module offers a service by decorating a handler:

    @provider("court-hearings-v1")
    def hearing_received(request: InboundRequest) -> dict:
        ...                                   # the effect, in the endpoint's transaction
        return {"status": "accepted"}

The endpoint (`/xroad/r1/{provider}/{service}{path}`) answers only as eprok's own subsystem
(settings.EPROK_XROAD_CLIENT), checks the security server's token when one is configured
(EPROK_XROAD_INBOUND_TOKEN), the X-Road headers, the allow-list (`InboundPermission`) and the body (JSON, at
most 5 MB), then runs the handler and appends the message to the log in ONE transaction, so an effect never
exists without its log row and a rolled-back effect leaves only the failure in the log. A repeated X-Road-Id
of the same client whose first message was processed gets the first answer again, from the log, without a
second effect (the unique constraint `message_inbound_once` settles two concurrent deliveries); a field the
service marks secret is not in the log and is answered as null, with "repeated": true. Every answer carries
X-Road-Id, X-Road-Client, X-Road-Service and X-Road-Request-Hash over the request as received; a refusal
also carries X-Road-Error and a JSON body {"type", "message", "detail"}.

In production the endpoint is reached only through eprok's security server, which authenticates members by
their TLS certificates; the allow-list and the token are the checks this application makes itself.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from eprok.core.context import current
from eprok.core.errors import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed

from . import log, protocol
from .models import Direction, InboundPermission, Message, Outcome

logger = logging.getLogger(__name__)

MAX_BODY = 5 * 1024 * 1024
# What the log keeps of a field a service marks secret (e.g. an access code shown once).
MASK = "<not logged>"
METHODS = ("GET", "POST")


@dataclass
class InboundRequest:
    """One received message, as a handler sees it."""

    client: str  # the calling member's subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM
    service: str  # our service code, e.g. "court-hearings-v1"
    xroad_id: str
    user_id: str
    issue: str
    path: str  # the part after the service code, e.g. "/hearings"
    method: str
    payload: Any  # the parsed JSON body (None for an empty body)
    query: dict[str, str] = field(default_factory=dict)


class InboundError(Exception):
    """A handler's refusal: the HTTP status, the X-Road error code and a message for the caller."""

    def __init__(self, status: int, xroad_error: str, message: Any, *, detail: Any = None) -> None:
        super().__init__(str(message))
        self.status = status
        self.xroad_error = xroad_error
        self.message = message
        self.detail = detail


Handler = Callable[[InboundRequest], dict[str, Any]]


@dataclass(frozen=True)
class InboundService:
    code: str
    handler: Handler
    methods: tuple[str, ...] = ("POST",)
    # Fields of the answer the message log must not keep; a repeat of such a message answers them as null
    # (with "repeated": true) and does not run the handler again.
    secret: tuple[str, ...] = ()


_SERVICES: dict[str, InboundService] = {}


def provider(
    code: str, *, methods: tuple[str, ...] = ("POST",), secret: tuple[str, ...] = ()
) -> Callable[[Handler], Handler]:
    """Register `handler` as our service `code`."""

    def register(handler: Handler) -> Handler:
        _SERVICES[code] = InboundService(code=code, handler=handler, methods=methods, secret=secret)
        return handler

    return register


def services() -> dict[str, InboundService]:
    return dict(_SERVICES)


# --- the answer ---------------------------------------------------------------------------------------------


@dataclass
class _Exchange:
    """What the log needs of the received request, filled in as the checks go."""

    client: str
    xroad_id: str
    service: str
    service_id: str
    path: str
    method: str
    user_id: str
    issue: str
    request_hash: str
    body: bytes
    started: float

    def headers(self) -> dict[str, str]:
        return {
            protocol.ID: self.xroad_id,
            protocol.CLIENT: self.client,
            protocol.SERVICE: self.service_id,
            protocol.REQUEST_HASH: self.request_hash,
        }


def _response(exchange: _Exchange, status: int, data: Any, xroad_error: str = "") -> HttpResponse:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    response = HttpResponse(raw, status=status, content_type="application/json; charset=utf-8")
    for name, value in exchange.headers().items():
        # A header value must be one printable line (the echoed client and id are the caller's text).
        response[name] = "".join(ch for ch in value if ch.isprintable())[:300]
    if xroad_error:
        response[protocol.ERROR] = xroad_error
    return response


def _error_body(code: str, message: Any, detail: Any = None) -> dict[str, Any]:
    return {
        "type": code,
        "message": str(message),
        "detail": detail if detail is not None else current().request_id,
    }


def _log(
    exchange: _Exchange,
    *,
    status: int,
    outcome: str,
    answer: bytes,
    error: str = "",
    logged_answer: bytes | None = None,
) -> Message:
    request_body = exchange.body
    return log.append(
        direction=Direction.IN,
        xroad_id=exchange.xroad_id[: protocol.MAX_ID],
        client=exchange.client[:200],
        service=exchange.service_id,
        service_code=exchange.service[:64],
        method=exchange.method,
        path=exchange.path,
        user_id=exchange.user_id,
        issue=exchange.issue,
        attempt=1,
        status_code=status,
        outcome=outcome,
        error=error,
        duration_ms=int((time.perf_counter() - exchange.started) * 1000),
        request_body=request_body.decode("utf-8", errors="replace"),
        response_body=(logged_answer if logged_answer is not None else answer).decode(
            "utf-8", errors="replace"
        ),
        request_hash=exchange.request_hash,
        response_hash=protocol.body_hash(answer),
    )


def _refuse(
    exchange: _Exchange, status: int, code: str, message: Any, *, detail: Any = None, log_it: bool = True
) -> HttpResponse:
    """A refusal: logged in its own transaction (the request's work, if any, is already rolled back)."""
    body = _error_body(code, message, detail)
    response = _response(exchange, status, body, code)
    if log_it:
        outcome = Outcome.ERROR if status >= 500 else Outcome.NOT_FOUND if status == 404 else Outcome.REFUSED
        try:
            with transaction.atomic():
                _log(
                    exchange,
                    status=status,
                    outcome=outcome,
                    answer=response.content,
                    error=f"{code}: {message}",
                )
        except Exception:  # the caller still gets its answer; the failure is in the server log
            logger.exception("inbound %s: the refusal could not be logged", exchange.service)
    return response


def _audit_refused(exchange: _Exchange, reason: str) -> None:
    from eprok.audit.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=None,
            action="gateway.inbound.refused",
            target_type="gateway.inbound",
            target_id=exchange.service[:64],
            data={
                "client": exchange.client[:200],
                "service": exchange.service[:100],
                "xroad_id": exchange.xroad_id[:100],
                "reason": reason,
            },
        )


def _token_ok(request: HttpRequest) -> bool:
    expected = getattr(settings, "EPROK_XROAD_INBOUND_TOKEN", "") or ""
    if not expected:
        return True
    scheme, _sep, supplied = request.headers.get("Authorization", "").partition(" ")
    matches = hmac.compare_digest(supplied.strip().encode(), str(expected).encode())
    return matches and scheme.lower() == "bearer"


def _masked(answer: dict[str, Any], secret: tuple[str, ...]) -> dict[str, Any]:
    return {key: (MASK if key in secret else value) for key, value in answer.items()}


def _encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _first(exchange: _Exchange) -> Message | None:
    return (
        Message.objects.filter(
            direction=Direction.IN, outcome=Outcome.OK, client=exchange.client, xroad_id=exchange.xroad_id
        )
        .order_by("id")
        .first()
    )


def _replay(exchange: _Exchange, first: Message, inbound: InboundService) -> HttpResponse:
    """The answer to a repeated message: the first answer again, from the log, logged as a duplicate.

    The handler is never run again. The log does not keep a service's secret fields, so a repeat of such a
    message answers them as null and adds "repeated": true; the secret stays with whoever got the first
    answer (a second call of the handler would issue a new one and take the first caller's away).
    """
    data = json.loads(first.response_body or "{}")
    if inbound.secret and isinstance(data, dict):
        data = {key: (None if key in inbound.secret else value) for key, value in data.items()}
        data["repeated"] = True
    raw = _encode(data)
    with transaction.atomic():
        _log(
            exchange,
            status=first.status_code or 200,
            outcome=Outcome.DUPLICATE,
            answer=raw,
            error=f"repeat of message {first.pk}",
        )
    return _response(exchange, first.status_code or 200, data)


def _application_error(exc: ApplicationError) -> InboundError:
    """A service's refusal in X-Road's terms."""
    if isinstance(exc, ValidationFailed):
        return InboundError(400, protocol.INVALID_REQUEST, exc.message, detail=exc.details or None)
    if isinstance(exc, NotFound):
        return InboundError(404, protocol.SERVICE_FAILED, exc.message)
    if isinstance(exc, Forbidden):
        return InboundError(403, protocol.ACCESS_DENIED, exc.message)
    if isinstance(exc, Conflict):
        return InboundError(409, protocol.SERVICE_FAILED, exc.message, detail={"code": exc.code})
    return InboundError(exc.status or 400, protocol.SERVICE_FAILED, exc.message, detail={"code": exc.code})


def serve(request: HttpRequest, *, provider_id: str, service: str, rest: str) -> HttpResponse:
    """Answer one inbound X-Road message (the view in urls_xroad calls this)."""
    full = request.get_full_path()
    index = full.find("/r1/")
    path_with_query = full[index:] if index >= 0 else full
    client = request.headers.get(protocol.CLIENT, "").strip()
    xroad_id = request.headers.get(protocol.ID, "").strip()
    method = (request.method or "").upper()
    exchange = _Exchange(
        client=client,
        xroad_id=xroad_id,
        service=service,
        service_id=f"{provider_id}/{service}",
        path=path_with_query,
        method=method[:8],
        user_id=request.headers.get(protocol.USER_ID, "").strip(),
        # The client percent-encodes the number (it may hold non-ASCII letters).
        issue=urllib.parse.unquote(request.headers.get(protocol.ISSUE, "").strip()),
        request_hash="",
        body=b"",
        started=time.perf_counter(),
    )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0 or length > MAX_BODY:
        exchange.request_hash = protocol.request_hash(method, path_with_query, xroad_id, b"")
        exchange.body = f"<{length} bytes>".encode()
        return _refuse(exchange, 400, protocol.INVALID_REQUEST, _("The body is larger than 5 MB."))
    body = request.read(MAX_BODY + 1) if length else b""
    exchange.body = body
    exchange.request_hash = protocol.request_hash(method, path_with_query, xroad_id, body)

    if provider_id != settings.EPROK_XROAD_CLIENT:
        return _refuse(
            exchange, 404, protocol.UNKNOWN_SERVICE, _("This security server serves no such provider.")
        )
    if not _token_ok(request):
        _audit_refused(exchange, "token")
        return _refuse(
            exchange,
            403,
            protocol.ACCESS_DENIED,
            _("The security server's credentials are missing or wrong."),
        )
    if not client or not xroad_id:
        return _refuse(
            exchange,
            400,
            protocol.INVALID_REQUEST,
            _("The X-Road-Client and X-Road-Id headers are required."),
        )
    if not protocol.MEMBER_RE.match(client) or len(xroad_id) > protocol.MAX_ID or not xroad_id.isprintable():
        return _refuse(exchange, 400, protocol.INVALID_REQUEST, _("X-Road-Client or X-Road-Id is malformed."))
    inbound = _SERVICES.get(service)
    if inbound is None:
        return _refuse(exchange, 404, protocol.UNKNOWN_SERVICE, _("eprok offers no such service."))
    if not InboundPermission.objects.filter(client=client, service=service, is_active=True).exists():
        _audit_refused(exchange, "not_allowed")
        return _refuse(exchange, 403, protocol.ACCESS_DENIED, _("This client may not call this service."))
    if method not in inbound.methods:
        return _refuse(exchange, 405, protocol.INVALID_REQUEST, _("This method is not allowed here."))
    payload: Any = None
    if body:
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _refuse(exchange, 400, protocol.INVALID_REQUEST, _("The body is not valid JSON."))
    inbound_request = InboundRequest(
        client=client,
        service=service,
        xroad_id=xroad_id,
        user_id=exchange.user_id,
        issue=exchange.issue,
        path="/" + rest if rest and not rest.startswith("/") else rest,
        method=method,
        payload=payload,
        query={key: request.GET.get(key, "") for key in request.GET},
    )
    try:
        first = _first(exchange)
        if first is not None:
            return _replay(exchange, first, inbound)
        with transaction.atomic():
            answer = inbound.handler(inbound_request)
            raw = _encode(answer)
            _log(
                exchange,
                status=200,
                outcome=Outcome.OK,
                answer=raw,
                logged_answer=_encode(_masked(answer, inbound.secret)) if inbound.secret else None,
            )
        return _response(exchange, 200, answer)
    except InboundError as exc:
        return _refuse(exchange, exc.status, exc.xroad_error, exc.message, detail=exc.detail)
    except ApplicationError as exc:
        error = _application_error(exc)
        return _refuse(exchange, error.status, error.xroad_error, error.message, detail=error.detail)
    except IntegrityError:
        # Another delivery of the same message committed first (message_inbound_once): answer as a repeat.
        first = _first(exchange)
        if first is not None:
            try:
                return _replay(exchange, first, inbound)
            except Exception:  # answered below like any failure
                logger.exception("inbound %s: replay failed", service)
        else:
            logger.exception("inbound %s: integrity error", service)
        return _refuse(
            exchange, 500, protocol.SERVICE_FAILED, _("The service failed; the message was not processed.")
        )
    except Exception:  # a provider never answers a traceback
        logger.exception("inbound %s failed", service)
        return _refuse(
            exchange, 500, protocol.SERVICE_FAILED, _("The service failed; the message was not processed.")
        )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def xroad_inbound(
    request: HttpRequest,
    instance: str,
    klass: str,
    member: str,
    subsystem: str,
    service: str,
    rest: str | None = None,
) -> HttpResponse:
    """The inbound X-Road endpoint; called by the security server, not by a signed-in user (no CSRF)."""
    return serve(
        request, provider_id=f"{instance}/{klass}/{member}/{subsystem}", service=service, rest=rest or ""
    )
