"""Bench-only baseline views (routed only when settings.BENCH_BASELINE is true, i.e. EPROK_BENCH_BASELINE=1).

`baseline/<name>` returns, unchanged, the bytes the harness captured from the page it compares with:
a bare Django view behind the same middleware, doing no work of its own. The bytes are read from
the directory in EPROK_BENCH_BASELINE_DIR once per server process and then served from memory.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

BASELINE_URL = "/_bench/baseline/{name}"
_cache: dict[str, tuple[bytes, str]] = {}


def baseline_dir() -> Path:
    return Path(
        os.environ.get("EPROK_BENCH_BASELINE_DIR") or settings.BASE_DIR / "var" / "bench" / "baseline"
    )


def write_baseline(directory: Path, name: str, body: bytes, content_type: str) -> str:
    """Store the bytes the baseline view `name` will return; returns its URL path."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.body").write_bytes(body)
    (directory / f"{name}.type").write_text(content_type, encoding="utf-8")
    _cache.pop(name, None)
    return BASELINE_URL.format(name=name)


def baseline(request: HttpRequest, name: str) -> HttpResponse:
    cached = _cache.get(name)
    if cached is None:
        directory = baseline_dir()
        try:
            body = (directory / f"{name}.body").read_bytes()
            content_type = (directory / f"{name}.type").read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise Http404(name) from exc
        cached = _cache[name] = (body, content_type)
    return HttpResponse(cached[0], content_type=cached[1])
