"""The HTTP SMS gateway adapter, against a real HTTP server on localhost started by the test."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from eprok.notifications.models import OutboundStatus
from eprok.notifications.outbound import citizen_message_send
from eprok.notifications.outbound.providers import HttpSmsProvider, SendFailed

pytestmark = pytest.mark.django_db


class Gateway(BaseHTTPRequestHandler):
    """A tiny SMS gateway: records each request and answers with what the test set."""

    received: ClassVar[list[dict[str, Any]]] = []
    answer: ClassVar[tuple[int, bytes]] = (200, b'{"id": "gw-1"}')

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        Gateway.received.append(
            {
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "content_type": self.headers.get("Content-Type"),
                "json": json.loads(self.rfile.read(length).decode("utf-8")),
            }
        )
        status, body = Gateway.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(settings) -> Iterator[type[Gateway]]:
    Gateway.received = []
    Gateway.answer = (200, b'{"id": "gw-1"}')
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EPROK_SMS_BACKEND = "http"
    settings.EPROK_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/v1/sms"
    settings.EPROK_SMS_API_KEY = "test-key-123"
    settings.EPROK_SMS_SENDER = "PROKURORLUQ"
    try:
        yield Gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _send() -> Any:
    return citizen_message_send(
        channel="sms",
        to="+994551234567",
        template="appeal_answered",
        context={"number": "AP-GPO-2025-00017"},
        language="az",
    )


def test_the_gateway_gets_json_with_the_key_and_its_id_is_kept(gateway):
    message = _send()

    assert message.status == OutboundStatus.SENT
    assert message.provider == "http" and message.provider_message_id == "gw-1"
    [request] = gateway.received
    assert request["path"] == "/v1/sms"
    assert request["authorization"] == "Bearer test-key-123"
    assert request["content_type"].startswith("application/json")
    assert request["json"] == {
        "to": "+994551234567",
        "text": message.body,
        "sender": "PROKURORLUQ",
        "reference": str(message.public_id),
    }
    # Azerbaijani letters travel as they are, not escaped into look-alikes.
    assert "ə" in request["json"]["text"]


def test_a_gateway_error_leaves_the_message_failed_with_the_status(gateway):
    gateway.answer = (503, b'{"error": "overloaded"}')

    message = _send()

    message.refresh_from_db()
    assert message.status == OutboundStatus.FAILED
    assert message.error.startswith("HTTP 503") and "overloaded" in message.error
    assert "test-key-123" not in message.error


@pytest.mark.parametrize("body", [b"not json", b"{}", b"[1, 2]"])
def test_an_answer_without_a_message_id_is_a_failure(gateway, body):
    gateway.answer = (200, body)

    assert _send().status == OutboundStatus.FAILED


def test_an_unreachable_gateway_is_a_failure(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused at once.
    provider = HttpSmsProvider(url=f"http://127.0.0.1:{port}/sms", api_key="k", timeout=5)

    with pytest.raises(SendFailed, match="gateway unreachable"):
        provider.send(to="+994551234567", text="x")


def test_the_http_backend_needs_an_address(settings):
    settings.EPROK_SMS_BACKEND = "http"
    settings.EPROK_SMS_URL = ""

    message = _send()

    assert message.status == OutboundStatus.FAILED and "EPROK_SMS_URL" in message.error
