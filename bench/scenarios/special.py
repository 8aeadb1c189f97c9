"""Special reports (issue 6): the time from submitting a special report to the duty console showing it.

`special_console` runs against the production server the harness starts (gunicorn), plus the task worker
this scenario starts next to it (`manage.py db_worker --interval 0.2`), which delivers each submitted report
(`eprok.special.delivery.deliver_task`). Meanwhile:

- CONSOLES client threads, each the console page of a duty prosecutor of its own (a signed-in session),
  poll `/special/console/board/?v=<version>` as the page's htmx does: every second; 204 while nothing
  changed, else the board's fragment, whose `data-version` the next poll sends; a new fragment restarts the
  one-second timer (htmx replaces the element, and its trigger with it); a tick that comes while the
  previous poll is still in flight is dropped (htmx's default for an element's requests);
- a submitter sends REPORTS reports through `POST /api/v1/special` (a district officer's API token) at a
  steady RATE per second, from a few threads so that a slow answer does not slow the rate.

For each report: the submit's answer (the commit is done by then) and the first moment any console's poll
brought back a fragment with its number; the latency is the difference. Two phases, one after the other:

1. "acknowledged": the duty prosecutor acknowledges each report as soon as a console has shown it (through
   the API, from ACKNOWLEDGERS threads of their own, not counted as console traffic), so few reports wait;
2. "unacknowledged": the reports pile up waiting for acknowledgement, as the issue's scenario says.

`special_console_one_reader` is the same with the consoles all signed in as one duty prosecutor, the only
one holding the role, so that each delivery notifies one reader instead of twenty (acknowledged phase only).

Reports left open by an earlier run or phase are closed (and marked delivered) before each phase, and the
task queue is let drain, so each phase starts with an empty console and no delivery pending.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import queue
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings

from bench.load import percentile
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, ScenarioSkipped, Server, register
from bench.scenarios.pages import api_token, signed_in_session

ROOT = Path(__file__).resolve().parent.parent.parent
REPORTS = 1_000
RATE = 5.0  # reports submitted per second
CONSOLES = 20
POLL_SECONDS = 1.0  # the console's hx-trigger="every 1s"
WORKER_INTERVAL = 0.2  # db_worker --interval: how long the idle worker waits before looking again
SUBMITTERS = 4
ACKNOWLEDGERS = 4
TARGET_SECONDS = 2.0  # DESIGN: a special report on the duty console within 2 s of submission
GRACE_SECONDS = 20.0  # after the last submission, how long the consoles keep polling for stragglers
INCIDENT_TYPE = "murder"  # classification "for official use": the default clearance reads it
REPORTER = "bench.special.reporter"
DUTY = "bench.special.duty{:02d}"
COLUMNS = ["measure", "n", "p50 ms", "p95 ms", "max ms", f"≤ {TARGET_SECONDS:.0f} s"]

_VERSION = re.compile(r'id="console-board"[^>]*?data-version="([^"]+)"', re.S)
_NUMBER = re.compile(r'data-number="([^"]+)"')
_HX_HEADERS = re.compile(r"""id="console-board"[^>]*?hx-headers='([^']*)'""", re.S)


# --- the people and their credentials --------------------------------------------------------------


