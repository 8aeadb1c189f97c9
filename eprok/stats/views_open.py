"""The public open-data pages (/open-data/): the list of tables, one table, its CSV and JSON, the schema.

Open to anyone, no sign-in: every figure is a suppressed aggregate (eprok.stats.opendata). The files are
the same for every visitor (names in the language of `?lang=`, Azerbaijani by default), so shared caches
may keep them for an hour; the pages carry the visitor's language and a form token, so only the visitor's
own browser keeps them.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from . import opendata

MAX_AGE = 3600
GUIDE = "open-data"


def _public_file(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _own_page(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, max_age=MAX_AGE)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def _published(year: int, measure: str) -> opendata.Measure:
    try:
        return opendata.check(year, measure)
    except opendata.NotPublished:
        raise Http404() from None


def _file_lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "az")
    return lang if lang in opendata.LANGUAGES else "az"


def _filename(year: int, measure: str, ext: str) -> str:
    return f"eprok-open-data-{year}-{measure}.{ext}"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    years = sorted(opendata.completed_years(), reverse=True)
    response = render(
        request,
        "stats/open/index.html",
        {
            "years": years,
            "measures": list(opendata.MEASURES.values()),
            "threshold": opendata.threshold(),
            "cutoff_days": int(getattr(settings, "EPROK_OPEN_DATA_CUTOFF_DAYS", 90)),
            "lang": opendata.language(get_language() or "az"),
            "help_page": GUIDE,
        },
    )
    return _own_page(response)


@require_GET
def table_page(request: HttpRequest, year: int, measure: str) -> HttpResponse:
    spec = _published(year, measure)
    open_table = opendata.table(year, spec)
    lang = opendata.language(get_language() or "az")
    grid = open_table.grid
    last = len(open_table.regions) - 1
    rows = [
        {
            "code": code,
            "name": opendata.region_label(code, lang),
            "cells": [grid.published((r, c)) for c in range(len(open_table.groups))],
            "total": r == last,
        }
        for r, code in enumerate(open_table.regions)
    ]
    groups = [
        {"code": code, "name": opendata.group_name(code, lang), "total": code == opendata.TOTAL}
        for code in open_table.groups
    ]
    response = render(
        request,
        "stats/open/table.html",
        {
            "table": open_table,
            "measure": spec,
            "rows": rows,
            "groups": groups,
            "threshold": open_table.threshold,
            "suppressed_count": len(grid.suppressed),
            "lang": lang,
            "help_page": GUIDE,
        },
    )
    return _own_page(response)


@require_GET
def table_csv(request: HttpRequest, year: int, measure: str) -> HttpResponse:
    spec = _published(year, measure)
    open_table = opendata.table(year, spec)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(opendata.FIELDS)
    label = open_table.label()
    for row in opendata.long_rows(open_table, lang=_file_lang(request)):
        writer.writerow(
            [
                label if field == "value" and row["suppressed"] else _csv_value(row[field])
                for field in opendata.FIELDS
            ]
        )
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(year, measure, "csv")}"'
    return _public_file(response)


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def open_json(request: HttpRequest, open_table: opendata.OpenTable, lang: str) -> dict[str, Any]:
    return {
        "schema": request.build_absolute_uri(reverse("opendata:open_data_schema")),
        "threshold": open_table.threshold,
        "year": open_table.year,
        "measure": open_table.measure.slug,
        "rows": opendata.long_rows(open_table, lang=lang),
    }


@require_GET
def table_json(request: HttpRequest, year: int, measure: str) -> HttpResponse:
    spec = _published(year, measure)
    open_table = opendata.table(year, spec)
    response = JsonResponse(
        open_json(request, open_table, _file_lang(request)), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'inline; filename="{_filename(year, measure, "json")}"'
    return _public_file(response)


@require_GET
def schema(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(opendata.table_schema(threshold_value=opendata.threshold()), ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    return _public_file(response)
