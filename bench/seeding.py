"""Seeding the benchmark database at a scale factor: the service's structure, employees and audit events.

Audit events are generated with a correct hash chain (`eprok.audit.chain.event_hash`) and inserted in
bulk: `executemany` batches on SQLite, `COPY ... FROM STDIN` on PostgreSQL. Later modules append their
own seeders to `SEEDERS`.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.utils import timezone

from eprok.audit.chain import GENESIS_HASH, canonical_json, event_hash
from eprok.audit.models import AuditEvent

# What scale 1 means. `--scale` multiplies these (0.01 is a smoke run, 1 the documented run).
BASE_EMPLOYEES = 1_000
BASE_AUDIT_EVENTS = 1_000_000

BENCH_USERNAME = "bench.investigator"

Progress = Callable[[str], None]


@dataclass
class SeedPlan:
    scale: float
    progress: Progress = print
    # Figures the seeders report (rows, seconds), kept in the results JSON.
    report: dict[str, Any] = field(default_factory=dict)

    def count(self, base: int, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))


# --- Structure -----------------------------------------------------------------------------------


def seed_structure(plan: SeedPlan) -> None:
    """Units, positions and class ranks via `manage.py seed --structure-only`, or a small tree of our own."""
    from eprok.org.models import Unit

    started = time.perf_counter()
    if Unit.objects.exists():
        plan.progress(f"structure: {Unit.objects.count()} units already present")
        return
    if "seed" in get_commands():
        call_command("seed", "--structure-only", stdout=io.StringIO(), stderr=io.StringIO())
        how = "seed --structure-only"
    else:
        _minimal_structure()
        how = "minimal tree (the seed command is not available)"
    units = Unit.objects.count()
    plan.report["structure"] = {
        "units": units,
        "how": how,
        "seconds": round(time.perf_counter() - started, 2),
    }
    plan.progress(f"structure: {units} units ({how})")


def _minimal_structure() -> None:
    from eprok.org.models import UnitKind
    from eprok.org.services import unit_create

    root = unit_create(
        actor=None,
        code="bench-gpo",
        kind=UnitKind.GENERAL_OFFICE,
        name_az="Baş Prokurorluq",
        name_en="General Prosecutor's Office",
    )
    city = unit_create(
        actor=None,
        code="bench-baku",
        kind=UnitKind.CITY_OFFICE,
        parent=root,
        name_az="Bakı şəhər prokurorluğu",
        name_en="Baku City Prosecutor's Office",
    )
    for n, name in enumerate(
        ("Binəqədi", "Qaradağ", "Nərimanov", "Nəsimi", "Səbail", "Suraxanı", "Xətai", "Yasamal")
    ):
        unit_create(
            actor=None,
            code=f"bench-district-{n}",
            kind=UnitKind.DISTRICT_OFFICE,
            parent=city,
            name_az=f"{name} rayon prokurorluğu",
            name_en=f"{name} District Prosecutor's Office",
        )


# --- Employees -----------------------------------------------------------------------------------

_ROLES_FOR_STAFF = ("investigate", "supervise", "register_materials", "answer_appeals", "prosecute")


def seed_employees(plan: SeedPlan) -> None:
    """`BASE_EMPLOYEES × scale` employees with Azerbaijani names spread over the units, one role each,
    and the benchmark's own signed-in employee (investigator and supervisor of a district office)."""
    from django.contrib.auth.hashers import make_password
    from faker import Faker

    from eprok.org.models import ClassRank, Employee, Position, RoleAssignment, Unit

    started = time.perf_counter()
    count = plan.count(BASE_EMPLOYEES)
    units = list(Unit.objects.order_by("path"))
    if not units:
        raise RuntimeError("no units to place employees in: seed the structure first")
    positions: list[Position | None] = [*Position.objects.all()] or [None]
    ranks: list[ClassRank | None] = [*ClassRank.objects.all()] or [None]
    fake = Faker("az_AZ")
    fake.seed_instance(2024)
    rng = random.Random(2024)  # benchmark data, not secrets
    unusable = make_password(None)
    employees = []
    for n in range(count):
        male = n % 3 != 0
        first = fake.first_name_male() if male else fake.first_name_female()
        father = fake.first_name_male()
        employees.append(
            Employee(
                username=f"bench{n:07d}",
                fin=f"B{n:06d}",
                last_name=fake.last_name_male() if male else fake.last_name_female(),
                first_name=first,
                patronymic=f"{father} {'oğlu' if male else 'qızı'}",
                email=f"bench{n}@prokurorluq.test",
                unit=units[n % len(units)],
                position=rng.choice(positions),
                class_rank=rng.choice(ranks),
                password=unusable,
            )
        )
    Employee.objects.bulk_create(employees, batch_size=2_000)
    created = list(Employee.objects.filter(username__startswith="bench0").values_list("pk", "unit_id"))
    today = dt.date.today()
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                employee_id=pk,
                unit_id=unit_id,
                role=_ROLES_FOR_STAFF[i % len(_ROLES_FOR_STAFF)],
                valid_from=today - dt.timedelta(days=365),
            )
            for i, (pk, unit_id) in enumerate(created)
        ],
        batch_size=2_000,
    )
    bench_user = bench_employee(create=True)
    plan.report["employees"] = {"employees": count + 1, "seconds": round(time.perf_counter() - started, 2)}
    plan.progress(f"employees: {count:,} (+ {bench_user.username})")


