"""The supervision pages: the register of supervised cases, entry by hand, the card with the prosecutor's
actions, the statistics per supervised body and the list of investigating bodies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error

from . import access, selectors, services
from .forms import (
    ActForm,
    AnswerForm,
    ApproveForm,
    AssignForm,
    CaseFilterForm,
    CaseForm,
    DetailsForm,
    ExtendForm,
    IndictmentForm,
    ReasonForm,
    RemedyForm,
    StatisticsForm,
    ViolationForm,
)
from .models import SupervisedCase, SupervisedStatus, SupervisoryAct, Violation

HELP = {"help_page": "supervision"}
PAGE_SIZE = 50


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _details(data: dict[str, Any]) -> services.CaseDetails:
    return services.CaseDetails(
        number=data["number"],
        investigator_name=data["investigator_name"],
        investigator_contact=data.get("investigator_contact") or "",
        opened_on=data["opened_on"],
        summary=data["summary"],
        articles=data["articles"],
        accused=data.get("accused") or "",
        in_custody=bool(data.get("in_custody")),
        custody_until=data.get("custody_until"),
    )


def _visible_units(user: Any) -> Any:
    return access.create_units(user).order_by("path")


# --- the register ---------------------------------------------------------------------------------------


@staff_view
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_see_register(user):
        access.deny_register(user, "register.open")
    units = _visible_units(user)
    form = CaseFilterForm(request.GET or None, units=units)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.CaseFilters.from_form({**data, "supervisor": user if data.get("mine") else None})
    page = Paginator(selectors.case_list(user=user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    services.cases_record_listed(
        actor=user, numbers=[case.number for case in page.object_list], purpose="register"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "supervision/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "can_create": units.exists(),
            "can_see_statistics": access.can_see_statistics(user),
        },
    )


@staff_view
def case_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = list(_visible_units(user))
    if not units:
        access.deny_register(user, "case.create")
    form = CaseForm(request.POST or None, units=access.create_units(user).order_by("path"))
    if len(units) == 1:
        form.fields["unit"].initial = units[0].pk
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.supervised_create(
                actor=user,
                unit=data["unit"],
                body=data["body"],
                details=_details(data),
                supervisor=user if data.get("supervise_myself") else None,
            )
        except (NotFound, Forbidden) as exc:
            form.add_error(None, str(exc.message))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Case %(number)s is under supervision.") % {"number": case.number})
            return redirect(case.get_absolute_url())
    return _page(request, "supervision/form.html", {"form": form}, status=422 if form.errors else 200)


# --- the card and its actions -----------------------------------------------------------------------------


@staff_view
def case_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.case_card(user=request.user, key=public_id)
    services.case_record_view(actor=request.user, case=case, purpose="review")
    return _card(request, case)


def _card(request: HttpRequest, case: SupervisedCase, status: int = 200, **forms_shown: Any) -> HttpResponse:
    user = request.user
    can_act = access.can_act(user, case)
    can_decide = access.can_decide_indictment(user, case)
    initial = {"version": case.version}
    shown: dict[str, Any] = {}
    if can_act:
        shown["act_form"] = ActForm(
            initial={"due_date": timezone.localdate() + dt.timedelta(days=10)}, prefix="act"
        )
        shown["violation_form"] = ViolationForm(prefix="violation")
        shown["assign_form"] = AssignForm(
            initial={**initial, "supervisor": case.supervisor_id},
            supervisors=selectors.supervisors_of(case.unit),
            prefix="assign",
        )
        if case.status == SupervisedStatus.INVESTIGATION:
            shown["suspend_form"] = ReasonForm(initial=initial, prefix="suspend")
            shown["indictment_form"] = IndictmentForm(initial=initial, prefix="indictment")
        if case.status in (SupervisedStatus.INVESTIGATION, SupervisedStatus.SUSPENDED):
            shown["extend_form"] = ExtendForm(initial=initial, prefix="extend")
            shown["terminate_form"] = ReasonForm(initial=initial, prefix="terminate")
        if case.status in (SupervisedStatus.SUSPENDED, SupervisedStatus.TERMINATED):
            shown["resume_form"] = ReasonForm(initial=initial, prefix="resume")
        # Each act awaiting its answer and each violation not remedied carries its own small form.
        for act in case.acts.all():
            if act.awaits_answer:
                name = f"answer-{act.pk}"
                act.answer_form = forms_shown.get(name) or AnswerForm(prefix=name)  # type: ignore[attr-defined]
        for violation in case.violations.all():
            if violation.remedied_on is None:
                name = f"remedy-{violation.pk}"
                violation.remedy_form = forms_shown.get(name) or RemedyForm(prefix=name)  # type: ignore[attr-defined]
    if can_decide and case.status == SupervisedStatus.INDICTMENT:
        shown["approve_form"] = ApproveForm(initial=initial, prefix="approve")
        shown["return_form"] = ReasonForm(initial=initial, prefix="return")
    shown.update({name: form for name, form in forms_shown.items() if name.endswith("_form")})
    return _page(
        request,
        "supervision/detail.html",
        {
            "case": case,
            "history": selectors.case_history(case=case),
            "can_act": can_act,
            "can_decide": can_decide,
            "today": timezone.localdate(),
            **shown,
        },
        status=status,
    )


def _action(
    request: HttpRequest,
    public_id: str,
    *,
    action: str,
    form_class: type[forms.Form],
    form_name: str,
    call: Callable[[SupervisedCase, dict[str, Any]], Any],
    done: str,
    prefix: str | None = None,
) -> HttpResponse:
    """Check the right, parse the form, call the service; on refusal show the card again with the form."""
    case = access.get_case_for(request.user, public_id, action=action)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except ApplicationError as exc:
            form_apply_error(form, exc)
            if not form.errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, done)
            return redirect(case.get_absolute_url())
    card = selectors.case_card(user=request.user, key=public_id)
    services.case_record_view(actor=request.user, case=card, purpose="review")
    return _card(request, card, status=422, **{form_name: form})


def _version(data: dict[str, Any]) -> int | None:
    return data.get("version") or None


@staff_view
def case_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, public_id, action="act")
    initial = {
        "version": case.version,
        "number": case.number,
        "investigator_name": case.investigator_name,
        "investigator_contact": case.investigator_contact,
        "opened_on": case.opened_on,
        "articles": case.articles,
        "summary": case.summary,
        "accused": case.accused,
        "in_custody": case.in_custody,
        "custody_until": timezone.localtime(case.custody_until) if case.custody_until else None,
    }
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervised_update(
                actor=request.user,
                case=case,
                details=_details(form.cleaned_data),
                expected_version=_version(form.cleaned_data),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
            if not form.errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The case's details are saved."))
            return redirect(case.get_absolute_url())
    return _page(
        request, "supervision/edit.html", {"form": form, "case": case}, status=422 if form.errors else 200
    )


@staff_view
@require_POST
def case_assign(request: HttpRequest, public_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, public_id, action="act")
    form = AssignForm(request.POST, supervisors=selectors.supervisors_of(case.unit), prefix="assign")
    if form.is_valid():
        try:
            services.supervised_assign(
                actor=request.user,
                case=case,
                supervisor=form.cleaned_data["supervisor"],
                expected_version=_version(form.cleaned_data),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
            if not form.errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The supervising prosecutor is named."))
            return redirect(case.get_absolute_url())
    card = selectors.case_card(user=request.user, key=public_id)
    services.case_record_view(actor=request.user, case=card, purpose="review")
    return _card(request, card, status=422, assign_form=form)


@staff_view
@require_POST
def case_suspend(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=ReasonForm,
        form_name="suspend_form",
        prefix="suspend",
        call=lambda case, data: services.supervised_suspend(
            actor=request.user, case=case, reason=data["reason"], expected_version=_version(data)
        ),
        done=_("The investigation is recorded as suspended."),
    )


@staff_view
@require_POST
def case_resume(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=ReasonForm,
        form_name="resume_form",
        prefix="resume",
        call=lambda case, data: services.supervised_resume(
            actor=request.user, case=case, reason=data["reason"], expected_version=_version(data)
        ),
        done=_("The investigation is resumed."),
    )


@staff_view
@require_POST
def case_terminate(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=ReasonForm,
        form_name="terminate_form",
        prefix="terminate",
        call=lambda case, data: services.supervised_terminate(
            actor=request.user, case=case, reason=data["reason"], expected_version=_version(data)
        ),
        done=_("The termination of the case is recorded."),
    )


@staff_view
@require_POST
def case_extend(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=ExtendForm,
        form_name="extend_form",
        prefix="extend",
        call=lambda case, data: services.term_extend(
            actor=request.user,
            case=case,
            due=data["due"],
            reason=data["reason"],
            expected_version=_version(data),
        ),
        done=_("The investigation term is extended."),
    )


@staff_view
@require_POST
def indictment_receive(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=IndictmentForm,
        form_name="indictment_form",
        prefix="indictment",
        call=lambda case, data: services.indictment_receive(
            actor=request.user,
            case=case,
            received_at=data.get("received_at"),
            expected_version=_version(data),
        ),
        done=_("The indictment is received; the decision is due in 5 days."),
    )


@staff_view
@require_POST
def indictment_approve(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="decide",
        form_class=ApproveForm,
        form_name="approve_form",
        prefix="approve",
        call=lambda case, data: services.indictment_approve(
            actor=request.user, case=case, note=data.get("note") or "", expected_version=_version(data)
        ),
        done=_("The indictment is approved and the case is sent to court."),
    )


@staff_view
@require_POST
def indictment_return(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="decide",
        form_class=ReasonForm,
        form_name="return_form",
        prefix="return",
        call=lambda case, data: services.indictment_return(
            actor=request.user, case=case, reason=data["reason"], expected_version=_version(data)
        ),
        done=_("The case is returned for further investigation."),
    )


@staff_view
@require_POST
def act_issue(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=ActForm,
        form_name="act_form",
        prefix="act",
        call=lambda case, data: services.act_issue(
            actor=request.user, case=case, kind=data["kind"], text=data["text"], due_date=data["due_date"]
        ),
        done=_("The act is issued to the investigating body."),
    )


def _act_of(case: SupervisedCase, act_id: int) -> SupervisoryAct:
    act = SupervisoryAct.objects.filter(case=case, pk=act_id).first()
    if act is None:
        raise NotFound()
    act.case = case
    return act


def _violation_of(case: SupervisedCase, violation_id: int) -> Violation:
    violation = Violation.objects.filter(case=case, pk=violation_id).first()
    if violation is None:
        raise NotFound()
    violation.case = case
    return violation


@staff_view
@require_POST
def act_answer(request: HttpRequest, public_id: str, act_id: int) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=AnswerForm,
        form_name=f"answer-{act_id}",
        prefix=f"answer-{act_id}",
        call=lambda case, data: services.act_answer(
            actor=request.user,
            act=_act_of(case, act_id),
            answer=data["answer"],
            accepted=data["accepted"],
            answered_at=data.get("answered_at"),
        ),
        done=_("The body's answer is recorded."),
    )


@staff_view
@require_POST
def violation_record(request: HttpRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=ViolationForm,
        form_name="violation_form",
        prefix="violation",
        call=lambda case, data: services.violation_record(
            actor=request.user,
            case=case,
            kind=data["kind"],
            description=data["description"],
            found_on=data.get("found_on"),
        ),
        done=_("The violation is recorded."),
    )


@staff_view
@require_POST
def violation_remedy(request: HttpRequest, public_id: str, violation_id: int) -> HttpResponse:
    return _action(
        request,
        public_id,
        action="act",
        form_class=RemedyForm,
        form_name=f"remedy-{violation_id}",
        prefix=f"remedy-{violation_id}",
        call=lambda case, data: services.violation_remedy(
            actor=request.user,
            violation=_violation_of(case, violation_id),
            remedied_on=data.get("remedied_on"),
        ),
        done=_("The violation is marked remedied."),
    )


# --- statistics and the bodies ------------------------------------------------------------------------------


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The year so far."""
    return today.replace(month=1, day=1), today


@staff_view
def statistics(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_see_statistics(user):
        access.deny_register(user, "statistics.open")
    units = _visible_units(user)
    form = StatisticsForm(request.GET or None, units=units)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    first, last = default_period(timezone.localdate())
    result = selectors.statistics(
        user=user,
        date_from=data.get("date_from") or first,
        date_to=data.get("date_to") or last,
        unit=data.get("unit"),
    )
    return _page(request, "supervision/statistics.html", {"form": form, "stats": result})


@staff_view
def body_list(request: HttpRequest) -> HttpResponse:
    if not access.can_see_register(request.user):
        access.deny_register(request.user, "bodies.open")
    return _page(request, "supervision/bodies.html", {"bodies": selectors.body_list()})
