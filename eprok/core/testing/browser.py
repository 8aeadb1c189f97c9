"""A real eprok server for the browser tests, and the system Chromium driven by Playwright.

A pytest plugin (listed in the root conftest.py), so every module's journeys share one server and
one Chromium per session: Playwright's sync API allows one instance per thread, and one server
prepared once is cheaper than one per module.

No live_server: it flushes the database between tests, and the audit table refuses that. The
server is a gunicorn subprocess on a throwaway SQLite file (a copy of the worker's freshly migrated
SQLite test database, where there is one), prepared with `migrate`, the structure seed (when that
command exists) and `e2e_fixture`, all in one `manage.py` process: the auditor of the first journey
and, once the structure is seeded, the journeys' employees (CASEWORK_EMPLOYEES), each with a password
and TOTP secret of their own. Its socket is bound here and handed over by file descriptor, so
requests simply queue until the worker is up: no port race, no sleeps. A task worker (`db_worker`)
runs next to it on the same database, so queued tasks (e.g. special reports' delivery) are done.
The state registers and the e-Court (simulators/xroad.py) run next to them, each on a socket bound here
and handed over with --fd: the registers over eprok.gateway.testing.SIM_DATASET, the e-Court calling the
server back with a hearing one second after it accepts an indictment.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "eprok" / "core" / "static" / "vendor" / "axe" / "axe.min.js"


# The journeys' employees: key -> (login, last name, first name, ROLE:UNIT grants), each placed in the
# unit of their first grant (baku-xetai of the structure seed, unless said otherwise). The supervisor
# approves the indictment, so is not on the team.
CASEWORK_UNIT = "baku-xetai"
CASEWORK_EMPLOYEES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "registrar": ("e2e.registrar", "Həsənova", "Leyla", (f"register_materials:{CASEWORK_UNIT}",)),
    "investigator": ("e2e.investigator", "Quliyev", "Rauf", (f"investigate:{CASEWORK_UNIT}",)),
    "supervisor": ("e2e.supervisor", "Məmmədov", "Tofiq", (f"supervise:{CASEWORK_UNIT}",)),
    # The special reports' journey: the district's reporting officer and the duty prosecutor of the General
    # Prosecutor's Office.
    "special_reporter": ("e2e.special.reporter", "Rzayev", "Elçin", (f"report_special:{CASEWORK_UNIT}",)),
    "duty_prosecutor": ("e2e.duty", "Nəsirova", "Günel", ("duty_prosecutor:gpo",)),
    # The training journey: an administrator of the Science and Training Centre and a listener of the district
    # office (no role needed to study).
    "training_admin": ("e2e.training", "Əliyeva", "Səbinə", ("administer_training:training-centre",)),
    "listener": ("e2e.listener", "Hüseynov", "Orxan", (f"register_appeals:{CASEWORK_UNIT}",)),
    # The gateway journey: the state prosecutor who takes the case to court (the investigator looks the
    # accused up in the state registers; the supervisor approves the indictment).
    "prosecutor": ("e2e.prosecutor", "Abbasov", "Kamran", (f"prosecute:{CASEWORK_UNIT}",)),
}


@dataclass(frozen=True)
class E2EUser:
    username: str
    password: str
    totp_secret: str
    full_name: str


@dataclass(frozen=True)
class E2EServer:
    url: str
    username: str
    password: str
    totp_secret: str
    # CASEWORK_EMPLOYEES by key; empty where the structure seed is missing (no unit baku-xetai).
    users: dict[str, E2EUser] = field(default_factory=dict)
    # The environment of the server's manage.py (its database), for journeys that prepare data.
    env: dict[str, str] = field(default_factory=dict)
    # The X-Road simulators' base URLs ("registers", "ecourt"), e.g. for their /_control pages.
    xroad: dict[str, str] = field(default_factory=dict)


def _require_browser() -> None:
    """Skip where Chromium is missing, except in CI, where a skipped journey would hide a failure."""
    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"Chromium not found at {CHROMIUM} (run `make browser`)")
    if not AXE_JS.is_file():
        problems.append("static vendor files missing (run `make static`)")
    if not problems:
        return
    reason = "; ".join(problems)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _server_env(sqlite_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "EPROK_"))}
    env.update(
        SQLITE_PATH=str(sqlite_path),
        DEBUG="True",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _casework_users() -> tuple[list[tuple[dict[str, str], list[str]]], dict[str, E2EUser]]:
    """The `e2e_fixture` steps of the casework employees (see _prepare), each with a password and TOTP
    secret of their own, and the employees."""
    import pyotp

    steps = []
    users = {}
    for key, (username, last_name, first_name, grants) in CASEWORK_EMPLOYEES.items():
        password = "e2e-" + pyotp.random_base32()[:20]
        secret = pyotp.random_base32()
        roles = [arg for grant in grants for arg in ("--role", grant)]
        steps.append(
            (
                {"E2E_PASSWORD": password, "E2E_TOTP_SECRET": secret},
                [
                    "e2e_fixture",
                    "--username",
                    username,
                    "--unit",
                    grants[0].partition(":")[2],
                    "--last-name",
                    last_name,
                    "--first-name",
                    first_name,
                    *roles,
                ],
            )
        )
        users[key] = E2EUser(
            username=username, password=password, totp_secret=secret, full_name=f"{last_name} {first_name}"
        )
    return steps, users


# Runs management commands one after the other in one `manage.py shell`, each with its own additions to the
# environment (the passwords stay out of the process list): one Django start-up instead of one per command.
_STEPS_SCRIPT = """
import json, os
from django.core.management import call_command
for extra, args in json.loads(os.environ.pop("E2E_STEPS")):
    os.environ.update(extra)
    call_command(*args)
