"""The e-Government gateway (issue 8): look-ups through the gateway client against the registers'
simulator on loopback, side by side with a bare HTTP client to the same simulator, and the message log's
verification throughput.

`gateway_lookups` (in-process) starts `simulators/xroad.py --serve registers` on a loopback port with a
dataset of 1,000 persons, points the gateway at it, and then, one thread each, for --duration seconds (at
most MAX_CALLS calls):
- bare: `http.client` on one kept-alive connection, the same X-Road request (path and headers) for a
  random known FIN, reading the JSON answer — the floor;
- gateway: `eprok.gateway.client.call("population.person", ...)` for the same FINs — the service row, the
  circuit breaker, the request hash and its check, JSON parsing and one message-log row (hash-chained,
  in its own transaction) per call.
The overhead of the gateway is the difference; both are reported as calls/s and p50/p95.

`gateway_log_verify` (in-process) fills the message log up to LOG_ROWS rows (bulk inserts with the chain
computed as `log.append` would), then times `eprok.gateway.log.verify()` (what `manage.py gateway_verify`
runs) next to raw SHA-256 over the same hashed texts.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from bench.load import percentile
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, ScenarioSkipped, register

PERSONS = 1_000
MAX_CALLS = 5_000
LOG_ROWS = 200_000
FIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _fin(rng: random.Random) -> str:
    return "".join(rng.choice(FIN_ALPHABET) for _ in range(7))


def _dataset(rng: random.Random) -> tuple[dict[str, Any], list[str]]:
    persons: dict[str, Any] = {}
    while len(persons) < PERSONS:
        fin = _fin(rng)
        persons[fin] = {
            "fin": fin,
            "last_name": rng.choice(["Məmmədov", "Əliyev", "Həsənov", "Quliyev"]),
            "first_name": rng.choice(["Elçin", "Rəşad", "Kamran", "Orxan"]),
            "patronymic": "Vüqar oğlu",
            "birth_date": f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "sex": "male",
            "citizenship": "AZ",
            "address": {"district": "Bakı, Xətai rayonu", "text": f"Babək prospekti {rng.randint(1, 200)}"},
            "photo_ref": f"photo/{fin}",
            "family": [],
        }
    data = {
        "persons": persons,
        "taxpayers": {},
        "vehicles": [],
        "properties": [],
        "records": {},
        "crossings": {},
    }
    return data, list(persons)


class _Simulator:
    def __init__(self, work_dir: Path, data: dict[str, Any]) -> None:
        path = work_dir / "gateway-registers.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.set_inheritable(True)
        self.port = listener.getsockname()[1]
        self.log = (work_dir / "gateway-registers.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulators.xroad",
                "--serve",
                "registers",
                "--fd",
                str(listener.fileno()),
                "--data",
                str(path),
            ],
            cwd=settings.BASE_DIR,
            pass_fds=(listener.fileno(),),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        listener.close()
        self.url = f"http://127.0.0.1:{self.port}"
        with urllib.request.urlopen(f"{self.url}/health", timeout=60):
            pass

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _ms(samples: list[float], p: float) -> float | None:
    return percentile(samples, p) * 1000 if samples else None


class GatewayLookups(Scenario):
    name = "gateway_lookups"
    title = "Register look-ups through the gateway client vs a bare HTTP client (loopback simulator)"

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from eprok.gateway import client, protocol
        from eprok.gateway.models import Message, RemoteService

        remote = RemoteService.objects.filter(code="population.person").first()
        if remote is None:
            raise ScenarioSkipped("the gateway's services are not loaded")
        rng = random.Random(8)
        data, fins = _dataset(rng)
        sim = _Simulator(ctx.work_dir, data)
        saved = (
            settings.EPROK_XROAD_URL,
            dict(settings.EPROK_XROAD_MEMBER_URLS),
            settings.EPROK_XROAD_BACKOFF,
        )
        settings.EPROK_XROAD_URL = sim.url
        settings.EPROK_XROAD_MEMBER_URLS = {}
        settings.EPROK_XROAD_BACKOFF = 0.0
        try:
            duration = max(1.0, ctx.duration)
            # --- bare: the same request on one kept-alive connection ---------------------------------------
            conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
            bare: list[float] = []
            stop = time.perf_counter() + duration
            while time.perf_counter() < stop and len(bare) < MAX_CALLS:
                fin = rng.choice(fins)
                xroad_id = protocol.new_id()
                path = protocol.service_path(remote.member, remote.service, f"/persons/{fin}")
                started = time.perf_counter()
                conn.request(
                    "GET",
                    path,
                    headers={
                        protocol.CLIENT: settings.EPROK_XROAD_CLIENT,
                        protocol.ID: xroad_id,
                        protocol.USER_ID: "AZ-bench",
                        "Accept": "application/json",
                    },
                )
                response = conn.getresponse()
                json.loads(response.read())
                bare.append(time.perf_counter() - started)
                if response.status != 200:
                    raise RuntimeError(f"the simulator answered {response.status}")
            conn.close()
            # --- through the gateway client ----------------------------------------------------------------
            logged_before = Message.objects.count()
            through: list[float] = []
            stop = time.perf_counter() + duration
            while time.perf_counter() < stop and len(through) < MAX_CALLS:
                fin = rng.choice(fins)
                started = time.perf_counter()
                reply = client.call(
                    "population.person",
                    path=f"/persons/{fin}",
                    purpose="bench: look-up throughput",
                    issue="BENCH",
                )
                through.append(time.perf_counter() - started)
                if reply.status != 200:
                    raise RuntimeError(f"the gateway answered {reply.status}")
            client.close_connections()
            logged = Message.objects.count() - logged_before
        finally:
            settings.EPROK_XROAD_URL, settings.EPROK_XROAD_MEMBER_URLS, settings.EPROK_XROAD_BACKOFF = saved
            sim.stop()
        bare_rate = len(bare) / sum(bare)
        through_rate = len(through) / sum(through)
        rows = [
            ["bare http.client", round(bare_rate, 1), _ms(bare, 50), _ms(bare, 95), len(bare), "—"],
            [
                "gateway client.call",
                round(through_rate, 1),
                _ms(through, 50),
                _ms(through, 95),
                len(through),
                round(bare_rate / through_rate, 2),
            ],
        ]
        notes = [
            f"Simulator: simulators/xroad.py --serve registers on loopback, {PERSONS:,} persons;"
            " one thread; GET /persons/<FIN> of the population register.",
            f"gateway client.call wrote {logged:,} message-log rows (one per call, hash-chained).",
            f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}.",
        ]
        data = {
            "bare": {
                "calls_per_s": bare_rate,
                "p50_ms": _ms(bare, 50),
                "p95_ms": _ms(bare, 95),
                "n": len(bare),
            },
            "gateway": {
                "calls_per_s": through_rate,
                "p50_ms": _ms(through, 50),
                "p95_ms": _ms(through, 95),
                "n": len(through),
            },
        }
        return ScenarioResult(
            self.title, ["client", "calls/s", "p50 ms", "p95 ms", "n", "bare ÷ gateway"], rows, notes, data
        )


class GatewayLogVerify(Scenario):
    name = "gateway_log_verify"
    title = "Gateway message log: chain verification throughput vs raw SHA-256"

    def setup(self, ctx: BenchContext) -> None:
        from eprok.gateway import log
        from eprok.gateway.models import Direction, Message, Outcome

        have = Message.objects.count()
        missing = max(0, LOG_ROWS - have)
        if not missing:
            return
        ctx.progress(f"gateway_log_verify: adding {missing:,} messages to the log")
        prev = Message.objects.order_by("-id").values_list("hash", flat=True).first() or log.GENESIS_HASH
        rng = random.Random(18)
        now = timezone.now()
        batch: list[Message] = []
        for n in range(missing):
            fin = _fin(rng)
            body = json.dumps(
                {"fin": fin, "last_name": "Məmmədov", "first_name": "Elçin"}, ensure_ascii=False
            )
            values: dict[str, Any] = {
                "occurred_at": now,
                "direction": Direction.OUT,
                "xroad_id": f"{n:032x}",
                "client": settings.EPROK_XROAD_CLIENT,
                "service": "AZ/GOV/1600000011/population/person-v1",
                "service_code": "population.person",
                "method": "GET",
                "path": f"/r1/AZ/GOV/1600000011/population/person-v1/persons/{fin}",
                "user_id": "AZ-bench",
                "issue": "BENCH",
                "purpose": "bench: message log",
                "actor_id": None,
                "attempt": 1,
                "status_code": 200,
                "outcome": Outcome.OK,
                "error": "",
                "duration_ms": 2,
                "request_body": "",
                "response_body": body,
                "request_hash": hashlib.sha512(fin.encode()).hexdigest()[:88],
                "response_hash": hashlib.sha512(body.encode()).hexdigest()[:88],
            }
            digest = log.message_hash(prev, values)
            batch.append(Message(**values, prev_hash=prev, hash=digest))
            prev = digest
            if len(batch) >= 5_000:
                Message.objects.bulk_create(batch)
                batch = []
        if batch:
            Message.objects.bulk_create(batch)

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from eprok.gateway import log

        started = time.perf_counter()
        result = log.verify()
        seconds = time.perf_counter() - started
        if not result.ok:
            raise RuntimeError(f"the message log does not verify: {result.problems[:5]}")
        # Raw: SHA-256 over the same hashed texts, read and assembled outside the timed part.
        texts: list[bytes] = []
        for row in log._rows(5_000):
            values = dict(zip(log.HASHED_FIELDS, row[3:], strict=True))
            texts.append(
                log._SEP.join(
                    [row[1], *(log._text(name, values.get(name)) for name in log.HASHED_FIELDS)]
                ).encode()
            )
        raw_started = time.perf_counter()
        for text in texts:
            hashlib.sha256(text).hexdigest()
        raw_seconds = time.perf_counter() - raw_started
        rate = result.checked / seconds if seconds else 0.0
        raw_rate = len(texts) / raw_seconds if raw_seconds else 0.0
        rows = [
            ["log.verify() (manage.py gateway_verify)", result.checked, round(seconds, 3), round(rate)],
            ["raw SHA-256 over the same texts", len(texts), round(raw_seconds, 3), round(raw_rate)],
        ]
        notes = [
            "verify() reads the rows in id order (5,000 a query), rebuilds each hashed text, hashes it and"
            " checks the link to the row before; raw is hashlib.sha256 alone over texts prepared beforehand.",
        ]
        data = {"messages": result.checked, "seconds": seconds, "per_s": rate, "raw_per_s": raw_rate}
        return ScenarioResult(self.title, ["what", "messages", "seconds", "messages/s"], rows, notes, data)


register(GatewayLookups())
register(GatewayLogVerify())
