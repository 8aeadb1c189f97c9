"""Pytest fixtures: the state registers and the e-Court (`simulators/xroad.py`) as real processes on loopback.

Registered for the whole suite in the root conftest (`pytest_plugins`). The processes start once per test
session (per xdist worker) on a socket bound here and handed over with `--fd` (no port race, no sleeping);
each test gets them with the faults, counters and submissions reset, and with eprok's settings pointing at
them:

    def test_lookup(xroad_registers):            # the six registers over SIM_DATASET
        xroad_registers.control(fail=1, service="person-v1")
        ...
    def test_delivery(xroad_ecourt, captured_pushes):
        xroad_ecourt.submissions(); xroad_ecourt.push_hearing(court_reference=..., starts_at=..., ...)
        captured_pushes.requests   # what the e-Court sent to "eprok" (a small server of this process)

The e-Court calls back a capture server in the test process (`captured_pushes`), not eprok: pytest-django's
`live_server` flushes the database, which the append-only audit table refuses. Tests of eprok's inbound
endpoint post to the Django test client directly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

EPROK_CLIENT = "AZ/GOV/1500000061/eprok"
ECOURT_CLIENT = "AZ/GOV/1900000051/ecourt"
REGISTER_MEMBERS = (
    "AZ/GOV/1600000011/population",
    "AZ/GOV/1400000021/tax",
    "AZ/GOV/1600000011/vehicles",
    "AZ/GOV/1700000031/realestate",
    "AZ/GOV/1600000011/records",
    "AZ/GOV/1800000041/border",
)
ECOURT_MEMBERS = (ECOURT_CLIENT,)

# A small, fixed dataset of the registers for the tests (valid FINs: 7 characters without I and O).
SIM_DATASET: dict[str, Any] = {
    "persons": {
        "5ABC123": {
            "last_name": "Məmmədov",
            "first_name": "Elçin",
            "patronymic": "Əli oğlu",
            "birth_date": "1985-04-12",
            "sex": "male",
            "citizenship": "AZ",
            "address": {"district": "Bakı şəhəri, Xətai rayonu", "text": "Babək prospekti, ev 12, mənzil 34"},
            "photo_ref": "iamas/5abc123",
            "family": [{"fin": "7KLM456", "relation": "spouse", "name": "Məmmədova Günel Rauf qızı"}],
        },
        "7KLM456": {
            "last_name": "Məmmədova",
            "first_name": "Günel",
            "patronymic": "Rauf qızı",
            "birth_date": "1988-09-30",
            "sex": "female",
            "citizenship": "AZ",
            "address": {"district": "Bakı şəhəri, Xətai rayonu", "text": "Babək prospekti, ev 12, mənzil 34"},
            "photo_ref": "iamas/7klm456",
            "family": [{"fin": "5ABC123", "relation": "spouse", "name": "Məmmədov Elçin Əli oğlu"}],
        },
        "2XYZ9P8": {
            "last_name": "Hüseynov",
            "first_name": "Tural",
            "patronymic": "Vüqar oğlu",
            "birth_date": "1979-01-05",
            "sex": "male",
            "citizenship": "AZ",
            "address": {"district": "Sumqayıt şəhəri", "text": "Sülh küçəsi, ev 7, mənzil 2"},
            "photo_ref": "iamas/2xyz9p8",
            "family": [],
        },
    },
    "taxpayers": {
        "1400057421": {
            "name": '"Xəzər Tikinti" MMC',
            "legal_form": "Məhdud Məsuliyyətli Cəmiyyət",
            "registered_on": "2011-06-14",
            "address": {"district": "Bakı şəhəri, Nəsimi rayonu", "text": "Füzuli küçəsi, ev 45"},
            "director": {"fin": "2XYZ9P8", "name": "Hüseynov Tural Vüqar oğlu"},
            "status": "active",
        }
    },
    "vehicles": [
        {
            "plate": "10-AB-123",
            "vin": "JTDBR32E720123456",
            "make": "Toyota",
            "model": "Corolla",
            "year": 2017,
            "colour": "ağ",
            "owner": {"id": "5ABC123", "name": "Məmmədov Elçin Əli oğlu"},
            "registered_on": "2017-03-02",
        },
        {
            "plate": "90-HK-707",
            "vin": "KMHDN41BP6U123987",
            "make": "Hyundai",
            "model": "Tucson",
            "year": 2021,
            "colour": "qara",
            "owner": {"id": "1400057421", "name": '"Xəzər Tikinti" MMC'},
            "registered_on": "2021-07-19",
        },
    ],
    "properties": [
        {
            "registry_number": "412-3456789",
            "kind": "flat",
            "address": "Bakı şəhəri, Xətai rayonu, Babək prospekti, ev 12, mənzil 34",
            "area_m2": 84.5,
            "share": "1/2",
            "acquired_on": "2014-11-20",
            "owner": "5ABC123",
        },
        {
            "registry_number": "412-3456790",
            "kind": "flat",
            "address": "Bakı şəhəri, Xətai rayonu, Babək prospekti, ev 12, mənzil 34",
            "area_m2": 84.5,
            "share": "1/2",
            "acquired_on": "2014-11-20",
            "owner": "7KLM456",
        },
    ],
    "records": {
        "2XYZ9P8": {
            "convictions": [
                {
                    "court": "Sumqayıt Şəhər Məhkəməsi",
                    "decided_on": "2008-05-16",
                    "articles": ["177.2.1"],
                    "sentence": "2 il azadlıqdan məhrumetmə, şərti",
                }
            ],
            "wanted": True,
            "wanted_by": "Bakı Şəhər Baş Polis İdarəsi",
            "wanted_since": "2025-11-01",
        }
    },
    "crossings": {
        "5ABC123": [
            {
                "at": "2025-07-01T06:40:00+04:00",
                "direction": "out",
                "checkpoint": "Heydər Əliyev Beynəlxalq Aeroportu",
                "document": "C01234567",
            },
            {
                "at": "2025-07-15T22:10:00+04:00",
                "direction": "in",
                "checkpoint": "Heydər Əliyev Beynəlxalq Aeroportu",
                "document": "C01234567",
            },
            {
                "at": "2026-03-20T11:05:00+04:00",
                "direction": "out",
                "checkpoint": "Qırmızı Körpü",
                "document": "AA1234567",
            },
            {
                "at": "2026-03-24T17:30:00+04:00",
                "direction": "in",
                "checkpoint": "Qırmızı Körpü",
                "document": "AA1234567",
            },
        ]
    },
}


def xroad_hash(method: str, path_with_query: str, xroad_id: str, body: bytes) -> str:
    """The X-Road request hash as the spec defines it (kept here so the tests need no eprok client)."""
    head = f"{method.upper()}\n{path_with_query}\n{xroad_id}\n".encode()
    return base64.b64encode(hashlib.sha512(head + body).digest()).decode()


def pdf_b64(content: bytes = b"%PDF-1.4\n% eprok test package\n%%EOF\n") -> tuple[str, str]:
    """A tiny PDF as base64 and its SHA-256 (hex), as the e-Court calls want them."""
    return base64.b64encode(content).decode(), hashlib.sha256(content).hexdigest()


@dataclass
class SimReply:
    status: int
    headers: dict[str, str]
    body: bytes
    xroad_id: str
    path_with_query: str
    sent: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def http(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], bytes]:
    """One plain HTTP exchange; 4xx/5xx are answers, not exceptions."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@dataclass
