"""`eprok bench`: seed a fresh database at a scale factor, start a production server, run the scenarios
and print one table per scenario, each next to a baseline measured in the same run.

    eprok bench                                   # SQLite under var/bench/, scale 1 (1M audit events)
    eprok bench --scale 0.05 --duration 5         # a quicker run
    eprok bench --database-url postgres://postgres@127.0.0.1:5432/postgres
    eprok bench --scenario my_work --scenario api_me --keep

Results are also written to bench/results/<timestamp>.json. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench import database as bench_database
from bench.report import format_result, write_json
from bench.selection import seeded_for

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eprok bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiplier over the base data set (1 = 1,000 employees, 1,000,000 audit events, 150,000 "
        "persons, 100,000 crime reports and 30,000 criminal cases)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server to create the eprok_bench database on (default: DATABASE_URL, "
        "else SQLite under var/bench/)",
    )
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even when DATABASE_URL is set")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per measured view")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent keep-alive clients")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="ceiling on requests per measured view"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument(
        "--scenario",
        action="append",
        dest="scenarios",
        metavar="NAME",
        help="run only this scenario (repeatable); default: all",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--db-name",
        default=bench_database.BENCH_DB_NAME,
        help="name of the benchmark database (PostgreSQL) or of its file under var/bench/ (SQLite)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database of that name when an earlier run seeded it at the same scale for these "
        "scenarios (no migration, no seeding); otherwise create and seed it. Implies --keep",
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="with --reuse: create and seed the database (for the scenarios given) and stop",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    return parser


_STARTED = time.monotonic()


def _progress(message: str) -> None:
    print(f"[bench {time.monotonic() - _STARTED:6.1f}s] {message}", flush=True)


def _setup_django(db_env: dict[str, str], process_env: dict[str, str]) -> None:
    """Point this process's settings at the benchmark database, then set Django up."""
    from django.apps import apps

    if apps.ready:
        raise RuntimeError("eprok bench must run in a fresh process: Django is already set up here")
    for key in ("DATABASE_URL", "SQLITE_PATH", "EPROK_TESTING"):
        os.environ.pop(key, None)
    os.environ.update(db_env)
    os.environ.update(process_env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _machine() -> dict[str, Any]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        db_version = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {db_version}",
    }


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.scale <= 0:
        print("--scale must be positive", file=sys.stderr)
        return 2
    database_url = None if args.sqlite else (args.database_url or os.environ.get("DATABASE_URL") or None)
    (WORK_DIR / "static").mkdir(parents=True, exist_ok=True)
    baseline_dir = WORK_DIR / "baseline"
    # One secret shared by this process (which creates sessions) and the server (which reads them).
    secret_key = secrets.token_urlsafe(64)
    common_env = {
        "SECRET_KEY": secret_key,
        "EPROK_BENCH_BASELINE": "1",
        "EPROK_BENCH_BASELINE_DIR": str(baseline_dir),
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(WORK_DIR / "static"),
    }
    process_env = {
        **common_env,
        "EPROK_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
    }

    if args.list:
        _setup_django({}, process_env)
        from bench.scenarios import load

        registry = load()
        width = max(map(len, registry), default=0) + 2
        for name, scenario in registry.items():
            print(f"{name:<{width}}{scenario.title}")
        return 0

    db = bench_database.create(database_url, WORK_DIR, name=args.db_name, reuse=args.reuse)
    marker = WORK_DIR / f"{args.db_name}.{db.vendor}.seeded.json"
    seeded = _seeded(marker, args.scale, args.scenarios) if db.reused else None
    if db.reused and seeded is None:
        db = bench_database.create(database_url, WORK_DIR, name=args.db_name)
    _progress(f"database: {db.label} ({'reused, seeded earlier' if seeded is not None else 'fresh'})")
    failures = 0
    results: dict[str, Any] = {}
    gunicorn = None
    started_at = dt.datetime.now(dt.UTC)
    try:
        _setup_django(db.env, process_env)
        from django.core.management import call_command
        from django.db import connections

        from bench.scenarios import BenchContext, ScenarioSkipped, load
        from bench.seeding import SeedPlan, seed_all
        from bench.server import Gunicorn, collectstatic, server_env

        registry = load()
        names = args.scenarios or list(registry)
        unknown = [name for name in names if name not in registry]
        if unknown:
            print(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(registry)}", file=sys.stderr)
            return 2

        plan = SeedPlan(scale=args.scale, progress=_progress)
        # The seeders that only some scenarios need skip themselves when none of those is selected.
        plan.state["scenarios"] = args.scenarios
        if seeded is not None:
            plan.report = seeded.get("seed", {})
        else:
            marker.unlink(missing_ok=True)
            _progress("migrating")
            call_command("migrate", verbosity=0, interactive=False)
            seed_all(plan)
            if args.reuse:
                marker.write_text(
                    json.dumps(
                        {"scale": args.scale, "data": seeded_for(args.scenarios), "seed": plan.report},
                        default=str,
                    ),
                    encoding="utf-8",
                )
        machine = _machine()
        if args.seed_only:
            names = []

        ctx = BenchContext(
            scale=args.scale,
            concurrency=args.concurrency,
            duration=args.duration,
            max_requests=args.max_requests,
            work_dir=WORK_DIR,
            baseline_dir=baseline_dir,
            progress=_progress,
        )
        ready = []
        for name in names:
            try:
                registry[name].setup(ctx)
            except ScenarioSkipped as skip:
                _progress(f"{name}: skipped — {skip}")
                results[name] = {"skipped": str(skip)}
                continue
            ready.append(name)

        if any(registry[name].needs_server for name in ready):
            env = server_env(
                dict(os.environ),
                {
                    **db.env,
                    **common_env,
                    "EPROK_ENV": "production",
                    "DEBUG": "false",
                    "ALLOWED_HOSTS": "127.0.0.1",
                    "SECURE_SSL_REDIRECT": "false",
                    "WEB_CONCURRENCY": str(args.workers),
                },
            )
            _progress("collecting static files for the production server")
            collectstatic(env, ROOT)
            gunicorn = Gunicorn(
                env, ROOT, WORK_DIR / "gunicorn.log", workers=args.workers, threads=args.threads
            )
            ctx.server = gunicorn.start()
            _progress(f"gunicorn: {ctx.server.base_url}, {args.workers} workers × {args.threads} threads")

        for name in ready:
            scenario = registry[name]
            try:
                result = scenario.run(ctx)
            except ScenarioSkipped as skip:
                _progress(f"{name}: skipped — {skip}")
                results[name] = {"skipped": str(skip)}
                continue
            except Exception as exc:
                failures += 1
                traceback.print_exc()
                results[name] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            print()
            print(format_result(result))
            print(flush=True)
            results[name] = result.as_dict()
        connections.close_all()
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        _close_connections()
        if args.keep or args.reuse or args.seed_only:
            _progress(f"kept the database: {db.label}")
        else:
            bench_database.drop(db)

    payload = {
        "started_at": started_at.isoformat(),
        "command": "eprok bench " + " ".join(argv),
        "options": {k: v for k, v in vars(args).items() if k not in {"list", "database_url"}},
        "database": db.label,
        "machine": machine,
        "seed": plan.report,
        "scenarios": results,
    }
    path = write_json(RESULTS_DIR, payload, now=started_at)
    _progress(f"results: {path.relative_to(ROOT)}")
    return 1 if failures else 0


def _seeded(marker: Path, scale: float, scenarios: list[str] | None) -> dict[str, Any] | None:
    """What an earlier `--reuse` run recorded, if it seeded this database at `scale` with every optional
    data set these scenarios read; None when the database must be created and seeded again."""
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if recorded.get("scale") != scale:
        return None
    loaded = recorded.get("data") or seeded_for(recorded.get("scenarios"))
    if any(wanted and not loaded.get(data) for data, wanted in seeded_for(scenarios).items()):
        return None
    return dict(recorded)


def _close_connections() -> None:
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()
