"""`eprok demo`: migrate, seed, print the demo logins with their TOTP secrets, then serve."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Migrate the database, seed the demo (idempotent), list the demo logins and serve on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare and print the logins, do not serve"
        )
        parser.add_argument(
            "--no-simulators",
            action="store_true",
            help="do not start the telephony simulator that rings the 961 operators' workspace",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import pyotp

        from eprok.org.seeding import DEMO_PASSWORD, seed

        call_command("migrate", interactive=False, verbosity=0)
        from eprok.cases.seeding import seed_casework
        from eprok.core.calendar.tracking import deadline_alerts

        with work_context(WorkContext(source="cli")):
            report, logins = seed(scale=1)
            casework = seed_casework()
            from eprok.appeals.seeding import seed_appeals

            appeals = seed_appeals()
            from eprok.contact.seeding import seed_contact

            contact = seed_contact()
            # What a scheduler would have sent by now: "due soon" and "overdue" notifications.
            deadline_alerts()
        self.stdout.write(f"seeded: units +{report.units_created}, employees +{report.employees_created}")
        if casework.materials is not None:
            self.stdout.write(
                f"seeded: crime reports +{casework.materials.created}, criminal cases +{casework.opened}"
            )
        self.stdout.write(f"seeded: appeals +{appeals.created}, reception log +{appeals.receptions}")
        self.stdout.write(
            f"seeded: calls +{contact.calls}, hotline reports +{contact.hotline_reports}; "
            "the exchanges 961-main and 161-main take signed events from `python -m simulators.pbx` "
            "(simulators/README.md)"
        )
        self.stdout.write("")
        self.stdout.write("Demo logins (development only) — password for all: " + DEMO_PASSWORD)
        header = f"{'login':<11} {'role':<28} {'unit':<44} {'TOTP secret':<34} code"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for demo, employee in logins:
            secret = employee.totp_device.secret
            roles = ", ".join(str(role) for role, _unit, _sub in demo.roles)
            unit = employee.unit.name_az if employee.unit else ""
            code = pyotp.TOTP(secret).now()
            self.stdout.write(f"{demo.username:<11} {roles:<28} {unit[:44]:<44} {secret:<34} {code}")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(
            f"Serving {url} — add the secrets to an authenticator app once; codes change every 30 s."
        )
        if options["no_serve"]:
            return
        if not options["no_simulators"]:
            self._start_pbx_simulator(url)
        sys.stdout.flush()
        env = dict(os.environ, DEBUG="1")
        # gunicorn is installed next to this interpreter; make sure `eprok serve` finds it.
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        argv = [
            sys.executable,
            "-m",
            "eprok.cli",
            "serve",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
        ]
        os.execve(sys.executable, argv, env)  # noqa: S606

    def _start_pbx_simulator(self, url: str) -> None:
        """The 961 exchange's simulator, beside the server: once the server answers, a call rings in the
        operators' workspace every three minutes (simulators/pbx.py; its output in var/demo-pbx.log)."""
        import subprocess

        from django.conf import settings

        from eprok.contact.pbx import demo_secret

        log_dir = settings.BASE_DIR / "var"
        log_dir.mkdir(exist_ok=True)
        log = (log_dir / "demo-pbx.log").open("a")
        argv = [
            sys.executable,
            "-m",
            "simulators.pbx",
            "--url",
            url,
            "--pbx",
            "961-main",
            "--calls",
            "40",
            "--ring",
            "--pause",
            "180",
            "--wait",
            "120",
        ]
        env = dict(os.environ, EPROK_PBX_SECRET=demo_secret())
        subprocess.Popen(argv, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.stdout.write(
            "The 961 simulator rings the operators' workspace every 3 minutes (var/demo-pbx.log)."
        )
