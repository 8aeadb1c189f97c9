"""Statistics (issue 9): the collegium report and the dashboard's data, side by side with ONE hand-written
SQL statement computing the same figures (DESIGN §5: "the collegium report ≤ 2× its single hand-written
SQL").

Both scenarios run in-process on the statistical cards of `bench.seeding_stats` (1,000,000 crime reports
and 300,000 cases at scale 1), for two readers: the General Prosecutor's Office with sub-units (the whole
service) and a Baku district office without sub-units.

- `stats_collegium`: `eprok.stats.reports.build("collegium", user, {start, end, unit, as_of})` for the
  last full calendar year against the same period of the year before (the report's own queries: two
  grouped counts by kind/body/category/ground, one by kind/unit/ground, the unit's children and their
  paths; then the tables in Python), and one SELECT over stats_card with conditional aggregation —
  `SUM(CASE WHEN <period> AND <kind> THEN sign ELSE 0 END)` for each measure and period — under the same
  scope, subtree, period and "as of" filters, grouped by GROUPING SETS ((), (body), (category),
  (unit_id)) on PostgreSQL (a UNION ALL of the four groupings on SQLite, which has no grouping sets). The
  figures of the SQL are laid out as the report's tables (the unit rows summed to the unit's children in
  Python) and compared with the report's, cell by cell: any difference fails the scenario.
- `stats_dashboard`: the dashboard's data — the indicators of this year to date against the same period
  last year and the series of the last 12 months — through `eprok.stats.dashboard` when that module
  offers `dashboard_data(user, ...)`, otherwise through the equivalent `selectors.card_counts` calls (the
  table says which), against one SELECT grouped by year and month with conditional aggregation.

Each side runs for up to --duration seconds (at most MAX_ITERATIONS calls, at least one), after one
unmeasured call; the table gives p50/p95 and the ratio of the p50s (and of the p95s).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.load import percentile
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, Scenario, ScenarioSkipped, register

MAX_ITERATIONS = 300
COLUMNS = ["reader / measured", "p50 ms", "p95 ms", "n", "queries", "rows", "report ÷ p50", "report ÷ p95"]
# The hand-written statements the report is measured against (see collegium_sql).
SQL_VARIANTS = (("conditional aggregation", False), ("pre-aggregated, then conditional", True))

UNSOLVED_GROUND = "53.1.1"
# measure → (kinds, ground or None): what each figure of the report counts.
MEASURES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "opened": (("opened",), None),
    "solved": (("solved",), None),
    "unsolved": (("suspended",), UNSOLVED_GROUND),
    "completed": (("sent_to_court", "terminated", "referred"), None),
    "sent_to_court": (("sent_to_court",), None),
    "terminated": (("terminated",), None),
    "registered": (("registered",), None),
    "refused": (("refused",), None),
    "convicted": (("convicted",), None),
    "acquitted": (("acquitted",), None),
    "returned": (("returned",), None),
}
REPORT_KINDS = sorted({kind for kinds, _ground in MEASURES.values() for kind in kinds})
# The summary rows of the report (its "key" cell) → the measure giving them.
SUMMARY_KEYS = {
    "opened": "opened",
    "solved": "solved",
    "completed": "completed",
    "sent_to_court": "sent_to_court",
    "terminated": "terminated",
    "registered": "registered",
    "refused": "refused",
    "convicted": "convicted",
    "acquitted": "acquitted",
    "returned": "returned",
}
BREAKDOWN = ("opened", "solved", "unsolved", "completed", "sent_to_court")


class FiguresDiffer(AssertionError):
    """The measured code and the hand-written SQL disagree on a figure."""


@dataclass
class Reader:
    label: str
    user: Any
    unit: Any  # org.Unit: the unit the report is asked for


def _ms(samples: list[float], p: float) -> float | None:
    return percentile(samples, p) * 1000 if samples else None


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


def _queries(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def _ratio(a: float | None, b: float | None) -> str | None:
    return f"{a / b:.2f}×" if a and b else None


def year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def readers() -> list[Reader]:
    from bench.seeding_stats import stats_readers
    from eprok.org.models import RoleAssignment
    from eprok.org.roles import Role

    gpo, district = stats_readers(create=True)
    out = []
    for label, user in (("GPO, with sub-units", gpo), ("district office, own unit", district)):
        grant = RoleAssignment.objects.select_related("unit").get(employee=user, role=Role.VIEW_STATISTICS)
        out.append(Reader(label, user, grant.unit))
    return out


def _seeded(ctx: BenchContext) -> int:
    """The number of seeded cards; seeds them at the run's scale when a reused database has none."""
    from bench.seeding_stats import seed_cards, seeded_cards

    cards = seeded_cards()
    if not cards:
        seed_cards(ctx.scale, progress=ctx.progress)
        cards = seeded_cards()
    return cards


