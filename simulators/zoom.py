"""A Zoom API simulator: server-to-server OAuth, meetings, and the participants report.

    python -m simulators.zoom --port 8101 [--account-id demo --client-id eprok --client-secret ...]

The part of Zoom's REST API that eprok's Zoom adapter (`eprok/training/meetings.py`) calls:

    POST /oauth/token?grant_type=account_credentials&account_id=<id>   HTTP Basic client id:secret
                                    -> {access_token, token_type: "bearer", expires_in: 3600, scope}
    POST /v2/users/me/meetings {topic, type: 2, start_time, duration, timezone, agenda}   Bearer token
                                    -> 201 {id, uuid, topic, start_time, duration, join_url, start_url}
    GET  /v2/report/meetings/<id>/participants?page_size=30&next_page_token=...          Bearer token
                                    -> {page_size, total_records, next_page_token,
                                        participants: [{id, name, user_email, join_time, leave_time,
                                                        duration}]}

The test controls (no authentication; the simulator is for tests and the demo only):

    GET  /health                                        -> {"status": "ok"}
    POST /_control {"fail": N, "status": 503, "delay": seconds}   the next N OAuth/API calls fail with
                                                        that status; every OAuth/API call waits `delay`
    POST /_control/meetings/<id>/participants {"participants": [{name, user_email, join_time,
                                                        leave_time, duration}]}   people who joined
    GET  /_control/stats                                -> {tokens_issued, meetings: [...], calls}

State is in memory. `ZoomSimulator` runs one in a thread of the calling process (the tests).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hmac
import json
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN_LIFETIME = 3600
PARTICIPANTS_PATH = re.compile(r"^/v2/report/meetings/(\d+)/participants$")
CONTROL_PARTICIPANTS_PATH = re.compile(r"^/_control/meetings/(\d+)/participants$")


@dataclass
class Faults:
    fail: int = 0
    status: int = 503
    delay: float = 0.0


@dataclass
class ZoomService:
    """The simulator's state: the credentials it accepts, tokens issued, meetings and their participants."""

    account_id: str = "demo"
    client_id: str = "eprok"
    client_secret: str = ""
    public_url: str = "http://127.0.0.1:8101"
    tokens: dict[str, float] = field(default_factory=dict)
    meetings: dict[int, dict[str, Any]] = field(default_factory=dict)
    participants: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    tokens_issued: int = 0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_token(self) -> dict[str, Any]:
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = time.monotonic() + TOKEN_LIFETIME
            self.tokens_issued += 1
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": TOKEN_LIFETIME,
            "scope": "meeting:write:admin report:read:admin",
        }

    def token_valid(self, token: str) -> bool:
        with self.lock:
            expires = self.tokens.get(token)
        return expires is not None and expires > time.monotonic()

    def create_meeting(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            meeting_id = 80_000_000_000 + len(self.meetings) + secrets.randbelow(1000) * 1000
            while meeting_id in self.meetings:
                meeting_id += 1
            password = secrets.token_urlsafe(6)
            meeting = {
                "id": meeting_id,
                "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
                "topic": str(data.get("topic", ""))[:200],
                "type": int(data.get("type", 2)),
                "start_time": str(data.get("start_time", "")),
                "duration": int(data.get("duration", 60)),
                "timezone": str(data.get("timezone", "")),
                "agenda": str(data.get("agenda", ""))[:2000],
                "join_url": f"{self.public_url}/j/{meeting_id}?pwd={password}",
                "start_url": f"{self.public_url}/s/{meeting_id}?zak={secrets.token_urlsafe(16)}",
                "password": password,
            }
            self.meetings[meeting_id] = meeting
            self.participants.setdefault(meeting_id, [])
        return meeting

    def add_participants(self, meeting_id: int, people: list[dict[str, Any]]) -> int:
        with self.lock:
            rows = self.participants.setdefault(meeting_id, [])
            for person in people:
                rows.append(
                    {
                        "id": secrets.token_hex(8),
                        "name": str(person.get("name", "")),
                        "user_email": str(person.get("user_email", "")),
                        "join_time": str(person.get("join_time", "")),
                        "leave_time": str(person.get("leave_time", "")),
                        "duration": int(person.get("duration", 0)),
                    }
                )
            return len(rows)

    def participants_page(self, meeting_id: int, page_size: int, next_page_token: str) -> dict[str, Any]:
        with self.lock:
            rows = list(self.participants.get(meeting_id, []))
        start = 0
        if next_page_token:
            try:
                start = int(base64.urlsafe_b64decode(next_page_token.encode()).decode())
            except ValueError:
                start = len(rows)
        end = start + page_size
        token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(rows) else ""
        return {
            "page_count": (len(rows) + page_size - 1) // page_size,
            "page_size": page_size,
            "total_records": len(rows),
            "next_page_token": token,
            "participants": rows[start:end],
        }


def make_handler(service: ZoomService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "zoom-sim/1"

        def log_message(self, fmt: str, *args: Any) -> None:  # one line per request, to stderr
            sys.stderr.write(
                f"zoom-sim {self.command} {self.path.split('?')[0]} {args[1] if len(args) > 1 else ''}\n"
            )

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
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

        def _faulted(self) -> bool:
            """The injected faults of the OAuth and API calls; True when answered already."""
            with service.lock:
                service.calls += 1
                delay = service.faults.delay
                failing = service.faults.fail > 0
                if failing:
                    service.faults.fail -= 1
                status = service.faults.status
            if delay:
                time.sleep(delay)
            if failing:
                self._send(status, {"code": status, "message": "Service is temporarily unavailable."})
                return True
            return False

        def _bearer_ok(self) -> bool:
            scheme, _sep, token = self.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not service.token_valid(token.strip()):
                self._send(401, {"code": 124, "message": "Invalid access token."})
                return False
            return True

        def _basic_ok(self) -> bool:
            expected = (
                "Basic " + base64.b64encode(f"{service.client_id}:{service.client_secret}".encode()).decode()
            )
            return hmac.compare_digest(self.headers.get("Authorization", "").encode(), expected.encode())

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path == "/health":
                return self._send(200, {"status": "ok"})
            if parts.path == "/_control/stats":
                with service.lock:
                    return self._send(
                        200,
                        {
                            "tokens_issued": service.tokens_issued,
                            "calls": service.calls,
                            "meetings": list(service.meetings.values()),
                        },
                    )
            match = PARTICIPANTS_PATH.match(parts.path)
            if match:
                if self._faulted() or not self._bearer_ok():
                    return None
                meeting_id = int(match.group(1))
                if meeting_id not in service.meetings:
                    return self._send(404, {"code": 3001, "message": "Meeting does not exist."})
                try:
                    page_size = max(1, min(300, int(query.get("page_size", ["30"])[0])))
                except ValueError:
                    return self._send(400, {"code": 300, "message": "Invalid page_size."})
                token = query.get("next_page_token", [""])[0]
                return self._send(200, service.participants_page(meeting_id, page_size, token))
            return self._send(404, {"code": 404, "message": "Not found."})

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            try:
                data = self._body()
            except (ValueError, json.JSONDecodeError):
                return self._send(400, {"code": 300, "message": "Invalid request body."})
            if parts.path == "/oauth/token":
                if self._faulted():
                    return None
                if not self._basic_ok():
                    return self._send(
                        401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
                    )
                grant = query.get("grant_type", [data.get("grant_type", "")])[0]
                account = query.get("account_id", [data.get("account_id", "")])[0]
                if grant != "account_credentials":
                    return self._send(
                        400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}
                    )
                if account != service.account_id:
                    return self._send(400, {"reason": "Invalid account_id", "error": "invalid_request"})
                return self._send(200, service.issue_token())
            if parts.path == "/v2/users/me/meetings":
                if self._faulted() or not self._bearer_ok():
                    return None
                if not str(data.get("topic", "")).strip():
                    return self._send(400, {"code": 300, "message": "Topic is required."})
                try:
                    if data.get("start_time"):
                        dt.datetime.fromisoformat(str(data["start_time"]).replace("Z", "+00:00"))
                    int(data.get("duration", 60))
                except ValueError:
                    return self._send(400, {"code": 300, "message": "Invalid start_time or duration."})
                return self._send(201, service.create_meeting(data))
            if parts.path == "/_control":
                with service.lock:
                    service.faults = Faults(
                        fail=int(data.get("fail", 0)),
                        status=int(data.get("status", 503)),
                        delay=float(data.get("delay", 0)),
                    )
                return self._send(200, {"ok": True})
            match = CONTROL_PARTICIPANTS_PATH.match(parts.path)
            if match:
                meeting_id = int(match.group(1))
                if meeting_id not in service.meetings:
                    return self._send(404, {"code": 3001, "message": "Meeting does not exist."})
                people = data.get("participants") or []
                if not isinstance(people, list):
                    return self._send(400, {"code": 300, "message": "participants must be a list."})
                return self._send(200, {"total_records": service.add_participants(meeting_id, people)})
            return self._send(404, {"code": 404, "message": "Not found."})

    return Handler


class ZoomSimulator:
    """The simulator on a free port of 127.0.0.1, served from a thread of this process (tests):

    with ZoomSimulator(client_secret="s") as zoom:
        zoom.url, zoom.service.meetings, zoom.control(fail=2)
    """

    def __init__(
        self, *, account_id: str = "demo", client_id: str = "eprok", client_secret: str = ""
    ) -> None:
        self.service = ZoomService(account_id=account_id, client_id=client_id, client_secret=client_secret)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.service))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.service.public_url = self.url
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="zoom-sim", daemon=True
        )

    def __enter__(self) -> ZoomSimulator:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def control(self, *, fail: int = 0, status: int = 503, delay: float = 0.0) -> None:
        with self.service.lock:
            self.service.faults = Faults(fail=fail, status=status, delay=delay)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8101,
    account_id: str = "demo",
    client_id: str = "eprok",
    client_secret: str = "",
) -> None:
    service = ZoomService(account_id=account_id, client_id=client_id, client_secret=client_secret)
    server = ThreadingHTTPServer((host, port), make_handler(service))
    server.daemon_threads = True
    service.public_url = f"http://{host}:{server.server_address[1]}"
    sys.stderr.write(f"zoom-sim listening on {service.public_url}\n")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulators.zoom", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--account-id", default=os.environ.get("ZOOM_SIM_ACCOUNT_ID", "demo"))
    parser.add_argument("--client-id", default=os.environ.get("ZOOM_SIM_CLIENT_ID", "eprok"))
    parser.add_argument("--client-secret", default=os.environ.get("ZOOM_SIM_CLIENT_SECRET", ""))
    args = parser.parse_args(argv)
    serve(
        host=args.host,
        port=args.port,
        account_id=args.account_id,
        client_id=args.client_id,
        client_secret=args.client_secret,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
