"""Bench-only baseline views (routed only when settings.BENCH_BASELINE is true, i.e. EPROK_BENCH_BASELINE=1).

`baseline/<name>` returns, unchanged, the bytes the harness captured from the page it compares with:
a bare Django view behind the same middleware, doing no work of its own. The bytes are read from
the directory in EPROK_BENCH_BASELINE_DIR once per server process and then served from memory. It
answers a POST the same way (without the CSRF check, as a token-authenticated API call has none), so
that a write can be compared with it too.

`one-row/<name>` returns the same bytes after reading one row with two joins through the ORM (the
model, key and joins the harness wrote next to the bytes): "a Django view reading one row", the yard
stick of DESIGN.md §5 for the case card.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

BASELINE_URL = "/_bench/baseline/{name}"
ONE_ROW_URL = "/_bench/one-row/{name}"
_cache: dict[str, tuple[bytes, str]] = {}
_rows: dict[str, dict[str, Any]] = {}


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


def write_one_row(directory: Path, name: str, *, model: str, pk: int, related: list[str]) -> str:
    """Store which row the one-row view `name` reads (model label, primary key, joins); returns its URL.
    The bytes it returns are those of the baseline `name` (write_baseline)."""
    directory.mkdir(parents=True, exist_ok=True)
    spec = {"model": model, "pk": pk, "related": related}
    (directory / f"{name}.row.json").write_text(json.dumps(spec), encoding="utf-8")
    _rows.pop(name, None)
    return ONE_ROW_URL.format(name=name)


def _captured(name: str) -> tuple[bytes, str]:
    cached = _cache.get(name)
    if cached is None:
        directory = baseline_dir()
        try:
            body = (directory / f"{name}.body").read_bytes()
            content_type = (directory / f"{name}.type").read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise Http404(name) from exc
        cached = _cache[name] = (body, content_type)
    return cached


@csrf_exempt
def baseline(request: HttpRequest, name: str) -> HttpResponse:
    body, content_type = _captured(name)
    return HttpResponse(body, content_type=content_type)


def one_row(request: HttpRequest, name: str) -> HttpResponse:
    spec = _rows.get(name)
    if spec is None:
        try:
            spec = json.loads((baseline_dir() / f"{name}.row.json").read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise Http404(name) from exc
        _rows[name] = spec
    model = apps.get_model(spec["model"])
    # One query: the row and its joined rows, every column, read on every request.
    model._default_manager.select_related(*spec["related"]).get(pk=spec["pk"])
    body, content_type = _captured(name)
    return HttpResponse(body, content_type=content_type)
