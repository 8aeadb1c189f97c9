"""Smoke tests of the benchmark harness's pieces, in-process and at tiny scale (no server, no timing)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve

from bench import views as bench_views
from bench.database import _printable, _with_database
from bench.load import drive, percentile
from bench.report import ScenarioResult, format_result, format_table, write_json
from bench.scenarios import ScenarioSkipped, load, register
from bench.scenarios.audit import _payload_chunks_python, raw_sha256
from bench.scenarios.base import Scenario
from bench.scenarios.pages import api_token, count_queries, signed_in_session
from bench.seeding import SeedPlan, bench_employee, bulk_insert_audit_events, seed_employees
from eprok.audit.models import AuditEvent
from eprok.audit.verify import verify_chain
from eprok.org.models import Employee
from eprok.org.tests.factories import UnitFactory

# --- Seeding ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seeded_audit_events_form_a_chain_that_verify_accepts():
    before = AuditEvent.objects.count()
    figures = bulk_insert_audit_events(1_000, batch_size=300)

    assert figures["events"] == 1_000
    assert AuditEvent.objects.count() == before + 1_000
    result = verify_chain()
    assert result.ok, result.broken
    assert result.checked == before + 1_000
    assert result.head_hash == figures["head_hash"]


@pytest.mark.django_db
def test_seeding_continues_the_chain_after_existing_events():
    bulk_insert_audit_events(50)
    bulk_insert_audit_events(50, seed=2)

    assert verify_chain().ok


@pytest.mark.django_db
def test_the_raw_baseline_hashes_exactly_the_bytes_the_chain_was_computed_over():
    bulk_insert_audit_events(200)
    stored = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))

    recomputed = [
        hashlib.sha256(text.encode()).hexdigest() for chunk in _payload_chunks_python() for text in chunk
    ]
    assert recomputed == stored
    figures = raw_sha256()
    assert figures["events"] == len(stored)
    assert figures["bytes"] > 0


@pytest.mark.django_db
def test_employees_are_seeded_at_the_scale_with_the_signed_in_bench_employee():
    UnitFactory()
    plan = SeedPlan(scale=0.005, progress=lambda message: None)

    seed_employees(plan)

    assert Employee.objects.filter(username__startswith="bench0").count() == 5
    user = bench_employee()
    assert user is not None
    assert user.totp_device.confirmed_at is not None
    assert set(user.role_assignments.values_list("role", flat=True)) == {"investigate", "supervise"}


# --- Credentials the HTTP scenarios use ------------------------------------------------------------


@pytest.fixture
def bench_user(db):
    UnitFactory()
    return bench_employee(create=True)


def test_a_bench_session_is_accepted_as_signed_in_with_two_factors(bench_user):
    cookie = f"{settings.SESSION_COOKIE_NAME}={signed_in_session(bench_user)}"

    response = Client().get("/", headers={"Cookie": cookie})

    assert response.status_code == 200
    assert count_queries("/", {"Cookie": cookie}, samples=1) >= 1


def test_a_bench_token_reads_api_me(bench_user):
    try:
        resolve("/api/v1/me")
    except Resolver404:
        pytest.skip("/api/v1/me is not routed in this build")
    token = api_token(bench_user, ["read"])

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200


def test_the_baseline_view_returns_the_captured_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("EPROK_BENCH_BASELINE_DIR", str(tmp_path))
    body = "<p>Mənim işlərim</p>".encode()
    url = bench_views.write_baseline(tmp_path, "page", body, "text/html; charset=utf-8")

    response = bench_views.baseline(RequestFactory().get(url), "page")

    assert url == "/_bench/baseline/page"
    assert response.content == body
    assert response["Content-Type"] == "text/html; charset=utf-8"


# --- Load driver -----------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the production server does

    def do_GET(self) -> None:
        body = b"ok" if self.path == "/ok" else b"missing"
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_the_load_driver_sends_exactly_the_bounded_number_of_requests(local_server):
    result = drive(
        "127.0.0.1", local_server, "/ok", concurrency=4, duration=60, max_requests=40, warmup_requests=1
    )

    assert result.requests == 40
    assert result.errors == 0
    assert result.statuses == {200: 40}
    assert result.body_bytes == 80
    assert result.p50_ms is not None and result.p95_ms is not None
    assert result.as_dict()["requests"] == 40


def test_the_load_driver_counts_unexpected_statuses_as_errors(local_server):
    result = drive(
        "127.0.0.1", local_server, "/nothing", concurrency=2, duration=60, max_requests=6, warmup_requests=0
    )

    assert result.errors == 6
    assert result.rps == 0


def test_the_load_driver_only_talks_to_this_machine():
    with pytest.raises(ValueError):
        drive("example.org", 80, "/", max_requests=1)


def test_percentiles_use_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]

    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([7.0], 95) == 7.0


# --- Report and registry ---------------------------------------------------------------------------


def test_the_table_formatter_aligns_columns_and_marks_missing_values():
    text = format_table(
        "My work",
        ["view", "req/s", "queries/req"],
        [["My work /", 1234.5, 6.0], ["bare view", 2345.0, None]],
        notes=["a note"],
    )
    lines = text.splitlines()

    assert lines[0] == "My work"
    assert lines[1] == "======="
    assert lines[2].split() == ["view", "req/s", "queries/req"]
    assert lines[4].split() == ["My", "work", "/", "1,234", "6.00"]
    assert lines[5].endswith("—")
    assert len({len(line) for line in lines[2:6]}) == 1
    assert lines[-1] == "  a note"


def test_results_are_written_as_json(tmp_path):
    result = ScenarioResult("T", ["a", "b"], [["x", 1]], data={"ratio": 0.5})

    path = write_json(tmp_path, {"scenarios": {"t": result.as_dict()}})

    assert json.loads(path.read_text())["scenarios"]["t"]["ratio"] == 0.5
    assert "x" in format_result(result)


def test_the_registry_holds_the_platform_scenarios_and_refuses_a_taken_name():
    registry = load()

    assert {"my_work", "api_me", "audit_verify"} <= set(registry)
    assert registry["my_work"].needs_server and not registry["audit_verify"].needs_server

    class Duplicate(Scenario):
        name = "my_work"

    with pytest.raises(ValueError):
        register(Duplicate())
    assert issubclass(ScenarioSkipped, Exception)


def test_database_urls_are_printed_without_passwords():
    url = _with_database("postgres://bench:s3cret@127.0.0.1:5432/postgres", "eprok_bench")

    assert url == "postgres://bench:s3cret@127.0.0.1:5432/eprok_bench"
    assert _printable(url) == "postgres://bench@127.0.0.1:5432/eprok_bench"


@pytest.mark.django_db
def test_a_load_with_deferred_indexes_puts_every_index_back():
    from django.db import connection

    table = AuditEvent._meta.db_table

    def indexes() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table]
                )
            return set(cursor.fetchall())

    before = indexes()
    figures = bulk_insert_audit_events(300, defer_indexes=True)

    assert figures["method"].endswith("indexes rebuilt after")
    assert indexes() == before
    assert verify_chain().ok
