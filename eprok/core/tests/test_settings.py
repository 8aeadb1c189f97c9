"""Production settings refuse to start without their secrets; development starts as it is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "EPROK_ENV"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings(EPROK_ENV="production", ALLOWED_HOSTS="eprok.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _import_settings(EPROK_ENV="production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both():
    result = _import_settings(EPROK_ENV="production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="eprok.example")
    assert result.returncode == 0, result.stderr


def test_the_embedded_default_opens_sqlite_in_wal_mode_with_a_busy_timeout(tmp_path):
    # The test database lives in memory (no WAL there), so open a file with the default's own options.
    code = (
        "import django, os; django.setup();"
        "from django.db import connection as c;"
        "cur = c.cursor(); cur.execute('PRAGMA journal_mode'); mode = cur.fetchone()[0];"
        "cur.execute('PRAGMA busy_timeout'); timeout = cur.fetchone()[0];"
        "print(c.vendor, mode, timeout)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "EPROK_ENV"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", SQLITE_PATH=str(tmp_path / "sub" / "eprok.sqlite3"))
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "wal", "20000"]