def _employee(username: str, *, last_name: str, first_name: str, unit: Any, role: str) -> Any:
    """A bench employee holding `role` in `unit` (exactly, no sub-units) with a confirmed authenticator."""
    import datetime as dt

    import pyotp
    from django.utils import timezone

    from eprok.accounts.models import TotpDevice
    from eprok.org.models import Employee, RoleAssignment

    user = Employee.objects.filter(username=username).first()
    if user is None:
        user = Employee.objects.create_user(
            username, None, last_name=last_name, first_name=first_name, unit=unit
        )
        TotpDevice.objects.create(employee=user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    if not RoleAssignment.objects.filter(employee=user, role=role, unit=unit, ended_at__isnull=True).exists():
        RoleAssignment.objects.create(
            employee=user, role=role, unit=unit, valid_from=dt.date.today() - dt.timedelta(days=30)
        )
    return user


def _close_open_reports() -> int:
    """Close what an earlier run or phase left open, so the consoles start empty (benchmark data only);
    a report still undelivered is marked delivered, so the worker's task for it finds nothing to do."""
    from django.utils import timezone

    from eprok.special.models import OPEN_STATUSES, SpecialReport

    now = timezone.now()
    SpecialReport.objects.filter(delivered_at__isnull=True).update(delivered_at=now)
    return SpecialReport.objects.filter(status__in=OPEN_STATUSES).update(
        status="closed", closed_at=now, closure_reason="bench", follow_up_due=None
    )


def _queue_drained(timeout: float) -> bool:
    """Wait until the task queue holds no ready or running task (up to `timeout` seconds)."""
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def _end_role(username: str, role: str) -> None:
    """The bench employee no longer holds `role` (so the delivery does not notify them)."""
    from django.utils import timezone

    from eprok.org.models import RoleAssignment

    RoleAssignment.objects.filter(employee__username=username, role=role, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


# --- the task worker -----------------------------------------------------------------------------------


class Worker:
    """`manage.py db_worker` as a child process, with the production server's settings and database."""

    def __init__(self, log_path: Path, interval: float) -> None:
        from bench.server import server_env

        # The benchmark database, as this process uses it (server_env drops it from the base on purpose).
        database = {key: os.environ[key] for key in ("DATABASE_URL", "SQLITE_PATH") if key in os.environ}
        self.env = server_env(
            dict(os.environ),
            {
                **database,
                "EPROK_ENV": "production",
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
            },
        )
        self.log_path = log_path
        self.interval = interval
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [
            sys.executable, "manage.py", "db_worker",
            "--interval", str(self.interval), "--no-startup-delay", "--no-reload",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


# --- HTTP -----------------------------------------------------------------------------------------------


class Connection:
    """One keep-alive connection of a client thread; reconnects after an error."""

    def __init__(self, server: Server, timeout: float = 30.0) -> None:
        self.server = server
        self.timeout = timeout
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)

    def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, bytes]:
        sent = {"Host": f"{self.server.host}:{self.server.port}", "User-Agent": "eprok-bench", **headers}
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        if response.will_close:
            self.conn.close()
        return response.status, data

    def close(self) -> None:
        self.conn.close()


@dataclass
class ConsoleStats:
    """What one console saw: each report's first sighting (wall clock), its polls by status and latency."""

    first_seen: dict[str, float] = field(default_factory=dict)
    polls: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latency: dict[int, list[float]] = field(default_factory=dict)
    dropped_ticks: int = 0


def _board_state(html: str) -> tuple[str | None, list[str]]:
    match = _VERSION.search(html)
    return (match.group(1) if match else None), _NUMBER.findall(html)


def _hx_headers(html: str) -> dict[str, str]:
    """The extra headers the board's `hx-headers` attribute makes htmx send, if it has one."""
    match = _HX_HEADERS.search(html)
    return {str(k): str(v) for k, v in json.loads(match.group(1)).items()} if match else {}


def console_client(
    server: Server,
    session: str,
    stats: ConsoleStats,
    stop: threading.Event,
    seen: queue.Queue[str],
    phase_offset: float,
) -> None:
    """One open console page: load it, then poll its board as htmx does until `stop` is set."""
    base = server.base_url
    page_path = "/special/console/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}", "Accept-Language": "az"}
    poll_headers = {
        **headers,
        "HX-Request": "true",
        "HX-Current-URL": base + page_path,
        "HX-Target": "console-board",
        "HX-Trigger": "console-board",
        "Accept": "text/html, */*",
    }
    conn = Connection(server)
    try:
        status, body = conn.request("GET", page_path, headers)
        if status != 200:
            raise RuntimeError(f"the console page answered {status}")
        page = body.decode("utf-8", errors="replace")
        version, numbers = _board_state(page)
        if version is None:
            raise RuntimeError("the console page has no board with a data-version")
        poll_headers.update(_hx_headers(page))  # what the board's hx-headers add (e.g. X-Eprok-Background)
        loaded = time.time()
        for number in numbers:  # on the board before the phase: not this phase's reports
            stats.first_seen.setdefault(number, loaded)
        next_tick = time.monotonic() + phase_offset
        while not stop.is_set():
            delay = next_tick - time.monotonic()
            if delay > 0 and stop.wait(delay):
                break
            began = time.monotonic()
            try:
                status, body = conn.request(
                    "GET", f"/special/console/board/?v={quote(version)}", poll_headers
                )
            except (OSError, http.client.HTTPException):
                stats.errors += 1
                status, body = 0, b""
            ended = time.monotonic()
            now = time.time()
            stats.polls += 1
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            stats.latency.setdefault(status, []).append(ended - began)
            if status == 200:
                new_version, numbers = _board_state(body.decode("utf-8", errors="replace"))
                version = new_version or version
                for number in numbers:
                    if number not in stats.first_seen:
                        stats.first_seen[number] = now
                        seen.put(number)
                next_tick = ended + POLL_SECONDS  # the swapped-in board starts its own timer
            else:
                if status != 204:
                    stats.errors += 1
                next_tick += POLL_SECONDS
                while next_tick <= ended:  # ticks while the request was in flight are dropped
                    next_tick += POLL_SECONDS
                    stats.dropped_ticks += 1
    finally:
        conn.close()


