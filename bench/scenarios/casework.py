"""Casework scenarios: the case card, the unit's case list, the crime-report register, registration
through the API, and the recomputation of every running term.

Each HTTP scenario is measured against the bare view returning the same bytes (as in pages.py) and,
on the database side, against hand-written SQL that fetches (or writes) the same rows, run in-process
through Django's DB cursor (no ORM), one thread, for as many iterations as the page served requests
(bounded by --duration). Next to it, the page's own SELECTs are replayed the same way, so "the list's
queries vs the raw SQL for the same rows" is a like-for-like comparison of database work.
The list scenarios check that their raw SQL returns exactly the rows the page shows, in its order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import secrets
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Model
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from bench.load import BodyFactory, LoadResult, fetch, percentile
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, ScenarioSkipped, register
from bench.scenarios.pages import (
    COLUMNS,
    PageVsBaseline,
    api_token,
    capture_queries,
    count_queries,
    load_notes,
    signed_in_session,
    target_row,
)
from bench.seeding import bench_employee
from bench.views import write_one_row

# Raw SQL and replays run at most this many iterations (and at most --duration seconds).
RAW_MAX_ITERATIONS = 20_000
# Queries that serve the request rather than the page's rows: the session, the signed-in user and
# their grants, notifications in the header, the audit trail of the read. Not replayed.
PLUMBING_TABLES = ("django_session", "accounts_", "notifications_", "org_roleassignment", "audit_")
_FROM = re.compile(r'\bFROM\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
_USER_LOAD = re.compile(r'"org_employee"\."id" = \d+ LIMIT 21')


# --- timing SQL in-process --------------------------------------------------------------------------


@dataclass
class SqlTiming:
    """Per-iteration seconds of a set of statements run in-process, one after the other."""

    label: str
    statements: int
    samples: list[float]

    @property
    def p50_ms(self) -> float | None:
        return percentile(self.samples, 50) * 1000 if self.samples else None

    @property
    def p95_ms(self) -> float | None:
        return percentile(self.samples, 95) * 1000 if self.samples else None

    @property
    def per_second(self) -> float | None:
        total = sum(self.samples)
        return len(self.samples) / total if total > 0 else None

    def row(self, ratio_to: SqlTiming | None = None) -> list[Any]:
        ratio = None
        if ratio_to is not None and ratio_to.p50_ms and self.p50_ms is not None:
            ratio = f"{self.p50_ms / ratio_to.p50_ms:.2f}× raw"
        return [self.label, self.p50_ms, self.p95_ms, self.per_second, self.statements, ratio, None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "statements": self.statements,
            "iterations": len(self.samples),
            "p50_ms": None if self.p50_ms is None else round(self.p50_ms, 4),
            "p95_ms": None if self.p95_ms is None else round(self.p95_ms, 4),
            "mean_ms": round(statistics.fmean(self.samples) * 1000, 4) if self.samples else None,
            "per_second_one_thread": None if self.per_second is None else round(self.per_second, 1),
        }


Statement = tuple[str, Sequence[Any] | None]


def time_sql(
    label: str, statements: Sequence[Statement], *, iterations: int, max_seconds: float
) -> SqlTiming:
    """Run the statements (each with fetchall) `iterations` times, timing each pass; stops early after
    `max_seconds`. One unmeasured pass first."""
    samples: list[float] = []
    clock = time.perf_counter
    with connection.cursor() as cursor:

        def once() -> None:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

        once()
        stop = clock() + max_seconds
        for _ in range(max(1, min(iterations, RAW_MAX_ITERATIONS))):
            began = clock()
            once()
            ended = clock()
            samples.append(ended - began)
            if ended >= stop:
                break
    return SqlTiming(label, len(statements), samples)


def main_table(sql: str) -> str:
    """The table of the statement's outermost FROM (not one of a subquery in its select list)."""
    for match in _FROM.finditer(sql):
        before = sql[: match.start()]
        if before.count("(") == before.count(")"):
            return match.group(1)
    return ""


