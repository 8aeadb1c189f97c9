"""Seeding the benchmark database at a scale factor: the service's structure, employees and audit events.

Audit events are generated with a correct hash chain (`eprok.audit.chain.event_hash`) and inserted in
bulk: `executemany` batches on SQLite, `COPY ... FROM STDIN` on PostgreSQL. Later modules append their
own seeders to `SEEDERS`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
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
    # What one seeder leaves for a later one (e.g. the cases to open on seeded crime reports).
    state: dict[str, Any] = field(default_factory=dict)

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


def _sqlite_adapter(value: Any) -> Callable[[Any], Any] | None:
    """How SQLite stores a Python value the way Django writes it (None: as it is)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value
    if isinstance(value, dt.date):
        return dt.date.isoformat
    if isinstance(value, uuid.UUID):
        return _uuid_hex  # Django keeps UUIDs on SQLite as 32 hex digits
    return None


def _uuid_hex(value: uuid.UUID) -> str:
    return value.hex


def _adapt_any(value: Any) -> Any:
    adapter = _sqlite_adapter(value)
    return value if adapter is None else adapter(value)


def bulk_insert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 10_000,
    defer_indexes: bool = False,
    progress: Progress | None = None,
    label: str = "",
    total: int | None = None,
    analyze: bool = True,
) -> dict[str, Any]:
    """Insert `rows` (tuples in `columns` order, plain Python values) into `table` as fast as the
    database allows: `COPY ... FROM STDIN` on PostgreSQL, `executemany` batches on SQLite.

    `rows` may be a generator, but it must not query the database: the connection is busy streaming.

    One transaction. `defer_indexes` drops the table's secondary indexes for the load and rebuilds them
    in the same transaction; on PostgreSQL the table is analysed afterwards (`analyze`), so the planner
    sees the seeded data as it would in a database that grew to that size.
    Returns {"rows", "seconds", "rows_per_second", "method"}."""
    started = time.perf_counter()
    names = ", ".join(columns)
    report_every = max(batch_size, 100_000)
    what = label or table
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            method = "COPY"
            recreate = _pg_drop_secondary_indexes(cursor, table) if defer_indexes else []
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
                    if progress and done % report_every == 0:
                        progress(f"{what}: {done:,}" + (f" / {total:,}" if total else ""))
            if recreate:
                method = "COPY, indexes rebuilt after"
                if progress:
                    progress(f"{what}: rebuilding {len(recreate)} indexes")
                # Check the deferred foreign keys of the loaded rows now: ALTER TABLE refuses to run
                # while their trigger events are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # Sorting in memory builds the indexes several times faster; local to this transaction.
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in recreate:
                cursor.execute(statement)
            if analyze:
                cursor.execute(f"ANALYZE {table}")
        else:
            method = "executemany"
            recreate = _sqlite_drop_secondary_indexes(cursor, table) if defer_indexes else []
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            adapters: list[Callable[[Any], Any] | None] | None = None
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                if adapters is None:
                    # Decided once from the first row; a column that starts with None adapts per value.
                    adapters = [_adapt_any if v is None else _sqlite_adapter(v) for v in row]
                batch.append(
                    tuple(v if f is None or v is None else f(v) for v, f in zip(row, adapters, strict=True))
                )
                if len(batch) >= batch_size:
                    cursor.executemany(sql, batch)
                    done += len(batch)
                    batch = []
                    if progress and done % report_every == 0:
                        progress(f"{what}: {done:,}" + (f" / {total:,}" if total else ""))
            if batch:
                cursor.executemany(sql, batch)
                done += len(batch)
            if recreate:
                method = "executemany, indexes rebuilt after"
                if progress:
                    progress(f"{what}: rebuilding {len(recreate)} indexes")
            for statement in recreate:
                cursor.execute(statement)
    seconds = time.perf_counter() - started
    return {
        "rows": done,
        "seconds": round(seconds, 2),
        "rows_per_second": round(done / seconds) if seconds > 0 else None,
        "method": method,
    }