@dataclass
class Submission:
    index: int
    scheduled: float  # monotonic
    sent: float = 0.0  # wall clock
    answered: float = 0.0  # wall clock: the report is committed by then
    status: int = 0
    number: str = ""


def submitter(
    server: Server,
    token: str,
    payload: dict[str, Any],
    submissions: list[Submission],
    run: str,
) -> None:
    """Send each of `submissions` at its scheduled moment (late ones at once) through the API."""
    conn = Connection(server)
    try:
        for item in submissions:
            delay = item.scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            body = json.dumps(
                {**payload, "summary": f"{payload['summary']} ({run}-{item.index:04d})"}, ensure_ascii=False
            ).encode()
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Idempotency-Key": f"bench-special-{run}-{item.index}",
            }
            item.sent = time.time()
            try:
                item.status, data = conn.request("POST", "/api/v1/special", headers, body)
            except (OSError, http.client.HTTPException):
                item.status, data = 0, b""
            item.answered = time.time()
            if item.status in (200, 201):
                item.number = str(json.loads(data)["number"])
    finally:
        conn.close()


def acknowledger(
    server: Server,
    token: str,
    seen: queue.Queue[str],
    stop: threading.Event,
    done: set[str],
    lock: threading.Lock,
) -> list[int]:
    """The duty prosecutor: acknowledges each report a console has shown, as soon as it shows (one of
    ACKNOWLEDGERS threads sharing `done`, so that one slow answer does not hold the others up)."""
    conn = Connection(server)
    statuses: list[int] = []
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    try:
        while not (stop.is_set() and seen.empty()):
            try:
                number = seen.get(timeout=0.2)
            except queue.Empty:
                continue
            with lock:
                if number in done:
                    continue
                done.add(number)
            try:
                status, _body = conn.request("POST", f"/api/v1/special/{number}/acknowledge", headers, b"")
            except (OSError, http.client.HTTPException):
                status = 0
            statuses.append(status)
    finally:
        conn.close()
    return statuses


# --- the figures ---------------------------------------------------------------------------------------


def _ms(values: list[float], p: float) -> float | None:
    return percentile(values, p) * 1000 if values else None