def page_selects(queries: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """(the SELECTs that read the page's rows, the tables of the statements left out)."""
    kept, skipped = [], []
    for query in queries:
        sql = query["sql"]
        table = main_table(sql)
        if (
            not sql.lstrip().upper().startswith("SELECT")
            or "pg_advisory" in sql
            or table.startswith(PLUMBING_TABLES)
            or (table == "org_employee" and _USER_LOAD.search(sql))
        ):
            skipped.append(table or sql.split(None, 1)[0].upper())
            continue
        kept.append(sql)
    return kept, skipped


def replay_page(
    path: str, headers: Mapping[str, str], *, iterations: int, max_seconds: float
) -> tuple[SqlTiming, dict[str, Any]]:
    """The page's own SELECTs (as Django logged them, parameters inlined), replayed in-process."""
    queries = capture_queries(path, headers, samples=1)[0]
    kept, skipped = page_selects(queries)
    timing = time_sql(
        f"the page's own {len(kept)} SELECTs, replayed",
        [(sql, None) for sql in kept],
        iterations=iterations,
        max_seconds=max_seconds,
    )
    # Each statement on its own, briefly: which one the page's database time goes to.
    each = [
        (sql, time_sql("", [(sql, None)], iterations=min(iterations, 50), max_seconds=max_seconds / 10))
        for sql in kept
    ]
    return timing, {
        "replayed_tables": dict(Counter(main_table(sql) for sql in kept)),
        "not_replayed": dict(Counter(skipped)),
        "statements": [
            {"table": main_table(sql), "p50_ms": single.as_dict()["p50_ms"], "sql": sql}
            for sql, single in each
        ],
    }


def slowest(info: Mapping[str, Any]) -> str:
    """A note naming the replayed statement that takes longest."""
    statements = [s for s in info.get("statements", []) if s["p50_ms"] is not None]
    if not statements:
        return ""
    top = max(statements, key=lambda s: s["p50_ms"])
    return (
        f"Slowest replayed SELECT: on {top['table']}, p50 {top['p50_ms']:.2f} ms (SQL in the JSON results)."
    )


def _columns(model: type[Model], alias: str, names: Sequence[str]) -> str:
    """`alias.column` for each field of `names` the model has (the apps' models still move)."""
    have = {f.name: f.column for f in model._meta.concrete_fields}
    return ", ".join(f"{alias}.{have[name]}" for name in names if name in have)


def _table(model: type[Model]) -> str:
    return model._meta.db_table


def routed(path: str, name: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name == name


def bench_unit() -> Any:
    """The district where the benchmark employee leads cases (bench.seeding_casework)."""
    from eprok.cases.models import Case
    from eprok.org.models import Unit

    user = bench_employee()
    if user is None:
        return None
    top = (
        Case.objects.filter(investigator=user)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit")
        .first()
    )
    return Unit.objects.filter(pk=top["unit"]).first() if top else None


def _page_size(module: str, default: int = 50) -> int:
    try:
        return int(getattr(import_module(module), "PAGE_SIZE", default))
    except ImportError:
        return default


def same_rows(body: bytes, numbers: Sequence[str]) -> str | None:
    """None when every number appears in the page, in this order; else what differs."""
    text = body.decode(errors="replace")
    position = -1
    for number in numbers:
        found = text.find(f">{number}<")
        if found < 0:
            found = text.find(number)
        if found < 0:
            return f"{number} is not on the page"
        if found < position:
            return f"{number} is not where the raw SQL's order puts it"
        position = found
    return None


def _iterations(result: LoadResult) -> int:
    return max(1, min(result.requests, RAW_MAX_ITERATIONS))


# --- the case card -----------------------------------------------------------------------------------


def bench_case() -> Any:
    """An open case the benchmark employee leads, with a full card (parties, acts, a term running)."""
    from eprok.cases.models import Case

    user = bench_employee()
    if user is None:
        return None
    cases = (
        Case.objects.filter(
            team__employee=user, team__removed_at__isnull=True, status="investigation", unit=bench_unit()
        )
        .annotate(n_parties=Count("parties", distinct=True), n_acts=Count("acts", distinct=True))
        .order_by("pk")
    )
    candidates = list(cases.values_list("pk", "n_parties", "n_acts")[:500])
    full = [pk for pk, parties, acts in candidates if parties >= 3 and acts >= 5]
    chosen = (full or [pk for pk, _p, _a in candidates])[:1]
    return Case.objects.filter(pk__in=chosen).first()


def card_statements(case: Any) -> tuple[list[Statement], list[Statement]]:
    """Hand-written SQL for the card: (header + term + parties, as the page shows them; the same plus
    qualifications, acts, measures and instructions, the rows of all its tabs)."""
    from eprok.cases import models as m
    from eprok.criminal_code.models import Article
    from eprok.materials.models import Material
    from eprok.org.models import Employee, Unit
    from eprok.persons.models import Person

    case_columns = _columns(
        m.Case,
        "c",
        (
            "id", "public_id", "number", "status", "opened_at", "summary", "opening_grounds", "category",
            "main_article", "articles", "investigation_due", "next_due_at", "next_due_key", "in_custody",
            "completed_at", "version",
        ),
    )  # fmt: skip
    person = "pe.public_id, pe.last_name, pe.first_name, pe.patronymic, pe.birth_date, pe.fin"
    header: Statement = (
        f"SELECT {case_columns}, u.code, u.name_az, i.last_name, i.first_name, i.patronymic, "  # noqa: S608
        f"s.last_name, s.first_name, s.patronymic, mat.number "
        f"FROM {_table(m.Case)} c JOIN {_table(Unit)} u ON u.id = c.unit_id "
        f"LEFT JOIN {_table(Employee)} i ON i.id = c.investigator_id "
        f"LEFT JOIN {_table(Employee)} s ON s.id = c.supervisor_id "
        f"LEFT JOIN {_table(Material)} mat ON mat.id = c.material_id WHERE c.number = %s",
        [case.number],
    )
    term: list[Statement] = [
        (
            f"SELECT x.step, x.length, x.created_at FROM {_table(m.TermExtension)} x "  # noqa: S608
            "WHERE x.case_id = %s AND x.measure_id IS NULL ORDER BY x.created_at, x.id",
            [case.pk],
        ),
        (
            f"SELECT x.started_on, x.ended_on, x.ground FROM {_table(m.Suspension)} x "  # noqa: S608
            "WHERE x.case_id = %s ORDER BY x.started_on, x.id",
            [case.pk],
        ),
    ]
    parties: Statement = (
        f"SELECT p.id, p.role, p.since, p.until, p.note, {person} "  # noqa: S608
        f"FROM {_table(m.CaseParty)} p JOIN {_table(Person)} pe ON pe.id = p.person_id "
        "WHERE p.case_id = %s ORDER BY p.until, p.role, p.id",
        [case.pk],
    )
    tabs: list[Statement] = [
        (
            "SELECT q.id, q.reference, q.is_main, q.valid_from, q.ended_on, a.number, a.title_az, "  # noqa: S608
            f"a.category FROM {_table(m.Qualification)} q JOIN {_table(Article)} a ON a.id = q.article_id "
            "WHERE q.case_id = %s ORDER BY q.ended_on, q.is_main DESC, q.valid_from, q.id",
            [case.pk],
        ),
        (
            "SELECT t.id, t.kind, t.title, t.act_date, t.event, au.last_name, au.first_name, "  # noqa: S608
            f"pe.last_name, pe.first_name FROM {_table(m.ProceduralAct)} t "
            f"JOIN {_table(Employee)} au ON au.id = t.author_id "
            f"LEFT JOIN {_table(m.CaseParty)} p ON p.id = t.party_id "
            f"LEFT JOIN {_table(Person)} pe ON pe.id = p.person_id "
            "WHERE t.case_id = %s ORDER BY t.act_date DESC, t.id DESC",
            [case.pk],
        ),
        (
            "SELECT ms.id, ms.kind, ms.started_at, ms.rule_code, ms.due_at, ms.ended_at, "  # noqa: S608
            f"ms.court_decision, {person} FROM {_table(m.PreventiveMeasure)} ms "
            f"JOIN {_table(m.CaseParty)} p ON p.id = ms.party_id "
            f"JOIN {_table(Person)} pe ON pe.id = p.person_id "
            "WHERE ms.case_id = %s ORDER BY ms.ended_at, ms.started_at DESC, ms.id",
            [case.pk],
        ),
        (
            "SELECT ins.id, ins.text, ins.due_date, ins.acknowledged_at, ins.completed_at, "  # noqa: S608
            f"au.last_name, au.first_name FROM {_table(m.Instruction)} ins "
            f"JOIN {_table(Employee)} au ON au.id = ins.author_id "
            "WHERE ins.case_id = %s ORDER BY ins.completed_at, ins.due_date, ins.id",
            [case.pk],
        ),
    ]
    page = [header, *term, parties]
    return page, [*page, *tabs]


class CaseCard(PageVsBaseline):
    """GET the card of a case the employee leads, vs a one-row view and the bare view with its bytes."""

    name = "case_card"
    title = "Case card (GET /cases/<number>/), an investigator of the case signed in"
    label = "Case card"

    def unavailable(self) -> str | None:
        if not routed("/cases/CI-BENCH-2000-00001/", "cases:detail"):
            return "/cases/<number>/ (cases:detail) is not routed in this build"
        return None

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        user = bench_employee()
        if user is None:
            raise ScenarioSkipped("the benchmark employee was not seeded")
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"}

    def setup(self, ctx: BenchContext) -> None:
        super().setup(ctx)
        case = bench_case()
        if case is None:
            raise ScenarioSkipped("no open case led by the benchmark employee: run the casework seeders")
        self.path = reverse("cases:detail", kwargs={"number": case.number})
        ctx.state[self.name]["case"] = case

    def run(self, ctx: BenchContext) -> ScenarioResult:
        server = ctx.server
        assert server is not None
        case = ctx.state[self.name]["case"]
        captured = self.capture(ctx)
        headers = captured.headers
        one_row_path = write_one_row(
            ctx.baseline_dir, self.name, model="cases.case", pk=case.pk, related=["unit", "investigator"]
        )
        status, _h, content = fetch(server.host, server.port, one_row_path)
        if status != 200 or len(content) != len(captured.body):
            raise RuntimeError(f"the one-row view answered {status} with {len(content)} bytes")
        queries = {
            "target": count_queries(self.path, headers),
            "one_row": count_queries(one_row_path, {}),
            "bare": count_queries(captured.baseline_path, {}),
        }
        ctx.progress(f"{self.name}: {len(captured.body):,} bytes; the bare view, the one-row view, the card")
        bare = self._measure(ctx, captured.baseline_path, {})
        one_row = self._measure(ctx, one_row_path, {})
        target = self._measure(ctx, self.path, headers)
        ratio = target.rps / one_row.rps if one_row.rps else None
        bare_ratio = bare.rps / one_row.rps if one_row.rps else None

        ctx.progress(f"{self.name}: the card's SQL in-process")
        iterations = _iterations(target)
        page_sql, all_sql = card_statements(case)
        raw_page = time_sql(
            "raw SQL: header, term, parties (the page)",
            page_sql,
            iterations=iterations,
            max_seconds=ctx.duration,
        )
        raw_all = time_sql(
            "raw SQL: + qualifications, acts, measures, instructions (all tabs)",
            all_sql,
            iterations=iterations,
            max_seconds=ctx.duration,
        )
        replay, replay_info = replay_page(self.path, headers, iterations=iterations, max_seconds=ctx.duration)
        rows: list[list[Any]] = [
            target_row(f"{self.label} {self.path}", target, queries["target"], ratio),
            target_row("one-row view: the case with unit and investigator", one_row, queries["one_row"], 1.0),
            target_row(f"bare view, same {len(captured.body):,} bytes", bare, queries["bare"], bare_ratio),
            replay.row(raw_page),
            raw_page.row(raw_page),
            raw_all.row(raw_page),
        ]
        notes = [
            *load_notes(ctx),
            "vs baseline: requests per second relative to the one-row view (DESIGN.md §5: ≥ 60%).",
            f"SQL rows: in-process, one thread, Django's DB cursor, {iterations:,} iterations at most "
            f"(or {ctx.duration:g} s); req/s is passes per second; ratio of p50 to the page's raw SQL.",
            "The page shows the header, the soonest term and the parties tab; other tabs load on demand.",
            *filter(None, [slowest(replay_info)]),
        ]
        return ScenarioResult(
            title=self.title,
            columns=COLUMNS,
            rows=rows,
            notes=notes,
            data={
                "path": self.path,
                "bytes": len(captured.body),
                "target": {**target.as_dict(), "queries_per_request": queries["target"]},
                "one_row": {**one_row.as_dict(), "queries_per_request": queries["one_row"]},
                "baseline": {**bare.as_dict(), "queries_per_request": queries["bare"]},
                "ratio_to_one_row": None if ratio is None else round(ratio, 4),
                "page_queries_replayed": {**replay.as_dict(), **replay_info},
                "raw_sql_page": raw_page.as_dict(),
                "raw_sql_all_tabs": raw_all.as_dict(),
            },
        )


# --- lists ---------------------------------------------------------------------------------------------


class ListVsRaw(PageVsBaseline):
    """A filtered list page vs the bare view with its bytes, and its SELECTs vs the raw SQL for the
    same page of rows (checked to be the same rows in the same order)."""

    url_name = ""
    list_path = ""
    page_size_module = ""

    def unavailable(self) -> str | None:
        if not routed(self.list_path, self.url_name):
            return f"{self.list_path} ({self.url_name}) is not routed in this build"
        return None

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        user = bench_employee()
        if user is None:
            raise ScenarioSkipped("the benchmark employee was not seeded")
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"}

    def query(self, unit: Any) -> str:
        raise NotImplementedError

    def raw_statements(self, unit: Any, page_size: int) -> list[Statement]:
        """The page's rows (first statement: its numbers come first in each row) and its count."""
        raise NotImplementedError

    def setup(self, ctx: BenchContext) -> None:
        super().setup(ctx)
        unit = bench_unit()
        if unit is None:
            raise ScenarioSkipped("the benchmark employee leads no case: run the casework seeders")
        self.path = f"{self.list_path}?{self.query(unit)}"
        ctx.state[self.name]["unit"] = unit

    def raw_numbers(self, ctx: BenchContext) -> tuple[list[Statement], list[str]]:
        unit = ctx.state[self.name]["unit"]
        statements = self.raw_statements(unit, _page_size(self.page_size_module))
        with connection.cursor() as cursor:
            cursor.execute(*statements[0])
            numbers = [row[0] for row in cursor.fetchall()]
        return statements, numbers

    def run(self, ctx: BenchContext) -> ScenarioResult:
        captured = self.capture(ctx)
        statements, numbers = self.raw_numbers(ctx)
        differs = same_rows(captured.body, numbers)
        if differs:
            raise RuntimeError(f"the raw SQL does not fetch the page's rows: {differs}; update {__name__}")
        result = super().run(ctx)
        target = result.data["target"]
        iterations = max(1, min(int(target["requests"]), RAW_MAX_ITERATIONS))
        ctx.progress(f"{self.name}: the list's SQL in-process")
        raw = time_sql(
            f"raw SQL: the same {len(numbers)} rows + count",
            statements,
            iterations=iterations,
            max_seconds=ctx.duration,
        )
        replay, replay_info = replay_page(
            self.path, captured.headers, iterations=iterations, max_seconds=ctx.duration
        )
        ratio = replay.p50_ms / raw.p50_ms if replay.p50_ms and raw.p50_ms else None
        result.rows.extend([replay.row(raw), raw.row(raw)])
        result.notes.extend(
            [
                f"SQL rows: in-process, one thread, Django's DB cursor, {iterations:,} iterations at most "
                f"(or {ctx.duration:g} s); req/s is passes per second.",
                "The raw SQL's rows were checked to be the page's rows, in its order. Not replayed (request "
                f"plumbing): {_counts(replay_info['not_replayed'])}.",
                *filter(None, [slowest(replay_info)]),
            ]
        )
        result.data.update(
            {
                "rows_on_page": len(numbers),
                "page_queries_replayed": {**replay.as_dict(), **replay_info},
                "raw_sql": raw.as_dict(),
                "replay_vs_raw": None if ratio is None else round(ratio, 3),
            }
        )
        return result


class CaseList(ListVsRaw):
    name = "case_list"
    title = "Case list of a unit (GET /cases/?status=investigation&unit=<code>), a supervisor signed in"
    label = "Case list"
    url_name = "cases:list"
    list_path = "/cases/"
    page_size_module = "eprok.cases.views.lists"

    def query(self, unit: Any) -> str:
        return f"status=investigation&unit={unit.code}"

    def raw_statements(self, unit: Any, page_size: int) -> list[Statement]:
        from eprok.cases.models import Case
        from eprok.org.models import Employee, Unit

        columns = _columns(
            Case, "c", ("number", "opened_at", "status", "articles", "category", "next_due_at", "in_custody")
        )
        return [
            (
                f"SELECT {columns}, u.code, u.name_az, e.last_name, e.first_name, e.patronymic "  # noqa: S608
                f"FROM {_table(Case)} c JOIN {_table(Unit)} u ON u.id = c.unit_id "
                f"LEFT JOIN {_table(Employee)} e ON e.id = c.investigator_id "
                "WHERE c.unit_id = %s AND c.status = %s ORDER BY c.opened_at DESC, c.id DESC LIMIT %s",
                [unit.pk, "investigation", page_size],
            ),
            (
                f"SELECT COUNT(*) FROM {_table(Case)} c WHERE c.unit_id = %s AND c.status = %s",  # noqa: S608
                [unit.pk, "investigation"],
            ),
        ]


class MaterialList(ListVsRaw):
    name = "material_list"
    title = "Crime-report register of a unit (GET /materials/?unit=<code>&status=in_check)"
    label = "Register"
    url_name = "materials:list"
    list_path = "/materials/"
    page_size_module = "eprok.materials.views.base"

    def query(self, unit: Any) -> str:
        return f"unit={unit.code}&status=in_check"

    def raw_statements(self, unit: Any, page_size: int) -> list[Statement]:
        from eprok.materials.models import Material
        from eprok.org.models import Employee, Unit

        columns = _columns(
            Material, "m", ("number", "registered_at", "status", "source", "summary", "articles", "check_due")
        )
        return [
            (
                f"SELECT {columns}, u.code, u.name_az, e.last_name, e.first_name, e.patronymic "  # noqa: S608
                f"FROM {_table(Material)} m JOIN {_table(Unit)} u ON u.id = m.unit_id "
                f"LEFT JOIN {_table(Employee)} e ON e.id = m.assignee_id "
                "WHERE m.unit_id = %s AND m.status = %s ORDER BY m.registered_at DESC, m.id DESC LIMIT %s",
                [unit.pk, "in_check", page_size],
            ),
            (
                f"SELECT COUNT(*) FROM {_table(Material)} m WHERE m.unit_id = %s AND m.status = %s",  # noqa: S608
                [unit.pk, "in_check"],
            ),
        ]


# --- registration through the API ---------------------------------------------------------------------


def api_has(path: str, method: str) -> bool:
    try:
        from eprok.core.api import api
    except ImportError:
        return False
    return method.lower() in api.get_openapi_schema().get("paths", {}).get(path, {})


def register_body(unit_code: str) -> BodyFactory:
    """A fresh registration (and Idempotency-Key) per call; thread-safe (itertools.count)."""
    counter = itertools.count(1)
    run = secrets.token_hex(4)

    def make() -> tuple[bytes, Mapping[str, str]]:
        n = next(counter)
        body = {
            "unit": unit_code,
            "source": "applicant_statement",
            "received_at": timezone.now().isoformat(),
            "summary": f"Mənzildən qiymətli əşyaların oğurlanması barədə ərizə (bench {run}-{n}).",
            "incident_place": "Bakı şəhəri, Nəsimi rayonu, Azadlıq prospekti",
            "articles": "177.2.3",
        }
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"bench-{run}-{n}"}
        return json.dumps(body, ensure_ascii=False).encode(), headers

    return make


class RawRegistration:
    """The rows a registration writes, written by hand: the register's counter, the report, its running
    term, the idempotency key and the chained audit event, in one transaction per registration."""

    def __init__(self, unit: Any, user: Any) -> None:
        from eprok.core.calendar.deadlines import compute_deadline
        from eprok.core.models import DeadlineRule

        self.unit = unit
        self.user = user
        self.rule = DeadlineRule.objects.get(code="cpc.207.check")
        self.compute = compute_deadline
        self.counter = itertools.count(1)
        self.run = secrets.token_hex(4)

    def once(self, cursor: Any) -> None:
        from bench.seeding import ModelRows
        from bench.seeding_casework import register_number
        from eprok.audit.chain import GENESIS_HASH, canonical_json, event_hash
        from eprok.audit.models import AuditEvent
        from eprok.audit.services import _CHAIN_LOCK_ID
        from eprok.core.models import IdempotencyRecord, RegisterSequence, TrackedDeadline
        from eprok.materials.models import Material

        n = next(self.counter)
        now = timezone.now()
        year = timezone.localtime(now).year
        seq_table = _table(RegisterSequence)
        params = ["materials", self.unit.code, year]
        cursor.execute(
            f"UPDATE {seq_table} SET last_value = last_value + 1 "  # noqa: S608
            "WHERE register = %s AND scope = %s AND year = %s",
            params,
        )
        cursor.execute(
            f"SELECT last_value FROM {seq_table} WHERE register = %s AND scope = %s AND year = %s",  # noqa: S608
            params,
        )
        number = register_number("materials", self.unit.code, year, cursor.fetchone()[0])
        deadline = self.compute(self.rule, timezone.localdate(now))
        public_id = uuid.uuid4()
        values = {
            "public_id": public_id, "created_at": now, "updated_at": now, "number": number,
            "unit_id": self.unit.pk, "source": "applicant_statement", "received_at": now,
            "registered_at": now,
            "registered_by_id": self.user.pk, "is_anonymous": False, "source_reference": "",
            "summary": f"Mənzildən qiymətli əşyaların oğurlanması barədə ərizə (raw {self.run}-{n}).",
            "incident_place": "Bakı şəhəri, Nəsimi rayonu, Azadlıq prospekti", "articles": "177.2.3",
            "status": "registered", "check_due": deadline.due, "check_round": 1, "check_started_at": now,
            "decision_grounds": "", "case_number": "", "refusal_ground": "", "transferred_to_body": "",
            "version": 1,
        }  # fmt: skip
        material_id = self._insert(cursor, Material, values, ModelRows, returning=True)
        self._insert(
            cursor,
            TrackedDeadline,
            {
                "created_at": now, "updated_at": now, "owner_type": "materials.material",
                "owner_id": material_id, "key": "check", "rule_code": self.rule.code,
                "ends_at": deadline.ends_at(), "due_is_moment": False,
                "unit_id": self.unit.pk, "responsible_id": None, "title": number,
                "label": "Cinayət haqqında məlumatın ilkin yoxlanılması", "url": f"/materials/{number}/",
                "state": "open", "alerted": 0,
            },
            ModelRows,
        )  # fmt: skip
        self._insert(
            cursor,
            IdempotencyRecord,
            {
                "key": f"raw-{self.run}-{n}", "client_id": self.user.pk, "operation": "materials.register",
                "request_hash": secrets.token_hex(32), "result_key": str(public_id), "created_at": now,
            },
            ModelRows,
        )  # fmt: skip
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        cursor.execute(f"SELECT hash FROM {_table(AuditEvent)} ORDER BY id DESC LIMIT 1")  # noqa: S608
        found = cursor.fetchone()
        prev = found[0] if found else GENESIS_HASH
        fields = {
            "occurred_at": now, "actor_id": self.user.pk, "actor_name": self.user.get_full_name(),
            "actor_unit": "", "action": "materials.material.registered", "target_type": "materials.material",
            "target_id": str(public_id), "target_repr": number, "related_type": "", "related_id": "",
            "changes": canonical_json({"after": {"number": number, "unit": self.unit.code}}), "data": "",
            "purpose": "", "source": "cli", "request_id": uuid.uuid4().hex, "ip": None,
            "user_agent": "eprok-bench",
        }  # fmt: skip
        self._insert(
            cursor,
            AuditEvent,
            {**fields, "actor_unit_id": None, "prev_hash": prev, "hash": event_hash(prev, **fields)},
            ModelRows,
        )

    @staticmethod
    def _insert(
        cursor: Any, model: Any, values: dict[str, Any], rows: Any, *, returning: bool = False
    ) -> Any:
        table = rows(model, list(values))
        row = next(table.rows([tuple(values.values())]))
        placeholders = ", ".join(["%s"] * len(row))
        sql = f"INSERT INTO {table.table} ({', '.join(table.columns)}) VALUES ({placeholders})"  # noqa: S608
        if returning:
            sql += " RETURNING id"
        adapt = connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else None
        params = [adapt(v) if adapt and isinstance(v, dt.datetime) else v for v in row]
        if connection.vendor == "sqlite":
            params = [v.hex if isinstance(v, uuid.UUID) else v for v in params]
        cursor.execute(sql, params)
        return cursor.fetchone()[0] if returning else None

    def timing(self, *, iterations: int, max_seconds: float) -> SqlTiming:
        samples: list[float] = []
        clock = time.perf_counter
        stop = clock() + max_seconds
        with connection.cursor() as cursor:
            for _ in range(max(1, min(iterations, RAW_MAX_ITERATIONS))):
                began = clock()
                with transaction.atomic():
                    self.once(cursor)
                ended = clock()
                samples.append(ended - began)
                if ended >= stop:
                    break
        statements = 7 if connection.vendor == "postgresql" else 6
        return SqlTiming("raw SQL: the same rows written, one transaction each", statements, samples)


class MaterialRegisterApi(PageVsBaseline):
    """POST /api/v1/materials with a token and a fresh Idempotency-Key per request."""

    name = "material_register_api"
    title = "API: POST /api/v1/materials (register a crime report), token with scope write"
    label = "API"
    path = "/api/v1/materials"
    method = "POST"
    expect_status = 201

    def unavailable(self) -> str | None:
        if not api_has(self.path, "post"):
            return f"POST {self.path} is not in this build's API"
        return None

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        user = bench_employee()
        if user is None:
            raise ScenarioSkipped("the benchmark employee was not seeded")
        return {"Authorization": f"Bearer {api_token(user, ['read', 'write'])}", "Accept": "application/json"}

    def setup(self, ctx: BenchContext) -> None:
        super().setup(ctx)
        unit = bench_unit()
        if unit is None:
            raise ScenarioSkipped("the benchmark employee leads no case: run the casework seeders")
        ctx.state[self.name]["unit"] = unit
        self._body = register_body(unit.code)

    def request_body(self) -> Callable[[], tuple[bytes, Mapping[str, str]]] | None:
        return getattr(self, "_body", None)

    def run(self, ctx: BenchContext) -> ScenarioResult:
        unit = ctx.state[self.name]["unit"]
        writes = capture_queries(
            self.path, ctx.state[self.name]["headers"], samples=1, method="POST", body=self.request_body()
        )[0]
        written = Counter(
            f"{q['sql'].split(None, 1)[0].upper()} {_write_table(q['sql'])}"
            for q in writes
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        )
        result = super().run(ctx)
        target = result.data["target"]
        ctx.progress(f"{self.name}: the same rows written by raw SQL in-process")
        user = bench_employee()
        raw = RawRegistration(unit, user).timing(
            iterations=max(1, min(int(target["requests"]), RAW_MAX_ITERATIONS)), max_seconds=ctx.duration
        )
        result.rows.append(raw.row())
        result.notes.extend(
            [
                "Each request registers a new report (unique Idempotency-Key); the bare view answers the "
                "same "
                "POST with the same bytes.",
                f"The API writes: {_counts(written)}.",
                "raw SQL: counter UPDATE + SELECT, INSERTs of the report, its running term, the idempotency "
                "key and the chained audit event (with the chain's lock on PostgreSQL), committed per "
                "registration; "
                "in-process, one thread (req/s = registrations per second).",
            ]
        )
        result.data.update({"api_writes": dict(written), "raw_sql": raw.as_dict()})
        return result


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{key} ×{value}" for key, value in sorted(counts.items())) or "none"


def _write_table(sql: str) -> str:
    match = re.match(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', sql, re.IGNORECASE)
    return match.group(1) if match else "?"


# --- recomputing every running term -------------------------------------------------------------------


class DeadlineRecompute(Scenario):
    """In-process: every module's recomputer (what `eprok recompute_deadlines` runs), items per second."""

    name = "deadline_recompute"
    title = "Deadline recomputation for all open items (tracking.recompute_all), in-process"
    needs_server = False

    def setup(self, ctx: BenchContext) -> None:
        from eprok.core.calendar import tracking

        if not list(tracking.recomputers()):
            raise ScenarioSkipped("no module registers a recomputer in this build")

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from eprok.core.calendar import tracking
        from eprok.core.models import DeadlineState, TrackedDeadline

        open_before = Counter(
            TrackedDeadline.objects.filter(state=DeadlineState.OPEN).values_list("owner_type", flat=True)
        )
        rows: list[list[Any]] = []
        data: dict[str, Any] = {}
        total_items, total_seconds = 0, 0.0
        for owner_type, recompute in tracking.recomputers():
            ctx.progress(f"{self.name}: {owner_type}")
            started = time.perf_counter()
            items = int(recompute())
            seconds = time.perf_counter() - started
            rate = items / seconds if seconds > 0 else None
            rows.append([owner_type, items, open_before.get(owner_type, 0), seconds, rate])
            data[owner_type] = {
                "items": items,
                "open_terms_before": open_before.get(owner_type, 0),
                "seconds": round(seconds, 3),
                "items_per_second": None if rate is None else round(rate, 1),
            }
            total_items += items
            total_seconds += seconds
        total_rate = total_items / total_seconds if total_seconds > 0 else None
        rows.append(
            ["all (recompute_all)", total_items, sum(open_before.values()), total_seconds, total_rate]
        )
        return ScenarioResult(
            title=self.title,
            columns=["recomputer", "items", "open terms before", "seconds", "items/s"],
            rows=rows,
            notes=[
                "items: the records each module's recomputer re-tracked (its return value); one process, "
                "one thread, every write in its own transaction as the recomputers do it.",
            ],
            data={
                "recomputers": data,
                "total": {
                    "items": total_items,
                    "seconds": round(total_seconds, 3),
                    "items_per_second": None if total_rate is None else round(total_rate, 1),
                },
            },
        )


register(CaseCard())
register(CaseList())
register(MaterialList())
register(MaterialRegisterApi())
register(DeadlineRecompute())