class XRoadSim:
    """A running simulator process: its URL and the controls."""

    url: str
    process: subprocess.Popen
    members: tuple[str, ...]
    log_path: Path

    def _control(self, method: str, path: str, data: dict[str, Any] | None = None) -> tuple[int, Any]:
        body = json.dumps(data).encode() if data is not None else None
        status, _headers, raw = http(
            method, self.url + path, body=body, headers={"Content-Type": "application/json"}
        )
        return status, json.loads(raw) if raw else None

    def control(self, **faults: Any) -> dict[str, Any]:
        """Faults: fail=N, status=503, xroad_error=..., delay=s, wrong_hash=N, garbage=N, service=..."""
        status, answer = self._control("POST", "/_control", faults)
        assert status == 200, answer
        return answer

    def reset(self) -> None:
        status, answer = self._control("POST", "/_control/reset", {})
        assert status == 200, answer

    def stats(self) -> dict[str, Any]:
        return self._control("GET", "/_control/stats")[1]

    def submissions(self) -> list[dict[str, Any]]:
        return self._control("GET", "/_control/submissions")[1]["items"]

    def pushes(self) -> list[dict[str, Any]]:
        return self._control("GET", "/_control/pushes")[1]["items"]

    def push_hearing(self, **fields: Any) -> tuple[int, dict[str, Any]]:
        """Make the e-Court call eprok with a hearing: (the control's status, what eprok answered)."""
        return self._control("POST", "/_control/hearing", fields)

    def push_decision(self, **fields: Any) -> tuple[int, dict[str, Any]]:
        return self._control("POST", "/_control/decision", fields)

    def call(
        self,
        member: str,
        service: str,
        path: str,
        *,
        method: str = "GET",
        query: dict[str, str] | None = None,
        json_body: Any = None,
        client: str | None = EPROK_CLIENT,
        xroad_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> SimReply:
        """One X-Road REST call as eprok makes it (client and id headers unless given as None)."""
        path_with_query = f"/r1/{member}/{service}{path}" + (f"?{urlencode(query)}" if query else "")
        xroad_id = uuid.uuid4().hex if xroad_id is None else xroad_id
        sent = json.dumps(json_body).encode() if json_body is not None else b""
        all_headers = {"Accept": "application/json", "X-Road-UserId": "AZ5ABC123"}
        if json_body is not None:
            all_headers["Content-Type"] = "application/json"
        if client is not None:
            all_headers["X-Road-Client"] = client
        if xroad_id:
            all_headers["X-Road-Id"] = xroad_id
        all_headers.update(headers or {})
        status, reply_headers, raw = http(
            method,
            self.url + path_with_query,
            body=sent if json_body is not None else None,
            headers=all_headers,
        )
        return SimReply(status, reply_headers, raw, xroad_id, path_with_query, sent)


def start_simulator(args: list[str], log_path: Path, members: tuple[str, ...]) -> XRoadSim:
    """simulators/xroad.py on a socket bound here and inherited with --fd; returns once /health answers."""
    from django.conf import settings

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed program and arguments
            [sys.executable, "-m", "simulators.xroad", "--fd", str(listener.fileno()), *args],
            cwd=settings.BASE_DIR,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            pass_fds=(listener.fileno(),),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    # The process holds its own copy; closing ours makes a dead simulator refuse at once, not hang.
    listener.close()
    sim = XRoadSim(url=f"http://127.0.0.1:{port}", process=process, members=members, log_path=log_path)
    try:
        status, _headers, _raw = http("GET", sim.url + "/health", timeout=60)
    except OSError as exc:
        stop_simulator(sim)
        raise RuntimeError(f"the X-Road simulator did not start: {log_path.read_text()}") from exc
    assert status == 200
    return sim


def stop_simulator(sim: XRoadSim) -> None:
    sim.process.terminate()
    try:
        sim.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        sim.process.kill()
        sim.process.wait(timeout=30)


def point_settings_at(settings: Any, sim: XRoadSim) -> None:
    """eprok's gateway settings for this test: the simulator's members to its URL, no backoff."""
    members = dict(getattr(settings, "EPROK_XROAD_MEMBER_URLS", None) or {})
    members.update(dict.fromkeys(sim.members, sim.url))
    settings.EPROK_XROAD_MEMBER_URLS = members
    settings.EPROK_XROAD_URL = sim.url
    settings.EPROK_XROAD_BACKOFF = 0


# --- what the e-Court sends to "eprok" -----------------------------------------------------------------


@dataclass
class CapturedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class PushCapture:
    """A small HTTP server standing in for eprok's inbound X-Road endpoint: it records every request and
    answers 200 {"status": "accepted"} with the right X-Road-Request-Hash, unless told otherwise with
    `answer(status=..., wrong_hash=..., times=N)` (the next N requests)."""

    requests: list[CapturedRequest] = field(default_factory=list)
    planned: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    url: str = ""

    def start(self) -> PushCapture:
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with capture.lock:
                    capture.requests.append(CapturedRequest("POST", self.path, headers, raw))
                    plan = capture.planned.pop(0) if capture.planned else {}
                index = self.path.find("/r1/")
                xroad_id = headers.get("x-road-id", "")
                digest = xroad_hash(
                    "POST", self.path[index:], xroad_id, raw + (b"x" if plan.get("wrong_hash") else b"")
                )
                data = json.dumps(plan.get("body", {"status": "accepted"})).encode()
                self.send_response(int(plan.get("status", 200)))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Road-Id", xroad_id)
                self.send_header("X-Road-Client", headers.get("x-road-client", ""))
                self.send_header("X-Road-Request-Hash", digest)
                if plan.get("xroad_error"):
                    self.send_header("X-Road-Error", plan["xroad_error"])
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="push-capture", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.planned.clear()

    def answer(
        self,
        *,
        status: int = 200,
        body: Any = None,
        wrong_hash: bool = False,
        xroad_error: str = "",
        times: int = 1,
    ) -> None:
        plan = {"status": status, "wrong_hash": wrong_hash, "xroad_error": xroad_error}
        if body is not None:
            plan["body"] = body
        with self.lock:
            self.planned.extend(dict(plan) for _ in range(times))


# --- the fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _xroad_registers_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XRoadSim]:
    directory = tmp_path_factory.mktemp("xroad-registers")
    data = directory / "registers.json"
    data.write_text(json.dumps(SIM_DATASET, ensure_ascii=False), encoding="utf-8")
    sim = start_simulator(
        ["--serve", "registers", "--data", str(data)], directory / "xroad-registers.log", REGISTER_MEMBERS
    )
    try:
        yield sim
    finally:
        stop_simulator(sim)


@pytest.fixture
def xroad_registers(settings: Any, _xroad_registers_process: XRoadSim) -> XRoadSim:
    """The six registers over SIM_DATASET, faults and counters reset, eprok's settings pointing at them."""
    _xroad_registers_process.reset()
    point_settings_at(settings, _xroad_registers_process)
    return _xroad_registers_process


@pytest.fixture(scope="session")
def _push_capture() -> Iterator[PushCapture]:
    capture = PushCapture().start()
    try:
        yield capture
    finally:
        capture.stop()


@pytest.fixture
def captured_pushes(_push_capture: PushCapture) -> PushCapture:
    """What the e-Court simulator sends to eprok, captured in this process (cleared for each test)."""
    _push_capture.clear()
    return _push_capture


@pytest.fixture(scope="session")
def _xroad_ecourt_process(
    tmp_path_factory: pytest.TempPathFactory, _push_capture: PushCapture
) -> Iterator[XRoadSim]:
    directory = tmp_path_factory.mktemp("xroad-ecourt")
    sim = start_simulator(
        [
            "--serve",
            "ecourt",
            "--eprok-url",
            _push_capture.url,
            "--push-backoff",
            "0",
            "--push-timeout",
            "10",
        ],
        directory / "xroad-ecourt.log",
        ECOURT_MEMBERS,
    )
    try:
        yield sim
    finally:
        stop_simulator(sim)


@pytest.fixture
def xroad_ecourt(settings: Any, _xroad_ecourt_process: XRoadSim, _push_capture: PushCapture) -> XRoadSim:
    """The e-Court (submissions, faults and pushes reset), calling back the `captured_pushes` server."""
    _xroad_ecourt_process.reset()
    _push_capture.clear()
    point_settings_at(settings, _xroad_ecourt_process)
    return _xroad_ecourt_process
