"""The load driver: C client threads, each with its own keep-alive HTTP connection, for a bounded time
and a bounded number of requests.

Latency is measured by the client (request written → response body read), so it includes the
loopback round trip and the client's own work; both the target and its baseline carry that cost.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Hard ceilings whatever the caller asks for, so a mistake cannot turn into an endless loop.
MAX_CONCURRENCY = 256
MAX_DURATION = 600.0
MAX_REQUESTS = 10_000_000


@dataclass
class LoadResult:
    requests: int
    errors: int
    elapsed: float
    latencies: list[float] = field(repr=False, default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    body_bytes: int = 0

    @property
    def rps(self) -> float:
        return (self.requests - self.errors) / self.elapsed if self.elapsed > 0 else 0.0

    def percentile_ms(self, p: float) -> float | None:
        return percentile(self.latencies, p) * 1000 if self.latencies else None

    @property
    def p50_ms(self) -> float | None:
        return self.percentile_ms(50)

    @property
    def p95_ms(self) -> float | None:
        return self.percentile_ms(95)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "elapsed_s": round(self.elapsed, 4),
            "rps": round(self.rps, 1),
            "p50_ms": None if self.p50_ms is None else round(self.p50_ms, 3),
            "p95_ms": None if self.p95_ms is None else round(self.p95_ms, 3),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 3) if self.latencies else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "body_bytes": self.body_bytes,
        }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


# Gives each request its body and extra headers (e.g. a fresh Idempotency-Key); called from the
# client threads, so it must be thread-safe (itertools.count is).
BodyFactory = Callable[[], tuple[bytes, Mapping[str, str]]]


class _Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def get(self, path: str, headers: Mapping[str, str]) -> tuple[int, int]:
        return self.request("GET", path, headers)

    def request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | None = None
    ) -> tuple[int, int]:
        try:
            self.conn.request(method, path, body=body, headers=dict(headers))
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        if response.will_close:
            self.conn.close()
        return response.status, len(body)

    def close(self) -> None:
        self.conn.close()


def fetch(
    host: str,
    port: int,
    path: str,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    *,
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request (a GET by default) on a fresh connection: (status, headers, body)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def drive(
    host: str,
    port: int,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    concurrency: int = 8,
    duration: float = 10.0,
    max_requests: int = 1_000_000,
    warmup_requests: int = 5,
    expect_status: int = 200,
    timeout: float = 30.0,
    method: str = "GET",
    body_factory: BodyFactory | None = None,
) -> LoadResult:
    """GET `path` from `concurrency` threads until `duration` seconds pass or `max_requests` are sent.

    Each thread first sends `warmup_requests` unmeasured requests. A response with another status
    than `expect_status`, or a broken connection, counts as an error. For a write give `method` and
    `body_factory`, called once per request (warm-up included) for its body and extra headers; it is
    called before the request's clock starts.
    """
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError("the load driver only talks to this machine")
    concurrency = max(1, min(concurrency, MAX_CONCURRENCY))
    duration = max(0.0, min(duration, MAX_DURATION))
    max_requests = max(1, min(max_requests, MAX_REQUESTS))
    concurrency = min(concurrency, max_requests)
    quotas = [
        max_requests // concurrency + (1 if i < max_requests % concurrency else 0) for i in range(concurrency)
    ]
    sent_headers = {"Host": f"{host}:{port}", "User-Agent": "eprok-bench", **(headers or {})}
    lock = threading.Lock()
    result = LoadResult(requests=0, errors=0, elapsed=0.0)
    clock_box: list[float] = []

    def release() -> None:
        # Runs once, in one thread, before any thread passes the barrier.
        now = time.perf_counter()
        clock_box[:] = [now, now + duration]

    start_barrier = threading.Barrier(concurrency + 1, action=release)
    barrier_timeout = (warmup_requests + 1) * timeout + 60

    def worker(quota: int) -> None:
        client = _Client(host, port, timeout)
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        errors = sent = body_bytes = 0
        try:

            def send() -> tuple[int, int]:
                if body_factory is None:
                    return client.request(method, path, sent_headers)
                body, extra = body_factory()
                began_box[0] = clock()
                return client.request(method, path, {**sent_headers, **extra}, body)

            clock = time.perf_counter
            began_box = [0.0]
            for _ in range(warmup_requests):
                with contextlib.suppress(OSError, http.client.HTTPException):
                    send()
            try:
                start_barrier.wait(timeout=barrier_timeout)
            except threading.BrokenBarrierError:
                return
            deadline = clock_box[1]
            while sent < quota:
                began = began_box[0] = clock()
                if began >= deadline:
                    break
                sent += 1
                try:
                    status, size = send()
                except (OSError, http.client.HTTPException):
                    errors += 1
                    continue
                latencies.append(clock() - began_box[0])
                statuses[status] += 1
                body_bytes += size
                if status != expect_status:
                    errors += 1
        finally:
            client.close()
            with lock:
                result.requests += sent
                result.errors += errors
                result.latencies.extend(latencies)
                result.statuses.update(statuses)
                result.body_bytes += body_bytes

    threads = [threading.Thread(target=worker, args=(quota,), daemon=True) for quota in quotas]
    for thread in threads:
        thread.start()
    try:
        start_barrier.wait(timeout=barrier_timeout)
    except threading.BrokenBarrierError as exc:
        raise RuntimeError(
            f"the load driver's warm-up did not finish within {barrier_timeout:.0f} s"
        ) from exc
    for thread in threads:
        thread.join(timeout=duration + timeout + 30)
    result.elapsed = time.perf_counter() - clock_box[0]
    return result
