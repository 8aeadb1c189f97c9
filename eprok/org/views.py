"""Organisation pages: unit tree, directory, unit and employee management, roles, "why can I see this?"."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eprok.audit.services import audit_record
from eprok.core.access import deny, explain
from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error
from eprok.org import access, selectors, services
from eprok.org.forms import ClearanceForm, DirectoryForm, EmployeeForm, RoleAssignmentForm, UnitForm, WhyForm
from eprok.org.models import Employee, Unit
from eprok.org.roles import ROLE_HELP, Clearance, Role

PAGE_SIZE = 50
HELP = {"help_page": "org"}


def org_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; NotFound and Forbidden become the shell's 404 and 403 pages."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapper


def _require_admin(request: HttpRequest, target_type: str, key: str) -> None:
    if not access.is_org_admin(request.user):
        deny(
            request.user,
            action=f"{target_type}.manage",
            target_type=target_type,
            target_key=key,
            visible=True,
        )


def _apply_error(form: Form, exc: ApplicationError) -> None:
    form_apply_error(form, exc)


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


# --- units -----------------------------------------------------------------------------------------


@org_view
def unit_list(request: HttpRequest) -> HttpResponse:
    tree = selectors.unit_tree(user=request.user)
    return _render(
        request, "org/unit_list.html", {"tree": tree, "is_admin": access.is_org_admin(request.user)}
    )


@org_view
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for(request.user, code)
    return _render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "trail": selectors.ancestors(unit=unit),
            "children": selectors.unit_children(user=request.user, unit=unit),
            "employees": selectors.unit_employees(user=request.user, unit=unit),
            "assignments": selectors.assignments_in(unit=unit),
            "can_manage": access.can_manage_unit(request.user, unit),
        },
    )


@org_view
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request, "org.unit", "new")
    parents = selectors.units_for_choice(user=request.user, managed_only=True)
    initial: dict[str, Any] = {}
    wanted = request.GET.get("parent")
    if wanted:
        initial["parent"] = next((u.pk for u in parents if u.code == wanted), None)
    form = UnitForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = data["parent"]
        if not access.can_manage_unit(request.user, parent):
            deny(
                request.user,
                action="org.unit.create",
                target_type="org.unit",
                target_key=parent.code,
                visible=True,
            )
        try:
            unit = services.unit_create(
                actor=request.user,
                code=data["code"],
                kind=data["kind"],
                name_az=data["name_az"],
                name_en=data["name_en"],
                name_ru=data["name_ru"],
                parent=parent,
                sort_order=data["sort_order"] or 0,
                district_code=data["district_code"],
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The unit was created."))
            return redirect("org:unit_detail", code=unit.code)
    return _render(
        request, "org/unit_form.html", {"form": form, "unit": None}, status=422 if form.errors else 200
    )


@org_view
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for(request.user, code, action="change")
    parents = [
        u
        for u in selectors.units_for_choice(user=request.user, managed_only=True)
        if not u.path.startswith(unit.path)
    ]
    if unit.parent is not None and unit.parent not in parents:
        parents.insert(0, unit.parent)
    initial = {
        f: getattr(unit, f)
        for f in ("code", "kind", "name_az", "name_en", "name_ru", "sort_order", "district_code")
    }
    initial["parent"] = unit.parent_id
    initial["head"] = unit.head_id
    staff = Employee.objects.filter(unit=unit, is_active=True).order_by("last_name", "first_name")
    form = UnitForm(request.POST or None, parents=parents, editing=True, initial=initial, staff=staff)
    if unit.parent is None:
        form.fields["parent"].required = False
        form.fields["parent"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = data.get("parent") or unit.parent
        if (
            parent is not None
            and parent.pk != unit.parent_id
            and not access.can_manage_unit(request.user, parent)
        ):
            deny(
                request.user,
                action="org.unit.move",
                target_type="org.unit",
                target_key=parent.code,
                visible=True,
            )
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                name_az=data["name_az"],
                name_en=data["name_en"],
                name_ru=data["name_ru"],
                kind=data["kind"],
                sort_order=data["sort_order"] or 0,
                district_code=data["district_code"],
                parent=parent,
                head=data.get("head"),
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("org:unit_detail", code=unit.code)
    return _render(
        request, "org/unit_form.html", {"form": form, "unit": unit}, status=422 if form.errors else 200
    )


@org_view
@require_http_methods(["GET", "POST"])
def unit_deactivate(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_unit_for(request.user, code, action="deactivate")
    error = None
    if request.method == "POST":
        try:
            services.unit_deactivate(actor=request.user, unit=unit)
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("The unit was closed."))
            return redirect("org:unit_detail", code=unit.code)
    return _render(
        request,
        "org/confirm.html",
        {
            "title": _("Close the unit"),
            "question": _("Close %(unit)s? It will no longer be offered for new records or roles.")
            % {"unit": unit.name},
            "error": error,
            "cancel_url": unit_url(unit),
            "object": unit,
        },
        status=409 if error else 200,
    )


def unit_url(unit: Unit) -> str:
    from django.urls import reverse

    return reverse("org:unit_detail", kwargs={"code": unit.code})


# --- employees -------------------------------------------------------------------------------------


@org_view
def employee_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    units = selectors.units_for_choice(user=request.user)
    q, unit, subunits = "", None, False
    if form.is_valid():
        q = form.cleaned_data["q"]
        subunits = form.cleaned_data["subunits"]
        code = form.cleaned_data["unit"]
        # The units are loaded for the filter anyway; pick the chosen one from them.
        unit = next((u for u in units if u.code == code), None) if code else None
    employees = selectors.employee_list(user=request.user, q=q, unit=unit, with_subunits=subunits)
    page = Paginator(employees, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "unit": unit,
        "q": q,
        "query": query.urlencode(),
        "units": units,
        "is_admin": access.is_org_admin(request.user),
    }
    template = "org/_employee_results.html" if request.headers.get("HX-Request") else "org/employee_list.html"
    return _render(request, template, context)


@org_view
def employee_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    employee = access.get_employee_for(request.user, public_id)
    return _render(request, "org/employee_detail.html", _employee_context(request, employee))


def _employee_context(request: HttpRequest, employee: Employee) -> dict[str, Any]:
    can_manage = access.can_manage_employee(request.user, employee)
    assignments = selectors.assignments_of(employee=employee, include_past=can_manage)
    return {
        "employee": employee,
        "can_manage": can_manage,
        "personal": access.can_see_personal_fields(request.user, employee),
        "assignments": [
            (
                a,
                ROLE_HELP.get(a.role, ""),
                a.is_active_on(_today()),
                can_manage and access.can_manage_unit(request.user, a.unit),
            )
            for a in assignments
        ],
    }


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


@org_view
@require_http_methods(["GET", "POST"])
def employee_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request, "org.employee", "new")
    units = selectors.units_for_choice(user=request.user, managed_only=True)
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = next((u.pk for u in units if u.code == request.GET["unit"]), None)
    form = EmployeeForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not access.can_manage_unit(request.user, data["unit"]):
            deny(
                request.user,
                action="org.employee.create",
                target_type="org.unit",
                target_key=data["unit"].code,
                visible=True,
            )
        try:
            employee = services.employee_create(
                actor=request.user,
                username=data["username"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                fin=data["fin"],
                email=data["email"],
                phone=data["phone"],
                unit=data["unit"],
                position=data["position"],
                class_rank=data["class_rank"],
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The employee was added. Give them roles below."))
            return redirect("org:employee_detail", public_id=employee.public_id)
    return _render(
        request,
        "org/employee_form.html",
        {"form": form, "employee": None},
        status=422 if form.errors else 200,
    )


@org_view
@require_http_methods(["GET", "POST"])
def employee_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    employee = access.get_employee_for(request.user, public_id, action="change")
    units = selectors.units_for_choice(user=request.user, managed_only=True)
    initial = {
        f: getattr(employee, f)
        for f in ("username", "last_name", "first_name", "patronymic", "fin", "email", "phone")
    }
    initial.update(unit=employee.unit_id, position=employee.position_id, class_rank=employee.class_rank_id)
    form = EmployeeForm(request.POST or None, units=units, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not access.can_manage_unit(request.user, data["unit"]):
            deny(
                request.user,
                action="org.employee.move",
                target_type="org.unit",
                target_key=data["unit"].code,
                visible=True,
            )
        fields = {
            k: data[k]
            for k in (
                "last_name",
                "first_name",
                "patronymic",
                "fin",
                "email",
                "phone",
                "unit",
                "position",
                "class_rank",
            )
        }
        try:
            services.employee_update(actor=request.user, employee=employee, **fields)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The employee's record was saved."))
            return redirect("org:employee_detail", public_id=employee.public_id)
    return _render(
        request,
        "org/employee_form.html",
        {"form": form, "employee": employee},
        status=422 if form.errors else 200,
    )


@org_view
@require_http_methods(["GET", "POST"])
def employee_clearance(request: HttpRequest, public_id: str) -> HttpResponse:
    employee = access.get_employee_for(request.user, public_id, action="clearance")
    form = ClearanceForm(request.POST or None, initial={"clearance": employee.clearance})
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_set_clearance(
                actor=request.user, employee=employee, clearance=form.cleaned_data["clearance"]
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("The clearance was changed."))
            return redirect("org:employee_detail", public_id=employee.public_id)
    return _render(
        request,
        "org/clearance_form.html",
        {"form": form, "employee": employee, "levels": Clearance.choices},
        status=422 if form.errors else 200,
    )


@org_view
@require_http_methods(["GET", "POST"])
def employee_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    employee = access.get_employee_for(request.user, public_id, action="deactivate")
    error = None
    if request.method == "POST":
        try:
            services.employee_deactivate(actor=request.user, employee=employee)
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("The account was closed and its roles ended."))
            return redirect("org:employee_detail", public_id=employee.public_id)
    from django.urls import reverse

    return _render(
        request,
        "org/confirm.html",
        {
            "title": _("Deactivate the employee"),
            "question": _("Close the account of %(name)s and end all their roles?")
            % {"name": employee.full_name},
            "error": error,
            "object": employee,
            "cancel_url": reverse("org:employee_detail", kwargs={"public_id": employee.public_id}),
        },
        status=409 if error else 200,
    )


# --- role assignments (htmx fragments on the employee page) ----------------------------------------


@org_view
@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, public_id: str) -> HttpResponse:
    employee = access.get_employee_for(request.user, public_id, action="grant_role")
    units = selectors.units_for_choice(user=request.user, managed_only=True)
    form = RoleAssignmentForm(request.POST or None, units=units, initial={"unit": employee.unit_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not access.can_manage_unit(request.user, data["unit"]):
            deny(
                request.user,
                action="org.role_assignment.grant",
                target_type="org.unit",
                target_key=data["unit"].code,
                visible=True,
            )
        try:
            services.role_assignment_grant(
                actor=request.user,
                employee=employee,
                role=data["role"],
                unit=data["unit"],
                include_subunits=data["include_subunits"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            if request.headers.get("HX-Request"):
                return _render(request, "org/_assignments.html", _employee_context(request, employee))
            messages.success(request, _("The role was given."))
            return redirect("org:employee_detail", public_id=employee.public_id)
    template = "org/_role_form.html" if request.headers.get("HX-Request") else "org/role_form.html"
    return _render(
        request, template, {"form": form, "employee": employee}, status=422 if form.errors else 200
    )


@org_view
@require_POST
def role_end(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    employee = access.get_employee_for(request.user, public_id, action="end_role")
    assignment = access.get_assignment_for(request.user, employee, pk)
    try:
        services.role_assignment_end(actor=request.user, assignment=assignment)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The role was ended."))
    if request.headers.get("HX-Request"):
        return _render(request, "org/_assignments.html", _employee_context(request, employee))
    return redirect("org:employee_detail", public_id=employee.public_id)


@org_view
def role_list(request: HttpRequest) -> HttpResponse:
    roles = [(role, ROLE_HELP.get(role, "")) for role in Role]
    return _render(request, "org/role_list.html", {"roles": roles})


# --- "why can I see this?" -------------------------------------------------------------------------


@org_view
def why(request: HttpRequest) -> HttpResponse:
    _require_admin(request, "access.explanation", "why")
    form = WhyForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        subject = Employee.objects.select_related("unit").filter(username=data["login"].strip()).first()
        if subject is None or not access.can_manage_employee(request.user, subject):
            form.add_error("login", _("No employee with this login in the units you administer."))
        else:
            answer = explain(subject, data["object_type"], data["key"])
            with transaction.atomic():
                audit_record(
                    actor=request.user,
                    action="access.explained",
                    target=subject,
                    data={
                        "object_type": data["object_type"],
                        "key": data["key"][:200],
                        "found": answer is not None,
                        "visible": bool(answer and answer[1].visible),
                    },
                )
            if answer is None:
                form.add_error("key", _("No such record."))
            else:
                result = {"subject": subject, "object": answer[0], "explanation": answer[1]}
    return _render(request, "org/why.html", {"form": form, "result": result})