"""


def _prepare(env: dict[str, str], steps: list[tuple[dict[str, str], list[str]]]) -> None:
    """Run the management commands `steps` ((environment additions, arguments) each) on the server's
    database, in order, in one process."""
    import json

    _manage({**env, "E2E_STEPS": json.dumps(steps)}, "shell", "-c", _STEPS_SCRIPT)


def _copy_test_database(target: Path) -> bool:
    """Copy this worker's freshly migrated SQLite test database to `target` (whether it was copied).

    The server's database then starts from the same migrations without running them again; its own
    `migrate` (in _prepare) finds nothing left to apply. Only while no test holds a transaction on the
    test database, so it holds the migrations' rows alone (the tests roll back, SQLite runs no
    committing test): otherwise, and on PostgreSQL, the server migrates its database itself.
    """
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return True


# The last time step this run sent for each username. The server accepts a step once (replay protection),
# and journeys sign the same employee in more than once within a 30-second step.
_SENT_STEPS: dict[str, int] = {}


def fresh_totp_code(username: str, secret: str) -> str:
    """A TOTP code of a time step the server has not yet accepted for `username` in this run.

    The current step when it is unused; otherwise the next one, which the server accepts as clock drift
    (accounts.totp.ACCEPTED_DRIFT_STEPS). A third sign-in of one person within one step is a fault of the
    journey, reported as such rather than as a refused code.
    """
    import pyotp

    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(time.time())
    step = max(now_step, _SENT_STEPS.get(username, now_step - 1) + 1)
    if step > now_step + 1:
        raise RuntimeError(f"{username} signed in three times within 30 s: the server would refuse the code")
    _SENT_STEPS[username] = step
    return totp.generate_otp(step)


def sign_in(page: Any, *, username: str, password: str, totp_secret: str) -> None:
    """Sign `page` in with password and TOTP; check it arrived on "My work" (the root, matched exactly)."""
    from playwright.sync_api import expect

    page.goto(reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form.usa-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login_totp"))))
    page.fill("#id_code", fresh_totp_code(username, totp_secret))
    page.locator("form.usa-form button[type=submit]").click()
    expect(page).to_have_url(my_work_url())


def assert_accessible(page: Any, name: str) -> None:
    """axe-core (loaded by each context's init script, AXE_JS): no serious or critical violation."""
    page.wait_for_load_state("networkidle")
    result = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " " + n.failureSummary),
            }));
        }"""
    )
    violations = [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
    assert not violations, f"axe on {name}:\n" + "\n".join(violations)


def my_work_url() -> re.Pattern[str]:
    """The full URL of "My work", the site's root: a pattern ending in "/$" alone would match every page."""
    return re.compile(r"^https?://[^/]+" + re.escape(reverse("core:my_work")) + "$")


