"""`eprok demo`: migrate, seed, print the demo logins with their TOTP secrets, then serve."""

from __future__ import annotations

import json
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
        # The organisation's signing CA (var/signing; docs/operations.md) and the ASAN İmza simulator's CA.
        call_command("signing_ca", "init", verbosity=0)
        self._trust_asan_simulator()
        from eprok.cases.seeding import seed_casework
        from eprok.core.calendar.tracking import deadline_alerts

        with work_context(WorkContext(source="cli")):
            report, logins = seed(scale=1)
            casework = seed_casework()
            from eprok.appeals.seeding import seed_appeals

            appeals = seed_appeals()
            from eprok.contact.seeding import seed_contact

            contact = seed_contact()
            from eprok.documents.seeding import seed_documents

            documents = seed_documents()
            from eprok.signing.seeding import DEMO_SIGNING_PASSPHRASE, seed_signing

            signing = seed_signing()
            from eprok.special.seeding import seed_special

            special = seed_special()
            from eprok.supervision.seeding import seed_supervision

            supervision = seed_supervision()
            from eprok.courtwork.seeding import seed_courtwork

            courtwork = seed_courtwork()
            from eprok.training.seeding import seed_training

            training = seed_training()
            from eprok.learning.seeding import seed_learning

            learning = seed_learning()
            # What a scheduler would have sent by now: "due soon" and "overdue" notifications.
            deadline_alerts()
            from eprok.search.services import reindex

            indexed = reindex()  # the search index of everything seeded
        self.stdout.write(f"seeded: units +{report.units_created}, employees +{report.employees_created}")
        if casework.materials is not None:
            self.stdout.write(
                f"seeded: crime reports +{casework.materials.created}, criminal cases +{casework.opened}"
            )
        self.stdout.write(f"seeded: appeals +{appeals.created}, reception log +{appeals.receptions}")
        self.stdout.write(
            f"seeded: documents +{documents.documents}, letters +{documents.letters}, "
            f"resolutions +{documents.resolutions}"
        )
        self.stdout.write(
            f"seeded: special reports +{special.reports} (follow-ups +{special.follow_ups}, "
            f"closed +{special.closed}); the duty console is /special/console/ (login novbetci)"
        )
        self.stdout.write(
            f"seeded: supervised cases +{supervision.cases} (acts +{supervision.acts}, violations "
            f"+{supervision.violations}); /supervision/ (logins prokuror, nezaretci)"
        )
        self.stdout.write(
            f"seeded: court proceedings +{courtwork.proceedings} (hearings +{courtwork.hearings}, decisions "
            f"+{courtwork.decisions}); /courtwork/ (login ittiham)"
        )
        self.stdout.write(
            f"seeded: training events +{training.events} (held +{training.held}, evaluations "
            f"+{training.evaluations}), thematic plans +{training.plans}; /training/ (login telim)"
        )
        self.stdout.write(
            f"seeded: courses +{learning.courses}, enrolments +{learning.enrolments} "
            f"(mandatory +{learning.mandatory}); the catalogue is /learning/"
        )
        self.stdout.write(f"search index: {sum(indexed.values())} records")
        if signing.codes:
            self.stdout.write(
                f"signed: a decision signed by mustentiq and nezaretci (signing passphrase "
                f"{DEMO_SIGNING_PASSPHRASE}); verify it at /portal/verify/{signing.codes[0]}/"
            )
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
            self._start_zoom_simulator()  # first: the worker and the server read its address
            self._start_xroad_simulators(url)
        # The worker runs the background tasks: special reports' delivery to the duty console, OCR, ...
        self._start_worker()
        if not options["no_simulators"]:
            self._start_pbx_simulator(url)
            self._start_asan_simulator()
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

    def _start_worker(self) -> None:
        """`eprok worker` beside the server (its output in var/demo-worker.log), polling the queue often so a
        special report reaches the duty console within a second or two."""
        import subprocess

        from django.conf import settings

        log_dir = settings.BASE_DIR / "var"
        log_dir.mkdir(exist_ok=True)
        log = (log_dir / "demo-worker.log").open("a")
        argv = [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload"]
        subprocess.Popen(argv, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603

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

    def _start_xroad_simulators(self, url: str) -> None:
        """The state registers and the e-Court behind the gateway (simulators/xroad.py), on the third and
        fourth simulator ports where EPROK_XROAD_URL and EPROK_XROAD_MEMBER_URLS point by default: the
        registers answer from a dataset written from the demo's persons; the e-Court schedules a hearing
        20 seconds after it accepts an indictment and sends it to this server (var/demo-xroad-*.log)."""
        import subprocess

        from django.conf import settings

        from eprok.gateway.sim_data import write_dataset

        log_dir = settings.BASE_DIR / "var"
        log_dir.mkdir(exist_ok=True)
        dataset = log_dir / "registers.json"
        write_dataset(dataset)
        host, base = settings.DEMO_HOST, settings.SIMULATOR_BASE_PORT
        for serve, port, extra in (
            ("registers", base + 2, ["--data", str(dataset)]),
            ("ecourt", base + 3, ["--eprok-url", url.rstrip("/"), "--auto-hearing-after", "20"]),
        ):
            log = (log_dir / f"demo-xroad-{serve}.log").open("a")
            argv = [sys.executable, "-m", "simulators.xroad", "--serve", serve, "--host", host]
            argv += ["--port", str(port), *extra]
            subprocess.Popen(argv, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.stdout.write(
            f"The state registers answer at http://{host}:{base + 2} and the e-Court at "
            f"http://{host}:{base + 3} (simulators/xroad.py; var/demo-xroad-*.log): look up any demo "
            "person's FIN at /gateway/registers/."
        )

    def _start_zoom_simulator(self) -> None:
        """Zoom's API simulated on the second simulator port, unless EPROK_ZOOM_URL names a real one: the
        worker and the server started next inherit its address and credentials (simulators/zoom.py; its
        output in var/demo-zoom.log)."""
        import secrets
        import subprocess

        from django.conf import settings

        if os.environ.get("EPROK_ZOOM_URL"):
            return
        host, port = settings.DEMO_HOST, settings.SIMULATOR_BASE_PORT + 1
        secret = secrets.token_urlsafe(24)
        os.environ.update(
            EPROK_ZOOM_URL=f"http://{host}:{port}/v2",
            EPROK_ZOOM_OAUTH_URL=f"http://{host}:{port}/oauth/token",
            EPROK_ZOOM_ACCOUNT_ID="demo",
            EPROK_ZOOM_CLIENT_ID="eprok-demo",
            EPROK_ZOOM_CLIENT_SECRET=secret,
        )
        log_dir = settings.BASE_DIR / "var"
        log_dir.mkdir(exist_ok=True)
        log = (log_dir / "demo-zoom.log").open("a")
        argv = [sys.executable, "-m", "simulators.zoom", "--host", host, "--port", str(port)]
        argv += ["--account-id", "demo", "--client-id", "eprok-demo"]
        env = dict(os.environ, ZOOM_SIM_CLIENT_SECRET=secret)
        subprocess.Popen(argv, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.stdout.write(
            f"The Zoom simulator answers at http://{host}:{port}: training events' Zoom meetings are made "
            "there (var/demo-zoom.log); add participants with POST /_control/meetings/<id>/participants."
        )

    def _asan_state(self) -> Any:
        from django.conf import settings

        return settings.BASE_DIR / "var" / "asan-sim"

    def _trust_asan_simulator(self) -> None:
        """The simulator's CA is made here (it would make the same on start) and trusted by validation."""
        from cryptography.hazmat.primitives import serialization

        from eprok.signing import ca
        from simulators.asan import ensure_ca

        certificate, _key = ensure_ca(self._asan_state())
        ca.trust_add("asan-simulator", certificate.public_bytes(serialization.Encoding.PEM))

    def _start_asan_simulator(self) -> None:
        """ASAN İmza's mobile signature, simulated at EPROK_ASAN_URL: the phone confirms by itself after
        5 seconds (simulators/asan.py; its output, with each verification code, in var/demo-asan.log)."""
        import subprocess
        from urllib.parse import urlsplit

        from django.conf import settings

        address = urlsplit(settings.EPROK_ASAN_URL)
        log = (settings.BASE_DIR / "var" / "demo-asan.log").open("a")
        argv = [
            sys.executable,
            "-m",
            "simulators.asan",
            "--host",
            address.hostname or "127.0.0.1",
            "--port",
            str(address.port or settings.SIMULATOR_BASE_PORT),
            "--state",
            str(self._asan_state()),
            "--auto-confirm-after",
            "5",
        ]
        self._write_asan_directory()
        env = dict(os.environ, ASAN_SIM_CLIENT_SECRET=settings.EPROK_ASAN_CLIENT_SECRET)
        subprocess.Popen(argv, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.stdout.write(
            f"The ASAN İmza simulator answers at {settings.EPROK_ASAN_URL}; an employee signs with the "
            "phone number on their record (the demo logins: the numbers above) and any 6-digit ASAN ID, "
            "confirmed after 5 s (var/demo-asan.log)."
        )

    def _write_asan_directory(self) -> None:
        """Whose phone number is whose (name and FIN), for the simulator's certificates: an ASAN İmza
        certificate carries its holder's FIN, and eprok signs only with the employee's own."""
        from eprok.org.models import Employee
        from eprok.org.seeding import DEMO_LOGINS
        from eprok.signing.asan import normalise_phone

        # The demo logins have no phone on record: each gets a demo number, printed below.
        demo_phones = {demo.username: f"+99450000{index + 1:04d}" for index, demo in enumerate(DEMO_LOGINS)}
        entries = {}
        for username, phone, fin, last, first in Employee.objects.exclude(fin__isnull=True).values_list(
            "username", "phone", "fin", "last_name", "first_name"
        ):
            number = normalise_phone(phone) if phone else demo_phones.get(username, "")
            if number:
                entries[number] = {"fin": fin, "name": f"{last} {first}"}
        state = self._asan_state()
        state.mkdir(parents=True, exist_ok=True)
        (state / "directory.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(
            "ASAN İmza numbers of the demo logins (any 6-digit ASAN ID): "
            + ", ".join(f"{username} {phone}" for username, phone in demo_phones.items())
        )
