"""Appeals scenarios: the register list of a unit, the card of an appeal in work, and submissions on the
public portal with a check that none is lost.

The list and the card are measured as the casework ones (bench/scenarios/casework.py): against the bare
view returning the same bytes (and, for the card, the one-row view), with hand-written SQL for the same
rows and the page's own SELECTs replayed in-process. The portal scenario drives the citizen's whole
cycle from each client: open the form (its signed proof-of-work challenge and the CSRF token), solve
the challenge, post the appeal; the latency is the POST's, the rate is whole submissions per second.
After the run the appeals registered with the run's marker are counted against the 200 receipts.
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import os
import re
import secrets
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.load import drive, fetch, percentile
from bench.report import ScenarioResult
from bench.scenarios.base import BenchContext, ScenarioSkipped, Server, register
from bench.scenarios.casework import (
    RAW_MAX_ITERATIONS,
    ListVsRaw,
    SqlTiming,
    Statement,
    _columns,
    _counts,
    _iterations,
    _table,
    _write_table,
    main_table,
    page_selects,
    routed,
    slowest,
    time_sql,
)
from bench.scenarios.pages import (
    COLUMNS,
    PageVsBaseline,
    capture_queries,
    count_queries,
    load_notes,
    signed_in_session,
    target_row,
)
from bench.seeding import bench_employee
from bench.seeding_appeals import bench_appeals_unit
from bench.views import write_one_row

# The portal's proof-of-work for the bench server: low, so that the client's solving (Python, on the
# same cores as the server) does not dominate; checking a solution costs the server one hash whatever
# the difficulty. The rate limit per client address is lifted (every client is 127.0.0.1).
BENCH_POW_BITS = 8
BENCH_PORTAL_RATE = "1000000/h"
PORTAL_ENV = {
    "EPROK_PORTAL_POW_DIFFICULTY": str(BENCH_POW_BITS),
    "EPROK_PORTAL_RATE_APPEAL": BENCH_PORTAL_RATE,
}
PORTAL_TOPIC = "housing"

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_POW_INPUT = re.compile(r'name="pow_challenge" value="([^"]+)"')
_POW_BITS = re.compile(r'data-pow-bits="(\d+)"')
_NUMBER = re.compile(r'data-testid="appeal-number">([^<]+)<')


def _cookie(user: Any) -> dict[str, str]:
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"}


def _bench_user() -> Any:
    user = bench_employee()
    if user is None:
        raise ScenarioSkipped("the benchmark employee was not seeded")
    return user


def _appeals_unit() -> Any:
    from eprok.appeals.models import Appeal

    unit = bench_appeals_unit()
    if unit is None or not Appeal.objects.filter(unit=unit).exists():
        raise ScenarioSkipped("no appeals in the benchmark employee's unit: run the appeals seeder")
    return unit


# --- the register list ---------------------------------------------------------------------------------


class AppealList(ListVsRaw):
    """The appeals in work in the documents department, first page, as its clerk and executor."""

    name = "appeal_list"
    title = "Appeals register of a unit (GET /appeals/?unit=<code>&status=in_work), its clerk signed in"
    label = "Appeals list"
    url_name = "appeals:list"
    list_path = "/appeals/"
    page_size_module = "eprok.appeals.views.base"

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        return _cookie(_bench_user())

    def setup(self, ctx: BenchContext) -> None:
        PageVsBaseline.setup(self, ctx)
        unit = _appeals_unit()
        self.path = f"{self.list_path}?{self.query(unit)}"
        ctx.state[self.name]["unit"] = unit

    def query(self, unit: Any) -> str:
        return f"unit={unit.code}&status=in_work"

    def raw_statements(self, unit: Any, page_size: int) -> list[Statement]:
        """What each row of the page shows: number, registration time, applicant, channel, topic,
        status, executor and answer due; and the count the paginator shows."""
        from eprok.appeals.models import Appeal, AppealTopic
        from eprok.org.models import Employee, Unit

        columns = _columns(
            Appeal,
            "a",
            (
                "number", "registered_at", "applicant_last_name", "applicant_first_name",
                "applicant_patronymic", "organisation", "is_anonymous", "is_collective", "channel", "status",
                "outcome", "answer_due",
            ),
        )  # fmt: skip
        return [
            (
                f"SELECT {columns}, t.name_az, eu.name_az, e.last_name, e.first_name, e.patronymic "  # noqa: S608
                f"FROM {_table(Appeal)} a LEFT JOIN {_table(AppealTopic)} t ON t.id = a.topic_id "
                f"LEFT JOIN {_table(Unit)} eu ON eu.id = a.executor_unit_id "
                f"LEFT JOIN {_table(Employee)} e ON e.id = a.executor_id "
                "WHERE a.unit_id = %s AND a.status = %s ORDER BY a.registered_at DESC, a.id DESC LIMIT %s",
                [unit.pk, "in_work", page_size],
            ),
            (
                f"SELECT COUNT(*) FROM {_table(Appeal)} a WHERE a.unit_id = %s AND a.status = %s",  # noqa: S608
                [unit.pk, "in_work"],
            ),
        ]


# --- the card ------------------------------------------------------------------------------------------


def bench_appeal() -> Any:
    """An open appeal in work the benchmark employee executes, with as full a card as there is: a repeat
    of an earlier appeal, an extension, a drafted answer, attachments."""
    from eprok.appeals.models import Answer, Appeal

    user = bench_employee()
    unit = bench_appeals_unit()
    if user is None or unit is None:
        return None
    rows = list(
        Appeal.objects.filter(unit=unit, executor=user, status="in_work")
        .annotate(
            n_files=Count("attachments", distinct=True),
            n_ext=Count("extensions", distinct=True),
            n_res=Count("resolutions", distinct=True),
        )
        .order_by("pk")
        .values_list("pk", "repeat_of_id", "n_files", "n_ext", "n_res")[:2000]
    )
    answered = set(
        Answer.objects.filter(appeal_id__in=[r[0] for r in rows]).values_list("appeal_id", flat=True)
    )

    def fullness(row: tuple[int, int | None, int, int, int]) -> tuple[int, int]:
        pk, repeat_of, files, extensions, resolutions = row
        have = (repeat_of is not None) + (files > 0) + (extensions > 0) + (resolutions > 0) + (pk in answered)
        return have, -pk

    best = max(rows, key=fullness, default=None)
    return Appeal.objects.filter(pk=best[0]).first() if best else None


def card_statements(appeal: Any) -> list[Statement]:
    """Hand-written SQL for what the card shows: the appeal with its units, topic, sector, people and
    the earlier appeal's number; its answer; its resolutions, extensions, forwardings and files; the
    applicant's other appeals; and its history in the audit log (8 statements)."""
    from eprok.appeals import models as m
    from eprok.audit.models import AuditEvent
    from eprok.org.models import Employee, Unit

    appeal_columns = _columns(
        m.Appeal,
        "a",
        (
            "id", "public_id", "number", "channel", "kind", "is_collective", "signatories",
            "applicant_last_name", "applicant_first_name", "applicant_patronymic", "applicant_fin",
            "applicant_address", "applicant_email", "applicant_phone", "organisation", "notify_email",
            "notify_sms", "language", "received_at", "registered_at", "text", "complained_text", "status",
            "answer_rule", "answer_due", "forward_due", "outcome", "unconsidered_ground", "closed_at",
            "escalation", "is_anonymous", "external_id", "version",
        ),
    )  # fmt: skip
    answer_columns = _columns(
        m.Answer, "ans", ("status", "text", "outcome", "drafted_at", "approved_at", "sent_at", "delivered_at")
    )
    people = "{0}.last_name, {0}.first_name, {0}.patronymic"

    # As one would write it by hand: the appeal with the four relations a card always shows joined;
    # the rarely set ones as scalar subqueries (planned apart, so the join search stays small); the
    # answer with its two people in a statement of its own.
    def one(column: str, table: str, key: str) -> str:
        return f"(SELECT x.{column} FROM {table} x WHERE x.id = a.{key})"  # noqa: S608

    employees, units = _table(Employee), _table(Unit)
    scalars = ", ".join(
        (
            one("last_name", employees, "registered_by_id"),
            one("first_name", employees, "registered_by_id"),
            one("name_az", units, "escalated_to_id"),
            one("name_az", units, "complained_unit_id"),
            one("number", _table(m.Appeal), "repeat_of_id"),
            one("name_az", _table(m.Sector), "concerned_body_id"),
        )
    )
    header: Statement = (
        f"SELECT {appeal_columns}, u.name_az, t.name_az, eu.name_az, {people.format('ex')}, {scalars} "  # noqa: S608
        f"FROM {_table(m.Appeal)} a JOIN {units} u ON u.id = a.unit_id "
        f"LEFT JOIN {_table(m.AppealTopic)} t ON t.id = a.topic_id "
        f"LEFT JOIN {units} eu ON eu.id = a.executor_unit_id "
        f"LEFT JOIN {employees} ex ON ex.id = a.executor_id "
        "WHERE a.number = %s",
        [appeal.number],
    )
    answer: Statement = (
        f"SELECT {answer_columns}, {people.format('dr')}, {people.format('ap')} "  # noqa: S608
        f"FROM {_table(m.Answer)} ans JOIN {employees} dr ON dr.id = ans.drafted_by_id "
        f"LEFT JOIN {employees} ap ON ap.id = ans.approved_by_id WHERE ans.appeal_id = %s",
        [appeal.pk],
    )
    children: list[Statement] = [
        answer,
        (
            f"SELECT r.created_at, r.instruction, r.due_date, {people.format('au')}, eu.name_az, "  # noqa: S608
            f"{people.format('ex')} FROM {_table(m.Resolution)} r "
            f"JOIN {_table(Employee)} au ON au.id = r.author_id "
            f"JOIN {_table(Unit)} eu ON eu.id = r.executor_unit_id "
            f"LEFT JOIN {_table(Employee)} ex ON ex.id = r.executor_id "
            "WHERE r.appeal_id = %s ORDER BY r.created_at, r.id",
            [appeal.pk],
        ),
        (
            f"SELECT x.created_at, x.length, x.step, x.reason, x.applicant_informed, {people.format('g')} "  # noqa: S608
            f"FROM {_table(m.AppealExtension)} x JOIN {_table(Employee)} g ON g.id = x.granted_by_id "
            "WHERE x.appeal_id = %s ORDER BY x.created_at, x.id",
            [appeal.pk],
        ),
        (
            f"SELECT f.to_body, f.sent_at, f.covering_letter, {people.format('sb')} "  # noqa: S608
            f"FROM {_table(m.Forwarding)} f JOIN {_table(Employee)} sb ON sb.id = f.sent_by_id "
            "WHERE f.appeal_id = %s ORDER BY f.sent_at, f.id",
            [appeal.pk],
        ),
        (
            f"SELECT f.id, f.original_name, f.size FROM {_table(m.AppealAttachment)} f "  # noqa: S608
            "WHERE f.appeal_id = %s ORDER BY f.id",
            [appeal.pk],
        ),
    ]
    who, params = _same_applicant_sql(appeal)
    if who:
        children.append(
            (
                "SELECT o.number, o.registered_at, o.status, o.outcome, o.repeat_of_id, t.name_az "  # noqa: S608
                f"FROM {_table(m.Appeal)} o LEFT JOIN {_table(m.AppealTopic)} t ON t.id = o.topic_id "
                f"WHERE ({who}) AND o.id <> %s ORDER BY o.registered_at DESC, o.id DESC LIMIT 20",
                [*params, appeal.pk],
            )
        )
    children.append(
        (
            "SELECT e.id, e.occurred_at, e.actor_name, e.action, e.changes, e.data "  # noqa: S608
            f"FROM {_table(AuditEvent)} e "
            "WHERE e.target_type = %s AND e.target_id = %s AND e.action NOT IN (%s, %s) "
            "ORDER BY e.id DESC LIMIT 200",
            [
                "appeals.appeal",
                str(appeal.public_id),
                "appeals.appeal.viewed",
                "appeals.appeal.attachment_read",
            ],
        )
    )
    return [header, *children]


