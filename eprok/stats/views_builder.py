"""The report builder's pages, the saved queries and the background exports.

Every page needs "View statistics" (404, audited, without it); every figure is computed inside the user's
scope by `reports.builder`. A result small enough is exported on the spot; a larger one becomes a
background export (`jobs.export_request`) whose page shows its progress and, when ready, its download.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eprok.audit.services import audit_record
from eprok.core.charts import Bar, bar_chart
from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, ValidationFailed, form_apply_error

from . import access, jobs
from .builder_forms import (
    ALIASES,
    BuilderForm,
    EditQueryForm,
    ExportFormatForm,
    SaveQueryForm,
    VersionForm,
    definition_text,
    parse_definition_text,
)
from .exports import FORMATS, report_response
from .models import ExportStatus, SavedQuery
from .reports import builder
from .tables import Report

HELP = {"help_page": "report-builder"}
PAGE_SIZE = 50
CHART_BARS = 40


def sync_rows() -> int:
    """Results with more rows than this are exported in the background."""
    return int(getattr(settings, "EPROK_STATS_INTERACTIVE_ROWS", 5000))


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _chart(report: Report) -> str:
    """Bars of the first measure that is a count, one per row (the table carries every figure)."""
    table = report.tables[0]
    measure = next((column for column in table.columns if column.kind == "int"), None)
    rows = [row for row in table.rows if not row.total]
    if measure is None or not rows or len(rows) > CHART_BARS:
        return ""
    labels = [column.key for column in table.columns if column.kind == "text"]
    bars = [
        Bar(
            label=" · ".join(str(row.cells.get(key) or "") for key in labels),
            value=int(row.cells.get(measure.key) or 0),
        )
        for row in rows
    ]
    return bar_chart(bars, title=str(measure.label), dom_id="builder-chart")


def _shown(value: Any, kind: str) -> str:
    """A figure as the page writes it (in the active locale)."""
    if kind == "text":
        return "" if value is None else str(value)
    if value is None:
        return "—"
    if kind == "pct":
        return number_format(value, decimal_pos=1) + "%"
    return number_format(value)


def _grid(report: Report) -> list[dict[str, Any]]:
    table = report.tables[0]
    return [
        {
            "total": row.total,
            "cells": [
                (_shown(row.cells.get(column.key), column.kind), column.numeric) for column in table.columns
            ],
        }
        for row in table.rows
    ]


def _result_context(definition: builder.Definition, report: Report) -> dict[str, Any]:
    text = definition_text(definition.as_json())
    return {
        "report": report,
        "table": report.tables[0],
        "grid": _grid(report),
        "chart": _chart(report),
        "definition_json": text,
        "export_links": [
            (fmt.upper(), reverse("stats:builder_export") + "?" + urlencode({"fmt": fmt, "definition": text}))
            for fmt in FORMATS
        ],
    }


def _form_units(user: Any) -> list[Any]:
    return list(access.units_in_scope(user).order_by("path")[:500])


@staff_view
@require_GET
def builder_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require_view(user, action="builder")
    units = _form_units(user)
    context: dict[str, Any] = {}
    data = request.GET
    if "definition" in data and "measures" not in data:  # a link back with a compact definition
        try:
            raw = parse_definition_text(data["definition"])
            form = BuilderForm(
                initial=BuilderForm.initial_from(raw if isinstance(raw, dict) else {}), units=units
            )
        except ValueError:
            form = BuilderForm(units=units)
    else:
        form = BuilderForm(data or None, units=units)
    if form.is_bound and form.is_valid():
        try:
            definition, report = builder.run_definition(user, form.definition())
        except ValidationFailed as exc:
            form_apply_error(form, exc, aliases=ALIASES)
        else:
            context.update(_result_context(definition, report))
            context["save_form"] = SaveQueryForm(
                initial={"definition": context["definition_json"]}, units=builder.share_units(user)
            )
    return _page(request, "stats/builder.html", {"form": form, **context})


@staff_view
@require_POST
def builder_save(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require_view(user, action="builder.save")
    form = SaveQueryForm(request.POST, units=builder.share_units(user))
    if form.is_valid():
        try:
            definition = builder.parse(user, parse_definition_text(form.cleaned_data["definition"]))
            query = builder.query_save(
                actor=user,
                name=form.cleaned_data["name"],
                definition=definition,
                shared_with=form.share_unit(),
            )
        except ValueError:
            form.add_error(None, _("The query definition is not valid."))
        except ValidationFailed as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The query “%(name)s” is saved.") % {"name": query.name})
            return redirect("stats:saved_query", public_id=query.public_id)
    return _page(request, "stats/saved_queries.html", {"save_form": form, "page": None}, status=422)


@staff_view
@require_GET
def builder_export(request: HttpRequest) -> HttpResponse:
    """The result as a file: at once when small, else as a background export (redirect to its page)."""
    user = request.user
    access.require_view(user, action="export")
    form = ExportFormatForm(request.GET)
    if not form.is_valid():
        return _bad_export(request, _("Choose the format (XLSX, CSV or PDF) and a query."))
    try:
        raw = parse_definition_text(form.cleaned_data["definition"])
        params = {"definition": raw}
        rows = builder.estimate(user, params)
        if rows > sync_rows():
            job = jobs.export_request(
                user=user, code=builder.CODE, params=params, fmt=form.cleaned_data["fmt"]
            )
            messages.info(request, _("The report is large: it is being prepared in the background."))
            return redirect("stats:export", public_id=job.public_id)
        report = builder.build(user, params)
    except ValueError:
        return _bad_export(request, _("The query definition is not valid."))
    except ValidationFailed as exc:
        return _bad_export(request, str(exc.message))
    fmt = form.cleaned_data["fmt"]
    audit_record(
        actor=user,
        action="stats.export",
        target_type="stats.report",
        target_id=builder.CODE,
        target_repr=str(report.title),
        data={"fmt": fmt, "rows": report.row_count, "definition": report.params["definition"]},
    )
    return report_response(report, fmt)


def _bad_export(request: HttpRequest, message: str) -> HttpResponse:
    return _page(request, "stats/export.html", {"job": None, "error": message}, status=400)


# --- saved queries ------------------------------------------------------------------------------------------


@staff_view
@require_GET
def saved_queries(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require_view(user, action="builder.saved")
    queryset = (
        access.saved_queries_visible_to(user).select_related("owner", "shared_with").order_by("name", "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(request, "stats/saved_queries.html", {"page": page, "save_form": None})


def _edit_forms(user: Any, query: SavedQuery, data: Any = None) -> dict[str, Any]:
    if not access.can_edit_query(user, query):
        return {}
    units = builder.share_units(user)
    return {
        "edit_form": EditQueryForm(
            data,
            units=units,
            initial={
                "name": query.name,
                "shared_with": query.shared_with.code if query.shared_with else "",
                "version": query.version,
            },
        ),
        "delete_form": VersionForm(initial={"version": query.version}),
    }


def _saved_page(
    request: HttpRequest, query: SavedQuery, edit_data: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"query": query, "can_edit": access.can_edit_query(user, query)}
    try:
        definition, report = builder.run_definition(user, query.definition, keep_unit=False)
    except ValidationFailed as exc:
        context["run_error"] = str(exc.message)
    else:
        context.update(_result_context(definition, report))
        context["builder_link"] = (
            reverse("stats:builder") + "?" + urlencode({"definition": context["definition_json"]})
        )
    context.update(_edit_forms(user, query, edit_data))
    return _page(request, "stats/builder.html", context, status=status)


@staff_view
@require_GET
def saved_query(request: HttpRequest, public_id: Any) -> HttpResponse:
    query = builder.query_get(request.user, public_id)
    return _saved_page(request, query)


@staff_view
@require_POST
def saved_query_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = request.user
    query = builder.query_get(user, public_id)
    form = EditQueryForm(request.POST, units=builder.share_units(user))
    if form.is_valid():
        try:
            builder.query_update(
                actor=user,
                query=query,
                expected_version=form.cleaned_data["version"],
                name=form.cleaned_data["name"],
                shared_with=form.share_unit(),
            )
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
            query.refresh_from_db()
            return _saved_page(request, query, status=409 if exc.status == 409 else 422)
        messages.success(request, _("The query is changed."))
        return redirect("stats:saved_query", public_id=query.public_id)
    return _saved_page(request, query, request.POST, status=422)


@staff_view
@require_POST
def saved_query_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = request.user
    query = builder.query_get(user, public_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _saved_page(request, query, status=422)
    try:
        builder.query_delete(actor=user, query=query, expected_version=form.cleaned_data["version"])
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
        query.refresh_from_db()
        return _saved_page(request, query, status=409)
    messages.success(request, _("The query is deleted."))
    return redirect("stats:saved_queries")


# --- background exports -------------------------------------------------------------------------------------


@staff_view
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require_view(user, action="exports")
    page = Paginator(access.exports_of(user).order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _page(request, "stats/exports.html", {"page": page})


def _job_context(job: Any) -> dict[str, Any]:
    from . import reports

    spec = reports.get(job.report)
    return {
        "job": job,
        "report_title": spec.title if spec else job.report,
        "active": job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING),
        "downloadable": jobs.downloadable(job),
        "expired": jobs.expired(job),
        "statuses": ExportStatus,
    }


@staff_view
@require_GET
def export_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = request.user
    access.require_view(user, action="exports")
    job = jobs.job_for(user, public_id)
    context = _job_context(job)
    if request.headers.get("HX-Request"):
        return render(request, "stats/_export_status.html", context)
    return _page(request, "stats/export.html", context, status=410 if context["expired"] else 200)


@staff_view
@require_GET
def export_download(request: HttpRequest, public_id: Any) -> HttpResponseBase:
    user = request.user
    access.require_view(user, action="exports")
    job = jobs.job_for(user, public_id, action="download")
    handle = jobs.download_opened(user, job) if jobs.downloadable(job) else None
    if handle is None:
        context = _job_context(job)
        context["expired"] = job.status == ExportStatus.DONE
        return _page(request, "stats/export.html", context, status=410 if context["expired"] else 404)
    return FileResponse(handle, as_attachment=True, filename=job.filename or f"export.{job.fmt}")