def scope_sql(user: Any) -> tuple[str, list[Any]]:
    """The reader's statistics scope as SQL on stats_card (what access.card_scope says, by hand)."""
    from eprok.stats.access import grants

    parts: list[str] = []
    params: list[Any] = []
    for grant in grants(user):
        if grant.include_subunits:
            parts.append("unit_path LIKE %s")
            params.append(grant.unit_path + "%")
        else:
            parts.append("unit_id = %s")
            params.append(grant.unit_id)
    return "(" + (" OR ".join(parts) or "1 = 0") + ")", params


def _measure_case(measure: str, period: str, value: str = "sign") -> str:
    kinds, ground = MEASURES[measure]
    kind_sql = " OR ".join(f"kind = '{kind}'" for kind in kinds)
    ground_sql = f" AND ground = '{ground}'" if ground else ""
    return f"SUM(CASE WHEN {period} AND ({kind_sql}){ground_sql} THEN {value} ELSE 0 END)"


# --- the collegium report -------------------------------------------------------------------------------

SETS = (  # (GROUPING(body, category, unit_id), the columns, GROUP BY) of each grouping
    (7, "NULL, NULL, NULL", ""),
    (3, "body, NULL, NULL", " GROUP BY body"),
    (5, "NULL, category, NULL", " GROUP BY category"),
    (6, "NULL, NULL, unit_id", " GROUP BY unit_id"),
)


def collegium_sql(
    reader: Reader, start: dt.date, end: dt.date, as_of: dt.datetime, *, preaggregate: bool = False
) -> tuple[str, list[Any]]:
    """ONE statement: every figure of the report for both periods, by nothing/body/category/unit.

    Plain: conditional aggregation straight over the cards. `preaggregate`: the same conditional
    aggregation over a derived table that first sums the signs per period, kind, ground, body, category
    and unit (a few thousand groups), so the per-card work is one hash aggregate."""
    scope, scope_params = scope_sql(reader.user)
    prev_start, prev_end = year_before(start), year_before(end)
    kinds = ", ".join(f"'{kind}'" for kind in REPORT_KINDS)
    where = (
        f"{scope} AND unit_path LIKE %s AND recorded_at <= %s AND kind IN ({kinds}) "
        "AND ((occurred_on >= %s AND occurred_on <= %s) OR (occurred_on >= %s AND occurred_on <= %s))"
    )
    where_params = [*scope_params, reader.unit.path + "%", as_of, start, end, prev_start, prev_end]
    aggregates: list[str] = []
    agg_params: list[Any] = []
    for measure in MEASURES:
        for name, (a, b) in (("cur", (start, end)), ("prev", (prev_start, prev_end))):
            if preaggregate:
                period = "per = 1" if name == "cur" else "per = 2"
                aggregates.append(f"{_measure_case(measure, period, 'n')} AS {name}_{measure}")
            else:
                period = "(occurred_on >= %s AND occurred_on <= %s)"
                aggregates.append(f"{_measure_case(measure, period)} AS {name}_{measure}")
                agg_params.extend([a, b])
    select = ", ".join(aggregates)
    prefix, source, source_params = "", "stats_card", where_params
    if preaggregate:
        prefix = (
            "WITH t AS (SELECT CASE WHEN occurred_on >= %s AND occurred_on <= %s THEN 1 ELSE 2 END AS per, "  # noqa: S608
            f"kind, ground, body, category, unit_id, SUM(sign) AS n FROM stats_card WHERE {where} "
            "GROUP BY 1, kind, ground, body, category, unit_id) "
        )
        source_params = [start, end, *where_params]
        where, where_params, source = "1 = 1", [], "t"
    if connection.vendor == "postgresql":
        sql = (
            f"{prefix}SELECT GROUPING(body, category, unit_id) AS grp, body, category, unit_id, {select} "  # noqa: S608
            f"FROM {source} WHERE {where} GROUP BY GROUPING SETS ((), (body), (category), (unit_id))"
        )
        if preaggregate:
            return sql, [*source_params, *agg_params]
        return sql, [*agg_params, *where_params]
    parts = []
    params: list[Any] = list(source_params) if preaggregate else []
    for grp, columns, group_by in SETS:
        parts.append(f"SELECT {grp} AS grp, {columns}, {select} FROM {source} WHERE {where}{group_by}")  # noqa: S608
        params.extend([*agg_params, *where_params])
    return prefix + " UNION ALL ".join(parts), params


