"""A fresh database for one benchmark run: a SQLite file under var/bench/, or a dedicated PostgreSQL
database (eprok_bench) created next to the one DATABASE_URL names, dropped afterwards."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DB_NAME = "eprok_bench"


@dataclass
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    env: dict[str, str]  # what Django's settings need to use it (DATABASE_URL or SQLITE_PATH)
    label: str  # printable, without any password
    admin_url: str | None = None
    name: str = ""
    path: Path | None = None
    reused: bool = False  # an existing database was kept (`--reuse`), not created empty


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _printable(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, f"{user}{host}", parts.path, "", ""))


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def create(
    database_url: str | None, work_dir: Path, name: str = BENCH_DB_NAME, *, reuse: bool = False
) -> BenchDatabase:
    """Create an empty database for the run (dropping a left-over one of the same name); with `reuse`,
    keep the database of that name when it exists (`reused` tells which happened)."""
    if not database_url:
        path = work_dir / f"{name}.sqlite3"
        work_dir.mkdir(parents=True, exist_ok=True)
        if reuse and path.exists():
            return BenchDatabase(
                "sqlite", {"SQLITE_PATH": str(path)}, f"SQLite {path.name}", name=name, path=path, reused=True
            )
        for file in _sqlite_files(path):
            file.unlink(missing_ok=True)
        return BenchDatabase(
            "sqlite", {"SQLITE_PATH": str(path)}, f"SQLite {path.name}", name=name, path=path
        )
    scheme = urlsplit(database_url).scheme
    if scheme not in {"postgres", "postgresql"}:
        raise ValueError(
            f"unsupported database URL scheme {scheme!r}: give a postgres:// URL or none for SQLite"
        )
    import psycopg
    from psycopg import sql

    # Administer from the database named in the URL, or from "postgres" if it names ours.
    admin_url = (
        database_url
        if urlsplit(database_url).path.strip("/") not in {"", name}
        else (_with_database(database_url, "postgres"))
    )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        reused = bool(reuse and exists)
        if not reused:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_database(database_url, name)
    return BenchDatabase(
        "postgresql",
        {"DATABASE_URL": url},
        f"PostgreSQL {_printable(url)}",
        admin_url=admin_url,
        name=name,
        reused=reused,
    )


def drop(database: BenchDatabase) -> None:
    """Remove the run's database (the caller closes its own connections first)."""
    if database.vendor == "sqlite":
        if database.path is not None:
            for file in _sqlite_files(database.path):
                with contextlib.suppress(FileNotFoundError):
                    file.unlink()
        return
    import psycopg
    from psycopg import sql

    assert database.admin_url is not None
    with psycopg.connect(database.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name)))
