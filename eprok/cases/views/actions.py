"""Opening a case and the action forms of the card: one table of actions, one view that runs them.

Each action names who may do it (access.ACTIONS), its form, the service it calls and the tab of the card
it returns to. GET shows the form with the case's current version; POST calls the service, which
refuses a stale version; errors go back onto the form (422, or 409 for a conflict).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from eprok.core.access import deny
from eprok.core.errors import ApplicationError
from eprok.core.models import DeadlineUnit
from eprok.org.models import Unit
from eprok.org.roles import Role
from eprok.persons.models import PartyRole, Person

from .. import access, selectors, services, terms
from ..forms import (
    ActForm,
    ConfirmForm,
    DecisionForm,
    ExtensionForm,
    IndictmentForm,
    InstructionForm,
    JoinForm,
    MeasureApplyForm,
    MeasureEndForm,
    NoteForm,
    OpenForm,
    PartyAddForm,
    PartyRemoveForm,
    PartyStatusForm,
    QualifyForm,
    ReferForm,
    ReportForm,
    RequalifyForm,
    ReturnForm,
    SeparateForm,
    SuspendForm,
    TeamAddForm,
    TerminateForm,
    TransferForm,
)
from ..models import Case, CaseParty, Instruction, PreventiveMeasure, TeamMember
from ._common import apply_error, cases_view, error_status, render_page

Performer = Callable[[HttpRequest, Case, Any, dict[str, Any], int | None], Any]
FormMaker = Callable[[HttpRequest, Case, Any], dict[str, Any]]


@dataclass(frozen=True)
class Action:
    title: Any
    access: str
    form: type[Form]
    perform: Performer
    success: Any
    tab: str
    sub: str = ""  # the kind of row the action works on: party, measure, member, instruction
    form_kwargs: FormMaker | None = None
    intro: Any = ""
    template: str = "cases/action.html"
    danger: bool = False


def _current_parties(case: Case) -> list[CaseParty]:
    return list(
        CaseParty.objects.filter(case=case, until__isnull=True)
        .select_related("person")
        .order_by("role", "pk")
    )


def _defence_parties(case: Case) -> list[CaseParty]:
    return [p for p in _current_parties(case) if p.role in (PartyRole.SUSPECT, PartyRole.ACCUSED)]


def _unit_label(unit: str) -> str:
    labels = {str(DeadlineUnit.HOURS): _("hours"), str(DeadlineUnit.MONTHS): _("months")}
    return labels.get(str(unit), _("days"))


def _investigation_steps(request: HttpRequest, case: Case, obj: Any) -> dict[str, Any]:
    code = terms.investigation_rule_code(case.category)
    rule = terms.rule(code) if code else None
    return {
        "steps": list(rule.extension_steps or []) if rule else [],
        "unit_label": _unit_label(rule.unit) if rule else "",
    }


def _measure_steps(request: HttpRequest, case: Case, measure: PreventiveMeasure) -> dict[str, Any]:
    rule = terms.rule(measure.rule_code) if measure.rule_code else None
    return {
        "steps": list(rule.extension_steps or []) if rule else [],
        "unit_label": _unit_label(rule.unit) if rule else "",
        "court": True,
    }


def _transfer_choices(request: HttpRequest, case: Case, obj: Any) -> dict[str, Any]:
    units = [u for u in Unit.objects.filter(is_active=True).order_by("path") if u.pk != case.unit_id]
    wanted = request.POST.get("to_unit") or request.GET.get("to_unit", "")
    chosen = next((u for u in units if str(u.pk) == wanted or u.code == wanted), None)
    return {
        "units": units,
        "investigators": selectors.eligible_employees(role=Role.INVESTIGATE, unit=chosen) if chosen else [],
        "supervisors": selectors.eligible_employees(role=Role.SUPERVISE, unit=chosen) if chosen else [],
    }


def _person(request: HttpRequest, value: Any) -> Person | None:
    from eprok.persons import access as persons_access

    return persons_access.visible_to(request.user).filter(public_id=value).first() if value else None


def _add_party(request: HttpRequest, case: Case, obj: Any, data: dict[str, Any], version: int | None) -> Any:
    person = _person(request, data["person"])
    if person is None:
        from eprok.core.errors import ValidationFailed

        message = _("No such person in the registry.")
        raise ValidationFailed(message, details={"person": message})
    return services.case_add_party(
        actor=request.user,
        case=case,
        person=person,
        role=data["role"],
        since=data.get("since"),
        note=data.get("note", ""),
        expected_version=version,
    )


ACTIONS: dict[str, Action] = {
    "qualify": Action(
        title=gettext_lazy("Add an article to the qualification"),
        access="edit",
        form=QualifyForm,
        perform=lambda r, c, o, d, v: services.case_qualify(
            actor=r.user,
            case=c,
            reference=d["reference"],
            is_main=d["is_main"],
            on=d["on"],
            reason=d["reason"],
            expected_version=v,
        ),
        success=gettext_lazy("The qualification was changed."),
        tab="qualification",
    ),
    "requalify": Action(
        title=gettext_lazy("Re-qualify the act"),
        access="edit",
        form=RequalifyForm,
        perform=lambda r, c, o, d, v: services.case_requalify(
            actor=r.user, case=c, articles=d["articles"], on=d["on"], reason=d["reason"], expected_version=v
        ),
        success=gettext_lazy("The act was re-qualified."),
        tab="qualification",
        intro=gettext_lazy(
            "The articles must be in force on the date of the decision; the first is the main one."
        ),
    ),
    "party_add": Action(
        title=gettext_lazy("Add a party"),
        access="edit",
        form=PartyAddForm,
        perform=_add_party,
        success=gettext_lazy("The person was added to the case."),
        tab="parties",
        template="cases/party_add.html",
    ),
    "party_status": Action(
        title=gettext_lazy("Change the procedural status"),
        access="edit",
        form=PartyStatusForm,
        perform=lambda r, c, o, d, v: services.case_change_party_status(
            actor=r.user, party=o, role=d["role"], on=d["on"], note=d["note"], expected_version=v
        ),
        success=gettext_lazy("The status was changed."),
        tab="parties",
        sub="party",
        intro=gettext_lazy("Making a person the accused writes the decision to bring the charge."),
    ),
    "party_remove": Action(
        title=gettext_lazy("End the person's part in the case"),
        access="edit",
        form=PartyRemoveForm,
        perform=lambda r, c, o, d, v: services.case_remove_party(
            actor=r.user, party=o, reason=d["reason"], on=d["on"], expected_version=v
        ),
        success=gettext_lazy("The person no longer takes part in the case."),
        tab="parties",
        sub="party",
        danger=True,
    ),
    "act_add": Action(
        title=gettext_lazy("Record a procedural act"),
        access="edit",
        form=ActForm,
        perform=lambda r, c, o, d, v: services.case_add_act(
            actor=r.user,
            case=c,
            kind=d["kind"],
            title=d["title"],
            act_date=d["act_date"],
            body=d["body"],
            party=d.get("party"),
            expected_version=v,
        ),
        success=gettext_lazy("The act was recorded."),
        tab="acts",
        form_kwargs=lambda r, c, o: {"parties": _current_parties(c)},
    ),
    "measure_apply": Action(
        title=gettext_lazy("Detain or apply a preventive measure"),
        access="edit",
        form=MeasureApplyForm,
        perform=lambda r, c, o, d, v: services.measure_apply(
            actor=r.user,
            case=c,
            party=d["party"],
            kind=d["kind"],
            started_at=d["started_at"],
            court_decision=d["court_decision"],
            expected_version=v,
        ),
        success=gettext_lazy("The measure was recorded and its term is running."),
        tab="measures",
        form_kwargs=lambda r, c, o: {"parties": _defence_parties(c)},
        intro=gettext_lazy(
            "A detention runs 48 hours from the moment of detention, weekends included. Arrest and house "
            "arrest run for the court's term by the gravity of the main article; time in detention counts "
            "into it."
        ),
    ),
    "measure_extend": Action(
        title=gettext_lazy("Record the court's extension of the term"),
        access="supervise",
        form=ExtensionForm,
        perform=lambda r, c, o, d, v: services.measure_extend(
            actor=r.user,
            measure=o,
            step=d["step"],
            length=d["length"],
            reason=d["reason"],
            decision_reference=d["decision_reference"],
            expected_version=v,
        ),
        success=gettext_lazy("The extension was recorded."),
        tab="measures",
        sub="measure",
        form_kwargs=_measure_steps,
    ),
    "measure_end": Action(
        title=gettext_lazy("End the measure"),
        access="end_measure",
        form=MeasureEndForm,
        perform=lambda r, c, o, d, v: services.measure_end(
            actor=r.user, measure=o, ended_at=d["ended_at"], reason=d["reason"], expected_version=v
        ),
        success=gettext_lazy("The measure ended; its term no longer runs."),
        tab="measures",
        sub="measure",
    ),
    "extend": Action(
        title=gettext_lazy("Extend the investigation term"),
        access="supervise",
        form=ExtensionForm,
        perform=lambda r, c, o, d, v: services.case_extend_investigation(
            actor=r.user,
            case=c,
            step=d["step"],
            length=d["length"],
            reason=d["reason"],
            decision_reference=d["decision_reference"],
            expected_version=v,
        ),
        success=gettext_lazy("The investigation term was extended."),
        tab="term",
        form_kwargs=_investigation_steps,
        intro=gettext_lazy(
            "Each step may be used only by the official the law names and only up to its maximum; the total "
            "term cannot exceed the legal cap of the category (CPC art. 218.10)."
        ),
    ),
    "suspend": Action(
        title=gettext_lazy("Suspend the investigation"),
        access="edit",
        form=SuspendForm,
        perform=lambda r, c, o, d, v: services.case_suspend(
            actor=r.user, case=c, ground=d["ground"], on=d["on"], reason=d["reason"], expected_version=v
        ),
        success=gettext_lazy("The investigation was suspended; its term stands still."),
        tab="term",
    ),
    "resume": Action(
        title=gettext_lazy("Resume the investigation"),
        access="edit",
        form=DecisionForm,
        perform=lambda r, c, o, d, v: services.case_resume(
            actor=r.user, case=c, on=d["on"], reason=d["reason"], expected_version=v
        ),
        success=gettext_lazy("The investigation was resumed."),
        tab="term",
    ),
    "join": Action(
        title=gettext_lazy("Join the case into another case"),
        access="edit",
        form=JoinForm,
        perform=lambda r, c, o, d, v: services.case_join(
            actor=r.user, case=c, into=d["into"], on=d["on"], reason=d["reason"], expected_version=v
        ),
        success=gettext_lazy("The case was joined into the other case."),
        tab="qualification",
        form_kwargs=lambda r, c, o: {"targets": selectors.open_cases_of_team(user=r.user, exclude=c)},
        danger=True,
    ),
    "separate": Action(
        title=gettext_lazy("Separate a new case"),
        access="edit",
        form=SeparateForm,
        perform=lambda r, c, o, d, v: services.case_separate(
            actor=r.user,
            case=c,
            parties=list(d["parties"]),
            articles=d["articles"],
            summary=d["summary"],
            grounds=d["grounds"],
            on=d["on"],
            investigator=d.get("investigator"),
            expected_version=v,
        ),
        success=gettext_lazy("A new case was separated."),
        tab="qualification",
        form_kwargs=lambda r, c, o: {
            "parties": _current_parties(c),
            "investigators": selectors.eligible_employees(role=Role.INVESTIGATE, unit=c.unit),
        },
    ),
    "transfer": Action(
        title=gettext_lazy("Transfer the case to another unit"),
        access="supervise",
        form=TransferForm,
        perform=lambda r, c, o, d, v: services.case_transfer(
            actor=r.user,
            case=c,
            to_unit=d["to_unit"],
            investigator=d["investigator"],
            supervisor=d.get("supervisor"),
            reason=d["reason"],
            expected_version=v,
        ),
        success=gettext_lazy("The case was transferred."),
        tab="qualification",
        form_kwargs=_transfer_choices,
        template="cases/transfer.html",
    ),
    "team_add": Action(
        title=gettext_lazy("Add to the investigation team"),
        access="supervise",
        form=TeamAddForm,
        perform=lambda r, c, o, d, v: services.team_add(
            actor=r.user, case=c, employee=d["employee"], lead=d["lead"], expected_version=v
        ),
        success=gettext_lazy("The team was changed."),
        tab="qualification",
        form_kwargs=lambda r, c, o: {
            "investigators": selectors.eligible_employees(role=Role.INVESTIGATE, unit=c.unit)
        },
    ),
    "team_remove": Action(
        title=gettext_lazy("Take off the investigation team"),
        access="supervise",
        form=ConfirmForm,
        perform=lambda r, c, o, d, v: services.team_remove(actor=r.user, member=o, expected_version=v),
        success=gettext_lazy("The team was changed."),
        tab="qualification",
        sub="member",
        danger=True,
    ),
    "instruction_give": Action(
        title=gettext_lazy("Give an instruction"),
        access="supervise",
        form=InstructionForm,
        perform=lambda r, c, o, d, v: services.instruction_give(
            actor=r.user, case=c, text=d["text"], due_date=d["due_date"], expected_version=v
        ),
        success=gettext_lazy("The instruction was given to the team."),
        tab="instructions",
    ),
    "instruction_acknowledge": Action(
        title=gettext_lazy("Acknowledge the instruction"),
        access="acknowledge",
        form=ConfirmForm,
        perform=lambda r, c, o, d, v: services.instruction_acknowledge(
            actor=r.user, instruction=o, expected_version=v
        ),
        success=gettext_lazy("The instruction was acknowledged."),
        tab="instructions",
        sub="instruction",
    ),
    "instruction_report": Action(
        title=gettext_lazy("Report on the instruction"),
        access="acknowledge",
        form=ReportForm,
        perform=lambda r, c, o, d, v: services.instruction_report(
            actor=r.user, instruction=o, report=d["report"], expected_version=v
        ),
        success=gettext_lazy("The report was sent to the author of the instruction."),
        tab="instructions",
        sub="instruction",
    ),
    "indictment_submit": Action(
        title=gettext_lazy("Send the case with the indictment to the prosecutor"),
        access="edit",
        form=IndictmentForm,
        perform=lambda r, c, o, d, v: services.case_submit_indictment(
            actor=r.user, case=c, title=d["title"], body=d["body"], expected_version=v
        ),
        success=gettext_lazy("The indictment awaits the supervising prosecutor's decision."),
        tab="acts",
        intro=gettext_lazy(
            "The case needs at least one accused and a main article. The investigation term stops and the "
            "prosecutor has 5 days to decide (CPC art. 290.3)."
        ),
    ),
    "indictment_approve": Action(
        title=gettext_lazy("Approve the indictment and send the case to court"),
        access="supervise",
        form=NoteForm,
        perform=lambda r, c, o, d, v: services.case_approve_indictment(
            actor=r.user, case=c, note=d["note"], expected_version=v
        ),
        success=gettext_lazy("The case was sent to court."),
        tab="acts",
    ),
    "indictment_return": Action(
        title=gettext_lazy("Return the case for additional investigation"),
        access="supervise",
        form=ReturnForm,
        perform=lambda r, c, o, d, v: services.case_return_indictment(
            actor=r.user, case=c, reason=d["reason"], expected_version=v
        ),
        success=gettext_lazy("The case was returned to the team."),
        tab="acts",
    ),
    "terminate": Action(
        title=gettext_lazy("Terminate the case"),
        access="edit",
        form=TerminateForm,
        perform=lambda r, c, o, d, v: services.case_terminate(
            actor=r.user, case=c, ground=d["ground"], grounds=d["grounds"], on=d["on"], expected_version=v
        ),
        success=gettext_lazy("The case was terminated."),
        tab="acts",
        danger=True,
        intro=gettext_lazy("Running preventive measures end and every term of the case stops."),
    ),
    "refer": Action(
        title=gettext_lazy("Refer the case to another body"),
        access="edit",
        form=ReferForm,
        perform=lambda r, c, o, d, v: services.case_refer(
            actor=r.user, case=c, body=d["body"], grounds=d["grounds"], on=d["on"], expected_version=v
        ),
        success=gettext_lazy("The case was referred."),
        tab="acts",
        danger=True,
    ),
    "reopen": Action(
        title=gettext_lazy("Resume the investigation of a completed case"),
        access="supervise",
        form=DecisionForm,
        perform=lambda r, c, o, d, v: services.case_reopen(
            actor=r.user, case=c, grounds=d["reason"], on=d["on"], expected_version=v
        ),
        success=gettext_lazy("The investigation was resumed."),
        tab="term",
    ),
}

SUB_MODELS: dict[str, Any] = {
    "party": CaseParty,
    "measure": PreventiveMeasure,
    "member": TeamMember,
    "instruction": Instruction,
}


def _sub_row(action: Action, case: Case, pk: int | None) -> Any:
    if not action.sub:
        return None
    model = SUB_MODELS[action.sub]
    related = {
        "party": ("person",),
        "measure": ("party__person",),
        "member": ("employee",),
        "instruction": (),
    }
    row = model.objects.select_related(*related[action.sub]).filter(pk=pk, case=case).first() if pk else None
    if row is None:
        raise Http404()
    row.case = case
    return row


def card_url(case: Case, tab: str) -> str:
    return reverse("cases:detail", kwargs={"number": case.number}) + f"?tab={tab}"


@cases_view
@require_http_methods(["GET", "POST"])
def case_action(request: HttpRequest, number: str, action: str, pk: int | None = None) -> HttpResponse:
    spec = ACTIONS[action]
    case = access.get_case_for(request.user, number, action=spec.access)
    row = _sub_row(spec, case, pk)
    extra = spec.form_kwargs(request, case, row) if spec.form_kwargs else {}
    initial: dict[str, Any] = {"version": case.version}
    if action == "party_add" and request.GET.get("person"):
        initial["person"] = request.GET["person"]
    if action == "transfer" and request.GET.get("to_unit"):
        initial["to_unit"] = next((u.pk for u in extra["units"] if u.code == request.GET["to_unit"]), None)
    form = spec.form(request.POST if request.method == "POST" else None, initial=initial, **extra)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = spec.perform(request, case, row, data, data.get("version"))
            except ApplicationError as exc:
                apply_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(request, str(spec.success))
                if isinstance(result, Case) and result.pk != case.pk and action == "separate":
                    return redirect(result.get_absolute_url())
                return redirect(card_url(case, spec.tab))
        else:
            status = 422
    picked = (
        _person(request, initial.get("person")) if action == "party_add" and "person" in initial else None
    )
    return render_page(
        request,
        spec.template,
        {
            "case": case,
            "form": form,
            "spec": spec,
            "action": action,
            "row": row,
            "cancel_url": card_url(case, spec.tab),
            "picked": picked,
            "persons_pick": _safe("persons:pick"),
            "persons_create": _safe("persons:create"),
            **({"units": extra.get("units", [])} if action == "transfer" else {}),
        },
        status=status,
    )


def _safe(name: str) -> str | None:
    from eprok.core.context_processors import safe_reverse

    return safe_reverse(name)


# --- opening --------------------------------------------------------------------------------------------


@cases_view
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    """Open a case directly or on a crime report (?material=<number>), for the unit's investigators and
    supervising prosecutors (and, on a report, only for those who may decide it)."""
    units = selectors.units_where(user=request.user, roles=access.OPENER_ROLES)
    if not units:
        deny(request.user, action="cases.case.open", target_type="cases.case", target_key="new", visible=True)
    material = None
    material_number = (request.POST.get("material") or request.GET.get("material") or "").strip()
    if material_number:
        from eprok.materials import access as material_access

        material = material_access.get_material_for(request.user, material_number, action="open_case")
    wanted = request.POST.get("unit") or request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == wanted or u.code == wanted), None)
    if unit is None and material is not None:
        unit = next((u for u in units if u.pk == material.unit_id), None)
    if unit is None and len(units) == 1:
        unit = units[0]
    investigators = selectors.eligible_employees(role=Role.INVESTIGATE, unit=unit) if unit else []
    supervisors = selectors.eligible_employees(role=Role.SUPERVISE, unit=unit) if unit else []
    initial: dict[str, Any] = {"unit": unit.pk if unit else None}
    if any(p.pk == request.user.pk for p in investigators):
        initial["investigator"] = request.user.pk
    if material is not None:
        initial.update(material=material.number, articles=material.articles, summary=material.summary)
    form = OpenForm(
        request.POST if request.method == "POST" else None,
        units=units,
        investigators=investigators,
        supervisors=supervisors,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_open(
                    actor=request.user,
                    unit=data["unit"],
                    material=material,
                    articles=data["articles"],
                    summary=data["summary"],
                    opening_grounds=data["opening_grounds"],
                    investigator=data["investigator"],
                    supervisor=data["supervisor"],
                    opened_at=data["opened_at"],
                )
            except ApplicationError as exc:
                apply_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(request, _("Criminal case %(number)s was opened.") % {"number": case.number})
                return redirect(case.get_absolute_url())
        else:
            status = 422
    return render_page(
        request,
        "cases/open.html",
        {"form": form, "units": units, "unit": unit, "material": material},
        status=status,
    )
