"""The `eprok` console script for operators: serve, worker, seed, audit verify, createadmin, bench, demo."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _manage(*argv: str) -> None:
    _django()
    from django.core.management import call_command

    call_command(*argv)


def cmd_serve(args: argparse.Namespace) -> None:
    """Serve with gunicorn (production server); static files through WhiteNoise."""
    _django()
    from django.conf import settings

    bind = f"{args.host}:{args.port}"
    argv = [
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "-" if args.access_log else "/dev/null",
        "--graceful-timeout",
        "10",
    ]
    if settings.DEBUG:
        print("warning: DEBUG is on; set EPROK_ENV=production for a production server", file=sys.stderr)
    os.execvp(argv[0], argv)  # noqa: S606


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eprok", description="Electronic Prosecution information system")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the application with gunicorn")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    serve.add_argument("--threads", type=int, default=4)
    serve.add_argument("--access-log", action="store_true")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background tasks and periodic jobs")
    # The queue is polled every EPROK_WORKER_INTERVAL seconds when idle (a special report must reach the
    # duty console within 2 s; docs/benchmarks.md).
    worker.set_defaults(
        func=lambda a: _manage("db_worker", "--interval", os.environ.get("EPROK_WORKER_INTERVAL", "0.2"))
    )

    seed = sub.add_parser("seed", help="load the service's structure and demo data")
    seed.add_argument("--scale", type=int, default=1, help="multiply the amount of demo data")
    seed.add_argument("--structure-only", action="store_true", help="only units, positions and class ranks")
    seed.set_defaults(
        func=lambda a: _manage(
            "seed", f"--scale={a.scale}", *(["--structure-only"] if a.structure_only else [])
        )
    )

    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check the hash chain and name the first broken event")
    verify.set_defaults(func=lambda a: _manage("audit_verify"))

    admin = sub.add_parser(
        "createadmin", help="create an administrator with all rights over the whole service"
    )
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", default="")
    admin.set_defaults(
        func=lambda a: _manage("createadmin", f"--username={a.username}", f"--email={a.email}")
    )

    demo = sub.add_parser("demo", help="migrate, seed the demo and serve it")
    demo.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    demo.set_defaults(func=lambda a: _manage("demo", f"--port={a.port}"))

    bench = sub.add_parser("bench", help="run the benchmark scenarios (see docs/benchmarks.md)")
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(func=lambda a: _bench(a.rest))

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=lambda a: _manage(*a.rest))
    return parser


def _bench(rest: Sequence[str]) -> None:
    from bench.run import main as bench_main

    sys.exit(bench_main(list(rest)))


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:
        # bench/run.py parses its own options: argparse's REMAINDER would refuse a leading "--scale".
        _bench(argv[1:])
        return
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
