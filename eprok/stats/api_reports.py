"""API of the statistical reports (under /api/v1/stats): the registered reports, one report built for a
period, unit and moment (the same figures as the page, with the checksum), issuing a report and reading
an issued report back (rebuilt from its stored parameters, with whether its checksum still matches).

A bad period or parameter answers 400; an unknown report, or a unit or issued report outside the
caller's statistics scope, 404."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.errors import ApplicationError, NotFound

from . import access, reports
from .reports.collegium import ParamsError
from .reports.issuing import issued_get, issued_reproduce, report_issue
from .selectors import PeriodError
from .tables import Report

router = Router(tags=["statistics"])


class BadParams(ApplicationError):
    code = "bad_params"
    status = 400
    default_message = _("The report's parameters are not valid.")


# --- schemas ------------------------------------------------------------------------------------------------


class ReportListItemOut(Schema):
    code: str
    title: str


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(..., description='"text", "int" (a count), "pct" (per cent) or "rate" (per 10,000).')


class RowOut(Schema):
    cells: list[Any] = Field(..., description="The values in the order of the columns; null: no figure.")
    total: bool
    link: str = ""


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    note: str = ""


class PeriodOut(Schema):
    start: dt.date
    end: dt.date


class ReportOut(Schema):
    code: str
    title: str
    unit: str = Field(..., description="The unit the report is for (its name, as in the header).")
    period: PeriodOut
    as_of: dt.datetime
    sha256: str = Field(..., description="The checksum of the figures.")
    params: dict[str, Any]
    tables: list[TableOut]


class ReportParamsIn(Schema):
    start: dt.date | None = None
    end: dt.date | None = None
    unit: str | None = Field(None, description="A unit's code; default: the top unit of the caller's scope.")
    as_of: dt.datetime | None = Field(None, description="Count the cards recorded up to this moment.")


class IssuedOut(Schema):
    public_id: uuid.UUID
    number: str
    report: str
    unit: str
    params: dict[str, Any]
    as_of: dt.datetime
    issued_by: str
    issued_at: dt.datetime
    figures_sha256: str
    reproduced_sha256: str
    matches: bool = Field(..., description="The figures rebuilt now have the issued checksum.")
    figures: ReportOut


# --- helpers ------------------------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value if value is None or isinstance(value, int | float | str) else str(value)


def report_out(report: Report) -> dict[str, Any]:
    start, end = report.period
    return {
        "code": report.code,
        "title": str(report.title),
        "unit": str(report.unit_name),
        "period": {"start": start, "end": end},
        "as_of": report.as_of,
        "sha256": report.sha256(),
        "params": report.params,
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "note": str(table.note or ""),
                "columns": [
                    {"key": column.key, "label": str(column.label), "kind": column.kind}
                    for column in table.columns
                ],
                "rows": [
                    {"cells": [_value(value) for value in values], "total": row.total, "link": row.link}
                    for row, values in zip(table.rows, table.values(), strict=True)
                ],
            }
            for table in report.tables
        ],
    }


def _params(request: HttpRequest, query: ReportParamsIn) -> dict[str, Any]:
    params: dict[str, Any] = {
        key: value
        for key, value in request.GET.items()
        if key not in ("start", "end", "unit", "as_of") and value != ""
    }
    if query.start:
        params["start"] = query.start.isoformat()
    if query.end:
        params["end"] = query.end.isoformat()
    if query.unit:
        params["unit"] = query.unit
    if query.as_of:
        params["as_of"] = query.as_of.isoformat()
    if query.start and query.end and query.start > query.end:
        raise BadParams(
            _("The end of the period is before its start."),
            details={"end": str(_("The end of the period is before its start."))},
        )
    return params


def _guarded(call: Any) -> Any:
    """Run a report build: bad parameters become a 400."""
    try:
        return call()
    except (ParamsError, PeriodError, ValueError) as exc:
        raise BadParams(str(exc)) from exc


def _spec_or_404(code: str) -> reports.ReportSpec:
    spec = reports.get(code)
    if spec is None:
        raise NotFound()
    return spec


def _issued_out(request: HttpRequest, public_id: Any) -> dict[str, Any]:
    issued = issued_get(request.user, public_id)
    reproduction = issued_reproduce(request.user, issued)
    return {
        "public_id": issued.public_id,
        "number": issued.number,
        "report": issued.report,
        "unit": issued.unit.code,
        "params": issued.params,
        "as_of": issued.as_of,
        "issued_by": str(issued.issued_by),
        "issued_at": issued.created_at,
        "figures_sha256": issued.figures_sha256,
        "reproduced_sha256": reproduction.sha256,
        "matches": reproduction.matches,
        "figures": report_out(reproduction.report),
    }


# --- operations ---------------------------------------------------------------------------------------------


@router.get(
    "/reports",
    response={200: list[ReportListItemOut], **ERRORS},
    summary="The statistical reports",
    description="The codes and titles of the reports the statistics offer.",
)
def report_list(request: HttpRequest) -> Any:
    require_scope(request, Scope.READ)
    access.require_view(request.user, action="report.list")
    return [{"code": spec.code, "title": str(spec.title)} for spec in reports.all_reports()]


@router.get(
    "/reports/issued/{public_id}",
    response={200: IssuedOut, **ERRORS},
    summary="An issued report",
    description=(
        "The issued report rebuilt from its stored parameters as of its moment, with its checksum and "
        "whether the figures still match. Visible to the issuer and holders of View statistics over its unit."
    ),
)
def issued_read(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    return _issued_out(request, public_id)


@router.get(
    "/reports/{code}",
    response={200: ReportOut, **ERRORS},
    summary="A statistical report",
    description=(
        "The report for the period (default: this year to today), the unit (default: the top of the "
        "caller's scope) and the moment (default: now), over the caller's statistics scope."
    ),
)
def report_read(request: HttpRequest, code: str, query: Query[ReportParamsIn]) -> Any:
    require_scope(request, Scope.READ)
    access.require_view(request.user, action="report", target=code)
    spec = _spec_or_404(code)
    params = _params(request, query)
    report = _guarded(lambda: spec.build(request.user, params))
    return report_out(report)


@router.post(
    "/reports/{code}/issue",
    response={201: IssuedOut, **WRITE_ERRORS},
    summary="Issue a report",
    description=(
        "Issue the report with the parameters of the query (the moment is now): a number and the checksum "
        "of its figures are kept so it can be reproduced."
    ),
)
def report_issue_op(request: HttpRequest, code: str, query: Query[ReportParamsIn]) -> Any:
    require_scope(request, Scope.WRITE)
    access.require_view(request.user, action="issue", target=code)
    _spec_or_404(code)
    params = _params(request, query)
    params.pop("as_of", None)
    issued = _guarded(lambda: report_issue(request.user, code, params))
    return Status(201, _issued_out(request, issued.public_id))
