"""The action forms of a report: assignment, the steps of the check, parties, the term, the decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eprok.core.context_processors import safe_reverse
from eprok.core.errors import ApplicationError, ValidationFailed
from eprok.materials import access, selectors, services, terms
from eprok.materials.forms import (
    ActionForm,
    AssignForm,
    ExtendForm,
    JoinForm,
    PartyForm,
    QuashForm,
    RefuseForm,
    StartCheckForm,
    TransferForm,
)
from eprok.materials.models import (
    Material,
)
from eprok.materials.parties import person_for_party
from eprok.materials.views.base import (
    _apply_error,
    _render,
    materials_view,
)

# --- action forms ------------------------------------------------------------------------------------


def _action_page(
    request: HttpRequest,
    material: Material,
    form: Form,
    perform: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    submit: str,
    success: str,
    template: str = "materials/action.html",
    extra: dict[str, Any] | None = None,
    needs_open: bool = True,
) -> HttpResponse:
    """GET shows the form (a fragment for htmx); POST calls the service and returns to the card.

    On a report whose check is over, a form that needs an open check answers 409 with the reason.
    """
    status = 200
    closed = None
    if needs_open and not material.is_open:
        closed = _("The check of this report is over (“%(status)s”); it can no longer be changed.") % {
            "status": material.get_status_display()
        }
        status = 409
    elif request.method == "POST":
        if form.is_valid():
            try:
                perform(form.cleaned_data)
            except ApplicationError as exc:
                _apply_error(form, exc)
                status = exc.status if exc.status in (403, 409) else 422
            else:
                messages.success(request, success)
                return redirect(material.get_absolute_url())
        else:
            status = 422
    context = {
        "material": material,
        "form": form,
        "title": title,
        "submit": submit,
        "closed": closed,
        **(extra or {}),
    }
    if request.headers.get("HX-Request") == "true" and request.method == "GET":
        return _render(request, "materials/_action_form.html", context, status=status)
    return _render(request, template, context, status=status)


def _version(data: dict[str, Any]) -> int | None:
    return data.get("version")


@materials_view
@require_http_methods(["GET", "POST"])
def material_assign(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="assign")
    assignees = selectors.assignee_choices(unit=material.unit)
    form = AssignForm(
        request.POST or None,
        assignees=assignees,
        initial={"version": material.version, "assignee": material.assignee_id},
    )
    return _action_page(
        request,
        material,
        form,
        lambda d: services.material_assign(
            actor=request.user, material=material, assignee=d["assignee"], expected_version=_version(d)
        ),
        title=_("Assign the check"),
        submit=_("Assign"),
        success=_("The check was assigned."),
    )


@materials_view
@require_POST
def material_start_check(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="work")
    form = StartCheckForm(request.POST)
    return _action_page(
        request,
        material,
        form,
        lambda d: services.material_start_check(
            actor=request.user, material=material, expected_version=_version(d)
        ),
        title=_("Start the check"),
        submit=_("Start the check"),
        success=_("The report is now under check."),
    )


@materials_view
@require_http_methods(["GET", "POST"])
def material_add_action(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="work")
    form = ActionForm(request.POST or None, initial={"version": material.version})
    return _action_page(
        request,
        material,
        form,
        lambda d: services.material_add_action(
            actor=request.user,
            material=material,
            kind=d["kind"],
            performed_on=d["performed_on"],
            description=d["description"],
            expected_version=_version(d),
        ),
        title=_("Record a step of the check"),
        submit=_("Record the step"),
        success=_("The step of the check was recorded."),
    )


@materials_view
@require_http_methods(["GET", "POST"])
def material_add_party(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="work")
    chosen = person_for_party(
        user=request.user, public_id=request.POST.get("person") or request.GET.get("person") or ""
    )
    form = PartyForm(
        request.POST or None,
        initial={"version": material.version, "person": chosen.public_id if chosen else None},
    )
    here = reverse("materials:add_party", kwargs={"number": material.number})
    create_url = safe_reverse("persons:create")
    pick_url = safe_reverse("persons:pick")

    def perform(data: dict[str, Any]) -> Any:
        person = person_for_party(user=request.user, public_id=data["person"])
        if person is None:
            message = _("There is no such person in the register.")
            raise ValidationFailed(message, details={"person": message})
        return services.material_add_party(
            actor=request.user,
            material=material,
            person=person,
            role=data["role"],
            note=data["note"],
            expected_version=_version(data),
        )

    return _action_page(
        request,
        material,
        form,
        perform,
        title=_("Add a party"),
        submit=_("Add the party"),
        success=_("The party was added."),
        template="materials/party.html",
        extra={
            "chosen": chosen,
            "picker_url": f"{pick_url}?{urlencode({'next': here})}" if pick_url else None,
            "create_url": f"{create_url}?{urlencode({'next': here})}" if create_url else None,
        },
    )


@materials_view
@require_POST
def material_remove_party(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="work")
    party = material.parties.select_related("person").filter(pk=pk).first()
    if party is None:
        raise Http404()
    form = StartCheckForm(request.POST)
    return _action_page(
        request,
        material,
        form,
        lambda d: services.material_remove_party(
            actor=request.user, material=material, party=party, expected_version=_version(d)
        ),
        title=_("Remove a party"),
        submit=_("Remove"),
        success=_("The party was removed."),
    )


def _step_choices(rule: Any) -> list[tuple[str, str]]:
    return [
        (str(step.get("key")), f"{step.get('source')} (+{step.get('length')})")
        for step in (rule.extension_steps or [])
    ]


@materials_view
@require_http_methods(["GET", "POST"])
def material_extend(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="extend")
    rule = terms.check_rule()
    form = ExtendForm(request.POST or None, steps=_step_choices(rule), initial={"version": material.version})
    return _action_page(
        request,
        material,
        form,
        lambda d: services.material_extend_check(
            actor=request.user,
            material=material,
            step=d["step"],
            reason=d["reason"],
            length=d["length"],
            expected_version=_version(d),
        ),
        title=_("Extend the check term"),
        submit=_("Extend"),
        success=_("The check term was extended."),
        extra={"deadline": terms.check_deadline(material, rule=rule)},
    )


@materials_view
@require_http_methods(["GET", "POST"])
def material_refuse(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="work")
    form = RefuseForm(request.POST or None, initial={"version": material.version})
    return _action_page(
        request,
        material,
        form,
        lambda d: services.material_refuse(
            actor=request.user,
            material=material,
            refusal_ground=d["refusal_ground"],
            grounds=d["grounds"],
            expected_version=_version(d),
        ),
        title=_("Refuse to open a criminal case"),
        submit=_("Refuse to open a case"),
        success=_("The decision to refuse to open a criminal case was recorded."),
    )


@materials_view
@require_http_methods(["GET", "POST"])
def material_quash(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="quash")
    form = QuashForm(request.POST or None, initial={"version": material.version})
    return _action_page(
        request,
        material,
        form,
        lambda d: services.material_quash_refusal(
            actor=request.user, material=material, reason=d["reason"], expected_version=_version(d)
        ),
        title=_("Quash the refusal"),
        submit=_("Quash the refusal"),
        needs_open=False,
        success=_("The refusal was quashed; the report is back under check with a new term."),
    )


@materials_view
@require_http_methods(["GET", "POST"])
def material_transfer(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="work")
    units = selectors.transfer_units(user=request.user, material=material)
    form = TransferForm(request.POST or None, units=units, initial={"version": material.version})
    return _action_page(
        request,
        material,
        form,
        lambda d: services.material_transfer(
            actor=request.user,
            material=material,
            grounds=d["grounds"],
            to_unit=d["to_unit"],
            to_body=d["to_body"],
            expected_version=_version(d),
        ),
        title=_("Transfer by jurisdiction"),
        submit=_("Transfer"),
        success=_("The report was transferred."),
    )


@materials_view
@require_http_methods(["GET", "POST"])
def material_join(request: HttpRequest, number: str) -> HttpResponse:
    material = access.get_material_for(request.user, number, action="work")
    form = JoinForm(request.POST or None, initial={"version": material.version})

    def perform(data: dict[str, Any]) -> Any:
        into = _join_target(request, data["into"])
        return services.material_join(
            actor=request.user,
            material=material,
            into=into,
            grounds=data["grounds"],
            expected_version=_version(data),
        )

    return _action_page(
        request,
        material,
        form,
        perform,
        title=_("Join to another report"),
        submit=_("Join"),
        success=_("The report was joined."),
        extra={"candidates": selectors.joinable_materials(user=request.user, material=material)},
    )


def _join_target(request: HttpRequest, number: str) -> Material:
    into = access.visible_to(request.user).filter(number=number.strip()[:40]).first()
    if into is None:
        message = _("There is no open report with this number that you can see.")
        raise ValidationFailed(message, details={"into": message})
    return into
