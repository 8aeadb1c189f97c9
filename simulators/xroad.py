"""The state registers and the e-Court behind the e-Government gateway (X-Road REST), for tests and the demo.

    python -m simulators.xroad --serve registers --port 8102 --data var/registers.json
    python -m simulators.xroad --serve ecourt --port 8103 --eprok-url http://127.0.0.1:8000 \
        --auto-hearing-after 30
    python -m simulators.xroad --serve all --port 8102 --data var/registers.json

Requests follow the X-Road Message Protocol for REST as eprok speaks it (docs: the gateway's spec):
`{METHOD} /r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}{path}` with the headers `X-Road-Client` and
`X-Road-Id` (both required), `X-Road-UserId`, `X-Road-Issue`. Every answer echoes `X-Road-Id` and
`X-Road-Client`, names the `X-Road-Service` and carries `X-Road-Request-Hash` =
base64(SHA-512(METHOD "\\n" path_with_query "\\n" X-Road-Id "\\n" + body bytes)).

The registers (data from --data, a JSON file: `manage.py registers_dataset var/registers.json`):

    AZ/GOV/1600000011/population person-v1    GET /persons/{FIN}
    AZ/GOV/1400000021/tax        taxpayer-v1  GET /taxpayers/{VOEN}
    AZ/GOV/1600000011/vehicles   vehicle-v1   GET /vehicles?plate=|vin=|owner=FIN or VOEN
    AZ/GOV/1700000031/realestate property-v1  GET /properties?owner=FIN or VOEN
    AZ/GOV/1600000011/records    records-v1   GET /records/{FIN}
    AZ/GOV/1800000041/border     crossings-v1 GET /crossings/{FIN}?from=YYYY-MM-DD&to=YYYY-MM-DD

The e-Court (AZ/GOV/1900000051/ecourt): POST /indictments (indictments-v1), /motions (motions-v1),
/appeals (appeals-v1) -> 202 {court_reference, received_at, status: "accepted"}; a repeated X-Road-Id
gets the same answer. With --eprok-url it calls eprok back (court-hearings-v1 /hearings,
court-decisions-v1 /decisions) on demand or, with --auto-hearing-after, by itself after an indictment.

The test controls (no authentication; the simulator is for tests and the demo only):

    GET  /health                          -> {"status": "ok", "serves": [...]}
    POST /_control {"fail": N, "status": 503, "xroad_error": "Server.ServerProxy.ServiceFailed",
                    "delay": s, "wrong_hash": N, "garbage": N, "service": "person-v1"}   fault injection
    POST /_control/reset                  faults, counters, submissions and pushes forgotten
    GET  /_control/stats                  calls per service, faults, pushes
    GET  /_control/submissions            what the e-Court received (PDF sizes and hashes, not bytes)
    GET  /_control/pushes                 the calls to eprok and their answers
    POST /_control/hearing {court_reference, starts_at, courtroom, judge, status?, id?}
    POST /_control/decision {court_reference, kind, decided_on, sentence, text, instance?, id?}

Standard library only; it never imports eprok (the request hash is re-implemented here).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BAKU = dt.timezone(dt.timedelta(hours=4), "Asia/Baku")  # no daylight saving time since 2016

POPULATION = "AZ/GOV/1600000011/population"
TAX = "AZ/GOV/1400000021/tax"
VEHICLES = "AZ/GOV/1600000011/vehicles"
REAL_ESTATE = "AZ/GOV/1700000031/realestate"
RECORDS = "AZ/GOV/1600000011/records"
BORDER = "AZ/GOV/1800000041/border"
ECOURT = "AZ/GOV/1900000051/ecourt"
EPROK = "AZ/GOV/1500000061/eprok"

REGISTER_SERVICES: dict[tuple[str, str], str] = {
    (POPULATION, "person-v1"): "person",
    (TAX, "taxpayer-v1"): "taxpayer",
    (VEHICLES, "vehicle-v1"): "vehicle",
    (REAL_ESTATE, "property-v1"): "property",
    (RECORDS, "records-v1"): "records",
    (BORDER, "crossings-v1"): "crossings",
}
ECOURT_SERVICES: dict[tuple[str, str], str] = {
    (ECOURT, "indictments-v1"): "indictment",
    (ECOURT, "motions-v1"): "motion",
    (ECOURT, "appeals-v1"): "appeal",
}
HEARINGS_PATH = f"/r1/{EPROK}/court-hearings-v1/hearings"
DECISIONS_PATH = f"/r1/{EPROK}/court-decisions-v1/decisions"

FIN_RE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
VOEN_RE = re.compile(r"^\d{10}$")
PLATE_RE = re.compile(r"^\d{2}-[A-Z]{2}-\d{3}$")
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
XROAD_PATH = re.compile(r"^/r1/([^/?]+)/([^/?]+)/([^/?]+)/([^/?]+)/([^/?]+)(/[^?]*)?$")

MOTION_KINDS = ("custody", "search", "wiretap", "extension")
APPEAL_KINDS = ("appeal", "protest")
HEARING_STATUSES = ("scheduled", "postponed", "cancelled", "held")
DECISION_INSTANCES = ("first", "appeal", "cassation")
DECISION_KINDS = (
    "conviction",
    "acquittal",
    "termination",
    "return",
    "medical",
    "upheld",
    "changed",
    "quashed",
    "other",
)
JUDGES = (
    "Əliyev Rauf Nadir oğlu",
    "Hüseynova Leyla Arif qızı",
    "Quliyev Elşən Vaqif oğlu",
    "Məmmədova Sevinc Tahir qızı",
)
# Case numbers of the courts: kind of proceedings - instance(court) - number/year.
REFERENCE_PREFIX = {"indictment": "1", "motion": "4", "appeal": "2"}
MAX_BODY = 64 * 1024 * 1024


def request_hash(method: str, path_with_query: str, xroad_id: str, body: bytes) -> str:
    """X-Road-Request-Hash: base64(SHA-512(METHOD \\n path_with_query \\n X-Road-Id \\n body))."""
    head = f"{method.upper()}\n{path_with_query}\n{xroad_id}\n".encode()
    return base64.b64encode(hashlib.sha512(head + body).digest()).decode()


def xroad_path(raw_path: str) -> str:
    """The path with query from "/r1/" on (a base URL may put a prefix before it)."""
    index = raw_path.find("/r1/")
    return raw_path[index:] if index >= 0 else raw_path


def now_baku() -> dt.datetime:
    return dt.datetime.now(BAKU).replace(microsecond=0)


def log(line: str) -> None:
    sys.stdout.write(f"xroad-sim {line}\n")
    sys.stdout.flush()


class Invalid(Exception):
    """A request the provider refuses: 400 with X-Road-Error Client.InvalidRequest."""


@dataclass
class Faults:
    fail: int = 0
    status: int = 503
    xroad_error: str = "Server.ServerProxy.ServiceFailed"
    delay: float = 0.0
    wrong_hash: int = 0
    garbage: int = 0
    service: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Faults:
        faults = cls(
            fail=int(data.get("fail", 0)),
            status=int(data.get("status", 503)),
            xroad_error=str(data.get("xroad_error", "Server.ServerProxy.ServiceFailed") or ""),
            delay=float(data.get("delay", 0)),
            wrong_hash=int(data.get("wrong_hash", 0)),
            garbage=int(data.get("garbage", 0)),
            service=str(data.get("service") or ""),
        )
        if not 100 <= faults.status <= 599 or min(faults.fail, faults.wrong_hash, faults.garbage) < 0:
            raise ValueError("bad fault values")
        if faults.delay < 0 or faults.delay > 300:
            raise ValueError("bad delay")
        return faults

    def matches(self, member: str, service: str) -> bool:
        return not self.service or self.service in (service, f"{member}/{service}")


@dataclass
class Reply:
    status: int
    body: Any
    xroad_error: str = ""


# --- the registers ----------------------------------------------------------------------------------


def _one(query: dict[str, list[str]], name: str) -> str:
    values = query.get(name) or []
    return values[0].strip() if values else ""


def _owner_id(value: str) -> str:
    owner = value.strip().upper()
    if not (FIN_RE.match(owner) or VOEN_RE.match(owner)):
        raise Invalid("owner must be a FIN (7 characters) or a VÖEN (10 digits)")
    return owner


def _fin(value: str) -> str:
    fin = value.strip().upper()
    if not FIN_RE.match(fin):
        raise Invalid("A FIN has 7 characters: digits and Latin capital letters except I and O")
    return fin


def _date(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name} must be a date YYYY-MM-DD") from None


class Registers:
    """The six registers over one dataset (read-only)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.persons: dict[str, dict[str, Any]] = dict(data.get("persons") or {})
        self.taxpayers: dict[str, dict[str, Any]] = dict(data.get("taxpayers") or {})
        self.vehicles: list[dict[str, Any]] = list(data.get("vehicles") or [])
        self.properties: list[dict[str, Any]] = list(data.get("properties") or [])
        self.records: dict[str, dict[str, Any]] = dict(data.get("records") or {})
        self.crossings: dict[str, list[dict[str, Any]]] = dict(data.get("crossings") or {})

    def answer(self, kind: str, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        if method != "GET":
            raise Invalid(f"{method} is not a method of this service")
        handler: Callable[[list[str], dict[str, list[str]]], Reply] = getattr(self, f"_{kind}")
        return handler([part for part in path.split("/") if part], query)

    def _person(self, parts: list[str], query: dict[str, list[str]]) -> Reply:
        if len(parts) != 2 or parts[0] != "persons":
            raise Invalid("the path is /persons/{FIN}")
        fin = _fin(parts[1])
        person = self.persons.get(fin)
        if person is None:
            return Reply(404, {"message": f"No person with FIN {fin} in the population register"})
        return Reply(200, {"fin": fin, **{k: v for k, v in person.items() if k != "fin"}})

    def _taxpayer(self, parts: list[str], query: dict[str, list[str]]) -> Reply:
        if len(parts) != 2 or parts[0] != "taxpayers":
            raise Invalid("the path is /taxpayers/{VOEN}")
        voen = parts[1].strip()
        if not VOEN_RE.match(voen):
            raise Invalid("A VÖEN has 10 digits")
        taxpayer = self.taxpayers.get(voen)
        if taxpayer is None:
            return Reply(404, {"message": f"No taxpayer with VÖEN {voen}"})
        return Reply(200, {"voen": voen, **{k: v for k, v in taxpayer.items() if k != "voen"}})

    def _vehicle(self, parts: list[str], query: dict[str, list[str]]) -> Reply:
        if parts != ["vehicles"]:
            raise Invalid("the path is /vehicles?plate=|vin=|owner=")
        given = {name: _one(query, name) for name in ("plate", "vin", "owner") if _one(query, name)}
        if len(given) != 1:
            raise Invalid("give exactly one of plate, vin, owner")
        name, value = next(iter(given.items()))
        value = value.upper()
        if name == "plate":
            value = value.replace(" ", "-")
            if not PLATE_RE.match(value):
                raise Invalid("a plate looks like 10-AB-123")
            items = [v for v in self.vehicles if str(v.get("plate", "")).upper() == value]
        elif name == "vin":
            if not VIN_RE.match(value):
                raise Invalid("a VIN has 17 characters (no I, O or Q)")
            items = [v for v in self.vehicles if str(v.get("vin", "")).upper() == value]
        else:
            owner = _owner_id(value)
            items = [v for v in self.vehicles if str((v.get("owner") or {}).get("id", "")).upper() == owner]
        return Reply(200, {"items": items})

    def _property(self, parts: list[str], query: dict[str, list[str]]) -> Reply:
        if parts != ["properties"]:
            raise Invalid("the path is /properties?owner=")
        owner = _owner_id(_one(query, "owner"))
        items = [
            {k: v for k, v in item.items() if k != "owner"}
            for item in self.properties
            if str(item.get("owner", "")).upper() == owner
        ]
        return Reply(200, {"items": items})

    def _records(self, parts: list[str], query: dict[str, list[str]]) -> Reply:
        if len(parts) != 2 or parts[0] != "records":
            raise Invalid("the path is /records/{FIN}")
        fin = _fin(parts[1])
        record = self.records.get(fin)
        if record is None and fin not in self.persons:
            return Reply(404, {"message": f"No person with FIN {fin}"})
        record = record or {}
        return Reply(
            200,
            {
                "fin": fin,
                "convictions": list(record.get("convictions") or []),
                "wanted": bool(record.get("wanted", False)),
                "wanted_by": record.get("wanted_by"),
                "wanted_since": record.get("wanted_since"),
            },
        )

    def _crossings(self, parts: list[str], query: dict[str, list[str]]) -> Reply:
        if len(parts) != 2 or parts[0] != "crossings":
            raise Invalid("the path is /crossings/{FIN}?from=&to=")
        fin = _fin(parts[1])
        start, end = _date(_one(query, "from"), "from"), _date(_one(query, "to"), "to")
        if start and end and start > end:
            raise Invalid("from is after to")
        if fin not in self.crossings and fin not in self.persons:
            return Reply(404, {"message": f"No person with FIN {fin}"})
        items = []
        for item in self.crossings.get(fin) or []:
            day = str(item.get("at", ""))[:10]
            if (start and day < start.isoformat()) or (end and day > end.isoformat()):
                continue
            items.append(item)
        return Reply(200, {"items": sorted(items, key=lambda item: str(item.get("at", "")))})


# --- the e-Court --------------------------------------------------------------------------------------


def _text(data: dict[str, Any], name: str, limit: int = 2000, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise Invalid(f"{name} is required (text up to {limit} characters)")
    return value


def _pdf(data: dict[str, Any], name: str, hash_name: str) -> tuple[int, str]:
    """The size and SHA-256 of the base64 PDF `name`, checked against `hash_name`."""
    encoded = data.get(name)
    if not isinstance(encoded, str) or not encoded:
        raise Invalid(f"{name} is required (base64)")
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(f"{name} is not valid base64") from None
    if not content:
        raise Invalid(f"{name} is empty")
    given = data.get(hash_name)
    if not isinstance(given, str) or not SHA256_RE.match(given):
        raise Invalid(f"{hash_name} is required (SHA-256, 64 hex digits)")
    actual = hashlib.sha256(content).hexdigest()
    if actual != given.lower():
        raise Invalid(f"{hash_name} does not match the SHA-256 of {name}")
    return len(content), actual


def validate_submission(kind: str, data: Any) -> dict[str, Any]:
    """The submission without the PDF bytes (with their size and hash), or Invalid."""
    if not isinstance(data, dict):
        raise Invalid("the body is a JSON object")
    summary: dict[str, Any] = {
        "case_number": _text(data, "case_number", 100),
        "court": _text(data, "court", 200),
        "title": _text(data, "title", 500),
    }
    if kind == "indictment":
        manifest = data.get("manifest")
        if not isinstance(manifest, dict | list) or not manifest:
            raise Invalid("manifest is required (the package's table of contents)")
        prosecutor = data.get("prosecutor")
        if not (isinstance(prosecutor, str) and prosecutor.strip()) and not (
            isinstance(prosecutor, dict) and prosecutor
        ):
            raise Invalid("prosecutor is required")
        size, sha = _pdf(data, "package_pdf", "package_sha256")
        summary.update(manifest=manifest, prosecutor=prosecutor, pdf_size=size, pdf_sha256=sha)
        return summary
    summary["text"] = _text(data, "text", 100_000, required=False)
    kinds = MOTION_KINDS if kind == "motion" else APPEAL_KINDS
    if data.get("kind") not in kinds:
        raise Invalid(f"kind is one of {', '.join(kinds)}")
    summary["kind"] = data["kind"]
    if kind == "appeal":
        summary["court_reference_of_decision"] = _text(data, "court_reference_of_decision", 100)
    size, sha = _pdf(data, "document_pdf", "document_sha256")
    summary.update(pdf_size=size, pdf_sha256=sha)
    return summary


@dataclass
class PushResult:
    ok: bool
    status_code: int | None
    body: Any
    xroad_id: str
    attempts: int
    hash_ok: bool | None
    error: str = ""
    sent: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "status_code": self.status_code,
            "body": self.body,
            "xroad_id": self.xroad_id,
            "attempts": self.attempts,
            "hash_ok": self.hash_ok,
            "error": self.error,
            "sent": self.sent,
        }


class Court:
    """What the e-Court received, its answers by message id, and its calls back to eprok."""

    def __init__(
        self,
        *,
        eprok_url: str = "",
        auto_hearing_after: float | None = None,
        push_backoff: float = 1.0,
        push_timeout: float = 10.0,
        push_retries: int = 3,
    ) -> None:
        self.eprok_url = eprok_url.rstrip("/")
        self.auto_hearing_after = auto_hearing_after
        self.push_backoff = push_backoff
        self.push_timeout = push_timeout
        self.push_retries = push_retries
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.submissions: list[dict[str, Any]] = []
            self.answers: dict[tuple[str, str], Reply] = {}
            self.pushes: list[dict[str, Any]] = []
            self.sequence = 100

    def submit(self, kind: str, client: str, xroad_id: str, data: Any) -> tuple[Reply, bool]:
        """The answer to a submission and whether it is new (a repeated message id gets the same answer)."""
        with self.lock:
            known = self.answers.get((client, xroad_id))
        if known is not None:
            return known, False
        summary = validate_submission(kind, data)
        received = now_baku()
        with self.lock:
            known = self.answers.get((client, xroad_id))
            if known is not None:
                return known, False
            self.sequence += 1
            reference = f"{REFERENCE_PREFIX[kind]}-1(001)-{self.sequence}/{received.year}"
            reply = Reply(
                202, {"court_reference": reference, "received_at": received.isoformat(), "status": "accepted"}
            )
            self.answers[(client, xroad_id)] = reply
            self.submissions.append(
                {
                    "type": kind,
                    "court_reference": reference,
                    "received_at": received.isoformat(),
                    "client": client,
                    "xroad_id": xroad_id,
                    **summary,
                }
            )
        if kind == "indictment" and self.auto_hearing_after is not None and self.eprok_url:
            timer = threading.Timer(self.auto_hearing_after, self.auto_hearing, args=(reference, received))
            timer.daemon = True
            timer.start()
        return reply, True

    def submission(self, court_reference: str) -> dict[str, Any] | None:
        with self.lock:
            return next((s for s in self.submissions if s["court_reference"] == court_reference), None)

    def auto_hearing(self, court_reference: str, received: dt.datetime) -> None:
        day = received.date() + dt.timedelta(days=14)
        starts = dt.datetime.combine(day, dt.time(10, 0), tzinfo=BAKU)
        judge = JUDGES[int(hashlib.sha256(court_reference.encode()).hexdigest(), 16) % len(JUDGES)]
        try:
            self.push_hearing(
                {
                    "court_reference": court_reference,
                    "starts_at": starts.isoformat(),
                    "courtroom": "3",
                    "judge": judge,
                }
            )
        except Exception as exc:  # a timer thread must never die loudly; the log says what happened
            log(f"push hearing {court_reference} failed: {exc!r}")

    def push_hearing(self, data: dict[str, Any]) -> PushResult:
        submission = self._submission_of(data)
        starts_at = _text(data, "starts_at", 40)
        try:
            if dt.datetime.fromisoformat(starts_at).tzinfo is None:
                raise ValueError
        except ValueError:
            raise Invalid("starts_at is an ISO date and time with an offset") from None
        status = data.get("status") or "scheduled"
        if status not in HEARING_STATUSES:
            raise Invalid(f"status is one of {', '.join(HEARING_STATUSES)}")
        body = {
            "case_number": submission["case_number"],
            "court_reference": submission["court_reference"],
            "court": submission["court"],
            "judge": _text(data, "judge", 200),
            "hearing": {
                "id": str(data.get("id") or uuid.uuid4().hex),
                "starts_at": starts_at,
                "courtroom": str(data.get("courtroom") or ""),
                "status": status,
            },
        }
        return self.push(HEARINGS_PATH, body)

    def push_decision(self, data: dict[str, Any]) -> PushResult:
        submission = self._submission_of(data)
        if data.get("kind") not in DECISION_KINDS:
            raise Invalid(f"kind is one of {', '.join(DECISION_KINDS)}")
        instance = data.get("instance") or "first"
        if instance not in DECISION_INSTANCES:
            raise Invalid(f"instance is one of {', '.join(DECISION_INSTANCES)}")
        decided_on = _date(_text(data, "decided_on", 10), "decided_on")
        body = {
            "case_number": submission["case_number"],
            "court_reference": submission["court_reference"],
            "court": submission["court"],
            "decision": {
                "id": str(data.get("id") or uuid.uuid4().hex),
                "instance": instance,
                "kind": data["kind"],
                "decided_on": decided_on.isoformat() if decided_on else "",
                "sentence": _text(data, "sentence", 2000, required=False),
                "text": _text(data, "text", 100_000, required=False),
            },
        }
        return self.push(DECISIONS_PATH, body)

    def _submission_of(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise Invalid("the body is a JSON object")
        if not self.eprok_url:
            raise Invalid("the e-Court was started without --eprok-url")
        submission = self.submission(str(data.get("court_reference") or ""))
        if submission is None:
            raise LookupError("no submission with this court_reference")
        return submission

    def push(self, path: str, body: dict[str, Any]) -> PushResult:
        """POST to eprok as the e-Court; up to `push_retries` retries with backoff; never raises."""
        xroad_id = uuid.uuid4().hex
        data = json.dumps(body, ensure_ascii=False).encode()
        expected = request_hash("POST", path, xroad_id, data)
        result = PushResult(False, None, None, xroad_id, 0, None, sent=body)
        what = f"push {path.rsplit('/', 1)[-1]} {body['court_reference']}"
        for attempt in range(1, self.push_retries + 2):
            result.attempts = attempt
            request = urllib.request.Request(  # noqa: S310 - the configured eprok URL
                f"{self.eprok_url}/xroad{path}",
                data=data,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "X-Road-Client": ECOURT,
                    "X-Road-Id": xroad_id,
                    "X-Road-UserId": "AZ-ecourt",
                    "X-Road-Issue": str(body.get("case_number", "")).encode("ascii", "ignore").decode(),
                },
            )
            retry = True
            try:
                with urllib.request.urlopen(request, timeout=self.push_timeout) as response:  # noqa: S310
                    status, headers, raw = response.status, response.headers, response.read()
            except urllib.error.HTTPError as exc:
                status, headers, raw = exc.code, exc.headers, exc.read()
            except (OSError, ValueError) as exc:
                result.error = f"unreachable: {exc}"
                status, headers, raw = 0, None, b""
            if status:
                result.status_code = status
                try:
                    result.body = json.loads(raw) if raw else None
                except ValueError:
                    result.body = raw.decode("utf-8", "replace")[:500]
                result.hash_ok = headers is not None and headers.get("X-Road-Request-Hash") == expected
                if status >= 500:
                    result.error = (
                        f"eprok answered {status} {headers.get('X-Road-Error', '') if headers else ''}"
                    )
                elif not result.hash_ok:
                    result.error = "eprok's X-Road-Request-Hash does not match the request"
                else:
                    result.error = "" if status < 400 else f"eprok refused: {status}"
                    retry = False
                result.ok = status < 400 and bool(result.hash_ok)
            log(f"{what} attempt {attempt}: {status or '-'} {result.error}")
            if not retry or attempt > self.push_retries:
                break
            if self.push_backoff:
                time.sleep(self.push_backoff * 2 ** (attempt - 1))
        if not result.ok:
            log(f"{what} FAILED after {result.attempts} attempts")
        with self.lock:
            self.pushes.append({"path": path, "at": now_baku().isoformat(), **result.as_json()})
        return result


# --- the HTTP server -----------------------------------------------------------------------------------


class State:
    """Everything the handler threads share."""

    def __init__(
        self,
        *,
        serves: Sequence[str],
        registers: Registers | None,
        court: Court | None,
        allow_clients: Sequence[str] = (),
    ) -> None:
        self.serves = list(serves)
        self.registers = registers
        self.court = court
        self.allow_clients = set(allow_clients)
        self.lock = threading.Lock()
        self.faults = Faults()
        self.calls: dict[str, int] = {}
        self.services: dict[tuple[str, str], str] = {}
        if registers is not None:
            self.services.update(REGISTER_SERVICES)
        if court is not None:
            self.services.update(ECOURT_SERVICES)

    def reset(self) -> None:
        with self.lock:
            self.faults = Faults()
            self.calls = {}
        if self.court is not None:
            self.court.reset()

    def fault_for(self, member: str, service: str) -> tuple[float, str]:
        """The delay of this call and the fault it gets ("fail", "wrong_hash", "garbage" or "")."""
        with self.lock:
            self.calls[service] = self.calls.get(service, 0) + 1
            faults = self.faults
            if not faults.matches(member, service):
                return 0.0, ""
            for kind in ("fail", "garbage", "wrong_hash"):
                left = getattr(faults, kind)
                if left > 0:
                    setattr(faults, kind, left - 1)
                    return faults.delay, kind
            return faults.delay, ""


def make_handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "xroad-sim/1"
        # Kept-alive connections, as a security server keeps them (every answer has a Content-Length).
        protocol_version = "HTTP/1.1"
        # Headers and body leave in separate writes: without TCP_NODELAY a kept-alive client's delayed ACK
        # holds every answer back ~40 ms.
        disable_nagle_algorithm = True

        def log_message(self, fmt: str, *args: Any) -> None:  # one line per request is written by _send
            return

        def _send(
            self,
            status: int,
            body: Any,
            *,
            headers: dict[str, str] | None = None,
            raw: bytes | None = None,
            content_type: str = "application/json",
            label: str = "",
        ) -> None:
            data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type + ("; charset=utf-8" if raw is None else ""))
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the caller gave up (its timeout)
                status = 499
            # The path without the query: a FIN may appear, nothing else personal.
            log(f"{self.command} {label or self.path.split('?')[0]} {status}")

        def _read(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0 or length > MAX_BODY:
                raise ValueError("body too large")
            return self.rfile.read(length) if length else b""

        def _json(self, raw: bytes) -> Any:
            return json.loads(raw.decode("utf-8")) if raw else {}

        # --- controls --------------------------------------------------------------------------

        def _control(self, method: str, path: str, raw: bytes) -> None:
            if method == "GET" and path == "/health":
                return self._send(200, {"status": "ok", "serves": state.serves})
            if method == "GET" and path == "/_control/stats":
                with state.lock:
                    body: dict[str, Any] = {"calls": dict(state.calls), "faults": vars(state.faults).copy()}
                if state.court is not None:
                    with state.court.lock:
                        body.update(submissions=len(state.court.submissions), pushes=len(state.court.pushes))
                return self._send(200, body)
            court = state.court
            if method == "GET" and path in ("/_control/submissions", "/_control/pushes"):
                if court is None:
                    return self._send(404, {"message": "this simulator serves no e-Court"})
                with court.lock:
                    items = list(court.submissions if path.endswith("submissions") else court.pushes)
                return self._send(200, {"items": items})
            if method != "POST":
                return self._send(404, {"message": "Not found"})
            try:
                data = self._json(raw)
            except ValueError:
                return self._send(400, {"message": "the body is not JSON"})
            if path == "/_control":
                try:
                    faults = Faults.from_json(data if isinstance(data, dict) else {})
                except (TypeError, ValueError):
                    return self._send(400, {"message": "bad fault values"})
                with state.lock:
                    state.faults = faults
                return self._send(200, {"ok": True, "faults": vars(faults)})
            if path == "/_control/reset":
                state.reset()
                return self._send(200, {"ok": True})
            if path in ("/_control/hearing", "/_control/decision"):
                if court is None:
                    return self._send(404, {"message": "this simulator serves no e-Court"})
                try:
                    result = (court.push_hearing if path.endswith("hearing") else court.push_decision)(data)
                except Invalid as exc:
                    return self._send(400, {"message": str(exc)})
                except LookupError as exc:
                    return self._send(404, {"message": str(exc)})
                return self._send(200 if result.status_code else 502, result.as_json())
            return self._send(404, {"message": "Not found"})

        # --- X-Road ----------------------------------------------------------------------------

        def _xroad(self, method: str, raw: bytes) -> None:
            path_with_query = xroad_path(self.path)
            parts = urlsplit(path_with_query)
            match = XROAD_PATH.match(parts.path)
            client = self.headers.get("X-Road-Client", "").strip()
            xroad_id = self.headers.get("X-Road-Id", "").strip()
            member, service, sub_path = "", "", ""
            if match:
                member = "/".join(match.group(1, 2, 3, 4))
                service, sub_path = match.group(5), match.group(6) or ""
            computed = request_hash(method, path_with_query, xroad_id, raw)
            headers = {
                "X-Road-Id": xroad_id,
                "X-Road-Client": client,
                "X-Road-Service": f"{member}/{service}" if match else "",
                "X-Road-Request-Hash": computed,
            }
            label = f"{service or '?'} {sub_path}"

            def error(status: int, code: str, message: str) -> None:
                body = {"type": code, "message": message, "detail": uuid.uuid4().hex}
                self._send(status, body, headers={**headers, "X-Road-Error": code}, label=label)

            if not client or not xroad_id:
                return error(400, "Client.InvalidRequest", "X-Road-Client and X-Road-Id headers are required")
            if len(client.split("/")) != 4:
                return error(400, "Client.InvalidRequest", "X-Road-Client is INSTANCE/CLASS/MEMBER/SUBSYSTEM")
            kind = state.services.get((member, service)) if match else None
            if kind is None:
                return error(404, "Server.ServerProxy.UnknownService", f"Unknown service {member}/{service}")
            if state.allow_clients and client not in state.allow_clients:
                return error(403, "Server.ClientProxy.AccessDenied", f"{client} may not call {service}")
            delay, fault = state.fault_for(member, service)
            if delay:
                time.sleep(delay)
            if fault == "fail":
                with state.lock:
                    status, code = state.faults.status, state.faults.xroad_error
                body = {
                    "type": code or "Server.Error",
                    "message": "Injected failure",
                    "detail": uuid.uuid4().hex,
                }
                return self._send(
                    status, body, headers={**headers, **({"X-Road-Error": code} if code else {})}, label=label
                )
            if fault == "garbage":
                return self._send(
                    200,
                    None,
                    headers=headers,
                    raw=b"<html><body>Gateway Timeout</body></html>",
                    content_type="text/html",
                    label=label,
                )
            if fault == "wrong_hash":
                headers["X-Road-Request-Hash"] = request_hash(method, path_with_query, xroad_id, raw + b"x")
            try:
                if (member, service) in REGISTER_SERVICES:
                    assert state.registers is not None
                    reply = state.registers.answer(kind, method, sub_path, parse_qs(parts.query))
                else:
                    reply = self._court(kind, method, sub_path, client, xroad_id, raw)
            except Invalid as exc:
                return error(400, "Client.InvalidRequest", str(exc))
            except Exception as exc:  # the simulator answers like a failing provider, it never dies
                log(f"error in {service}: {exc!r}")
                return error(500, "Server.ServerProxy.ServiceFailed", "Internal error of the provider")
            if reply.xroad_error:
                headers["X-Road-Error"] = reply.xroad_error
            return self._send(reply.status, reply.body, headers=headers, label=label)

        def _court(
            self, kind: str, method: str, sub_path: str, client: str, xroad_id: str, raw: bytes
        ) -> Reply:
            assert state.court is not None
            expected = {"indictment": "/indictments", "motion": "/motions", "appeal": "/appeals"}[kind]
            if method != "POST" or sub_path.rstrip("/") != expected:
                raise Invalid(f"the call is POST {expected}")
            try:
                data = self._json(raw)
            except ValueError:
                raise Invalid("the body is not JSON") from None
            reply, _new = state.court.submit(kind, client, xroad_id, data)
            return reply

        def _handle(self, method: str) -> None:
            try:
                raw = self._read()
            except ValueError:
                self.close_connection = True
                return self._send(413, {"message": "body too large"})
            path = self.path.split("?")[0]
            if "/r1/" in path:
                return self._xroad(method, raw)
            return self._control(method, path, raw)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PUT(self) -> None:
            self._handle("PUT")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

    return Handler


def load_dataset(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the dataset is a JSON object")
    return data


def build_state(
    *,
    serve: str,
    data: dict[str, Any] | None = None,
    allow_clients: Sequence[str] = (),
    eprok_url: str = "",
    auto_hearing_after: float | None = None,
    push_backoff: float = 1.0,
    push_timeout: float = 10.0,
) -> State:
    serves = ["registers", "ecourt"] if serve == "all" else [serve]
    registers = Registers(data or {}) if "registers" in serves else None
    court = (
        Court(
            eprok_url=eprok_url,
            auto_hearing_after=auto_hearing_after,
            push_backoff=push_backoff,
            push_timeout=push_timeout,
        )
        if "ecourt" in serves
        else None
    )
    return State(serves=serves, registers=registers, court=court, allow_clients=allow_clients)


def serve_forever(state: State, *, host: str = "127.0.0.1", port: int = 8102, fd: int | None = None) -> None:
    handler = make_handler(state)
    if fd is not None:
        # A socket bound (and listening) by the caller: no race for the port, no waiting.
        server = ThreadingHTTPServer((host, 0), handler, bind_and_activate=False)
        server.socket.close()
        server.socket = socket.socket(fileno=fd)
    else:
        server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    log(f"serving {', '.join(state.serves)} on {server.socket.getsockname()}")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulators.xroad", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--serve", choices=("registers", "ecourt", "all"), required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--fd", type=int, default=None, help="serve on an inherited, listening socket")
    parser.add_argument("--data", default=None, help="the registers' dataset (JSON)")
    parser.add_argument(
        "--allow-client",
        action="append",
        default=[],
        help="a client (INSTANCE/CLASS/MEMBER/SUBSYSTEM) allowed to call; repeatable; default: any",
    )
    parser.add_argument("--eprok-url", default="", help="eprok's base URL, for the e-Court's calls back")
    parser.add_argument(
        "--auto-hearing-after",
        type=float,
        default=None,
        help="seconds after an accepted indictment when the e-Court schedules its hearing (the demo)",
    )
    parser.add_argument("--push-backoff", type=float, default=1.0, help="seconds before the first retry")
    parser.add_argument("--push-timeout", type=float, default=10.0, help="seconds to wait for eprok")
    args = parser.parse_args(argv)
    try:
        data = load_dataset(args.data)
    except (OSError, ValueError) as exc:
        parser.error(f"cannot read the dataset: {exc}")
    if args.serve != "ecourt" and not args.data:
        log("no --data: the registers are empty")
    state = build_state(
        serve=args.serve,
        data=data,
        allow_clients=args.allow_client,
        eprok_url=args.eprok_url,
        auto_hearing_after=args.auto_hearing_after,
        push_backoff=args.push_backoff,
        push_timeout=args.push_timeout,
    )
    serve_forever(state, host=args.host, port=args.port, fd=args.fd)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
