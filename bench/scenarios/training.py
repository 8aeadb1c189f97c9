"""Training analysis (issue 7): the analysis pages over five years of training history, side by side with
hand-written SQL computing the same figures.

`training_analysis` (in-process, PostgreSQL) seeds, once per database, the history of 5,000 active
employees placed over the units of the real structure (`seed --structure-only`): about 6,000 events over
the last five years (mostly held, a few published or cancelled) in the ten thematic areas (three marked
mandatory), ~1.3 trainers each (150 employees who teach, 60 external experts), about 50 invited listeners
each with their attendance (85% present), and evaluations from 40% of those present: COPY through
`bench.seeding.insert_model_rows`, a few minutes in all. An administrator of training (the whole tree) is
signed in through a session made in the store, as the HTTP scenarios do.

Then, for each page (`/training/analysis/` hours per unit with the month chart, `…/employees/` first page
of hours per employee, `…/coverage/`, `…/trainers/`, `…/scores/`) and each period (the current year, the
default; and the five years): p50/p95 of GET through `django.test.Client` (the whole request: session,
grants, form, selectors, template, charts) over up to MAX_ITERATIONS requests or --duration seconds, the
queries per request (CaptureQueriesContext), and the raw SQL: one hand-written statement per table the
page shows, run through the cursor with fetchall() the same number of times. Before timing, the raw
figures are compared with the selectors' (the page's numbers); a mismatch fails the scenario.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection

from bench.load import percentile
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, ScenarioSkipped, register

EMPLOYEES = 5_000
YEARS = 5
EVENTS = 6_000
LISTENERS = 50  # invited per event
PRESENT_SHARE = 0.85
EVALUATED_SHARE = 0.40  # of those present
INTERNAL_TRAINERS = 150
EXTERNAL_TRAINERS = 60
MANDATORY = ("criminal-procedure", "anti-corruption", "human-rights")
MAX_ITERATIONS = 200
MIN_ITERATIONS = 20
ADMIN = "bench.training.admin"
NUMBER_PREFIX = "BT-"
COLUMNS = ["page / period", "p50 ms", "p95 ms", "n", "queries/req", "raw p50 ms", "raw p95 ms", "page ÷ raw"]
STATUSES = "('published', 'held')"


# --- seeding ----------------------------------------------------------------------------------------------


def _progress(ctx: BenchContext, message: str) -> None:
    ctx.progress(f"training_analysis: {message}")


def _employees(ctx: BenchContext, rng: random.Random) -> list[int]:
    """Active employees with a unit, made up to EMPLOYEES (bulk_create; the search key set by hand)."""
    from django.contrib.auth.hashers import make_password

    from eprok.org.models import Employee, Unit, name_search_key

    have = Employee.objects.filter(is_active=True, unit__isnull=False).count()
    missing = max(0, EMPLOYEES - have)
    if missing:
        units = list(Unit.objects.filter(is_active=True).values_list("pk", flat=True))
        unusable = make_password(None)
        last = ("Məmmədov", "Əliyev", "Həsənov", "Hüseynov", "Quliyev", "İsmayılov", "Cəfərov", "Qasımov")
        first = ("Elçin", "Rəşad", "Aynur", "Günay", "Kamran", "Leyla", "Orxan", "Nigar", "Tural", "Səbinə")
        rows = []
        for n in range(missing):
            last_name, first_name = last[n % len(last)], first[(n // len(last)) % len(first)]
            if n % 2:
                last_name += "a"
            rows.append(
                Employee(
                    username=f"bench.t{n:05d}",
                    last_name=last_name,
                    first_name=first_name,
                    patronymic=f"{first[n % len(first)]} {'qızı' if n % 2 else 'oğlu'}",
                    unit_id=rng.choice(units),
                    password=unusable,
                    name_key=name_search_key(f"{last_name} {first_name}"),
                )
            )
        Employee.objects.bulk_create(rows, batch_size=2_000)
        _progress(ctx, f"{missing:,} employees added ({have:,} were there)")
    return list(Employee.objects.filter(is_active=True, unit__isnull=False).values_list("pk", flat=True))


def _admin() -> Any:
    """An administrator of training over the whole tree."""
    from eprok.org.models import Employee, RoleAssignment, Unit
    from eprok.org.roles import Role

    user = Employee.objects.filter(username=ADMIN).first()
    if user is None:
        root = Unit.objects.order_by("depth", "path").first()
        if root is None:
            raise RuntimeError("no units: seed the structure first")
        user = Employee.objects.create_user(ADMIN, None, last_name="Kərimova", first_name="Aynur", unit=root)
        RoleAssignment.objects.create(
            employee=user,
            role=Role.ADMINISTER_TRAINING,
            unit=root,
            include_subunits=True,
            valid_from=dt.date.today() - dt.timedelta(days=30),
        )
    return user


def seed_history(ctx: BenchContext) -> dict[str, Any]:
    """Seed the history unless it is there already (then report what is there)."""
    from django.utils import timezone

    from bench.seeding import insert_model_rows, next_id
    from eprok.org.models import Unit
    from eprok.training.models import (
        Attendance,
        Evaluation,
        EventTrainer,
        Invitation,
        ThematicArea,
        TrainingEvent,
    )

    admin = _admin()
    if TrainingEvent.objects.filter(number__startswith=NUMBER_PREFIX).exists():
        return {"seeded_earlier": True}
    started = time.perf_counter()
    rng = random.Random(2026)  # benchmark data, not secrets
    ThematicArea.objects.filter(code__in=MANDATORY).update(is_mandatory=True)
    employees = _employees(ctx, rng)
    areas = list(ThematicArea.objects.values_list("pk", flat=True))
    units = list(Unit.objects.filter(is_active=True).order_by("path").values_list("pk", flat=True))
    centre = units[: max(1, len(units) // 20)]  # most events are organised by a few units (the Centre's)
    trainers = rng.sample(employees, INTERNAL_TRAINERS)
    experts = [(f"Ekspert {n:02d}", f"Təşkilat {n % 12:02d}") for n in range(EXTERNAL_TRAINERS)]
    now = timezone.now()
    first_day = now - dt.timedelta(days=365 * YEARS)
    span = (now - first_day).total_seconds()
    event_id = next_id(TrainingEvent)
    report: dict[str, Any] = {}

    events: list[tuple[Any, ...]] = []
    plan: list[tuple[int, dt.datetime, str]] = []  # id, start, status
    for n in range(EVENTS):
        starts = first_day + dt.timedelta(seconds=span * (n + rng.random()) / EVENTS)
        starts = starts.replace(minute=0, second=0, microsecond=0)
        roll = rng.random()
        status = (
            "cancelled" if roll < 0.05 else ("published" if starts > now - dt.timedelta(days=60) else "held")
        )
        hours = Decimal(rng.choice((2, 2, 3, 4, 4, 6, 8)))
        pk = event_id + n
        events.append(
            (
                pk, uuid.uuid4(), f"{NUMBER_PREFIX}{starts.year}-{n:05d}",
                f"Təlim {n}: cinayət prosesi məsələləri",
                rng.choice(("seminar", "training", "round_table", "course_session")), rng.choice(areas),
                "Məhkəməyədək icraatda sübutların toplanması",
                rng.choice(centre if rng.random() < 0.7 else units),
                starts, starts + dt.timedelta(hours=int(hours)), "in_person", "Elm-Tədris Mərkəzi", "", hours,
                None, status, admin.pk, now, now,
            )
        )  # fmt: skip
        plan.append((pk, starts, status))
    columns: tuple[str, ...] = (
        "id", "public_id", "number", "title", "kind", "area_id", "topic", "organiser_id", "starts_at",
        "ends_at", "format", "venue", "video_link", "hours", "capacity", "status", "created_by_id",
        "created_at", "updated_at",
    )  # fmt: skip
    report["events"] = insert_model_rows(
        TrainingEvent, columns, events, progress=ctx.progress, total=len(events)
    )

    trainer_rows: list[tuple[Any, ...]] = []
    for pk, _starts, _status in plan:
        count = 1 if rng.random() < 0.7 else 2
        for k in range(count):
            if rng.random() < 0.8:
                teacher = rng.choice(trainers) if k == 0 else trainers[(pk + k) % INTERNAL_TRAINERS]
                role = "lead" if k == 0 else "co_trainer"
                trainer_rows.append((pk, teacher, "", "", role, now, now))
            else:
                name, organisation = rng.choice(experts)
                trainer_rows.append((pk, None, name, organisation, "speaker", now, now))
    # An employee teaches an event once (the unique constraint).
    seen: set[tuple[int, int]] = set()
    unique_rows = []
    for row in trainer_rows:
        if row[1] is not None:
            if (row[0], row[1]) in seen:
                continue
            seen.add((row[0], row[1]))
        unique_rows.append(row)
    trainer_rows = unique_rows
    columns = (
        "event_id",
        "employee_id",
        "external_name",
        "external_organisation",
        "role",
        "created_at",
        "updated_at",
    )
    report["trainers"] = insert_model_rows(EventTrainer, columns, trainer_rows, total=len(trainer_rows))

    invitations: list[tuple[Any, ...]] = []
    attendance: list[tuple[Any, ...]] = []
    evaluations: list[tuple[Any, ...]] = []
    for pk, starts, status in plan:
        for employee in rng.sample(employees, LISTENERS):
            answered = "declined" if rng.random() < 0.05 else "confirmed"
            invitations.append((pk, employee, answered, starts - dt.timedelta(days=3), admin.pk, now, now))
            if status != "held":
                continue
            present = answered == "confirmed" and rng.random() < PRESENT_SHARE
            attendance.append((pk, employee, present, "manual", starts, admin.pk, now, now))
            if present and rng.random() < EVALUATED_SHARE:
                marks = [min(5, max(1, round(rng.gauss(4.1, 0.8)))) for _ in range(4)]
                evaluations.append((pk, employee, *marks, "", now, now))
    columns = (
        "event_id",
        "employee_id",
        "status",
        "responded_at",
        "invited_by_id",
        "created_at",
        "updated_at",
    )
    report["invitations"] = insert_model_rows(
        Invitation, columns, invitations, progress=ctx.progress, total=len(invitations)
    )
    columns = ("event_id", "employee_id", "present", "method", "recorded_at", "recorded_by_id", "created_at",
               "updated_at")  # fmt: skip
    report["attendance"] = insert_model_rows(
        Attendance, columns, attendance, progress=ctx.progress, total=len(attendance)
    )
    columns = ("event_id", "employee_id", "content_score", "trainer_score", "organisation_score",
               "usefulness_score", "comment", "created_at", "updated_at")  # fmt: skip
    report["evaluations"] = insert_model_rows(
        Evaluation, columns, evaluations, progress=ctx.progress, total=len(evaluations)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE org_employee")
        cursor.execute("ANALYZE org_unit")
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


# --- the raw SQL ------------------------------------------------------------------------------------------

_ATTENDED = f"""
    FROM training_attendance a
    JOIN training_trainingevent ev ON ev.id = a.event_id
    JOIN org_employee emp ON emp.id = a.employee_id
    WHERE a.present AND emp.is_active AND ev.status IN {STATUSES} AND ev.starts_at >= %(start)s
      AND ev.starts_at < %(end)s