def _row(label: str, values: list[float]) -> list[Any]:
    within = sum(1 for value in values if value <= TARGET_SECONDS)
    return [
        label,
        len(values),
        _ms(values, 50),
        _ms(values, 95),
        max(values) * 1000 if values else None,
        f"{within / len(values):.0%}" if values else None,
    ]


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": _ms(values, 50),
        "p95_ms": _ms(values, 95),
        "max_ms": max(values) * 1000 if values else None,
        "within_target": sum(1 for value in values if value <= TARGET_SECONDS),
    }


@dataclass
class PhaseResult:
    name: str
    rows: list[list[Any]]
    notes: list[str]
    data: dict[str, Any]


def _server_times(numbers: Iterable[str]) -> dict[str, tuple[float, float | None]]:
    """number -> (submitted_at, delivered_at) as the server recorded them (wall clock, seconds)."""
    from eprok.special.models import SpecialReport

    rows = SpecialReport.objects.filter(number__in=list(numbers)).values_list(
        "number", "submitted_at", "delivered_at"
    )
    return {
        number: (submitted.timestamp(), delivered.timestamp() if delivered else None)
        for number, submitted, delivered in rows
    }


class SpecialConsole(Scenario):
    name = "special_console"
    title = (
        f"Special reports: submit → duty console, {REPORTS:,} reports at {RATE:g}/s, {CONSOLES} consoles"
        f" of {CONSOLES} duty prosecutors polling every second (production server + task worker)"
    )
    needs_server = True
    # How many distinct duty prosecutors hold the consoles (each one is notified of every delivery), and
    # the phases to run (True: the reports are acknowledged as they appear).
    readers = CONSOLES
    phases: tuple[bool, ...] = (True, False)

    def setup(self, ctx: BenchContext) -> None:
        try:
            from eprok.special.models import IncidentType
            from eprok.special.services import duty_unit
        except ImportError as exc:
            raise ScenarioSkipped("the special reports app is not in this build") from exc
        from eprok.org.models import Unit
        from eprok.org.roles import Role

        incident_type = IncidentType.objects.filter(code=INCIDENT_TYPE, is_active=True).first()
        if incident_type is None:
            raise ScenarioSkipped(f"no active incident type {INCIDENT_TYPE!r}")
        unit = (
            Unit.objects.filter(is_active=True, code="baku-xetai").first()
            or Unit.objects.filter(is_active=True)
            .exclude(district_code="")
            .order_by("-depth", "path")
            .first()
        )
        if unit is None:
            raise ScenarioSkipped(
                "no unit with a district code to report from (the structure seed is missing)"
            )
        duty = duty_unit()
        reporter = _employee(
            REPORTER, last_name="Rzayev", first_name="Elçin", unit=unit, role=Role.REPORT_SPECIAL
        )
        readers = [
            _employee(DUTY.format(n), last_name="Növbətçi", first_name=f"Prokuror {n}", unit=duty,
                      role=Role.DUTY_PROSECUTOR)
            for n in range(1, self.readers + 1)
        ]  # fmt: skip
        consoles = [readers[n % self.readers] for n in range(CONSOLES)]
        closed = _close_open_reports()
        if closed:
            ctx.progress(f"{self.name}: closed {closed} reports left open by an earlier run")
        ctx.state[self.name] = {
            "reporter": reporter,
            "consoles": consoles,
            "unit": unit,
            "duty_unit": duty,
            "reporter_token": api_token(reporter, ["read", "write"]),
            "duty_token": api_token(consoles[0], ["read", "write"]),
        }

    def _hold_duty(self) -> None:
        """Exactly this variant's readers hold the duty role (another variant's setup may have changed it)."""
        from eprok.org.roles import Role
        from eprok.special.services import duty_unit

        duty = duty_unit()
        for n in range(1, self.readers + 1):
            _employee(DUTY.format(n), last_name="Növbətçi", first_name=f"Prokuror {n}", unit=duty,
                      role=Role.DUTY_PROSECUTOR)  # fmt: skip
        for n in range(self.readers + 1, CONSOLES + 1):
            _end_role(DUTY.format(n), Role.DUTY_PROSECUTOR)

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from django.utils import timezone

        assert ctx.server is not None
        state = ctx.state[self.name]
        unit = state["unit"]
        self._hold_duty()
        payload = {
            "unit": unit.code,
            "incident_type": INCIDENT_TYPE,
            "occurred_at": timezone.now().isoformat(),
            "district_code": unit.district_code,
            "address": "Bakı şəhəri, Xətai rayonu, Nobel prospekti 15",
            "summary": "Yaşayış binasının həyətində kişi meyiti aşkar edilib (benchmark)",
            "urgency": "immediate",
        }
        worker = Worker(ctx.work_dir / "db_worker.log", WORKER_INTERVAL)
        worker.start()
        ctx.progress(f"{self.name}: db_worker --interval {WORKER_INTERVAL} started")
        try:
            self._warm_up(ctx, state["reporter_token"], payload)
            phases = [self._phase(ctx, state, payload, acknowledge=phase) for phase in self.phases]
        finally:
            worker.stop()
        rows: list[list[Any]] = []
        notes: list[str] = []
        data: dict[str, Any] = {
            "reports": REPORTS,
            "rate_per_second": RATE,
            "consoles": CONSOLES,
            "poll_seconds": POLL_SECONDS,
            "worker_interval_seconds": WORKER_INTERVAL,
            "readers": self.readers,
            "target_seconds": TARGET_SECONDS,
            "phases": {},
        }
        for phase in phases:
            rows.extend(phase.rows)
            notes.extend(phase.notes)
            data["phases"][phase.name] = phase.data
        notes.extend(
            [
                f"latency: from the submit's answer (the report committed) to the first poll of any console"
                f" that brought its number back; the worker is `db_worker --interval {WORKER_INTERVAL}`.",
                "worker: submitted_at → delivered_at as the server recorded them (queue, worker pick-up,"
                " fan-out); board: delivered_at → the first console's sighting.",
            ]
        )
        return ScenarioResult(self.title, COLUMNS, rows, notes, data)

    def _warm_up(self, ctx: BenchContext, token: str, payload: dict[str, Any]) -> None:
        """One report submitted and delivered before measuring: the worker is up and its imports are done."""
        from eprok.special.models import SpecialReport

        item = Submission(index=0, scheduled=time.monotonic())
        submitter(ctx.server, token, payload, [item], f"warm-{secrets.token_hex(3)}")  # type: ignore[arg-type]
        if not item.number:
            raise RuntimeError(f"the warm-up submission failed with status {item.status}")
        deadline = time.monotonic() + 120
        while not SpecialReport.objects.filter(number=item.number, delivered_at__isnull=False).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the task worker did not deliver the warm-up report within 120 s")
            time.sleep(0.2)
        _close_open_reports()

    def _phase(
        self, ctx: BenchContext, state: dict[str, Any], payload: dict[str, Any], *, acknowledge: bool
    ) -> PhaseResult:
        server = ctx.server
        assert server is not None
        _close_open_reports()  # each phase starts with an empty console and no delivery pending
        if not _queue_drained(timeout=300):
            ctx.progress(f"{self.name}: the task queue did not drain within 300 s")
        load_before = os.getloadavg()
        name = "acknowledged" if acknowledge else "unacknowledged"
        ctx.progress(f"{self.name}: phase “{name}”: {REPORTS} reports at {RATE:g}/s, {CONSOLES} consoles")
        run = secrets.token_hex(3)
        sessions = [signed_in_session(user) for user in state["consoles"]]
        stop = threading.Event()
        seen: queue.Queue[str] = queue.Queue()
        stats = [ConsoleStats() for _ in sessions]
        consoles = [
            threading.Thread(
                target=console_client,
                args=(server, session, stats[n], stop, seen, n / CONSOLES * POLL_SECONDS),
                daemon=True,
            )
            for n, session in enumerate(sessions)
        ]
        consoles_started = time.time()
        for thread in consoles:
            thread.start()
        time.sleep(2 * POLL_SECONDS)  # every console loaded and polling
        while not seen.empty():
            seen.get_nowait()
        ack_stop = threading.Event()
        ack_box: list[list[int]] = []
        ack_done: set[str] = set()
        ack_lock = threading.Lock()

        def acknowledge_seen() -> None:
            statuses = acknowledger(server, state["duty_token"], seen, ack_stop, ack_done, ack_lock)
            with ack_lock:
                ack_box.append(statuses)

        ack_threads = [
            threading.Thread(target=acknowledge_seen, daemon=True)
            for _ in range(ACKNOWLEDGERS if acknowledge else 0)
        ]
        for thread in ack_threads:
            thread.start()
        started = time.monotonic()
        started_wall = time.time()
        submissions = [Submission(index=i, scheduled=started + i / RATE) for i in range(REPORTS)]
        submit_threads = [
            threading.Thread(
                target=submitter,
                args=(server, state["reporter_token"], payload, submissions[k::SUBMITTERS], run),
                daemon=True,
            )
            for k in range(SUBMITTERS)
        ]
        for thread in submit_threads:
            thread.start()
        for thread in submit_threads:
            thread.join()
        submitted_wall = time.time()
        numbers = {item.number for item in submissions if item.number}
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline:
            seen_any = set(itertools.chain.from_iterable(s.first_seen for s in stats))
            if numbers <= seen_any:
                break
            time.sleep(0.25)
        stop.set()
        for thread in consoles:
            thread.join(timeout=60)
        ended_wall = time.time()
        ack_stop.set()
        for thread in ack_threads:
            thread.join(timeout=120)
        acknowledgements = list(itertools.chain.from_iterable(ack_box))
        times = (consoles_started, started_wall, submitted_wall, ended_wall)
        result = self._figures(name, submissions, stats, acknowledgements, times)
        load = (*load_before, *os.getloadavg())
        result.data["loadavg_before_after"] = [round(value, 2) for value in load]
        result.notes.append(
            f"[{name}] load average (1/5/15 min) before {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f},"
            f" after {load[3]:.1f}/{load[4]:.1f}/{load[5]:.1f} ({os.cpu_count()} CPUs)."
        )
        return result

    def _figures(
        self,
        name: str,
        submissions: list[Submission],
        stats: list[ConsoleStats],
        acknowledgements: list[int],
        times: tuple[float, float, float, float],
    ) -> PhaseResult:
        """`times`: consoles started, first submission sent, last one answered, consoles stopped."""
        polling_from, started, submitted, ended = times
        ok = [item for item in submissions if item.number]
        server_times = _server_times(item.number for item in ok)
        first: dict[str, float] = {}
        for console in stats:
            for number, moment in console.first_seen.items():
                if number not in first or moment < first[number]:
                    first[number] = moment
        latency = [first[item.number] - item.answered for item in ok if item.number in first]
        from_sent = [first[item.number] - item.sent for item in ok if item.number in first]
        submit_seconds = [item.answered - item.sent for item in ok]
        worker = [
            delivered - submitted_at
            for submitted_at, delivered in (server_times.get(item.number, (0.0, None)) for item in ok)
            if delivered is not None
        ]
        board = [
            first[item.number] - delivered
            for item in ok
            if item.number in first
            and (delivered := server_times.get(item.number, (0.0, None))[1]) is not None
        ]
        per_console = [
            percentile(values, 50)
            for console in stats
            if (
                values := [
                    console.first_seen[i.number] - i.answered for i in ok if i.number in console.first_seen
                ]
            )
        ]
        never = [item.number for item in ok if item.number not in first]
        delivered_in_phase = sum(
            1
            for _submitted, delivered in server_times.values()
            if delivered is not None and started <= delivered <= ended
        )
        delivery_rate = delivered_in_phase / (ended - started) if ended > started else 0.0
        undelivered = sum(1 for item in ok if server_times.get(item.number, (0.0, None))[1] is None)
        polls = sum(console.polls for console in stats)
        statuses: dict[int, int] = {}
        poll_latency: dict[int, list[float]] = {}
        for console in stats:
            for status, count in console.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
            for status, values in console.latency.items():
                poll_latency.setdefault(status, []).extend(values)
        window = ended - polling_from
        rate = polls / window if window > 0 else 0.0
        submit_rate = len(ok) / (submitted - started) if submitted > started else 0.0
        label = f"[{name}] "
        rows = [
            _row(f"{label}submit → first console shows it", latency),
            _row(f"{label}  … from the submit request sent", from_sent),
            _row(f"{label}  submit (POST /api/v1/special), answered", submit_seconds),
            _row(f"{label}  worker: submitted_at → delivered_at", worker),
            _row(f"{label}  board: delivered_at → first console", board),
            _row(f"{label}per console: p50 of its own first sightings (over consoles)", per_console),
            _row(f"{label}console poll answered 200 (a new board)", poll_latency.get(200, [])),
            _row(f"{label}console poll answered 204 (unchanged)", poll_latency.get(204, [])),
        ]
        ack_ok = sum(1 for status in acknowledgements if status == 200)
        notes = [
            f"[{name}] {len(ok)}/{len(submissions)} submitted ({submit_rate:.2f}/s achieved);"
            f" never seen on any console: {len(never)}; undelivered at the end: {undelivered};"
            f" consoles' load: {polls:,} polls in {window:.0f} s = {rate:.1f} req/s"
            f" ({', '.join(f'{status}: {count:,}' for status, count in sorted(statuses.items()))});"
            + (f" acknowledged: {ack_ok};" if acknowledgements else " none acknowledged;")
            + f" the worker delivered {delivery_rate:.2f} reports/s while the phase ran.",
        ]
        data = {
            "submitted": len(ok),
            "submit_errors": len(submissions) - len(ok),
            "submit_rate_achieved": submit_rate,
            "latency_from_answer": _summary(latency),
            "latency_from_sent": _summary(from_sent),
            "submit": _summary(submit_seconds),
            "worker_delivery": _summary(worker),
            "board_after_delivery": _summary(board),
            "per_console_p50_ms": [round(value * 1000, 1) for value in per_console],
            "never_seen": len(never),
            "never_seen_first": never[:5],
            "undelivered": undelivered,
            "deliveries_per_second": delivery_rate,
            "console_polls": polls,
            "console_requests_per_second": rate,
            "console_statuses": {str(k): v for k, v in sorted(statuses.items())},
            "console_poll_200": _summary(poll_latency.get(200, [])),
            "console_poll_204": _summary(poll_latency.get(204, [])),
            "dropped_ticks": sum(console.dropped_ticks for console in stats),
            "acknowledged": ack_ok,
            "acknowledge_statuses": {
                str(s): acknowledgements.count(s) for s in sorted(set(acknowledgements))
            },
        }
        return PhaseResult(name, rows, notes, data)


register(SpecialConsole())


class SpecialConsoleOneReader(SpecialConsole):
    """The same consoles, all of them signed in as one duty prosecutor, the only one notified: what the
    delivery costs without its fan-out of notifications to twenty readers."""

    name = "special_console_one_reader"
    title = (
        f"Special reports: submit → duty console, {REPORTS:,} reports at {RATE:g}/s, {CONSOLES} consoles"
        " of one duty prosecutor, acknowledged as they appear"
    )
    readers = 1
    phases = (True,)


register(SpecialConsoleOneReader())