def run_sql(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def _names() -> list[str]:
    return [f"{period}_{measure}" for measure in MEASURES for period in ("cur", "prev")]


def sql_figures(rows: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    """The statement's rows as {"total": {...}, "body": {code: {...}}, "category": {...}, "unit": {...}}."""
    names = _names()
    out: dict[str, Any] = {"total": dict.fromkeys(names, 0), "body": {}, "category": {}, "unit": {}}
    for row in rows:
        grp, body, category, unit_id = row[:4]
        values = {name: int(value or 0) for name, value in zip(names, row[4:], strict=True)}
        if grp == 7:
            out["total"] = values
        elif grp == 3:
            out["body"][body] = values
        elif grp == 5:
            out["category"][category] = values
        elif grp == 6:
            out["unit"][unit_id] = values
    return out


def _rate(solved: int, unsolved: int) -> Decimal | None:
    from eprok.stats.tables import percent

    return percent(solved, solved + unsolved)


def _breakdown_cells(values: Mapping[str, int]) -> list[Any]:
    m = {key: values.get(f"cur_{key}", 0) for key in BREAKDOWN}
    return [m["opened"], m["solved"], _rate(m["solved"], m["unsolved"]), m["completed"], m["sent_to_court"]]


def _sum(parts: Sequence[Mapping[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in parts:
        for key, value in part.items():
            out[key] = out.get(key, 0) + value
    return out


def expected_tables(reader: Reader, figures: Mapping[str, Any]) -> dict[str, list[list[Any]]]:
    """The SQL's figures laid out as the report's tables (the numeric cells of each row, in order)."""
    from eprok.criminal_code.models import GravityCategory
    from eprok.org.models import Unit
    from eprok.stats import access
    from eprok.stats.reports.collegium import BODY_LABELS
    from eprok.stats.selectors import children_of

    total = figures["total"]
    summary = []
    for key, measure in SUMMARY_KEYS.items():
        summary.append([key, total[f"cur_{measure}"], total[f"prev_{measure}"]])
    rate_now = _rate(total["cur_solved"], total["cur_unsolved"])
    rate_before = _rate(total["prev_solved"], total["prev_unsolved"])
    summary.append(["solve_rate", rate_now, rate_before])

    bodies: dict[str, list[Mapping[str, int]]] = {code: [] for code in BODY_LABELS}
    for code, values in figures["body"].items():
        bodies[code if code in BODY_LABELS else "other"].append(values)
    body_rows = [_breakdown_cells(_sum(parts)) for parts in bodies.values()]
    body_rows.append(_breakdown_cells(total))

    keys: list[int | None] = [*GravityCategory.values, None]
    categories: dict[int | None, list[Mapping[str, int]]] = {key: [] for key in keys}
    for key, values in figures["category"].items():
        categories[key if key in categories else None].append(values)
    category_rows = [_breakdown_cells(_sum(parts)) for parts in categories.values()]
    category_rows.append(_breakdown_cells(total))

    unit = reader.unit
    children = [child for child in children_of(unit) if access.can_drill(reader.user, child)]
    paths = dict(Unit.objects.filter(pk__in=list(figures["unit"])).values_list("pk", "path"))
    owned: dict[int, list[Mapping[str, int]]] = {child.pk: [] for child in children}
    own: list[Mapping[str, int]] = []
    for pk, values in figures["unit"].items():
        path = paths.get(pk, "")
        owner = next((child.pk for child in children if path.startswith(child.path)), None)
        (owned[owner] if owner is not None else own).append(values)
    unit_rows = [_breakdown_cells(_sum(owned[child.pk])) for child in children]
    own_values = _sum(own)
    if any(own_values.get(f"cur_{key}", 0) for key in BREAKDOWN):
        unit_rows.append(_breakdown_cells(own_values))
    unit_rows.append(_breakdown_cells(_sum([*[_sum(v) for v in owned.values()], own_values])))
    return {"summary": summary, "bodies": body_rows, "categories": category_rows, "units": unit_rows}


def report_tables(report: Any) -> dict[str, list[list[Any]]]:
    """The report's figures in the same layout (summary: key, this period, last year; breakdowns: the
    numeric cells of each row)."""
    out: dict[str, list[list[Any]]] = {}
    summary = report.table("summary")
    rows = [
        [row.cells.get("key"), row.cells.get("current"), row.cells.get("previous")] for row in summary.rows
    ]
    rates = [row for row in rows if row[0] == "solve_rate"]
    out["summary"] = [row for row in rows if row[0] in SUMMARY_KEYS] + rates
    out["summary"].sort(key=lambda row: ([*SUMMARY_KEYS, "solve_rate"]).index(row[0]))
    for key in ("bodies", "categories", "units"):
        table = report.table(key)
        numeric = [column.key for column in table.columns if column.numeric]
        out[key] = [[row.cells.get(name) for name in numeric] for row in table.rows]
    return out


def compare(found: Mapping[str, list[list[Any]]], expected: Mapping[str, list[list[Any]]], what: str) -> int:
    """Raise FiguresDiffer at the first difference; return the number of figures compared."""
    compared = 0
    for table, rows in expected.items():
        got = found.get(table)
        if got is None or len(got) != len(rows):
            raise FiguresDiffer(
                f"{what}: table {table!r} has {len(got or [])} rows, the SQL gives {len(rows)}"
            )
        for n, (a, b) in enumerate(zip(got, rows, strict=True)):
            if [None if v is None else Decimal(str(v)) if not isinstance(v, str) else v for v in a] != [
                None if v is None else Decimal(str(v)) if not isinstance(v, str) else v for v in b
            ]:
                raise FiguresDiffer(f"{what}: table {table!r} row {n}: measured {a}, hand-written SQL {b}")
            compared += len(b)
    return compared


def collegium_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar year."""
    return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)


class StatsCollegium(Scenario):
    name = "stats_collegium"
    title = "Collegium report (in-process): eprok.stats.reports.build vs one hand-written SQL statement"

    def setup(self, ctx: BenchContext) -> None:
        cards = _seeded(ctx)
        ctx.state[self.name] = {"readers": readers(), "cards": cards}

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from eprok.stats.reports import build

        state = ctx.state[self.name]
        start, end = collegium_period(timezone.localdate())
        as_of = timezone.now()
        rows: list[list[Any]] = []
        data: dict[str, Any] = {"cards": state["cards"], "vendor": connection.vendor, "readers": {}}
        for reader in state["readers"]:
            ctx.progress(f"{self.name}: {reader.label}")
            params = {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "unit": reader.unit.code,
                "as_of": as_of.isoformat(),
            }
            report_call = partial(build, "collegium", reader.user, params)
            report = report_call()
            found = report_tables(report)
            statements = {}
            for variant, preaggregate in SQL_VARIANTS:
                sql, sql_params = collegium_sql(reader, start, end, as_of, preaggregate=preaggregate)
                sql_call = partial(run_sql, sql, sql_params)
                expected = expected_tables(reader, sql_figures(sql_call()))
                compared = compare(found, expected, f"{reader.label}, {variant}")
                statements[variant] = (sql, sql_params, sql_call)
            report_samples, _report = timed(report_call, seconds=ctx.duration)
            report_queries = _queries(report_call)
            p50, p95 = _ms(report_samples, 50), _ms(report_samples, 95)
            rows.append([f"{reader.label} ({reader.unit.code})"] + [""] * 7)
            shown = sum(len(table.rows) for table in report.tables)
            rows.append(["  report (build)", p50, p95, len(report_samples), report_queries, shown, "", ""])
            entry: dict[str, Any] = {
                "unit": reader.unit.code,
                "report": {"p50_ms": p50, "p95_ms": p95, "n": len(report_samples), "queries": report_queries},
                "figures_compared": compared,
            }
            for variant, (sql, sql_params, sql_call) in statements.items():
                sql_samples, sql_rows = timed(sql_call, seconds=ctx.duration)
                s50, s95 = _ms(sql_samples, 50), _ms(sql_samples, 95)
                rows.append([f"  SQL, {variant}", s50, s95, len(sql_samples), 1, len(sql_rows),
                             _ratio(p50, s50), _ratio(p95, s95)])  # fmt: skip
                entry[variant] = {
                    "p50_ms": s50,
                    "p95_ms": s95,
                    "n": len(sql_samples),
                    "rows": len(sql_rows),
                    "report_ratio_p50": (p50 / s50) if p50 and s50 else None,
                    "report_ratio_p95": (p95 / s95) if p95 and s95 else None,
                    "statement": sql,
                }
                if connection.vendor == "postgresql":
                    entry[variant]["explain"] = explain(sql, sql_params)
            data["readers"][reader.label] = entry
        notes = [
            f"{state['cards']:,} statistical cards on {connection.vendor}; period {start} to {end} against"
            f" {year_before(start)} to {year_before(end)}, as of the run's start; one thread; each loop"
            f" bounded by {ctx.duration:g} s and {MAX_ITERATIONS} calls.",
            "Figures of both statements checked equal to the report's, cell by cell (summary for both"
            " periods, by body, by category, by unit), before timing. ÷: the report's p50 (p95) over the"
            " statement's.",
        ]
        return ScenarioResult(self.title, COLUMNS, rows, notes, data)


def explain(sql: str, params: Sequence[Any]) -> str:
    rows = run_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    return "\n".join(str(row[0]) for row in rows)


# --- the dashboard --------------------------------------------------------------------------------------

# The dashboard's tiles (eprok.stats.dashboard._indicators) → the measure each counts.
DASHBOARD_TILES = {
    "opened": "opened",
    "solved": "solved",
    "sent_to_court": "sent_to_court",
    "registered": "registered",
    "refused": "refused",
}
DASHBOARD_MEASURES = (*DASHBOARD_TILES.values(), "unsolved")


def dashboard_data(dashboard: Any) -> dict[str, Any]:
    """The figures of an eprok.stats.dashboard.Dashboard: tiles (key → now, before) and the series."""
    return {
        "tiles": {tile.key: (tile.now, tile.before) for tile in dashboard.indicators},
        "series": {series.kind: list(series.points) for series in dashboard.series},
    }


def dashboard_sql(user: Any, today: dt.date) -> tuple[str, list[Any], dict[str, Any]]:
    """ONE statement grouped by year and month: this year to date, the same period last year and the
    12-month series, each a conditional sum of signs (no "as of": the dashboard counts every card)."""
    from eprok.stats.dashboard import TREND_KINDS, month_starts, same_day_last_year, year_start

    scope, scope_params = scope_sql(user)
    start, end = year_start(today), today
    before_start, before_end = year_start(same_day_last_year(today)), same_day_last_year(today)
    months = month_starts(today)
    period = "(occurred_on >= %s AND occurred_on <= %s)"
    columns: list[str] = []
    params: list[Any] = []
    for measure in DASHBOARD_MEASURES:
        columns.append(_measure_case(measure, period))
        params.extend([start, end])
        columns.append(_measure_case(measure, period))
        params.extend([before_start, before_end])
    for kind in TREND_KINDS:
        columns.append(f"SUM(CASE WHEN {period} AND kind = '{kind}' THEN sign ELSE 0 END)")
        params.extend([months[0], end])
    kinds = sorted({kind for m in DASHBOARD_MEASURES for kind in MEASURES[m][0]} | set(TREND_KINDS))
    kind_list = ", ".join(f"'{kind}'" for kind in kinds)
    if connection.vendor == "postgresql":
        year, month = "EXTRACT(YEAR FROM occurred_on)::int", "EXTRACT(MONTH FROM occurred_on)::int"
    else:
        year = "CAST(strftime('%%Y', occurred_on) AS INTEGER)"
        month = "CAST(strftime('%%m', occurred_on) AS INTEGER)"
    sql = (
        f"SELECT {year} AS y, {month} AS m, {', '.join(columns)} FROM stats_card "  # noqa: S608
        f"WHERE {scope} AND kind IN ({kind_list}) "
        "AND (occurred_on >= %s AND occurred_on <= %s OR occurred_on >= %s AND occurred_on <= %s) "
        "GROUP BY 1, 2"
    )
    params.extend([*scope_params, before_start, before_end, min(start, months[0]), end])
    return sql, params, {"months": months, "trend_kinds": TREND_KINDS}


def dashboard_sql_figures(rows: Sequence[tuple[Any, ...]], layout: Mapping[str, Any]) -> dict[str, Any]:
    """The statement's rows laid out as `dashboard_data`: the tiles with the solve rate, the series."""
    now = dict.fromkeys(DASHBOARD_MEASURES, 0)
    before = dict.fromkeys(DASHBOARD_MEASURES, 0)
    trend_kinds: Sequence[str] = layout["trend_kinds"]
    found: dict[tuple[int, int, str], int] = {}
    for row in rows:
        y, m, values = int(row[0]), int(row[1]), [int(v or 0) for v in row[2:]]
        for i, measure in enumerate(DASHBOARD_MEASURES):
            now[measure] += values[2 * i]
            before[measure] += values[2 * i + 1]
        for j, kind in enumerate(trend_kinds):
            found[(y, m, kind)] = values[2 * len(DASHBOARD_MEASURES) + j]
    tiles: dict[str, tuple[Any, Any]] = {key: (now[m], before[m]) for key, m in DASHBOARD_TILES.items()}
    tiles["solve_rate"] = (
        _rate(now["solved"], now["unsolved"]),
        _rate(before["solved"], before["unsolved"]),
    )
    series = {
        kind: [(month, found.get((month.year, month.month, kind), 0)) for month in layout["months"]]
        for kind in trend_kinds
    }
    return {"tiles": tiles, "series": series}


def compare_dashboard(found: Mapping[str, Any], expected: Mapping[str, Any], what: str) -> int:
    """Raise FiguresDiffer at the first difference; return the number of figures compared."""
    compared = 0
    for key, pair in expected["tiles"].items():
        if found["tiles"].get(key) != pair:
            raise FiguresDiffer(f"{what}: tile {key!r}: measured {found['tiles'].get(key)}, SQL {pair}")
        compared += 2
    if set(found["tiles"]) != set(expected["tiles"]):
        raise FiguresDiffer(f"{what}: tiles {sorted(found['tiles'])}, SQL {sorted(expected['tiles'])}")
    for kind, points in expected["series"].items():
        if found["series"].get(kind) != points:
            raise FiguresDiffer(
                f"{what}: series {kind!r}: measured {found['series'].get(kind)}, SQL {points}"
            )
        compared += len(points)
    return compared


class StatsDashboard(Scenario):
    name = "stats_dashboard"
    title = "Statistics dashboard (in-process): eprok.stats.dashboard.dashboard vs one hand-written SQL"

    def setup(self, ctx: BenchContext) -> None:
        cards = _seeded(ctx)
        try:
            from eprok.stats.dashboard import dashboard  # noqa: F401
        except ImportError as exc:
            raise ScenarioSkipped("eprok.stats.dashboard.dashboard is not in this build") from exc
        ctx.state[self.name] = {"readers": readers(), "cards": cards}

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from eprok.stats.dashboard import dashboard

        state = ctx.state[self.name]
        today = timezone.localdate()
        rows: list[list[Any]] = []
        data: dict[str, Any] = {"cards": state["cards"], "vendor": connection.vendor, "readers": {}}
        for reader in state["readers"]:
            ctx.progress(f"{self.name}: {reader.label}")
            sql, sql_params, layout = dashboard_sql(reader.user, today)
            sql_call = partial(run_sql, sql, sql_params)
            measured = partial(dashboard, reader.user, today=today)
            compared = compare_dashboard(
                dashboard_data(measured()), dashboard_sql_figures(sql_call(), layout), reader.label
            )
            sql_samples, sql_rows = timed(sql_call, seconds=ctx.duration)
            samples, _result = timed(measured, seconds=ctx.duration)
            queries = _queries(measured)
            p50, p95 = _ms(samples, 50), _ms(samples, 95)
            s50, s95 = _ms(sql_samples, 50), _ms(sql_samples, 95)
            rows.append([f"{reader.label} ({reader.unit.code})"] + [""] * 7)
            rows.append(["  dashboard()", p50, p95, len(samples), queries, None, "", ""])
            sql_row = ["  SQL, conditional aggregation", s50, s95, len(sql_samples), 1, len(sql_rows)]
            rows.append([*sql_row, _ratio(p50, s50), _ratio(p95, s95)])
            data["readers"][reader.label] = {
                "unit": reader.unit.code,
                "measured": {"p50_ms": p50, "p95_ms": p95, "n": len(samples), "queries": queries},
                "sql": {"p50_ms": s50, "p95_ms": s95, "n": len(sql_samples), "rows": len(sql_rows)},
                "ratio_p50": (p50 / s50) if p50 and s50 else None,
                "ratio_p95": (p95 / s95) if p95 and s95 else None,
                "figures_compared": compared,
                "statement": sql,
            }
            if connection.vendor == "postgresql":
                data["readers"][reader.label]["explain_sql"] = explain(sql, sql_params)
        notes = [
            f"{state['cards']:,} statistical cards on {connection.vendor}; the tiles (this year to {today}"
            " against the same period last year) and the 12-month trend, for the whole scope; one thread;"
            f" each loop bounded by {ctx.duration:g} s and {MAX_ITERATIONS} calls.",
            "Figures (tiles for both periods, every point of every series) checked equal to the SQL's"
            " before timing.",
        ]
        return ScenarioResult(self.title, COLUMNS, rows, notes, data)


register(StatsCollegium())
register(StatsDashboard())