def _start_xroad_simulators(workdir: Path, *, eprok_url: str) -> dict[str, Any]:
    """The registers over SIM_DATASET and the e-Court calling `eprok_url` back (a hearing 1 s after an
    indictment), each on a socket bound here and inherited with --fd; both answer /health on return."""
    import json

    from eprok.gateway.testing import ECOURT_MEMBERS, REGISTER_MEMBERS, SIM_DATASET, start_simulator

    data = workdir / "registers.json"
    data.write_text(json.dumps(SIM_DATASET, ensure_ascii=False), encoding="utf-8")
    sims: dict[str, Any] = {}
    try:
        sims["registers"] = start_simulator(
            ["--serve", "registers", "--data", str(data)], workdir / "xroad-registers.log", REGISTER_MEMBERS
        )
        sims["ecourt"] = start_simulator(
            ["--serve", "ecourt", "--eprok-url", eprok_url, "--auto-hearing-after", "1"],
            workdir / "xroad-ecourt.log",
            ECOURT_MEMBERS,
        )
    except BaseException:
        _stop_xroad_simulators(sims)
        raise
    return sims


def _xroad_env(sims: dict[str, Any]) -> dict[str, str]:
    """The gateway's settings for the server and the worker: every provider at its simulator, no backoff."""
    import json

    members = {member: sim.url for sim in sims.values() for member in sim.members}
    return {
        "EPROK_XROAD_URL": sims["registers"].url,
        "EPROK_XROAD_MEMBER_URLS": json.dumps(members),
        "EPROK_XROAD_BACKOFF": "0",
    }


def _stop_xroad_simulators(sims: dict[str, Any]) -> None:
    from eprok.gateway.testing import stop_simulator

    for sim in sims.values():
        if sim.process.poll() is None:
            stop_simulator(sim)


@pytest.fixture(scope="session")
def e2e_server(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[E2EServer]:
    _require_browser()
    import pyotp
    from django.core.management import get_commands

    workdir = tmp_path_factory.mktemp("e2e")
    database = workdir / "e2e.sqlite3"
    # The telephony journeys sign PBX events with the demo secret of this run (eprok/contact/pbx.py).
    env = {**_server_env(database), "EPROK_PBX_DEMO_SECRET": secrets.token_hex(24)}
    # The signing journeys sign with keys issued by a CA of this run, kept in the run's own directory.
    env.update(
        EPROK_SIGNING_DIR=str(workdir / "signing"),
        EPROK_SIGNING_CA_PASSPHRASE=secrets.token_urlsafe(24),
    )
    password = "e2e-" + pyotp.random_base32()[:20]
    secret = pyotp.random_base32()
    username = "e2e.auditor"

    with django_db_blocker.unblock():
        _copy_test_database(database)
    # The structure seed, where the project has it; the casework employees need its units.
    seeded = "seed" in get_commands()
    steps: list[tuple[dict[str, str], list[str]]] = [
        ({}, ["migrate", "--noinput", "-v0"]),
        ({}, ["signing_ca", "init"]),
    ]
    if seeded:
        steps.append(({}, ["seed", "--structure-only"]))
    steps.append(
        ({"E2E_PASSWORD": password, "E2E_TOTP_SECRET": secret}, ["e2e_fixture", "--username", username])
    )
    users: dict[str, E2EUser] = {}
    if seeded:
        user_steps, users = _casework_users()
        steps.extend(user_steps)
    _prepare(env, steps)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    # The registers and the e-Court, before the server: its environment names them.
    sims = _start_xroad_simulators(workdir, eprok_url=url)
    env.update(_xroad_env(sims))
    try:
        log = (workdir / "gunicorn.log").open("w")
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                gunicorn,
                "config.wsgi:application",
                "--bind",
                f"fd://{listener.fileno()}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            pass_fds=(listener.fileno(),),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # The task worker next to it, as in production (e.g. the special reports' delivery to the duty
        # console, the e-Court deliveries).
        worker_log = (workdir / "db_worker.log").open("w")
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    except BaseException:
        _stop_xroad_simulators(sims)
        raise
    try:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=120) as response:  # noqa: S310
                assert response.status == 200
        except Exception as exc:
            process.terminate()
            process.wait(timeout=30)
            worker.terminate()
            worker.wait(timeout=30)
            raise RuntimeError(
                f"the e2e server did not start: {exc}\n{(workdir / 'gunicorn.log').read_text()}"
            ) from exc
        yield E2EServer(
            url=url,
            username=username,
            password=password,
            totp_secret=secret,
            users=users,
            env=env,
            xroad={name: sim.url for name, sim in sims.items()},
        )
    finally:
        for child in (process, worker):
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
        _stop_xroad_simulators(sims)
        listener.close()
        log.close()
        worker_log.close()


@pytest.fixture(scope="session")
def chromium(e2e_server: E2EServer) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this marker; repeated here so `-p no:xdist` runs still collect.
    config.addinivalue_line("markers", "xdist_group(name): run in the same xdist worker as the group")