def bench_employee(*, create: bool = False) -> Any:
    """The employee the HTTP scenarios sign in as: an investigator and supervisor with a confirmed
    authenticator, in the deepest unit of the tree."""
    import pyotp

    from eprok.accounts.models import TotpDevice
    from eprok.org.models import Employee, RoleAssignment, Unit

    user = Employee.objects.filter(username=BENCH_USERNAME).first()
    if user is not None or not create:
        return user
    unit = Unit.objects.order_by("-depth", "path").first()
    if unit is None:
        raise RuntimeError("no units to place the benchmark employee in: seed the structure first")
    user = Employee.objects.create_user(
        BENCH_USERNAME,
        None,
        last_name="Hüseynov",
        first_name="Elçin",
        patronymic="Rauf oğlu",
        email="bench.investigator@prokurorluq.test",
        unit=unit,
        fin="BENCH01",
    )
    since = dt.date.today() - dt.timedelta(days=365)
    for role in ("investigate", "supervise"):
        RoleAssignment.objects.create(
            employee=user, role=role, unit=unit, include_subunits=True, valid_from=since
        )
    TotpDevice.objects.create(employee=user, secret=pyotp.random_base32(), confirmed_at=timezone.now())
    return user


# --- Audit events --------------------------------------------------------------------------------

_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_unit",
    "actor_unit_id",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "related_type",
    "related_id",
    "changes",
    "data",
    "purpose",
    "source",
    "request_id",
    "ip",
    "user_agent",
    "prev_hash",
    "hash",
)
_ACTIONS = (
    ("org.employee.read", "org.employee", "", ""),
    ("org.unit.updated", "org.unit", "", ""),
    ("accounts.session.signed_in", "org.employee", "", ""),
    ("materials.material.registered", "materials.material", "org.unit", ""),
    ("cases.case.read", "cases.case", "", "Cinayət işinin icraatı"),
    ("cases.case.updated", "cases.case", "materials.material", ""),
    ("appeals.appeal.answered", "appeals.appeal", "", ""),
)
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "eprok-cli/1.0",
)


def generate_audit_rows(
    count: int, *, prev_hash: str, actors: list[tuple[int, str, str, int | None]], seed: int = 1
) -> Iterator[tuple[Any, ...]]:
    """`count` chained events after `prev_hash`, as tuples in `_COLUMNS` order (aware datetimes).

    Times run evenly over the past year up to a minute ago; actors are drawn from `actors`
    ((id, name, unit name, unit id)); without actors the events come from the system."""
    rng = random.Random(seed)  # benchmark data, not secrets
    end = timezone.now() - dt.timedelta(minutes=1)
    start = end - dt.timedelta(days=365)
    step = (end - start) / max(count, 1)
    update_changes = canonical_json({"after": {"status": "in_progress"}, "before": {"status": "registered"}})
    read_data = [canonical_json({"via": "list", "page": page}) for page in range(7)]
    prev = prev_hash
    for n in range(count):
        occurred_at = start + step * n
        action, target_type, related_type, purpose = _ACTIONS[n % len(_ACTIONS)]
        if actors:
            actor_id, actor_name, actor_unit, actor_unit_id = actors[rng.randrange(len(actors))]
            source, ip, user_agent = (
                "web",
                f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                (_USER_AGENTS[n % 2]),
            )
        else:
            actor_id, actor_name, actor_unit, actor_unit_id = None, "", "", None
            source, ip, user_agent = "cli", None, _USER_AGENTS[2]
        target_id = str(rng.randrange(1, 1_000_000))
        target_repr = f"№ {occurred_at.year}-{int(target_id):06d}"
        related_id = str(rng.randrange(1, 100_000)) if related_type else ""
        changes = update_changes if action.endswith("updated") else ""
        data = read_data[n % len(read_data)] if action.endswith("read") else ""
        request_id = f"{rng.getrandbits(128):032x}"
        digest = event_hash(
            prev,
            occurred_at,
            actor_id,
            actor_name,
            actor_unit,
            action,
            target_type,
            target_id,
            target_repr,
            related_type,
            related_id,
            changes,
            data,
            purpose,
            source,
            request_id,
            ip,
            user_agent,
        )
        yield (
            occurred_at,
            actor_id,
            actor_name,
            actor_unit,
            actor_unit_id,
            action,
            target_type,
            target_id,
            target_repr,
            related_type,
            related_id,
            changes,
            data,
            purpose,
            source,
            request_id,
            ip,
            user_agent,
            prev,
            digest,
        )
        prev = digest


