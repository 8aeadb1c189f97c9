"""The production server the HTTP scenarios talk to: gunicorn on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.load import fetch
from bench.scenarios.base import Server

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def collectstatic(env: dict[str, str], cwd: Path) -> None:
    """Production serves hashed static files from a manifest; build it for the server's settings."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=cwd,
        env=env,
        check=True,
        timeout=600,
    )


class Gunicorn:
    """`gunicorn config.wsgi:application` as a child process; always stopped by `stop()` / the with-block."""

    def __init__(self, env: dict[str, str], cwd: Path, log_path: Path, *, workers: int, threads: int) -> None:
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def server(self) -> Server:
        return Server(HOST, self.port)

    def start(self, timeout: float = 60.0) -> Server:
        argv = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--keep-alive", "30",
            "--graceful-timeout", "5",
            "--error-logfile", "-",
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                argv, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_healthy(timeout)
        return self.server

    def _wait_healthy(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                status, _headers, _body = fetch(HOST, self.port, "/healthz", timeout=5)
                if status == 200:
                    return
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def server_env(base: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k not in {"EPROK_TESTING", "DATABASE_URL", "SQLITE_PATH"}}
    env.update(extra)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return env
