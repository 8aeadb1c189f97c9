"""API operations of this app (mounted in eprok.core.api at /api/v1/org): read-only units and employees."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from eprok.core.api import ErrorOut, require_scope
from eprok.core.pagination import Page, PageParams, paginate
from eprok.org import access, selectors
from eprok.org.models import Employee, Unit

router = Router(tags=["org"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class UnitRef(Schema):
    code: str
    name: str


class UnitOut(Schema):
    code: str
    kind: str
    name: str = Field(..., description="The name in the language of the request.")
    name_az: str
    name_en: str
    name_ru: str
    parent: str | None = Field(None, description="The parent unit's code; null for the root.")
    depth: int
    district_code: str
    is_active: bool

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent_id and obj.parent else None


class PositionOut(Schema):
    code: str
    name: str


class EmployeeOut(Schema):
    public_id: uuid.UUID
    full_name: str
    last_name: str
    first_name: str
    patronymic: str
    unit: UnitRef | None
    position: PositionOut | None
    is_active: bool


class EmployeeFilter(Schema):
    q: str = Field("", max_length=100, description="Part of the name, in any letter case.")
    unit: str = Field("", max_length=64, description="A unit's code: only its employees.")


class AssignmentOut(Schema):
    role: str
    unit: UnitRef
    include_subunits: bool
    valid_from: dt.date
    valid_to: dt.date | None


class EmployeeDetailOut(EmployeeOut):
    class_rank: PositionOut | None
    roles: list[AssignmentOut]
    # Personal fields: present only for those who manage the employee (or the employee themself).
    fin: str | None = None
    email: str | None = None
    phone: str | None = None
    clearance: int | None = None


@router.get("/units", response={200: Page[UnitOut], **ERRORS}, summary="List units")
def unit_list(request: HttpRequest, page: Query[PageParams]) -> Any:
    require_scope(request, "read")
    return paginate(selectors.unit_list(user=request.user), limit=page.limit, offset=page.offset)


@router.get("/units/{code}", response={200: UnitOut, **ERRORS}, summary="Get a unit")
def unit_get(request: HttpRequest, code: str) -> Any:
    require_scope(request, "read")
    return access.get_unit_for(request.user, code)


@router.get("/employees", response={200: Page[EmployeeOut], **ERRORS}, summary="List employees")
def employee_list(request: HttpRequest, page: Query[PageParams], filters: Query[EmployeeFilter]) -> Any:
    require_scope(request, "read")
    unit = None
    if filters.unit:
        unit = access.get_unit_for(request.user, filters.unit)
    qs = selectors.employee_list(user=request.user, q=filters.q, unit=unit)
    return paginate(qs, limit=page.limit, offset=page.offset)


@router.get("/employees/{public_id}", response={200: EmployeeDetailOut, **ERRORS}, summary="Get an employee")
def employee_get(request: HttpRequest, public_id: str) -> Any:
    require_scope(request, "read")
    employee: Employee = access.get_employee_for(request.user, public_id)
    can_manage = access.can_manage_employee(request.user, employee)
    data: dict[str, Any] = {
        "public_id": employee.public_id,
        "full_name": employee.full_name,
        "last_name": employee.last_name,
        "first_name": employee.first_name,
        "patronymic": employee.patronymic,
        "unit": employee.unit,
        "position": employee.position,
        "class_rank": employee.class_rank,
        "is_active": employee.is_active,
        "roles": selectors.assignments_of(employee=employee, include_past=False),
    }
    if access.can_see_personal_fields(request.user, employee) or can_manage:
        data.update(
            fin=employee.fin, email=employee.email, phone=employee.phone, clearance=employee.clearance
        )
    return data
