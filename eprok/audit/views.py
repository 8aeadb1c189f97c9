"""The audit viewer: filtered list (htmx), one event, CSV export. Every read is itself audited."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from eprok.audit import access, selectors, services
from eprok.audit.forms import SOURCE_LABELS, AuditFilterForm
from eprok.audit.labels import action_label, known_action_prefixes
from eprok.audit.models import AuditEvent
from eprok.core.errors import NotFound

HELP_PAGE = "audit"


def _before_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("before_id", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("before_id", None)
    return query.urlencode()


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "event": event,
        "label": action_label(event.action),
        "source_label": SOURCE_LABELS.get(event.source, event.source),
    }


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    try:
        access.require_audit_reader(request.user)
    except NotFound:
        raise Http404() from None
    form = AuditFilterForm(request.GET)
    filters = form.to_filter()
    before_id = _before_id(request)
    page = selectors.event_list(user=request.user, filters=filters, before_id=before_id)
    services.audit_log_read(
        actor=request.user, filters=filters.as_data(), page_size=len(page.items), before_id=before_id
    )
    context = {
        "form": form,
        "rows": [_row(event) for event in page.items],
        "next_before_id": page.next_before_id,
        "query": _query_without_cursor(request),
        "before_id": before_id,
        "action_prefixes": known_action_prefixes(),
        "export_max_rows": selectors.EXPORT_MAX_ROWS,
        "help_page": HELP_PAGE,
    }
    # htmx asks for the results only, when the filters change or the next page is fetched.
    template = (
        "audit/_results.html" if request.headers.get("HX-Request") == "true" else "audit/event_list.html"
    )
    return render(request, template, context)


def _parsed(text: str) -> Any:
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {"": text}


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        event = access.get_event_for(request.user, event_id)
    except NotFound:
        raise Http404() from None
    services.audit_event_read(actor=request.user, event=event)
    changes = _parsed(event.changes)
    before, after = changes.get("before", {}), changes.get("after", {})
    diff_rows = [
        (key, _shown(before.get(key)), _shown(after.get(key))) for key in sorted(set(before) | set(after))
    ]
    data = _parsed(event.data)
    data_rows = (
        [(key, _shown(value)) for key, value in sorted(data.items())] if isinstance(data, dict) else []
    )
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "label": action_label(event.action),
            "source_label": SOURCE_LABELS.get(event.source, event.source),
            "diff_rows": diff_rows,
            "data_rows": data_rows,
            "help_page": HELP_PAGE,
        },
    )


class _Echo:
    """The file-like object csv.writer writes into; each row goes straight to the response."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    # A cell starting with = + - @ would be run as a formula by a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


EXPORT_HEADER = (
    "id",
    "time",
    "actor",
    "actor_unit",
    "action",
    "object_type",
    "object_id",
    "object",
    "purpose",
    "source",
    "request_id",
    "ip",
)


def _csv_lines(rows: Iterator[tuple[Any, ...]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)  # BOM: spreadsheets then read the file as UTF-8
    for row in rows:
        event_id, occurred_at, *rest = row
        yield writer.writerow([event_id, timezone.localtime(occurred_at).isoformat(), *map(_cell, rest)])


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponseBase:
    try:
        access.require_audit_reader(request.user)
    except NotFound:
        raise Http404() from None
    form = AuditFilterForm(request.GET)
    filters = form.to_filter()
    services.audit_log_exported(
        actor=request.user, filters=filters.as_data(), max_rows=selectors.EXPORT_MAX_ROWS
    )
    rows = selectors.event_export_rows(user=request.user, filters=filters)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
