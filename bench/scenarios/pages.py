"""HTTP scenarios: a page or API operation served by the production server, side by side with a bare
Django view that returns the same bytes (the baseline, `bench.views.baseline`).

The baseline's bytes are captured from the target itself, for the same user, at the start of the run;
both go through the same middleware, so the ratio is what the page's own work costs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
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


def count_queries(path: str, headers: Mapping[str, str], samples: int = QUERY_SAMPLES) -> float:
    """Average number of SQL queries for GET `path`, served in-process through django.test.Client
    (one unmeasured request first, so per-process caches are warm)."""
    client = Client(raise_request_exception=False)
    client.get(path, headers=dict(headers))
    total = 0
    for _ in range(samples):
        with CaptureQueriesContext(connection) as captured:
            client.get(path, headers=dict(headers))
        total += len(captured.captured_queries)
    return total / samples


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


class PageVsBaseline(Scenario):
    """GET `path` for a signed-in user vs the bare view returning the same bytes."""

    needs_server = True
    path = "/"
    label = ""

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

    def _measure(self, ctx: BenchContext, path: str, headers: Mapping[str, str]) -> LoadResult:
        assert ctx.server is not None
        return drive(
            ctx.server.host,
            ctx.server.port,
            path,
            headers=headers,
            concurrency=ctx.concurrency,
            duration=ctx.duration,
            max_requests=ctx.max_requests,
        )

    def run(self, ctx: BenchContext) -> ScenarioResult:
        server = ctx.server
        assert server is not None
        headers: dict[str, str] = dict(ctx.state[self.name]["headers"])
        status, response_headers, body = fetch(server.host, server.port, self.path, headers)
        if status != 200:
            raise ScenarioSkipped(
                f"GET {self.path} answered {status}, not 200: the scenario's setup is wrong"
            )
        set_cookies = [value for name, value in response_headers if name.lower() == "set-cookie"]
        if "Cookie" in headers and set_cookies:
            headers["Cookie"] = _merge_cookies(headers["Cookie"], set_cookies)
        content_type = next((v for n, v in response_headers if n.lower() == "content-type"), "text/html")
        baseline_path = write_baseline(ctx.baseline_dir, self.name, body, content_type)
        b_status, _h, b_body = fetch(server.host, server.port, baseline_path)
        if b_status != 200 or len(b_body) != len(body):
            raise RuntimeError(
                f"the baseline view answered {b_status} with {len(b_body)} bytes, not {len(body)}"
            )

        target_queries = count_queries(self.path, headers)
        baseline_queries = count_queries(baseline_path, {})
        ctx.progress(f"{self.name}: {len(body):,} bytes; measuring the baseline, then {self.path}")
        baseline = self._measure(ctx, baseline_path, {})
        target = self._measure(ctx, self.path, headers)
        ratio = target.rps / baseline.rps if baseline.rps else None
        rows: list[list[Any]] = [
            [
                f"{self.label} {self.path}",
                target.p50_ms,
                target.p95_ms,
                target.rps,
                target_queries,
                None if ratio is None else f"{ratio:.0%}",
                target.errors,
            ],
            [
                f"bare view, same {len(body):,} bytes",
                baseline.p50_ms,
                baseline.p95_ms,
                baseline.rps,
                baseline_queries,
                "100%",
                baseline.errors,
            ],
        ]
        notes = [
            f"{ctx.concurrency} concurrent keep-alive clients for {ctx.duration:g} s each;"
            " latency measured by the client (loopback round trip included).",
            "queries/req: in-process through django.test.Client on the same database.",
        ]
        return ScenarioResult(
            title=self.title,
            columns=COLUMNS,
            rows=rows,
            notes=notes,
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