"""
_STAFF = """
    SELECT u.id, u.path, COUNT(e.id) AS staff FROM org_unit u JOIN org_employee e ON e.unit_id = u.id
    WHERE e.is_active GROUP BY u.id, u.path
"""
_TRAINER_KEYS = (
    "t.employee_id, e.last_name, e.first_name, e.patronymic, t.external_name, t.external_organisation"
)

RAW: dict[str, list[str]] = {
    "units": [
        f"""SELECT s.id, s.staff, COALESCE(h.trained, 0), COALESCE(h.hours, 0) FROM ({_STAFF}) s
            LEFT JOIN (SELECT emp.unit_id, COUNT(DISTINCT a.employee_id) AS trained, SUM(ev.hours) AS hours
                       {_ATTENDED} GROUP BY emp.unit_id) h ON h.unit_id = s.id
            JOIN org_unit u ON u.id = s.id ORDER BY s.path""",  # noqa: S608
        f"""SELECT date_trunc('month', ev.starts_at AT TIME ZONE %(tz)s)::date, SUM(ev.hours) {_ATTENDED}
            GROUP BY 1 ORDER BY 1""",
    ],
    "employees": [
        f"""SELECT e.id, e.last_name, e.first_name, e.patronymic, u.name_az, p.name_az,
                   COALESCE(h.events, 0), COALESCE(h.hours, 0) AS hours
            FROM org_employee e JOIN org_unit u ON u.id = e.unit_id
            LEFT JOIN org_position p ON p.id = e.position_id
            LEFT JOIN (SELECT a.employee_id, COUNT(*) AS events, SUM(ev.hours) AS hours {_ATTENDED}
                       GROUP BY a.employee_id) h ON h.employee_id = e.id
            WHERE e.is_active ORDER BY hours DESC, e.last_name, e.first_name, e.id LIMIT 50""",  # noqa: S608
        "SELECT COUNT(*) FROM org_employee WHERE is_active AND unit_id IS NOT NULL",
    ],
    "coverage": [
        f"SELECT s.id, s.staff FROM ({_STAFF}) s ORDER BY s.path",  # noqa: S608
        f"""SELECT emp.unit_id, ev.area_id, COUNT(DISTINCT a.employee_id) {_ATTENDED}
              AND ev.area_id IN (SELECT id FROM training_thematicarea WHERE is_mandatory AND is_active)
            GROUP BY emp.unit_id, ev.area_id""",  # noqa: S608
    ],
    "trainers": [
        f"""SELECT {_TRAINER_KEYS}, COUNT(DISTINCT t.event_id), SUM(ev.hours) AS hours
            FROM training_eventtrainer t JOIN training_trainingevent ev ON ev.id = t.event_id
            LEFT JOIN org_employee e ON e.id = t.employee_id
            WHERE ev.status IN {STATUSES} AND ev.starts_at >= %(start)s AND ev.starts_at < %(end)s
            GROUP BY {_TRAINER_KEYS} ORDER BY hours DESC""",  # noqa: S608
    ],
    "scores": [
        f"""SELECT ev.area_id, COUNT(*), AVG(x.content_score), AVG(x.trainer_score),
                   AVG(x.organisation_score), AVG(x.usefulness_score)
            FROM training_evaluation x JOIN training_trainingevent ev ON ev.id = x.event_id
            WHERE ev.status IN {STATUSES} AND ev.starts_at >= %(start)s AND ev.starts_at < %(end)s
            GROUP BY ev.area_id""",  # noqa: S608
        f"""SELECT {_TRAINER_KEYS}, COUNT(x.id), AVG(x.content_score), AVG(x.trainer_score),
                   AVG(x.organisation_score), AVG(x.usefulness_score)
            FROM training_eventtrainer t JOIN training_trainingevent ev ON ev.id = t.event_id
            JOIN training_evaluation x ON x.event_id = ev.id LEFT JOIN org_employee e ON e.id = t.employee_id
            WHERE ev.status IN {STATUSES} AND ev.starts_at >= %(start)s AND ev.starts_at < %(end)s
            GROUP BY {_TRAINER_KEYS}""",  # noqa: S608
        f"""SELECT ev.id, ev.number, ev.title, ev.starts_at, COUNT(*), AVG(x.content_score),
                   AVG(x.trainer_score), AVG(x.organisation_score), AVG(x.usefulness_score)
            FROM training_evaluation x JOIN training_trainingevent ev ON ev.id = x.event_id
            WHERE ev.status IN {STATUSES} AND ev.starts_at >= %(start)s AND ev.starts_at < %(end)s
            GROUP BY ev.id ORDER BY ev.starts_at DESC, ev.id DESC LIMIT 50""",  # noqa: S608
        f"""SELECT COUNT(DISTINCT x.event_id) FROM training_evaluation x
            JOIN training_trainingevent ev ON ev.id = x.event_id
            WHERE ev.status IN {STATUSES} AND ev.starts_at >= %(start)s AND ev.starts_at < %(end)s""",  # noqa: S608
    ],
}
PATHS = {
    "units": "/training/analysis/",
    "employees": "/training/analysis/employees/",
    "coverage": "/training/analysis/coverage/",
    "trainers": "/training/analysis/trainers/",
    "scores": "/training/analysis/scores/",
}


def _run_raw(statements: list[str], params: dict[str, Any]) -> list[list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        results = []
        for sql in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
        return results


def _d(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.1"))


def _f(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def _name(row: tuple[Any, ...]) -> str:
    employee_id, last, first, patronymic, external, organisation = row[:6]
    if employee_id is not None:
        return " ".join(part for part in (last, first, patronymic) if part)
    return f"{external} ({organisation})" if organisation else str(external)


def check_figures(page: str, raw: list[list[tuple[Any, ...]]], filters: Any) -> None:
    """The raw SQL's figures equal the selectors' (what the page shows); AssertionError if not."""
    from eprok.training import analysis

    scope = analysis.Scope(units=None)
    if page == "units":
        mine = [
            (r.unit.pk, r.staff, r.trained, _d(r.hours))
            for r in analysis.hours_per_unit(scope=scope, filters=filters)
        ]
        theirs = [(pk, staff, trained, _d(hours)) for pk, staff, trained, hours in raw[0]]
        assert mine == theirs, f"hours per unit differ: {mine[:3]} vs {theirs[:3]}"
        months = {m: _d(h) for m, h in analysis.hours_by_month(scope=scope, filters=filters) if h}
        assert months == {m: _d(h) for m, h in raw[1] if h}, "hours by month differ"
    elif page == "employees":
        rows = analysis.hours_per_employee(scope=scope, filters=filters)[:50]
        mine_e = [(r.employee_id, r.events, _d(r.hours)) for r in rows]
        theirs_e = [(r[0], r[6], _d(r[7])) for r in raw[0]]
        assert mine_e == theirs_e, f"hours per employee differ: {mine_e[:3]} vs {theirs_e[:3]}"
    elif page == "coverage":
        data = analysis.coverage(scope=scope, filters=filters)
        staff = [(row.unit.pk, row.staff) for row in data.rows]  # type: ignore[union-attr]
        assert staff == [(pk, n) for pk, n in raw[0]], "staff per unit differs"
        covered = {
            (row.unit.pk, area.pk): cell.covered  # type: ignore[union-attr]
            for row in data.rows
            for area, cell in zip(data.areas, row.cells, strict=True)
            if cell.covered
        }
        assert covered == {(u, a): n for u, a, n in raw[1]}, "coverage differs"
    elif page == "trainers":
        mine_t = sorted(
            (r.name, r.events, _d(r.hours)) for r in analysis.trainer_load(scope=scope, filters=filters)
        )
        theirs_t = sorted((_name(r), r[6], _d(r[7])) for r in raw[0])
        assert mine_t == theirs_t, "trainer load differs"
    elif page == "scores":
        per_area = {s.key.pk: (s.count, s.content, s.trainer, s.organisation, s.usefulness)
                    for s in analysis.scores_per_area(scope=scope, filters=filters)}  # fmt: skip
        assert per_area == {r[0]: (r[1], *(_f(v) for v in r[2:6])) for r in raw[0]}, "scores per area differ"
        per_trainer = sorted((s.label, s.count, s.content, s.usefulness)
                             for s in analysis.scores_per_trainer(scope=scope, filters=filters))  # fmt: skip
        assert per_trainer == sorted((_name(r), r[6], _f(r[7]), _f(r[10])) for r in raw[1]), (
            "per trainer differ"
        )
        events = list(analysis.scores_per_event(scope=scope, filters=filters)[:50])
        assert [(r["event_id"], r["n"], _f(r["content_score"])) for r in events] == [
            (r[0], r[4], _f(r[5])) for r in raw[2]
        ], "scores per event differ"


# --- the scenario -----------------------------------------------------------------------------------------


def _timed(fn: Callable[[], Any], ctx: BenchContext, iterations: int | None = None) -> list[float]:
    fn()  # unmeasured: per-process caches warm
    samples: list[float] = []
    stop = time.perf_counter() + max(ctx.duration, 1.0)
    limit = iterations or MAX_ITERATIONS
    while len(samples) < limit:
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
        if iterations is None and len(samples) >= MIN_ITERATIONS and time.perf_counter() > stop:
            break
    return samples


class Statements:
    """Every statement the connection runs while installed (`connection.execute_wrapper`), with its time:
    unlike CaptureQueriesContext it survives the connection being closed and reopened by a request."""

    def __init__(self) -> None:
        self.statements: list[dict[str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append({"sql": sql, "time": time.perf_counter() - began})


def _ms(samples: list[float], p: float) -> float:
    return percentile(samples, p) * 1000


class TrainingAnalysis(Scenario):
    name = "training_analysis"
    title = (
        f"Training analysis pages over {YEARS} years of history ({EMPLOYEES:,} employees), in-process,"
        " next to the raw SQL computing the same figures"
    )

    def setup(self, ctx: BenchContext) -> None:
        if connection.vendor != "postgresql":
            raise ScenarioSkipped("the raw SQL is written for PostgreSQL; run it with --database-url")
        try:
            from eprok.training import analysis  # noqa: F401
        except ImportError as exc:
            raise ScenarioSkipped("the build has no training analysis") from exc
        _progress(ctx, "seeding the training history (skipped when seeded earlier)")
        ctx.state[self.name] = {"seed": seed_history(ctx)}

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from django.test import Client
        from django.utils import timezone

        from bench.scenarios.pages import signed_in_session
        from eprok.org.models import Employee
        from eprok.training.analysis import AnalysisFilters
        from eprok.training.models import Attendance, Evaluation, EventTrainer, Invitation, TrainingEvent

        admin = Employee.objects.get(username=ADMIN)
        client = Client(raise_request_exception=True)
        client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(admin)
        today = timezone.localdate()
        periods = {
            "this year": AnalysisFilters.default(today),
            f"{YEARS} years": AnalysisFilters(
                date_from=today.replace(year=today.year - YEARS), date_to=today
            ),
        }
        data: dict[str, Any] = {
            "seed": ctx.state[self.name]["seed"],
            "rows": {
                "events": TrainingEvent.objects.count(),
                "trainers": EventTrainer.objects.count(),
                "invitations": Invitation.objects.count(),
                "attendance": Attendance.objects.count(),
                "evaluations": Evaluation.objects.count(),
                "active_employees": Employee.objects.filter(is_active=True, unit__isnull=False).count(),
            },
            "pages": {},
        }
        rows: list[list[Any]] = []
        for period, filters in periods.items():
            query = {"date_from": filters.date_from.isoformat(), "date_to": filters.date_to.isoformat()}
            params = {
                "start": timezone.make_aware(dt.datetime.combine(filters.date_from, dt.time.min)),
                "end": timezone.make_aware(
                    dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min)
                ),
                "tz": settings.TIME_ZONE,
            }
            for page, path in PATHS.items():
                _progress(ctx, f"{page}, {period}")
                raw = _run_raw(RAW[page], params)
                check_figures(page, raw, filters)

                def get(path: str = path, query: dict[str, str] = query) -> None:
                    response = client.get(path, query)
                    if response.status_code != 200:
                        raise RuntimeError(f"GET {path} answered {response.status_code}")

                captured = Statements()
                with connection.execute_wrapper(captured):
                    get()
                samples = _timed(get, ctx)
                raw_samples = _timed(partial(_run_raw, RAW[page], params), ctx, iterations=len(samples))
                p50, raw_p50 = _ms(samples, 50), _ms(raw_samples, 50)
                rows.append(
                    [f"{path} — {period}", p50, _ms(samples, 95), len(samples),
                     len(captured.statements), raw_p50, _ms(raw_samples, 95),
                     f"{p50 / raw_p50:.1f}×" if raw_p50 else None]
                )  # fmt: skip
                slowest = max(captured.statements, key=lambda q: float(q["time"]))
                data["pages"][f"{page} {period}"] = {
                    "path": path,
                    "query": query,
                    "p50_ms": p50,
                    "p95_ms": _ms(samples, 95),
                    "n": len(samples),
                    "queries": len(captured.statements),
                    "raw_p50_ms": raw_p50,
                    "raw_p95_ms": _ms(raw_samples, 95),
                    "raw_statements": len(RAW[page]),
                    "slowest_query": {"ms": float(slowest["time"]) * 1000, "sql": slowest["sql"][:2000]},
                }
        counts = data["rows"]
        notes = [
            f"Data: {counts['active_employees']:,} active employees, {counts['events']:,} events"
            f" over {YEARS} years,"
            f" {counts['trainers']:,} trainer rows, {counts['invitations']:,} invitations,"
            f" {counts['attendance']:,} attendance rows, {counts['evaluations']:,} evaluations.",
            "Page: GET through django.test.Client as an administrator of training (the whole tree),"
            " one thread; p50/p95 over n requests (bounded by --duration, at least 20);"
            " queries/req of one request.",
            "Raw: one hand-written statement per table the page shows (+ the paginator's count),"
            " run through the cursor with fetchall(), as many times; its figures were checked"
            " equal to the page's first.",
        ]
        return ScenarioResult(self.title, COLUMNS, rows, notes, data)


register(TrainingAnalysis())
