"""The casework seeders and scenarios at a tiny scale, in-process (no server, no timing asserted)."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from bench import views as bench_views
from bench.load import drive
from bench.scenarios import BenchContext, ScenarioSkipped, load
from bench.scenarios import casework as scenarios
from bench.scenarios.pages import api_token, signed_in_session
from bench.seeding import (
    ModelRows,
    SeedPlan,
    bench_employee,
    insert_model_rows,
    next_id,
    seed_employees,
    seed_structure,
)
from bench.seeding_casework import fin_for, seed_cases, seed_materials, seed_persons
from eprok.cases.models import (
    Case,
    CaseParty,
    Instruction,
    PreventiveMeasure,
    ProceduralAct,
    Qualification,
    TeamMember,
)
from eprok.core import numbering
from eprok.core.calendar import tracking
from eprok.core.models import DeadlineState, RegisterSequence, TrackedDeadline
from eprok.materials.models import CheckAction, Material, MaterialParty
from eprok.org.models import RoleAssignment, UnitKind
from eprok.org.validators import FIN_RE
from eprok.persons.models import Person

SCALE = 0.002  # 300 persons, 200 crime reports, 60 cases


def tiny_plan() -> SeedPlan:
    return SeedPlan(scale=SCALE, progress=lambda message: None)


@pytest.fixture
def seeded(db) -> SeedPlan:
    plan = tiny_plan()
    for seeder in (seed_structure, seed_employees, seed_persons, seed_materials, seed_cases):
        seeder(plan)
    return plan


@pytest.fixture
def ctx(tmp_path) -> BenchContext:
    return BenchContext(
        scale=SCALE,
        concurrency=1,
        duration=1.0,
        max_requests=5,
        work_dir=tmp_path,
        baseline_dir=tmp_path / "baseline",
        progress=lambda message: None,
    )


# --- seeding -------------------------------------------------------------------------------------------


def test_seeded_fins_are_valid_and_distinct():
    fins = [fin_for(n) for n in range(20_000)]

    assert all(FIN_RE.match(fin) for fin in fins)
    assert len(set(fins)) == len(fins)


def test_the_casework_seeders_fill_every_table_a_card_shows(seeded):
    assert Person.objects.count() == 300
    assert Material.objects.count() == 200
    assert Case.objects.count() == 60
    for model in (MaterialParty, CheckAction, Qualification, TeamMember, CaseParty, ProceduralAct):
        assert model.objects.exists(), model.__name__
    assert PreventiveMeasure.objects.exists() or Instruction.objects.exists()
    # Every case has at least three acts, and one qualification in force that is its main article.
    for case in Case.objects.prefetch_related("qualifications", "acts"):
        assert 3 <= len(case.acts.all()) <= 8
        main = [q for q in case.qualifications.all() if q.is_main and q.ended_on is None]
        assert len(main) == 1 and main[0].reference == case.main_article


def test_seventy_percent_of_the_cases_are_opened_on_a_seeded_report(seeded):
    opened_on_reports = Case.objects.filter(material__isnull=False).select_related("material")

    assert opened_on_reports.count() == round(60 * 0.7)
    for case in opened_on_reports:
        material = case.material
        assert material is not None
        assert material.status == "case_opened"
        assert material.case_number == case.number
        assert material.decided_at == case.opened_at
    assert Material.objects.filter(status="case_opened").count() == opened_on_reports.count()


def test_about_a_sixth_of_the_reports_are_still_under_check_each_with_its_running_term(seeded):
    open_reports = Material.objects.filter(status__in=["registered", "in_check"])
    tracked = TrackedDeadline.objects.filter(owner_type="materials.material", state=DeadlineState.OPEN)

    assert 0 < open_reports.count() < Material.objects.count() / 3
    assert set(tracked.values_list("owner_id", flat=True)) == set(open_reports.values_list("pk", flat=True))
    assert set(tracked.values_list("key", flat=True)) == {"check"}
    assert not Material.objects.filter(
        status__in=["refused", "case_opened"], decided_at__isnull=True
    ).exists()


def test_persons_have_valid_unique_fins_and_the_persons_apps_name_keys(seeded):
    from eprok.persons.names import name_key

    fins = [fin or "" for fin in Person.objects.exclude(fin=None).values_list("fin", flat=True)]

    assert len(fins) == len(set(fins)) > 0.9 * Person.objects.count()
    assert all(FIN_RE.match(fin) for fin in fins)
    person = Person.objects.exclude(fin=None).earliest("pk")
    assert person.name_key == name_key(f"{person.last_name} {person.first_name} {person.patronymic}")


def test_register_numbers_follow_the_pattern_and_registration_continues_after_them(seeded):
    pattern = re.compile(r"^CM-[A-Z0-9-]+-\d{4}-\d{5}$")
    material = Material.objects.select_related("unit").latest("registered_at")
    *_rest, year, _seq = material.number.split("-")
    sequence = RegisterSequence.objects.get(register="materials", scope=material.unit.code, year=int(year))
    # The unit's highest number that year (the latest registered may tie in time with a later number).
    highest = max(
        int(number.rsplit("-", 1)[1])
        for number in Material.objects.filter(unit=material.unit, number__contains=f"-{year}-").values_list(
            "number", flat=True
        )
    )

    assert all(pattern.match(n) for n in Material.objects.values_list("number", flat=True))
    assert Case.objects.filter(number__startswith="CI-").count() == 60
    assert sequence.last_value == highest
    with transaction.atomic():
        issued = numbering.next_number(
            register="materials", unit_code=material.unit.code, on=dt.date(sequence.year, 6, 1)
        )
    assert issued.endswith(f"-{sequence.last_value + 1:05d}")
    assert not Material.objects.filter(number=issued).exists()


def test_the_bench_employee_leads_cases_in_its_district_and_supervises_the_city(seeded):
    user = bench_employee()
    unit = scenarios.bench_unit()

    assert unit is not None and unit.kind == UnitKind.DISTRICT_OFFICE
    assert Case.objects.filter(unit=unit, investigator=user).exists()
    assert TeamMember.objects.filter(employee=user, role="lead", case__unit=unit).exists()
    assert RoleAssignment.objects.filter(
        employee=user, role="supervise", unit=unit.parent, include_subunits=True
    ).exists()
    assert RoleAssignment.objects.filter(employee=user, role="register_materials", unit=unit).exists()


def test_seeded_terms_are_the_ones_the_modules_recompute(seeded):
    if not list(tracking.recomputers()):
        pytest.skip("no module registers a recomputer in this build")

    def snapshot() -> dict[tuple[str, int, str], dt.datetime]:
        rows = TrackedDeadline.objects.filter(state=DeadlineState.OPEN)
        return {(r.owner_type, r.owner_id, r.key): r.ends_at for r in rows}

    def derived() -> dict[int, tuple[object, ...]]:
        rows = Case.objects.values_list(
            "pk", "investigation_due", "next_due_at", "next_due_key", "in_custody"
        )
        return {pk: tuple(rest) for pk, *rest in rows}

    before, cases_before = snapshot(), derived()
    checks_before = dict(Material.objects.values_list("pk", "check_due"))
    tracking.recompute_all()

    assert snapshot() == before
    assert derived() == cases_before
    assert dict(Material.objects.values_list("pk", "check_due")) == checks_before


def test_model_rows_fill_the_columns_a_seeder_does_not_give(db):
    table = ModelRows(RegisterSequence, ["register", "scope", "year", "no_such_column"])

    rows = list(table.rows([("materials", "bench", 2026, "dropped")]))

    assert table.columns == ["register", "scope", "year", "last_value"]
    assert rows == [("materials", "bench", 2026, 0)]


def test_rows_inserted_with_their_own_ids_move_the_id_sequence_past_them(db):
    first = next_id(RegisterSequence) + 10

    insert_model_rows(RegisterSequence, ["id", "register", "scope", "year"], [(first, "bench", "x", 2026)])
    created = RegisterSequence.objects.create(register="bench", scope="y", year=2026)

    assert created.pk > first


# --- scenarios -----------------------------------------------------------------------------------------


def test_the_registry_holds_the_casework_scenarios():
    assert {"case_card", "case_list", "material_list", "material_register_api", "deadline_recompute"} <= set(
        load()
    )


def skip_unless_available(scenario: scenarios.PageVsBaseline) -> None:
    reason = scenario.unavailable()
    if reason:
        pytest.skip(reason)


def _cookie(user) -> dict[str, str]:
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"}


def test_the_case_card_scenario_picks_a_led_case_and_its_raw_sql_reads_the_card(seeded, ctx):
    scenario = scenarios.CaseCard()
    skip_unless_available(scenario)

    scenario.setup(ctx)
    case = ctx.state["case_card"]["case"]
    response = Client().get(scenario.path, headers=_cookie(bench_employee()))
    page, everything = scenarios.card_statements(case)

    assert response.status_code == 200
    assert case.number.encode() in response.content
    with connection.cursor() as cursor:
        cursor.execute(*page[0])
        assert case.number in cursor.fetchone()
        for sql, params in everything[1:]:
            cursor.execute(sql, params)
            cursor.fetchall()
    timing = scenarios.time_sql("raw", everything, iterations=3, max_seconds=10)
    assert len(timing.samples) == 3 and timing.statements == len(everything) == 8


def test_the_page_replay_keeps_the_pages_selects_and_leaves_the_plumbing_out(seeded, ctx):
    scenario = scenarios.CaseCard()
    skip_unless_available(scenario)
    scenario.setup(ctx)

    timing, info = scenarios.replay_page(
        scenario.path, _cookie(bench_employee()), iterations=2, max_seconds=10
    )

    assert timing.statements >= 1
    assert "cases_case" in info["replayed_tables"]
    assert "django_session" in info["not_replayed"]
    assert not any(table.startswith(("audit_", "django_session")) for table in info["replayed_tables"])


@pytest.mark.parametrize("scenario_class", [scenarios.CaseList, scenarios.MaterialList])
def test_the_list_scenarios_raw_sql_fetches_the_rows_the_page_shows_in_its_order(seeded, ctx, scenario_class):
    scenario = scenario_class()
    skip_unless_available(scenario)

    scenario.setup(ctx)
    response = Client().get(scenario.path, headers=_cookie(bench_employee()))
    statements, numbers = scenario.raw_numbers(ctx)

    assert response.status_code == 200
    assert numbers, "the tiny seed has rows for the filter"
    assert scenarios.same_rows(response.content, numbers) is None
    assert scenarios.same_rows(response.content, list(reversed(numbers))) is not None or len(numbers) == 1
    with connection.cursor() as cursor:
        cursor.execute(*statements[1])
        assert cursor.fetchone()[0] >= len(numbers)


def test_registration_through_the_api_and_by_raw_sql_write_the_same_tables(seeded, ctx):
    from eprok.audit.verify import verify_chain

    scenario = scenarios.MaterialRegisterApi()
    skip_unless_available(scenario)
    scenario.setup(ctx)
    user = bench_employee()
    factory = scenario.request_body()
    assert factory is not None
    body, extra = factory()
    token = api_token(user, ["read", "write"])

    response = Client().post(
        "/api/v1/materials",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": extra["Idempotency-Key"]},
    )
    assert response.status_code == 201, response.content
    api_number = json.loads(response.content)["number"]

    raw = scenarios.RawRegistration(ctx.state[scenario.name]["unit"], user)
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor, transaction.atomic():
        raw.once(cursor)
    written = {
        scenarios._write_table(q["sql"])
        for q in captured.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE"))
    }
    newest = Material.objects.latest("pk")

    assert written == {
        "core_registersequence",
        "materials_material",
        "core_trackeddeadline",
        "core_idempotencyrecord",
        "audit_auditevent",
    }
    assert int(newest.number.split("-")[-1]) == int(api_number.split("-")[-1]) + 1
    assert TrackedDeadline.objects.filter(owner_type="materials.material", owner_id=newest.pk).exists()
    assert verify_chain().ok


def test_the_recompute_scenario_reports_every_recomputer(seeded, ctx):
    scenario = scenarios.DeadlineRecompute()
    try:
        scenario.setup(ctx)
    except ScenarioSkipped as skip:
        pytest.skip(str(skip))

    result = scenario.run(ctx)

    assert [row[0] for row in result.rows] == [name for name, _fn in tracking.recomputers()] + [
        "all (recompute_all)"
    ]
    assert result.data["total"]["items"] == sum(row[1] for row in result.rows[:-1]) > 0


def test_the_scenarios_skip_with_a_reason_when_the_app_is_not_routed(monkeypatch):
    monkeypatch.setattr(scenarios, "routed", lambda path, name: False)
    monkeypatch.setattr(scenarios, "api_has", lambda path, method: False)

    for scenario in (scenarios.CaseCard(), scenarios.CaseList(), scenarios.MaterialList()):
        assert "is not routed" in (scenario.unavailable() or "")
    assert "not in this build's API" in (scenarios.MaterialRegisterApi().unavailable() or "")


def test_queries_are_classified_by_their_main_table():
    kept, skipped = scenarios.page_selects(
        [
            {"sql": 'SELECT "django_session"."session_data" FROM "django_session" WHERE 1'},
            {"sql": 'SELECT "org_employee"."id" FROM "org_employee" WHERE "org_employee"."id" = 7 LIMIT 21'},
            {"sql": 'SELECT "cases_case"."id" FROM "cases_case" INNER JOIN "org_unit" ON 1'},
            {"sql": 'INSERT INTO "audit_auditevent" ("hash") VALUES (1)'},
        ]
    )

    assert kept == ['SELECT "cases_case"."id" FROM "cases_case" INNER JOIN "org_unit" ON 1']
    assert skipped == ["django_session", "org_employee", "INSERT"]
    assert (
        scenarios.main_table('SELECT COUNT(*) AS "__count" FROM "materials_material"') == "materials_material"
    )
    nested = 'SELECT "cases_case"."id", EXISTS(SELECT 1 AS "a" FROM "cases_teammember" U0) FROM "cases_case"'
    assert scenarios.main_table(nested) == "cases_case"


# --- baseline views and the load driver's writes -------------------------------------------------------


def test_the_one_row_view_reads_one_row_and_returns_the_captured_bytes(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("EPROK_BENCH_BASELINE_DIR", str(tmp_path))
    case = Case.objects.earliest("pk")
    bench_views.write_baseline(tmp_path, "card", b"<p>kart</p>", "text/html; charset=utf-8")
    url = bench_views.write_one_row(tmp_path, "card", model="cases.case", pk=case.pk, related=["unit"])

    with CaptureQueriesContext(connection) as captured:
        response = bench_views.one_row(RequestFactory().get(url), "card")

    assert url == "/_bench/one-row/card"
    assert response.content == b"<p>kart</p>"
    assert len(captured.captured_queries) == 1
    assert "org_unit" in captured.captured_queries[0]["sql"]


def test_the_bare_view_answers_a_post_without_a_csrf_token(tmp_path, monkeypatch):
    from django.middleware.csrf import CsrfViewMiddleware

    monkeypatch.setenv("EPROK_BENCH_BASELINE_DIR", str(tmp_path))
    bench_views.write_baseline(tmp_path, "api", b'{"ok": true}', "application/json")
    request = RequestFactory().post("/_bench/baseline/api", b"{}", content_type="application/json")

    refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
        request, bench_views.baseline, ("api",), {}
    )
    response = bench_views.baseline(request, "api")

    assert refused is None
    assert response.status_code == 200
    assert response.content == b'{"ok": true}'


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    keys: list[str] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        type(self).keys.append(self.headers.get("Idempotency-Key", ""))
        self.send_response(201)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[int]:
    _Echo.keys = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_the_load_driver_posts_a_fresh_body_and_key_with_every_request(echo_server):
    factory = scenarios.register_body("baku-xetai")

    result = drive(
        "127.0.0.1",
        echo_server,
        "/api/v1/materials",
        method="POST",
        body_factory=factory,
        expect_status=201,
        concurrency=3,
        duration=60,
        max_requests=12,
        warmup_requests=1,
    )

    assert result.requests == 12 and result.errors == 0
    assert result.statuses == {201: 12}
    assert len(_Echo.keys) == 15  # three warm-ups
    assert len(set(_Echo.keys)) == 15