def _same_applicant_sql(appeal: Any) -> tuple[str, list[Any]]:
    """The condition of eprok.appeals.services.registration.same_applicant, in SQL."""
    parts: list[str] = []
    params: list[Any] = []
    if appeal.applicant_fin:
        parts.append("o.applicant_fin = %s")
        params.append(appeal.applicant_fin)
    if appeal.person_id:
        parts.append("o.person_id = %s")
        params.append(appeal.person_id)
    contacts = [
        (c, v)
        for c, v in (("applicant_phone", appeal.applicant_phone), ("applicant_email", appeal.applicant_email))
        if v
    ]
    if appeal.applicant_name_key and contacts:
        parts.append(
            "(o.applicant_name_key = %s AND ("
            + " OR ".join(f"o.{column} = %s" for column, _v in contacts)
            + "))"
        )
        params.extend([appeal.applicant_name_key, *(v for _c, v in contacts)])
    return " OR ".join(parts), params


_HISTORY = re.compile(r'FROM "audit_auditevent".*"target_id" =', re.IGNORECASE | re.DOTALL)


def card_selects(queries: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """The card's reads, as casework.page_selects keeps them, plus the card's history: its SELECT on the
    audit log by target is a read of the page, not the request's plumbing (the audit trail of the read
    and the chain's head are)."""
    kept, skipped = [], []
    for query in queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith("SELECT") and _HISTORY.search(sql):
            kept.append(sql)
            continue
        own, other = page_selects([query])
        kept += own
        skipped += other
    return kept, skipped


def replay_card(
    path: str, headers: Mapping[str, str], *, iterations: int, max_seconds: float
) -> tuple[SqlTiming, dict[str, Any]]:
    """casework.replay_page with card_selects: the card's own SELECTs replayed in-process."""
    queries = capture_queries(path, headers, samples=1)[0]
    kept, skipped = card_selects(queries)
    timing = time_sql(
        f"the page's own {len(kept)} SELECTs, replayed",
        [(sql, None) for sql in kept],
        iterations=iterations,
        max_seconds=max_seconds,
    )
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


class AppealCard(PageVsBaseline):
    """GET the card of an appeal the employee executes, vs a one-row view and the bare view."""

    name = "appeal_card"
    title = "Appeal card (GET /appeals/<number>/), its executor signed in"
    label = "Appeal card"

    def unavailable(self) -> str | None:
        if not routed("/appeals/AP-BENCH-2000-00001/", "appeals:detail"):
            return "/appeals/<number>/ (appeals:detail) is not routed in this build"
        return None

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        return _cookie(_bench_user())

    def setup(self, ctx: BenchContext) -> None:
        super().setup(ctx)
        appeal = bench_appeal()
        if appeal is None:
            raise ScenarioSkipped(
                "no appeal in work executed by the benchmark employee: run the appeals seeder"
            )
        self.path = reverse("appeals:detail", kwargs={"number": appeal.number})
        ctx.state[self.name]["appeal"] = appeal

    def run(self, ctx: BenchContext) -> ScenarioResult:
        from eprok.audit.models import AuditEvent

        server = ctx.server
        assert server is not None
        appeal = ctx.state[self.name]["appeal"]
        captured = self.capture(ctx)
        headers = captured.headers
        one_row_path = write_one_row(
            ctx.baseline_dir, self.name, model="appeals.appeal", pk=appeal.pk, related=["unit", "executor"]
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
        views = AuditEvent.objects.filter(
            target_type="appeals.appeal", target_id=str(appeal.public_id)
        ).count()

        ctx.progress(f"{self.name}: the card's SQL in-process")
        iterations = _iterations(target)
        raw = time_sql(
            "raw SQL: the card's rows (appeal, answer, resolutions, extensions, forwardings, files, "
            "the applicant's other appeals, history)",
            card_statements(appeal),
            iterations=iterations,
            max_seconds=ctx.duration,
        )
        replay, replay_info = replay_card(self.path, headers, iterations=iterations, max_seconds=ctx.duration)
        rows: list[list[Any]] = [
            target_row(f"{self.label} {self.path}", target, queries["target"], ratio),
            target_row("one-row view: the appeal with unit and executor", one_row, queries["one_row"], 1.0),
            target_row(f"bare view, same {len(captured.body):,} bytes", bare, queries["bare"], bare_ratio),
            replay.row(raw),
            raw.row(raw),
        ]
        notes = [
            *load_notes(ctx),
            "vs baseline: requests per second relative to the one-row view (DESIGN.md §5: ≥ 60%).",
            f"SQL rows: in-process, one thread, Django's DB cursor, {iterations:,} iterations at most "
            f"(or {ctx.duration:g} s); req/s is passes per second; ratio of p50 to the raw SQL.",
            f"Every view of the card is audited: after the run the appeal has {views:,} audit events "
            "(its history query reads past them). Replayed: the card's SELECTs, its history read from the "
            f"audit log included; not replayed (request plumbing): {_counts(replay_info['not_replayed'])}.",
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
                "audit_events_of_the_appeal_after_the_run": views,
                "page_queries_replayed": {**replay.as_dict(), **replay_info},
                "raw_sql": raw.as_dict(),
                "replay_vs_raw": round(replay.p50_ms / raw.p50_ms, 3)
                if replay.p50_ms and raw.p50_ms
                else None,
            },
        )


# --- the public portal ---------------------------------------------------------------------------------


FormFetcher = Callable[[Mapping[str, str]], tuple[int, str, list[str]]]


@dataclass
class PortalSubmissions:
    """Gives each POST its body: a fresh form (challenge and CSRF token) fetched and solved per call.

    Thread-safe: each client thread keeps its own keep-alive connection and CSRF cookie. `phase` tags
    the appeals' text, so the ones registered in a phase can be counted afterwards."""

    path: str
    fetch_form: FormFetcher | None = None  # (headers) -> (status, html, set-cookie headers); else HTTP
    server: Server | None = None
    run: str = field(default_factory=lambda: secrets.token_hex(4))
    phase: str = "w"
    counter: Any = field(default_factory=lambda: itertools.count(1))
    get_seconds: list[float] = field(default_factory=list)
    solve_seconds: list[float] = field(default_factory=list)
    issued: Counter[str] = field(default_factory=Counter)
    _local: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _connections: list[http.client.HTTPConnection] = field(default_factory=list)

    def marker(self, phase: str | None = None) -> str:
        return f"[bench {self.run}-{phase or self.phase}-"

    def _get(self, headers: Mapping[str, str]) -> tuple[int, str, list[str]]:
        if self.fetch_form is not None:
            return self.fetch_form(headers)
        assert self.server is not None
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        try:
            conn.request(
                "GET", self.path, headers={"Host": f"{self.server.host}:{self.server.port}", **headers}
            )
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            raise
        cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
        return response.status, body.decode("utf-8", errors="replace"), cookies

    def __call__(self) -> tuple[bytes, Mapping[str, str]]:
        from eprok.portal import abuse

        csrf_cookie = getattr(self._local, "csrf", "")
        began = time.perf_counter()
        status, html, cookies = self._get({"Cookie": f"csrftoken={csrf_cookie}"} if csrf_cookie else {})
        fetched = time.perf_counter()
        if status != 200:
            raise RuntimeError(f"GET {self.path} answered {status}")
        for header in cookies:
            if header.startswith("csrftoken="):
                csrf_cookie = self._local.csrf = header.split(";", 1)[0].split("=", 1)[1]
        token_match, csrf_match, bits_match = (
            _POW_INPUT.search(html),
            _CSRF_INPUT.search(html),
            _POW_BITS.search(html),
        )
        if not (token_match and csrf_match and bits_match):
            raise RuntimeError(f"GET {self.path}: no challenge or CSRF token on the page")
        token = token_match.group(1).replace("&quot;", '"').replace("&amp;", "&")
        counter = abuse.solve(token, int(bits_match.group(1)))
        solved = time.perf_counter()
        n = next(self.counter)
        phase = self.phase
        with self._lock:
            self.get_seconds.append(fetched - began)
            self.solve_seconds.append(solved - fetched)
            self.issued[phase] += 1
        fields = {
            "csrfmiddlewaretoken": csrf_match.group(1),
            "pow_challenge": token,
            "pow_counter": counter,
            "kind": "application",
            "topic": PORTAL_TOPIC,
            "last_name": "Məmmədova",
            "first_name": "Nərmin",
            "patronymic": "Vüqar qızı",
            "fin": "",
            "address": "Bakı şəhəri, Yasamal rayonu, Şərifzadə küçəsi 12, mənzil 7",
            "email": f"portal-{self.run}-{n}@example.az",
            "phone": "",
            "text": (
                "Yaşadığım binanın damı uçub, mənzil istismar idarəsi müraciətlərimə cavab vermir. Xahiş "
                f"edirəm, məsələni araşdırıb tədbir görəsiniz. {self.marker(phase)}{n:07d}]"
            ),
            "consent": "on",
        }
        body, content_type = _multipart(fields)
        return body, {"Content-Type": content_type, "Cookie": f"csrftoken={csrf_cookie}"}

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()


def _multipart(fields: Mapping[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body as the browser sends the form (enctype multipart, no file chosen)."""
    boundary = f"----eprokbench{uuid.uuid4().hex}"
    lines: list[bytes] = []
    for name, value in fields.items():
        lines += [f"--{boundary}".encode(), f'Content-Disposition: form-data; name="{name}"'.encode(), b"",
                  value.encode()]  # fmt: skip
    lines += [
        f"--{boundary}".encode(), b'Content-Disposition: form-data; name="attachments"; filename=""',
        b"Content-Type: application/octet-stream", b"", b"", f"--{boundary}--".encode(), b"",
    ]  # fmt: skip
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


def fixed_body(factory: PortalSubmissions) -> Callable[[], tuple[bytes, Mapping[str, str]]]:
    """For the bare view: one body of the same shape and size, built once (nothing to fetch or solve)."""
    fields = {"pow_challenge": "x" * 120, "pow_counter": "123", "text": "x" * 200, "consent": "on"}
    body, content_type = _multipart(fields)

    def make() -> tuple[bytes, Mapping[str, str]]:
        return body, {"Content-Type": content_type}

    return make


@dataclass
class LossCheck:
    """The appeals registered in one phase, against the 200 receipts the clients read."""

    posted: int
    receipts: int
    registered: int
    markers: int
    numbers: int
    tracked: int
    gaps: int | None
    wrong: int

    @property
    def lost(self) -> int:
        return max(self.receipts - self.markers, 0)

    @property
    def duplicates(self) -> int:
        return self.registered - self.markers

    @property
    def zero_loss(self) -> bool:
        return (
            self.lost == 0
            and self.duplicates == 0
            and self.numbers == self.registered
            and self.registered == self.receipts
            and self.tracked == 2 * self.registered
            and self.wrong == 0
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "posted": self.posted,
            "receipts_200": self.receipts,
            "appeals_registered": self.registered,
            "distinct_markers": self.markers,
            "distinct_numbers": self.numbers,
            "running_terms": self.tracked,
            "number_gaps": self.gaps,
            "wrong_channel_or_unit": self.wrong,
            "lost": self.lost,
            "duplicates": self.duplicates,
            "zero_loss": self.zero_loss,
        }


def check_loss(marker: str, *, posted: int, receipts: int, unit: Any) -> LossCheck:
    """Count what the phase registered: appeals with its marker, their distinct markers and numbers,
    their running terms (answer and forward each), and gaps in their register numbers."""
    from eprok.appeals.models import Appeal
    from eprok.core.models import DeadlineState, TrackedDeadline

    rows = list(
        Appeal.objects.filter(text__contains=marker).values_list("pk", "number", "text", "channel", "unit_id")
    )
    markers = {text[text.index(marker) :].split("]", 1)[0] for _pk, _n, text, _c, _u in rows}
    numbers = {number for _pk, number, _t, _c, _u in rows}
    tracked = TrackedDeadline.objects.filter(
        owner_type="appeals.appeal", owner_id__in=[r[0] for r in rows], state=DeadlineState.OPEN
    ).count()
    wrong = sum(1 for _pk, _n, _t, channel, unit_id in rows if channel != "portal" or unit_id != unit.pk)
    by_year: dict[str, list[int]] = {}
    for number in numbers:
        head, seq = number.rsplit("-", 1)
        by_year.setdefault(head, []).append(int(seq))
    gaps = sum(max(seqs) - min(seqs) + 1 - len(seqs) for seqs in by_year.values()) if by_year else None
    return LossCheck(posted, receipts, len(rows), len(markers), len(numbers), tracked, gaps, wrong)


class RawAppealRegistration:
    """The rows a portal submission writes, written by hand in one transaction: the register's counter,
    the appeal, its two running terms, the chained audit events of the registration and of the access
    code (with the access code's hash set on the row)."""

    def __init__(self, unit: Any) -> None:
        from eprok.appeals.models import AppealTopic
        from eprok.core.models import DeadlineRule

        self.unit = unit
        self.topic = AppealTopic.objects.filter(code=PORTAL_TOPIC).first()
        self.rules = {
            code: DeadlineRule.objects.get(code=code)
            for code in ("appeals.10.answer", "appeals.7.10.forward")
        }
        self.counter = itertools.count(1)
        self.run = secrets.token_hex(4)

    def once(self, cursor: Any) -> None:
        from bench.scenarios.casework import RawRegistration
        from bench.seeding import ModelRows
        from bench.seeding_casework import register_number
        from eprok.appeals.models import Appeal
        from eprok.core.calendar.deadlines import compute_deadline
        from eprok.core.models import RegisterSequence, TrackedDeadline

        insert = RawRegistration._insert
        n = next(self.counter)
        now = timezone.now()
        today = timezone.localdate(now)
        seq_table = _table(RegisterSequence)
        params = ["appeals", self.unit.code, today.year]
        cursor.execute(
            f"UPDATE {seq_table} SET last_value = last_value + 1 "  # noqa: S608
            "WHERE register = %s AND scope = %s AND year = %s",
            params,
        )
        cursor.execute(
            f"SELECT last_value FROM {seq_table} WHERE register = %s AND scope = %s AND year = %s",  # noqa: S608
            params,
        )
        found = cursor.fetchone()
        if found is None:
            raise RuntimeError("no register sequence for the portal's unit this year")
        number = register_number("appeals", self.unit.code, today.year, found[0])
        answer = compute_deadline(self.rules["appeals.10.answer"], today)
        forward = compute_deadline(self.rules["appeals.7.10.forward"], today)
        public_id = uuid.uuid4()
        values = {
            "public_id": public_id, "created_at": now, "updated_at": now, "number": number,
            "unit_id": self.unit.pk, "channel": "portal", "kind": "application", "is_collective": False,
            "signatories": 1, "applicant_last_name": "Məmmədova", "applicant_first_name": "Nərmin",
            "applicant_patronymic": "Vüqar qızı", "applicant_address": "Bakı şəhəri, Yasamal rayonu",
            "applicant_email": f"raw-{self.run}-{n}@example.az",
            "applicant_name_key": "memmedova nermin vuqar",
            "language": "az", "received_at": now, "registered_at": now,
            "text": f"Yaşadığım binanın damı uçub (raw {self.run}-{n}).",
            "topic_id": self.topic.pk if self.topic else None, "status": "registered",
            "answer_rule": "appeals.10.answer", "answer_due": answer.due, "forward_due": forward.due,
            "external_id": f"raw-{self.run}-{n}", "version": 1,
        }  # fmt: skip
        appeal_id = insert(cursor, Appeal, values, ModelRows, returning=True)
        url = f"/appeals/{number}/"
        for key, deadline, label in (
            ("answer", answer, "Answer to an appeal"),
            ("forward", forward, "Decision on forwarding an appeal"),
        ):
            insert(
                cursor,
                TrackedDeadline,
                {
                    "created_at": now, "updated_at": now, "owner_type": "appeals.appeal",
                    "owner_id": appeal_id,
                    "key": key, "rule_code": deadline.rule_code, "ends_at": deadline.ends_at(),
                    "due_is_moment": False, "unit_id": self.unit.pk, "responsible_id": None, "title": number,
                    "label": label, "url": url, "state": "open", "alerted": 0,
                },
                ModelRows,
            )  # fmt: skip
        self._audit(
            cursor, now, public_id, number, "registered", {"after": {"number": number, "channel": "portal"}}
        )
        cursor.execute(
            f"UPDATE {_table(Appeal)} SET access_code_hash = %s, version = version + 1 WHERE id = %s",  # noqa: S608
            [secrets.token_hex(32), appeal_id],
        )
        self._audit(cursor, now, public_id, number, "access_code_issued", None)

    @staticmethod
    def _audit(
        cursor: Any, now: dt.datetime, public_id: uuid.UUID, number: str, verb: str, changes: Any
    ) -> None:
        from bench.scenarios.casework import RawRegistration
        from bench.seeding import ModelRows
        from eprok.audit.chain import GENESIS_HASH, canonical_json, event_hash
        from eprok.audit.models import AuditEvent
        from eprok.audit.services import _CHAIN_LOCK_ID

        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        cursor.execute(f"SELECT hash FROM {_table(AuditEvent)} ORDER BY id DESC LIMIT 1")  # noqa: S608
        found = cursor.fetchone()
        prev = found[0] if found else GENESIS_HASH
        fields: dict[str, Any] = {
            "occurred_at": now, "actor_id": None, "actor_name": "", "actor_unit": "",
            "action": f"appeals.appeal.{verb}", "target_type": "appeals.appeal", "target_id": str(public_id),
            "target_repr": number, "related_type": "", "related_id": "", "changes": canonical_json(changes),
            "data": "", "purpose": "", "source": "web", "request_id": uuid.uuid4().hex, "ip": None,
            "user_agent": "",
        }  # fmt: skip
        RawRegistration._insert(
            cursor,
            AuditEvent,
            {**fields, "actor_unit_id": None, "prev_hash": prev, "hash": event_hash(prev, **fields)},
            ModelRows,
        )

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
        statements = 11 if connection.vendor == "postgresql" else 9
        return SqlTiming("raw SQL: the same rows written, one transaction each", statements, samples)


def _seconds_row(label: str, seconds: list[float]) -> list[Any]:
    p50 = percentile(seconds, 50) * 1000 if seconds else None
    p95 = percentile(seconds, 95) * 1000 if seconds else None
    return [label, p50, p95, None, None, None, None]


class PortalSubmit(PageVsBaseline):
    """Citizens submitting appeals on the public portal: open the form, solve its proof-of-work, post."""

    name = "portal_submit"
    title = "Public portal: appeal submissions (GET the form, solve its challenge, POST /portal/appeals/new/)"
    label = "Portal submission"
    path = "/portal/appeals/new/"
    method = "POST"
    expect_status = 200

    def unavailable(self) -> str | None:
        if not routed(self.path, "portal:portal_appeal_submit"):
            return f"{self.path} (portal:portal_appeal_submit) is not routed in this build"
        return None

    def credentials(self, ctx: BenchContext) -> dict[str, str]:
        return {}

    def setup(self, ctx: BenchContext) -> None:
        from eprok.org.models import Unit

        super().setup(ctx)
        unit = Unit.objects.filter(code=settings.EPROK_PORTAL_APPEALS_UNIT).first()
        if unit is None:
            raise ScenarioSkipped(f"the portal's unit {settings.EPROK_PORTAL_APPEALS_UNIT!r} does not exist")
        # The bench server (started after every setup, from this process's environment) and this
        # process's own in-process requests: a low proof-of-work and no rate limit for 127.0.0.1.
        os.environ.update(PORTAL_ENV)
        settings.EPROK_PORTAL_POW_DIFFICULTY = BENCH_POW_BITS
        settings.EPROK_PORTAL_RATE_APPEAL = BENCH_PORTAL_RATE
        ctx.state[self.name]["unit"] = unit
        self._body = PortalSubmissions(self.path)

    def request_body(self) -> Callable[[], tuple[bytes, Mapping[str, str]]] | None:
        return getattr(self, "_body", None)

    def run(self, ctx: BenchContext) -> ScenarioResult:
        server = ctx.server
        assert server is not None
        unit = ctx.state[self.name]["unit"]
        submissions: PortalSubmissions = self._body
        submissions.server = server
        try:
            submissions.phase = "c"
            captured = self.capture(ctx)
            number = _NUMBER.search(captured.body.decode(errors="replace"))
            if number is None:
                raise RuntimeError("the portal's answer to the submission is not the receipt with a number")
            submissions.phase = "q"
            writes = capture_queries(self.path, {}, samples=1, method="POST", body=submissions)[0]
            queries = count_queries(self.path, {}, method="POST", body=submissions)
            baseline_queries = count_queries(
                captured.baseline_path, {}, method="POST", body=fixed_body(submissions)
            )
            ctx.progress(f"{self.name}: the bare view, then the portal's submissions")
            baseline = drive(
                server.host, server.port, captured.baseline_path, concurrency=ctx.concurrency,
                duration=ctx.duration, max_requests=ctx.max_requests, method="POST",
                body_factory=fixed_body(submissions), expect_status=200,
            )  # fmt: skip
            submissions.phase = "m"
            submissions.get_seconds.clear()
            submissions.solve_seconds.clear()
            target = drive(
                server.host, server.port, self.path, concurrency=ctx.concurrency, duration=ctx.duration,
                max_requests=ctx.max_requests, method="POST", body_factory=submissions, expect_status=200,
                warmup_requests=0,
            )  # fmt: skip
        finally:
            submissions.close()
        check = check_loss(
            submissions.marker("m"), posted=target.requests, receipts=target.statuses.get(200, 0), unit=unit
        )
        written = Counter(
            f"{q['sql'].split(None, 1)[0].upper()} {_write_table(q['sql'])}"
            for q in writes
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        )
        ctx.progress(f"{self.name}: the same rows written by raw SQL in-process")
        raw = RawAppealRegistration(unit).timing(
            iterations=max(1, min(target.requests, RAW_MAX_ITERATIONS)), max_seconds=ctx.duration
        )
        ratio = target.rps / baseline.rps if baseline.rps else None
        rows: list[list[Any]] = [
            target_row(
                "portal: a whole submission (req/s = submissions/s; ms: the POST)", target, queries, ratio
            ),
            _seconds_row("… its form GET (challenge + CSRF token), in the client", submissions.get_seconds),
            _seconds_row(
                f"… solving the challenge ({BENCH_POW_BITS} bits), in the client", submissions.solve_seconds
            ),
            target_row(
                f"bare view, same {len(captured.body):,} bytes (POST)", baseline, baseline_queries, 1.0
            ),
            raw.row(),
        ]
        mean_get = statistics.fmean(submissions.get_seconds) * 1000 if submissions.get_seconds else 0.0
        verdict = "ZERO LOSS" if check.zero_loss else "LOSS OR MISMATCH"
        notes = [
            *load_notes(ctx),
            "Each client thread, per submission: GET the form on its own keep-alive connection (a fresh "
            "signed challenge and the CSRF token), solve the challenge, then POST it multipart as the "
            "browser does; the POST's clock starts after that (the body factory). req/s counts whole "
            f"submissions (the form GET included, mean {mean_get:.1f} ms); vs baseline is against the bare "
            "view answering a ready-made POST of the same shape.",
            f"Bench server: EPROK_PORTAL_POW_DIFFICULTY={BENCH_POW_BITS} (production 16) and "
            f"EPROK_PORTAL_RATE_APPEAL={BENCH_PORTAL_RATE} (production 10/h per client address); no "
            "attachments, no e-mail/SMS notices.",
            f"{verdict}: {check.posted:,} POSTs, {check.receipts:,} receipts (200), "
            f"{check.registered:,} appeals registered with the run's marker ({check.markers:,} distinct "
            f"markers, {check.numbers:,} distinct numbers, {check.tracked:,} running terms, number gaps: "
            f"{check.gaps}); lost {check.lost}, duplicates {check.duplicates}, wrong channel or unit "
            f"{check.wrong}.",
            f"A submission writes: {_counts(written)}.",
            "raw SQL: counter UPDATE + SELECT, INSERTs of the appeal, its two running terms and two chained "
            "audit events (registration, access code; the chain's lock on PostgreSQL), the access code's "
            "UPDATE; committed per submission, in-process, one thread.",
        ]
        return ScenarioResult(
            title=self.title,
            columns=COLUMNS,
            rows=rows,
            notes=notes,
            data={
                "path": self.path,
                "bytes": len(captured.body),
                "target": {**target.as_dict(), "queries_per_request": queries},
                "baseline": {**baseline.as_dict(), "queries_per_request": baseline_queries},
                "ratio": None if ratio is None else round(ratio, 4),
                "form_get": _summary(submissions.get_seconds),
                "pow_solve": _summary(submissions.solve_seconds),
                "pow_bits": BENCH_POW_BITS,
                "loss_check": check.as_dict(),
                "writes": dict(written),
                "raw_sql": raw.as_dict(),
            },
        )


def _summary(seconds: list[float]) -> dict[str, Any]:
    if not seconds:
        return {"count": 0}
    return {
        "count": len(seconds),
        "p50_ms": round(percentile(seconds, 50) * 1000, 3),
        "p95_ms": round(percentile(seconds, 95) * 1000, 3),
        "mean_ms": round(statistics.fmean(seconds) * 1000, 3),
    }


def in_process_form(client: Client) -> FormFetcher:
    """A FormFetcher through django.test.Client (the tests' way of opening the form, without a server)."""

    def get(headers: Mapping[str, str]) -> tuple[int, str, list[str]]:
        response = client.get(PortalSubmit.path, headers=dict(headers))
        cookies = [morsel.OutputString() for morsel in response.cookies.values()]
        return response.status_code, response.content.decode(), cookies

    return get


__all__ = [
    "AppealCard",
    "AppealList",
    "PortalSubmissions",
    "PortalSubmit",
    "RawAppealRegistration",
    "bench_appeal",
    "card_statements",
    "check_loss",
    "in_process_form",
]

register(AppealList())
register(AppealCard())
register(PortalSubmit())
