"""The training record pages: an employee's own record (and another's, for administrators of training and
the heads above them) and a unit head's record of their unit tree."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from eprok.core.decorators import staff_view
from eprok.training import access, record
from eprok.training.views import _page, _require

PAGE_SIZE = 100


@staff_view
def my_record(request: HttpRequest) -> HttpResponse:
    return _render_record(request, request.user)


@staff_view
def employee_record(request: HttpRequest, public_id: Any) -> HttpResponse:
    employee = access.get_record_for(request.user, public_id)
    return _render_record(request, employee)


def _render_record(request: HttpRequest, employee: Any) -> HttpResponse:
    data = record.employee_record(employee=employee)
    record.record_read(user=request.user, employee=employee)
    return _page(
        request,
        "training/record.html",
        {"record": data, "own": employee.pk == request.user.pk},
    )


@staff_view
def unit_record(request: HttpRequest) -> HttpResponse:
    """The unit tree's employees with their hours and events this year and the mandatory areas missing."""
    units = access.record_units(request.user)
    _require(
        request,
        access.is_administrator(request.user) or access.heads_a_unit(request.user),
        "training.record.unit",
    )
    headed = list(access.headed_units(request.user).order_by("path"))
    wanted = request.GET.get("unit") or ""
    unit = units.filter(code=wanted).first() if wanted else None
    if unit is None and wanted:
        _require(request, False, "training.record.unit")
    if unit is None:
        unit = headed[0] if headed else None
    year = timezone.localdate().year
    rows: list[record.UnitRow] = []
    page = None
    if unit is not None:
        page = Paginator(record.unit_employees(unit=unit), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = record.unit_rows(employees=list(page.object_list), year=year)
        record.unit_record_read(user=request.user, unit=unit, year=year)
    return _page(
        request,
        "training/unit_record.html",
        {
            "unit": unit,
            "headed": headed,
            "rows": rows,
            "page": page,
            "year": year,
            "mandatory": record.mandatory_areas(),
            "query": f"unit={unit.code}" if unit is not None else "",
            "choices": list(units.order_by("path")[:500]) if access.is_administrator(request.user) else [],
        },
    )