def _actors(limit: int = 2_000) -> list[tuple[int, str, str, int | None]]:
    from eprok.org.models import Employee

    rows = Employee.objects.select_related("unit").order_by("pk")[:limit]
    return [(e.pk, e.get_full_name(), e.unit.name_az if e.unit else "", e.unit_id) for e in rows]


# Above this many rows, the database loads faster without the secondary indexes, rebuilt afterwards.
DEFER_INDEXES_FROM = 100_000


def _pg_drop_secondary_indexes(cursor: Any, table: str) -> list[str]:
    """Drop the table's indexes and unique constraints except the primary key; return the statements
    that recreate them exactly as they were (same names and definitions)."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass",
        [table],
    )
    constraints = cursor.fetchall()
    backing = {name for name, _kind, _definition in constraints}
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s",
        [table],
    )
    indexes = [(name, definition) for name, definition in cursor.fetchall() if name not in backing]
    recreate: list[str] = []
    for name, kind, definition in constraints:
        if kind == "u":
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        recreate.append(definition)
    return recreate


def _sqlite_drop_secondary_indexes(cursor: Any, table: str) -> list[str]:
    """Drop the table's explicit indexes (UNIQUE columns keep their automatic index); return the
    statements that recreate them, exactly as SQLite recorded them."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in indexes]


def bulk_insert_audit_events(
    count: int,
    *,
    batch_size: int = 10_000,
    progress: Progress | None = None,
    seed: int = 1,
    defer_indexes: bool | None = None,
) -> dict[str, Any]:
    """Append `count` chained events after the current head of the chain, as fast as the database allows.

    `defer_indexes` (default: from DEFER_INDEXES_FROM rows) drops the secondary indexes for the load and
    rebuilds them in the same transaction.
    Returns {"events", "seconds", "rows_per_second", "method", "head_hash"}."""
    table = AuditEvent._meta.db_table
    started = time.perf_counter()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    rows = generate_audit_rows(count, prev_hash=last, actors=_actors(), seed=seed)
    head = last
    done = 0
    columns = ", ".join(_COLUMNS)
    report_every = max(batch_size, 100_000)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            method = "COPY"
            if defer_indexes is None:
                defer_indexes = count >= DEFER_INDEXES_FROM
            with connection.cursor() as cursor:
                recreate = _pg_drop_secondary_indexes(cursor, table) if defer_indexes else []
                if recreate:
                    method = "COPY, indexes rebuilt after"
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        head = row[-1]
                        done += 1
                        if progress and done % report_every == 0:
                            progress(f"audit events: {done:,} / {count:,}")
                if recreate:
                    if progress:
                        progress(f"audit events: rebuilding {len(recreate)} indexes")
                    # Sorting in memory builds the indexes several times faster; local to this transaction.
                    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for statement in recreate:
                    cursor.execute(statement)
                cursor.execute(f"ANALYZE {table}")
        else:
            method = "executemany"
            if defer_indexes is None:
                defer_indexes = count >= DEFER_INDEXES_FROM
            adapt = connection.ops.adapt_datetimefield_value
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"  # noqa: S608
            with connection.cursor() as cursor:
                recreate = _sqlite_drop_secondary_indexes(cursor, table) if defer_indexes else []
                if recreate:
                    method = "executemany, indexes rebuilt after"
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append((adapt(row[0]), *row[1:]))
                    if len(batch) >= batch_size:
                        cursor.executemany(sql, batch)
                        done += len(batch)
                        head = batch[-1][-1]
                        batch = []
                        if progress and done % report_every == 0:
                            progress(f"audit events: {done:,} / {count:,}")
                if batch:
                    cursor.executemany(sql, batch)
                    done += len(batch)
                    head = batch[-1][-1]
                if recreate and progress:
                    progress(f"audit events: rebuilding {len(recreate)} indexes")
                for statement in recreate:
                    cursor.execute(statement)
    seconds = time.perf_counter() - started
    return {
        "events": done,
        "seconds": round(seconds, 2),
        "rows_per_second": round(done / seconds) if seconds > 0 else None,
        "method": method,
        "head_hash": head,
    }


def seed_audit_events(plan: SeedPlan) -> None:
    count = plan.count(BASE_AUDIT_EVENTS)
    plan.progress(f"audit events: generating and inserting {count:,} chained events")
    figures = bulk_insert_audit_events(count, progress=plan.progress)
    plan.report["audit_events"] = {k: v for k, v in figures.items() if k != "head_hash"}
    plan.progress(
        f"audit events: {figures['events']:,} in {figures['seconds']} s "
        f"({figures['rows_per_second']:,} rows/s, {figures['method']}, hashing included)"
    )


Seeder = Callable[[SeedPlan], None]

# Run in order on a fresh, migrated database. Later modules append theirs (cases, persons, appeals...).
SEEDERS: list[tuple[str, Seeder]] = [
    ("structure", seed_structure),
    ("employees", seed_employees),
    ("audit_events", seed_audit_events),
]


def seed_all(plan: SeedPlan) -> None:
    for _name, seeder in SEEDERS:
        seeder(plan)
