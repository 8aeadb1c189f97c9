"""HTTP scenarios: a page or API operation served by the production server, side by side with a bare
Django view that returns the same bytes (the baseline, `bench.views.baseline`).

The baseline's bytes are captured from the target itself, for the same user, at the start of the run;
both go through the same middleware, so the ratio is what the page's own work costs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench.load import LoadResult, drive, fetch
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, ScenarioSkipped, register
from bench.seeding import bench_employee
from bench.views import write_baseline

QUERY_SAMPLES = 5
COLUMNS = ["view", "p50 ms", "p95 ms", "req/s", "queries/req", "vs baseline", "errors"]


def count_queries(
    path: str,
    headers: Mapping[str, str],
    samples: int = QUERY_SAMPLES,
    *,
    method: str = "GET",
    body: Callable[[], tuple[bytes, Mapping[str, str]]] | None = None,
) -> float:
    """Average number of SQL queries for `method` `path`, served in-process through django.test.Client
    (one unmeasured request first, so per-process caches are warm). `body` gives each request's body
    and extra headers (e.g. a fresh Idempotency-Key), for writes."""
    return sum(len(q) for q in capture_queries(path, headers, samples, method=method, body=body)) / samples


def capture_queries(
    path: str,
    headers: Mapping[str, str],
    samples: int = QUERY_SAMPLES,
    *,
    method: str = "GET",
    body: Callable[[], tuple[bytes, Mapping[str, str]]] | None = None,
) -> list[list[dict[str, str]]]:
    """The SQL of `samples` requests (after one unmeasured one), each as Django records it."""
    client = Client(raise_request_exception=False)

    def send() -> None:
        if method == "GET":
            client.get(path, headers=dict(headers))
            return
        data, extra = body() if body is not None else (b"", {})
        client.generic(
            method,
            path,
            data,
            content_type=str(extra.get("Content-Type", "application/json")),
            headers={**headers, **{k: v for k, v in extra.items() if k != "Content-Type"}},
        )

    send()
    captured_all = []
    for _ in range(samples):
        with CaptureQueriesContext(connection) as captured:
            send()
        captured_all.append(list(captured.captured_queries))
    return captured_all


def signed_in_session(user: Any) -> str:
    """A session that has passed password and second factor, created directly in the session store."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["eprok_2fa_verified"] = True
    store["eprok_last_seen"] = int(time.time())
    store.save()
    return str(store.session_key)


def api_token(user: Any, scopes: list[str]) -> str:
    """A personal API token for `user`, made with the accounts token machinery."""
    from eprok.accounts.models import ApiToken
    from eprok.accounts.tokens import hash_secret, new_token_material

    prefix, secret, full = new_token_material()
    ApiToken.objects.create(
        owner=user, name="bench", prefix=prefix, key_hash=hash_secret(secret), scopes=scopes
    )
    return full


def _merge_cookies(cookie_header: str, set_cookies: list[str]) -> str:
    """Add the cookies the server set (e.g. csrftoken) to a Cookie header, as a browser would."""
    jar: SimpleCookie = SimpleCookie()
    jar.load(cookie_header)
    for header in set_cookies:
        received: SimpleCookie = SimpleCookie()
        received.load(header)
        for key, morsel in received.items():
            if key not in jar and morsel.value:
                jar[key] = morsel.value
    return "; ".join(f"{key}={morsel.value}" for key, morsel in jar.items())


@dataclass
class Captured:
    """The target's response, captured once, and the bare view that returns the same bytes."""

    headers: dict[str, str]
    body: bytes
    content_type: str
    baseline_path: str


def target_row(label: str, result: LoadResult, queries: float, ratio: float | None) -> list[Any]:
    return [
        label,
        result.p50_ms,
        result.p95_ms,
        result.rps,
        queries,
        None if ratio is None else f"{ratio:.0%}",
        result.errors,
    ]


def load_notes(ctx: BenchContext) -> list[str]:
    return [
        f"{ctx.concurrency} concurrent keep-alive clients for {ctx.duration:g} s each;"
        " latency measured by the client (loopback round trip included).",
        "queries/req: in-process through django.test.Client on the same database.",
    ]