class ModelRows:
    """Rows for one model's table given as tuples of *some* of its columns: the model's other concrete
    columns are filled with their defaults, so a field added to the model later does not break seeding
    (a new required column without a default does, with a message naming it). Columns given that the
    model no longer has are dropped."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        fields = {str(f.column): f for f in model._meta.concrete_fields}
        self.model = model
        self.table = model._meta.db_table
        self.keep = [i for i, name in enumerate(columns) if name in fields]
        self.project = len(self.keep) != len(columns)
        given = [columns[i] for i in self.keep]
        # Columns not given: the primary key is left to the database, the others get their defaults.
        missing = [name for name, f in fields.items() if name not in set(given) and not f.primary_key]
        self.columns = [*given, *missing]
        self.defaults = tuple(self._default(fields[name]) for name in missing)

    def _default(self, f: Any) -> Any:
        if f.unique:
            raise RuntimeError(f"{self.model.__name__}.{f.name} is unique: the seeder must give it")
        if f.has_default():
            value = f.get_default()
            return json.dumps(value) if isinstance(value, dict | list) else value
        if f.null:
            return None
        if f.empty_strings_allowed:
            return ""
        raise RuntimeError(
            f"{self.model.__name__}.{f.name} is a new required column without a default: "
            "teach the benchmark seeder (bench/seeding_casework.py) to fill it"
        )

    def rows(self, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        keep, defaults = self.keep, self.defaults
        if self.project:
            for row in rows:
                yield (*(row[i] for i in keep), *defaults)
        elif defaults:
            for row in rows:
                yield (*row, *defaults)
        else:
            yield from (tuple(row) for row in rows)

    def has(self, column: str) -> bool:
        return column in self.columns[: len(self.keep)]


def insert_model_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Progress | None = None,
    total: int | None = None,
) -> dict[str, Any]:
    """`bulk_insert` into a model's table (see ModelRows); indexes are deferred from
    DEFER_INDEXES_FROM rows; primary keys given explicitly move the table's id sequence past them."""
    table = ModelRows(model, columns)
    figures = bulk_insert(
        table.table,
        table.columns,
        table.rows(rows),
        defer_indexes=(total or 0) >= DEFER_INDEXES_FROM,
        progress=progress,
        label=model._meta.db_table,
        total=total,
    )
    if "id" in columns:
        reset_sequences(model)
    return figures


def next_id(model: type[Model]) -> int:
    """The first free primary key above the table's rows (seeders assign ids themselves)."""
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def reset_sequences(*models: type[Model]) -> None:
    """Move the tables' id sequences past explicitly inserted ids (PostgreSQL; SQLite keeps track)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


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
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    head = [last]
    # Read before the load: no other query can run on the connection while COPY streams the rows.
    rows = generate_audit_rows(count, prev_hash=last, actors=_actors(), seed=seed)

    def chained() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            head[0] = row[-1]
            yield row

    figures = bulk_insert(
        AuditEvent._meta.db_table,
        _COLUMNS,
        chained(),
        batch_size=batch_size,
        defer_indexes=count >= DEFER_INDEXES_FROM if defer_indexes is None else defer_indexes,
        progress=progress,
        label="audit events",
        total=count,
    )
    return {
        "events": figures["rows"],
        "seconds": figures["seconds"],
        "rows_per_second": figures["rows_per_second"],
        "method": figures["method"],
        "head_hash": head[0],
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


def _casework(name: str) -> Seeder:
    """A seeder of bench.seeding_casework, imported when it runs (that module builds on this one)."""

    def run(plan: SeedPlan) -> None:
        getattr(import_module("bench.seeding_casework"), name)(plan)

    run.__name__ = name
    return run


def _appeals(name: str) -> Seeder:
    """A seeder of bench.seeding_appeals, imported when it runs (it builds on the casework world)."""

    def run(plan: SeedPlan) -> None:
        getattr(import_module("bench.seeding_appeals"), name)(plan)

    run.__name__ = name
    return run


def _search(name: str) -> Seeder:
    """A seeder of bench.seeding_search (documents and the search index; run only for the scenarios
    that read them, see bench.selection)."""

    def run(plan: SeedPlan) -> None:
        getattr(import_module("bench.seeding_search"), name)(plan)

    run.__name__ = name
    return run


def _stats(name: str) -> Seeder:
    """A seeder of bench.seeding_stats (statistical cards; run only for the stats scenarios)."""

    def run(plan: SeedPlan) -> None:
        getattr(import_module("bench.seeding_stats"), name)(plan)

    run.__name__ = name
    return run


# Run in order on a fresh, migrated database. Later modules append theirs (cases, persons, appeals...).
SEEDERS: list[tuple[str, Seeder]] = [
    ("structure", seed_structure),
    ("employees", seed_employees),
    ("audit_events", seed_audit_events),
    ("persons", _casework("seed_persons")),
    ("materials", _casework("seed_materials")),  # also plans the cases, numbers included
    ("cases", _casework("seed_cases")),
    ("appeals", _appeals("seed_appeals")),  # after persons: some applicants are in the person registry
    ("documents", _search("seed_documents")),  # on the seeded reports, cases and appeals
    ("search_index", _search("seed_search_index")),  # last: every indexed record is in place
    ("stats_cards", _stats("seed_stats_cards")),  # statistical cards, only for the stats scenarios
]


def seed_all(plan: SeedPlan) -> None:
    for _name, seeder in SEEDERS:
        seeder(plan)
