"""Search scenarios (issue 5): one search over every record type, on the seeded index
(bench/seeding_search.py: crime reports, cases, appeals, persons and documents).

- `search`: in-process, per term, the search app's selector (`eprok.search.selectors.search`, the
  match, the access condition of every owning app, the bounded candidates, the facets and the page) as
  a district investigator-supervisor (the benchmark employee) and as a reader of the General
  Prosecutor's Office (every record visible), side by side with the raw backend query for the same
  terms: the same full-text expression (`eprok.search.backends.match_sql`, FTS5 MATCH on SQLite,
  tsquery @@ on PostgreSQL) or the same exact-key lookup, without access, facets or page — the newest
  `SEARCH_CANDIDATE_LIMIT + 1` matches (what the selector bounds its candidates to: 501 by default) and
  the count of all matches.
- `search_page`: `GET /search/?q=<term>` on the production server under load, as the benchmark
  employee, next to the bare view returning the same bytes.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench.load import drive, fetch, percentile
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, ScenarioSkipped, register
from bench.scenarios.pages import count_queries, load_notes, signed_in_session
from bench.seeding import bench_employee
from bench.views import write_baseline

# Per measured loop: at most this many iterations and this many seconds (also bounded by --duration).
MAX_ITERATIONS = 400
MAX_SECONDS = 6.0
COLUMNS = ["term / measured", "p50 ms", "p95 ms", "per s", "results", "queries", "vs raw"]


@dataclass
class Term:
    kind: str
    q: str


def _terms() -> list[Term]:
    """The terms: common, two common, rare, a surname in two variant spellings, a FIN, a case number.
    The numbers are of records the benchmark employee may open (a party of one of its district's
    crime reports; a case it leads)."""
    from bench.seeding_search import RARE_WORD
    from eprok.cases.models import Case
    from eprok.materials.models import MaterialParty

    user = bench_employee()
    terms = [
        Term("common term", "prokurorluğu"),
        Term("two common terms", "cinayət qərar"),
        Term("rare term", RARE_WORD),
        Term("surname, passport spelling", "Mamedov"),
        Term("surname, Cyrillic", "Мамедов"),
    ]
    fin = (
        MaterialParty.objects.filter(material__assignee=user, person__fin__isnull=False)
        .order_by("pk")
        .values_list("person__fin", flat=True)
        .first()
    )
    if fin:
        terms.append(Term("FIN (exact)", fin))
    number = Case.objects.filter(investigator=user).order_by("pk").values_list("number", flat=True).first()
    if number:
        terms.append(Term("case number (exact)", number))
    return terms


def _users() -> list[tuple[str, Any]]:
    from bench.seeding_search import gpo_reader

    user = bench_employee()
    if user is None:
        raise ScenarioSkipped("the benchmark employee was not seeded")
    return [("district investigator", user), ("GPO reader", gpo_reader(create=True))]


def _seeded() -> None:
    from eprok.search.models import SearchEntry

    try:
        resolve("/search/")
    except Resolver404 as exc:
        raise ScenarioSkipped("/search/ is not routed in this build") from exc
    if not SearchEntry.objects.exists():
        raise ScenarioSkipped("the search index is empty: the search_index seeder did not run")


def timed(
    fn: Callable[[], Any], *, seconds: float, iterations: int = MAX_ITERATIONS
) -> tuple[list[float], Any]:
    """Seconds per call of fn (one unmeasured call first), bounded by time and count; and the last result."""
    result = fn()
    samples: list[float] = []
    stop = time.perf_counter() + seconds
    for _ in range(max(1, iterations)):
        began = time.perf_counter()
        result = fn()
        ended = time.perf_counter()
        samples.append(ended - began)
        if ended >= stop:
            break
    return samples, result


def _ms(samples: list[float], p: float) -> float | None:
    return percentile(samples, p) * 1000 if samples else None


def _per_second(samples: list[float]) -> float | None:
    total = sum(samples)
    return len(samples) / total if total > 0 else None


def raw_statements(q: str) -> tuple[str, str, list[Any]]:
    """(the newest candidate-bound + 1 matches, the count of matches, parameters): the backend's own
    query for the same terms, without access, filters, facets or page. Numbers are exact-key lookups."""
    from eprok.search import backends
    from eprok.search.selectors import candidate_limit, plan

    query = plan(q)
    bound = candidate_limit() + 1
    conditions: list[str] = []
    params: list[Any] = []
    for number in query.numbers:
        conditions.append("e.id IN (SELECT entry_id FROM search_searchkey WHERE value = %s)")
        params.append(number)
    if query.groups:
        sql, match_params = backends.match_sql(query.groups)
        conditions.append(sql.replace("search_searchentry.", "e."))
        params.extend(match_params)
    where = " AND ".join(conditions) or "1 = 1"
    newest = (
        f"SELECT e.id FROM search_searchentry e WHERE {where} ORDER BY e.date DESC, e.id DESC LIMIT {bound}"  # noqa: S608
    )
    count = f"SELECT COUNT(*) FROM search_searchentry e WHERE {where}"  # noqa: S608
    return newest, count, params


def _run_sql(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _explain(sql: str, params: list[Any]) -> str:
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    rows = _run_sql(prefix + sql, params)
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


class SearchInProcess(Scenario):
    name = "search"
    title = "Search (in-process): the selector as two readers vs the raw backend query, per term"

    def setup(self, ctx: BenchContext) -> None:
        _seeded()
        ctx.state[self.name] = {"users": _users(), "terms": _terms()}

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from eprok.search.models import SearchEntry
        from eprok.search.selectors import SearchParams, candidate_limit, search

        users: list[tuple[str, Any]] = ctx.state[self.name]["users"]
        terms: list[Term] = ctx.state[self.name]["terms"]
        seconds = min(ctx.duration, MAX_SECONDS)
        entries = SearchEntry.objects.count()
        rows: list[list[Any]] = []
        data: dict[str, Any] = {"entries": entries, "vendor": connection.vendor, "terms": []}
        for term in terms:
            ctx.progress(f"search: {term.kind} {term.q!r}")
            newest_sql, count_sql, params = raw_statements(term.q)
            count_samples, count_rows = timed(partial(_run_sql, count_sql, params), seconds=seconds / 2)
            matches = int(count_rows[0][0])
            raw_samples, raw_rows = timed(partial(_run_sql, newest_sql, params), seconds=seconds)
            raw_p50 = _ms(raw_samples, 50)
            backend = "tsquery @@" if connection.vendor == "postgresql" else "FTS5 MATCH"
            if "search_searchkey" in newest_sql and "MATCH" not in newest_sql and "@@" not in newest_sql:
                backend = "key lookup"
            rows.append([f"{term.kind}: {term.q!r} ({matches:,} of {entries:,} entries match)"] + [""] * 6)
            rows.append(
                [f"  raw {backend}, newest {len(raw_rows):,}", raw_p50, _ms(raw_samples, 95),
                 _per_second(raw_samples), len(raw_rows), 1, "1.00×"]
            )  # fmt: skip
            rows.append(
                [f"  raw {backend}, count of all matches", _ms(count_samples, 50), _ms(count_samples, 95),
                 _per_second(count_samples), matches, 1, None]
            )  # fmt: skip
            term_data: dict[str, Any] = {
                "kind": term.kind,
                "q": term.q,
                "matches": matches,
                "raw_newest": {"p50_ms": raw_p50, "p95_ms": _ms(raw_samples, 95), "n": len(raw_samples)},
                "raw_count": {"p50_ms": _ms(count_samples, 50), "p95_ms": _ms(count_samples, 95)},
                "raw_sql": newest_sql,
                "users": {},
            }
            for who, user in users:
                params_ = SearchParams(q=term.q)
                samples, results = timed(partial(search, user=user, params=params_), seconds=seconds)
                with CaptureQueriesContext(connection) as captured:
                    search(user=user, params=params_)
                sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
                p50 = _ms(samples, 50)
                ratio = f"{p50 / raw_p50:.1f}×" if p50 and raw_p50 else None
                shown = f"{results.total:,}{'+' if results.capped else ''}"
                rows.append(
                    [f"  search(), {who}", p50, _ms(samples, 95), _per_second(samples), shown,
                     len(captured.captured_queries), ratio]
                )  # fmt: skip
                slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
                slowest_sql: dict[str, Any] | None = None
                if slowest is not None:
                    slowest_sql = {"ms": float(slowest["time"]) * 1000, "sql": slowest["sql"]}
                term_data["users"][who] = {
                    "p50_ms": p50,
                    "p95_ms": _ms(samples, 95),
                    "iterations": len(samples),
                    "total": results.total,
                    "capped": results.capped,
                    "queries": len(captured.captured_queries),
                    "sql_ms_one_call": round(sql_ms, 2),
                    "slowest_sql": slowest_sql,
                }
            data["terms"].append(term_data)
        notes = [
            f"{entries:,} index entries on {connection.vendor}; one thread; each loop bounded by"
            f" {seconds:g} s and {MAX_ITERATIONS} calls.",
            "raw: the backend's own query for the same terms (backends.match_sql / the key index), no access,"
            " no facets; 'newest' is the selector's candidate bound"
            f" ({candidate_limit() + 1:,} rows by date, the planner's own plan for the top-N).",
            "search(): eprok.search.selectors.search, the page of 20 hits with facets and snippets;"
            " candidates are read within the reader's candidate scope and every one is admitted by its"
            " owning app's visible_to before anything is counted. 'results' is its total ('+': the"
            " candidate bound was reached).",
        ]
        return ScenarioResult(self.title, COLUMNS, rows, notes, data)


class SearchPage(Scenario):
    name = "search_page"
    title = "Search page (GET /search/?q=<term>), the benchmark employee signed in"
    needs_server = True

    def setup(self, ctx: BenchContext) -> None:
        _seeded()
        user = bench_employee()
        if user is None:
            raise ScenarioSkipped("the benchmark employee was not seeded")
        cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"}
        ctx.state[self.name] = {"headers": cookie, "terms": _terms()}

    def run(self, ctx: BenchContext) -> ScenarioResult:
        server = ctx.server
        assert server is not None
        headers: dict[str, str] = ctx.state[self.name]["headers"]
        terms: list[Term] = ctx.state[self.name]["terms"]
        rows: list[list[Any]] = []
        data: dict[str, Any] = {"terms": []}
        baseline_rps: float | None = None
        for n, term in enumerate(terms):
            path = "/search/?" + urllib.parse.urlencode({"q": term.q})
            status, _h, body = fetch(server.host, server.port, path, headers)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
            if n == 0:
                baseline_path = write_baseline(ctx.baseline_dir, self.name, body, "text/html; charset=utf-8")
                ctx.progress(f"search_page: the bare view with the same {len(body):,} bytes")
                base = drive(
                    server.host, server.port, baseline_path, concurrency=ctx.concurrency,
                    duration=ctx.duration, max_requests=ctx.max_requests,
                )  # fmt: skip
                baseline_rps = base.rps
                rows.append(
                    [
                        f"bare view, same {len(body):,} bytes",
                        base.p50_ms,
                        base.p95_ms,
                        base.rps,
                        None,
                        0,
                        "100%",
                    ]
                )
                data["baseline"] = base.as_dict()
            queries = count_queries(path, headers, samples=2)
            ctx.progress(f"search_page: {term.kind} {term.q!r}")
            result = drive(
                server.host, server.port, path, headers=headers, concurrency=ctx.concurrency,
                duration=ctx.duration, max_requests=ctx.max_requests,
            )  # fmt: skip
            ratio = f"{result.rps / baseline_rps:.0%}" if baseline_rps else None
            rows.append(
                [
                    f"{term.kind}: {term.q!r}",
                    result.p50_ms,
                    result.p95_ms,
                    result.rps,
                    result.errors,
                    queries,
                    ratio,
                ]
            )
            data["terms"].append({"kind": term.kind, "q": term.q, **result.as_dict(), "queries": queries})
        return ScenarioResult(
            self.title,
            ["page", "p50 ms", "p95 ms", "req/s", "errors", "queries/req", "vs bare view"],
            rows,
            [*load_notes(ctx), "Every search is an audited read (one chained audit event per request)."],
            data,
        )


register(SearchInProcess())
register(SearchPage())