class PageVsBaseline(Scenario):
    """GET `path` for a signed-in user vs the bare view returning the same bytes."""

    needs_server = True
    path = "/"
    label = ""
    method = "GET"
    expect_status = 200

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        raise NotImplementedError

    def unavailable(self) -> str | None:
        try:
            resolve(self.path)
        except Resolver404:
            return f"{self.path} is not routed in this build"
        return None

    def setup(self, ctx: BenchContext) -> None:
        reason = self.unavailable()
        if reason:
            raise ScenarioSkipped(reason)
        ctx.state[self.name] = {"headers": self.credentials(ctx)}

    def request_body(self) -> Callable[[], tuple[bytes, Mapping[str, str]]] | None:
        """For a write: what gives each request its body and extra headers (None for a GET)."""
        return None

    def _measure(
        self, ctx: BenchContext, path: str, headers: Mapping[str, str], *, expect_status: int = 200
    ) -> LoadResult:
        assert ctx.server is not None
        return drive(
            ctx.server.host,
            ctx.server.port,
            path,
            headers=headers,
            concurrency=ctx.concurrency,
            duration=ctx.duration,
            max_requests=ctx.max_requests,
            method=self.method,
            body_factory=self.request_body(),
            expect_status=expect_status,
        )

    def capture(self, ctx: BenchContext) -> Captured:
        """Fetch the target once as the user, keep its bytes for the bare view, check that view."""
        server = ctx.server
        assert server is not None
        headers: dict[str, str] = dict(ctx.state[self.name]["headers"])
        factory = self.request_body()
        body, extra = factory() if factory is not None else (None, {})
        status, response_headers, content = fetch(
            server.host, server.port, self.path, {**headers, **extra}, method=self.method, body=body
        )
        if status != self.expect_status:
            raise ScenarioSkipped(
                f"{self.method} {self.path} answered {status}, not {self.expect_status}: "
                f"the scenario's setup is wrong ({content[:300]!r})"
            )
        set_cookies = [value for name, value in response_headers if name.lower() == "set-cookie"]
        if "Cookie" in headers and set_cookies:
            headers["Cookie"] = _merge_cookies(headers["Cookie"], set_cookies)
        content_type = next((v for n, v in response_headers if n.lower() == "content-type"), "text/html")
        baseline_path = write_baseline(ctx.baseline_dir, self.name, content, content_type)
        b_status, _h, b_body = fetch(
            server.host, server.port, baseline_path, extra, method=self.method, body=body
        )
        if b_status != 200 or len(b_body) != len(content):
            raise RuntimeError(
                f"the baseline view answered {b_status} with {len(b_body)} bytes, not {len(content)}"
            )
        return Captured(headers, content, content_type, baseline_path)

    def run(self, ctx: BenchContext) -> ScenarioResult:
        captured = self.capture(ctx)
        headers, body, baseline_path = captured.headers, captured.body, captured.baseline_path
        target_queries = count_queries(self.path, headers, method=self.method, body=self.request_body())
        baseline_queries = count_queries(baseline_path, {}, method=self.method, body=self.request_body())
        ctx.progress(f"{self.name}: {len(body):,} bytes; measuring the baseline, then {self.path}")
        baseline = self._measure(ctx, baseline_path, {})
        target = self._measure(ctx, self.path, headers, expect_status=self.expect_status)
        ratio = target.rps / baseline.rps if baseline.rps else None
        rows: list[list[Any]] = [
            target_row(f"{self.label} {self.path}", target, target_queries, ratio),
            target_row(f"bare view, same {len(body):,} bytes", baseline, baseline_queries, 1.0),
        ]
        return ScenarioResult(
            title=self.title,
            columns=COLUMNS,
            rows=rows,
            notes=load_notes(ctx),
            data={
                "path": self.path,
                "bytes": len(body),
                "target": {**target.as_dict(), "queries_per_request": target_queries},
                "baseline": {**baseline.as_dict(), "queries_per_request": baseline_queries},
                "ratio": None if ratio is None else round(ratio, 4),
            },
        )


class MyWork(PageVsBaseline):
    name = "my_work"
    title = "My work page (GET /), signed in with two factors"
    path = "/"
    label = "My work"

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        user = bench_employee()
        if user is None:
            raise ScenarioSkipped("the benchmark employee was not seeded")
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"}


class ApiMe(PageVsBaseline):
    name = "api_me"
    title = "API: GET /api/v1/me with a personal token (scope read)"
    path = "/api/v1/me"
    label = "API"

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        user = bench_employee()
        if user is None:
            raise ScenarioSkipped("the benchmark employee was not seeded")
        return {"Authorization": f"Bearer {api_token(user, ['read'])}", "Accept": "application/json"}


register(MyWork())
register(ApiMe())
