"""The appeals seeder and scenarios at a tiny scale, in-process (no server, no timing asserted)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.scenarios import BenchContext, appeals, load
from bench.scenarios.casework import _write_table, same_rows, time_sql
from bench.scenarios.pages import PageVsBaseline, signed_in_session
from bench.seeding import SeedPlan, bench_employee, seed_employees, seed_structure
from bench.seeding_appeals import bench_appeals_unit, seed_appeals
from bench.seeding_casework import seed_persons
from eprok.appeals.models import (
    OPEN_STATUSES,
    Answer,
    Appeal,
    AppealAttachment,
    AppealExtension,
    Forwarding,
    ReceptionEntry,
    Resolution,
)
from eprok.audit.verify import verify_chain
from eprok.core import numbering
from eprok.core.calendar import tracking
from eprok.core.models import DeadlineState, RegisterSequence, TrackedDeadline
from eprok.org.models import RoleAssignment, Unit

SCALE = 0.002  # 400 appeals (and 300 persons, 2 employees)


@pytest.fixture
def seeded(db) -> SeedPlan:
    plan = SeedPlan(scale=SCALE, progress=lambda message: None)
    for seeder in (seed_structure, seed_employees, seed_persons, seed_appeals):
        seeder(plan)
    return plan


def test_the_appeals_seeder_fills_every_table_the_card_shows(seeded):
    assert Appeal.objects.count() == 400
    for model in (Resolution, Answer, Forwarding, AppealExtension, AppealAttachment, ReceptionEntry):
        assert model.objects.exists(), model.__name__
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert {"in_work", "answered", "left_unconsidered"} <= statuses
    # An answered appeal has its sent answer, with the appeal's outcome, approved by another official.
    for appeal in Appeal.objects.filter(status="answered").select_related("answer")[:50]:
        answer = appeal.answer
        assert answer.status in {"sent", "delivered"} and answer.outcome == appeal.outcome
        assert answer.sent_at == appeal.closed_at and answer.approved_by_id != answer.drafted_by_id
    # Anonymous written appeals are left unconsidered at registration, with no term.
    anonymous = Appeal.objects.filter(is_anonymous=True)
    assert all(a.status == "left_unconsidered" and a.unconsidered_ground == "6.4" for a in anonymous)
    assert not anonymous.exclude(answer_due=None).exists()


def test_the_running_terms_are_the_ones_the_appeals_recomputer_keeps(seeded):
    def snapshot() -> dict[tuple[str, int, str], tuple[object, ...]]:
        rows = TrackedDeadline.objects.filter(owner_type="appeals.appeal", state=DeadlineState.OPEN)
        return {
            (r.owner_type, r.owner_id, r.key): (
                r.ends_at,
                r.unit_id,
                r.responsible_id,
                r.rule_code,
                r.label,
                r.url,
            )
            for r in rows
        }

    before = snapshot()
    dues_before = dict(Appeal.objects.values_list("pk", "answer_due"))
    forward_before = dict(Appeal.objects.values_list("pk", "forward_due"))
    open_ids = set(Appeal.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    assert open_ids and {owner for _t, owner, _k in before} == open_ids

    recomputed = dict(tracking.recompute_all())["appeals.appeal"]

    assert recomputed == len(open_ids)
    assert snapshot() == before
    assert dict(Appeal.objects.values_list("pk", "answer_due")) == dues_before
    assert dict(Appeal.objects.values_list("pk", "forward_due")) == forward_before


def test_numbers_are_unique_and_registration_continues_the_sequence(seeded):
    pattern = re.compile(r"^AP-[a-z0-9-]+-\d{4}-\d{5}$", re.IGNORECASE)
    numbers = list(Appeal.objects.values_list("number", flat=True))
    latest = Appeal.objects.select_related("unit").latest("registered_at")
    *_rest, year, seq = latest.number.split("-")
    sequence = RegisterSequence.objects.get(register="appeals", scope=latest.unit.code, year=int(year))

    assert len(numbers) == len(set(numbers))
    assert all(pattern.match(n) for n in numbers)
    assert sequence.last_value == int(seq)
    with transaction.atomic():
        issued = numbering.next_number(
            register="appeals", unit_code=latest.unit.code, on=dt.date(int(year), 6, 1)
        )
    assert issued.endswith(f"-{int(seq) + 1:05d}")
    assert not Appeal.objects.filter(number=issued).exists()


def test_the_bench_employee_registers_and_answers_in_the_documents_department(seeded):
    user = bench_employee()
    unit = bench_appeals_unit()

    for role in ("register_appeals", "answer_appeals"):
        assert RoleAssignment.objects.filter(employee=user, role=role, unit=unit).exists()
    executed = Appeal.objects.filter(unit=unit, executor=user, status="in_work")
    assert executed.count() >= 6
    full = executed.filter(repeat_of__isnull=False, extensions__isnull=False, answer__isnull=False)
    assert full.exists()
    # Its open appeals have their history in the audit chain, which stays valid.
    appeal = full.first()
    assert appeal is not None
    from eprok.audit.models import AuditEvent

    actions = set(AuditEvent.objects.filter(target_id=str(appeal.public_id)).values_list("action", flat=True))
    assert {"appeals.appeal.registered", "appeals.appeal.routed", "appeals.appeal.extended"} <= actions
    assert verify_chain().ok


def test_repeat_chains_link_the_same_applicants_earlier_appeal_on_the_same_topic(seeded):
    repeats = Appeal.objects.exclude(repeat_of=None).select_related("repeat_of")
    assert repeats.exists()
    for appeal in repeats:
        earlier = appeal.repeat_of
        assert earlier is not None
        assert earlier.registered_at < appeal.registered_at
        assert earlier.topic_id == appeal.topic_id
        assert appeal.registered_at - earlier.registered_at <= dt.timedelta(days=365)
        assert (earlier.applicant_fin, earlier.applicant_name_key) == (
            appeal.applicant_fin,
            appeal.applicant_name_key,
        )


# --- scenarios -----------------------------------------------------------------------------------------


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


def _skip_unless_available(scenario: PageVsBaseline) -> None:
    reason = scenario.unavailable()
    if reason:
        pytest.skip(reason)


def _cookie(user) -> dict[str, str]:
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"}


def test_the_registry_holds_the_appeals_scenarios():
    assert {"appeal_list", "appeal_card", "portal_submit"} <= set(load())


def test_the_list_scenarios_raw_sql_fetches_the_rows_the_page_shows_in_its_order(seeded, ctx):
    scenario = appeals.AppealList()
    _skip_unless_available(scenario)

    scenario.setup(ctx)
    response = Client().get(scenario.path, headers=_cookie(bench_employee()))
    statements, numbers = scenario.raw_numbers(ctx)

    assert scenario.path == f"/appeals/?unit={bench_appeals_unit().code}&status=in_work"
    assert response.status_code == 200
    assert numbers, "the tiny seed has appeals in work in the unit"
    assert same_rows(response.content, numbers) is None
    assert same_rows(response.content, list(reversed(numbers))) is not None or len(numbers) == 1
    with connection.cursor() as cursor:
        cursor.execute(*statements[1])
        assert cursor.fetchone()[0] >= len(numbers)


def test_the_card_scenario_picks_an_executed_appeal_and_its_raw_sql_reads_the_card(seeded, ctx):
    scenario = appeals.AppealCard()
    _skip_unless_available(scenario)

    scenario.setup(ctx)
    appeal = ctx.state["appeal_card"]["appeal"]
    response = Client().get(scenario.path, headers=_cookie(bench_employee()))
    statements = appeals.card_statements(appeal)

    assert response.status_code == 200
    assert appeal.executor == bench_employee() and appeal.status == "in_work"
    assert appeal.repeat_of_id is not None and appeal.extensions.exists()
    with connection.cursor() as cursor:
        cursor.execute(*statements[0])
        assert appeal.number in cursor.fetchone()
        for sql, params in statements[1:]:
            cursor.execute(sql, params)
            cursor.fetchall()
        cursor.execute(*statements[-1])
        history = cursor.fetchall()
    assert {"appeals.appeal.registered", "appeals.appeal.routed"} <= {row[3] for row in history}
    timing = time_sql("raw", statements, iterations=2, max_seconds=10)
    assert len(timing.samples) == 2 and timing.statements == len(statements)


def test_the_card_replay_keeps_its_history_read_and_leaves_the_plumbing_out(seeded, ctx):
    scenario = appeals.AppealCard()
    _skip_unless_available(scenario)
    scenario.setup(ctx)

    timing, info = appeals.replay_card(scenario.path, _cookie(bench_employee()), iterations=2, max_seconds=10)

    assert timing.statements >= 2
    assert info["replayed_tables"].get("appeals_appeal", 0) >= 1
    assert info["replayed_tables"].get("audit_auditevent") == 1
    assert "django_session" in info["not_replayed"] and "INSERT" in info["not_replayed"]


@pytest.fixture
def portal(settings):
    settings.EPROK_PORTAL_POW_DIFFICULTY = appeals.BENCH_POW_BITS
    settings.EPROK_PORTAL_RATE_APPEAL = appeals.BENCH_PORTAL_RATE
    scenario = appeals.PortalSubmit()
    _skip_unless_available(scenario)
    return scenario


def test_portal_submissions_are_registered_once_each_and_the_loss_check_counts_them(seeded, portal, client):
    unit = Unit.objects.get(code=settings.EPROK_PORTAL_APPEALS_UNIT)
    submissions = appeals.PortalSubmissions(portal.path, fetch_form=appeals.in_process_form(client))
    submissions.phase = "m"

    for _ in range(3):
        body, headers = submissions()
        response = client.generic("POST", portal.path, body, content_type=headers["Content-Type"])
        assert response.status_code == 200, response.content[:2000]
        assert b'data-testid="appeal-number"' in response.content

    check = appeals.check_loss(submissions.marker("m"), posted=3, receipts=3, unit=unit)
    assert check.zero_loss, check.as_dict()
    assert (check.registered, check.numbers, check.tracked, check.gaps) == (3, 3, 6, 0)
    assert submissions.issued["m"] == 3 and len(submissions.get_seconds) == 3
    # A receipt without its appeal is a loss; another phase's marker finds nothing.
    assert not appeals.check_loss(submissions.marker("m"), posted=4, receipts=4, unit=unit).zero_loss
    assert appeals.check_loss(submissions.marker("x"), posted=0, receipts=0, unit=unit).registered == 0


def test_a_reused_challenge_is_refused_and_registers_nothing_new(seeded, portal, client):
    submissions = appeals.PortalSubmissions(portal.path, fetch_form=appeals.in_process_form(client))
    body, headers = submissions()

    first = client.generic("POST", portal.path, body, content_type=headers["Content-Type"])
    again = client.generic("POST", portal.path, body, content_type=headers["Content-Type"])

    assert first.status_code == again.status_code == 200
    assert Appeal.objects.filter(text__contains=submissions.marker()).count() == 1


def test_the_raw_registration_writes_the_tables_a_portal_submission_writes(seeded, portal, client):
    unit = Unit.objects.get(code=settings.EPROK_PORTAL_APPEALS_UNIT)
    submissions = appeals.PortalSubmissions(portal.path, fetch_form=appeals.in_process_form(client))
    body, headers = submissions()

    with CaptureQueriesContext(connection) as portal_queries:
        response = client.generic("POST", portal.path, body, content_type=headers["Content-Type"])
    assert response.status_code == 200
    portal_number = Appeal.objects.get(text__contains=submissions.marker()).number
    raw = appeals.RawAppealRegistration(unit)
    with (
        CaptureQueriesContext(connection) as raw_queries,
        connection.cursor() as cursor,
        transaction.atomic(),
    ):
        raw.once(cursor)

    def written(queries: CaptureQueriesContext) -> set[str]:
        return {
            _write_table(q["sql"])
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
        }

    newest = Appeal.objects.latest("pk")
    assert (
        written(raw_queries)
        == written(portal_queries)
        == {
            "core_registersequence",
            "appeals_appeal",
            "core_trackeddeadline",
            "audit_auditevent",
        }
    )
    assert int(newest.number.rsplit("-", 1)[1]) == int(portal_number.rsplit("-", 1)[1]) + 1
    assert TrackedDeadline.objects.filter(owner_type="appeals.appeal", owner_id=newest.pk).count() == 2
    assert verify_chain().ok
