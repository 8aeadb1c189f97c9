"""The pages of state prosecution in court: the register, the overview, the card with its actions, the
opening of a proceeding from a case, the prosecutor's hearings calendar and its iCal feed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, form_apply_error
from eprok.org.models import Employee
from eprok.org.roles import Role

from . import access, forms, ical, selectors, services
from .models import AppealFiling, Decision, Hearing, Position, Proceeding, ProceedingStatus

HELP = {"help_page": "courtwork"}
PAGE_SIZE = 50


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _require_register(request: HttpRequest, action: str = "register.open") -> None:
    if not access.can_see_register(request.user):
        access.deny_register(request.user, action=action)


def prosecutors_of(unit: Any) -> list[Employee]:
    """The employees who may be the state prosecutor of a proceeding of `unit`."""
    from eprok.org.models import RoleAssignment

    ids = {
        assignment.employee_id
        for assignment in RoleAssignment.objects.filter(
            role=Role.PROSECUTE, ended_at__isnull=True, employee__is_active=True
        ).select_related("unit")
        if assignment.unit_id == unit.pk
        or (assignment.include_subunits and unit.path.startswith(assignment.unit.path))
    }
    people = Employee.objects.filter(pk__in=ids).order_by("last_name", "first_name")
    return [person for person in people if access.prosecutor_ok(person, unit)]


# --- the register ---------------------------------------------------------------------------------------


@staff_view
@require_GET
def proceeding_list(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    form = forms.ProceedingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.ProceedingFilters.from_form(data)
    page = Paginator(selectors.proceeding_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    services.proceedings_record_listed(
        actor=request.user, keys=[str(p.public_id) for p in page.object_list], purpose="register"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "courtwork/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_calendar": access.can_use_calendar(request.user),
        },
    )


@staff_view
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    return _page(
        request,
        "courtwork/overview.html",
        {"rows": selectors.unit_overview(user=request.user), "statuses": ProceedingStatus.choices},
    )


# --- the card -------------------------------------------------------------------------------------------


@staff_view
@require_GET
def proceeding_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    card = selectors.proceeding_card(user=request.user, key=public_id)
    services.proceeding_record_view(actor=request.user, proceeding=card.proceeding)
    return _page(request, "courtwork/detail.html", {"card": card, "proceeding": card.proceeding})


# --- opening from a case --------------------------------------------------------------------------------


def _open(request: HttpRequest, *, case: Any = None, supervised: Any = None) -> HttpResponse:
    owner = case or supervised
    existing = services.proceeding_for_owner(case=case, supervised=supervised)
    if existing is not None:
        return redirect(existing.get_absolute_url())
    if not access.can_open_in(request.user, owner.unit):
        access.deny_unit(request.user, owner.unit, action="open")
    prosecutors = prosecutors_of(owner.unit)
    initial = {
        "sent_on": timezone.localdate(),
        "prosecutor": request.user.pk if request.user in prosecutors else None,
    }
    form = forms.OpenForm(request.POST or None, prosecutors=prosecutors, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proceeding = services.proceeding_open(
                actor=request.user,
                case=case,
                supervised=supervised,
                court=data["court"],
                sent_on=data["sent_on"],
                judge=data.get("judge") or "",
                court_number=data.get("court_number") or "",
                prosecutor=data.get("prosecutor"),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The court proceeding is opened."))
            return redirect(proceeding.get_absolute_url())
    return _page(
        request, "courtwork/open.html", {"form": form, "owner": owner}, status=422 if form.errors else 200
    )


@staff_view
def open_for_case(request: HttpRequest, number: str) -> HttpResponse:
    from eprok.cases.access import get_case_for

    return _open(request, case=get_case_for(request.user, number))


@staff_view
def open_for_supervised(request: HttpRequest, public_id: str) -> HttpResponse:
    from eprok.supervision.models import SupervisedCase

    # A supervised case sent to court is opened here by the holders of "prosecute" over its unit.
    supervised = SupervisedCase.objects.select_related("unit").filter(public_id=public_id).first()
    if supervised is None or not access.can_open_in(request.user, supervised.unit):
        access.deny_proceeding(request.user, None, action="open", key=str(public_id))
    return _open(request, supervised=supervised)


# --- actions on a proceeding ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    title: Any
    form: type[forms.VersionedForm]
    run: Callable[..., Any]
    row: Callable[[Proceeding, int], Any] | None = None  # the hearing, position, decision or appeal acted on
    success: Any = None  # the message after success; "Saved." when None
    danger: bool = False


def _row(model: Any) -> Callable[[Proceeding, int], Any]:
    def load(proceeding: Proceeding, pk: int) -> Any:
        row = model.objects.filter(proceeding=proceeding, pk=pk).first()
        if row is None:
            raise Http404()
        row.proceeding = proceeding
        return row

    return load


def _update(
    request: HttpRequest, proceeding: Proceeding, row: Any, data: dict[str, Any], version: int | None
) -> Any:
    return services.proceeding_update(
        actor=request.user,
        proceeding=proceeding,
        court=data["court"],
        judge=data.get("judge") or "",
        court_number=data.get("court_number") or "",
        prosecutor=data.get("prosecutor"),
        expected_version=version,
    )


ACTIONS: dict[str, Action] = {
    "edit": Action(gettext_lazy("Court, judge and state prosecutor"), forms.UpdateForm, _update),
    "hearing_add": Action(
        gettext_lazy("Schedule a hearing"),
        forms.HearingForm,
        lambda request, p, row, data, version: services.hearing_schedule(
            actor=request.user,
            proceeding=p,
            starts_at=data["starts_at"],
            courtroom=data.get("courtroom") or "",
            judge=data.get("judge") or "",
            expected_version=version,
        ),
        success=gettext_lazy("The hearing is scheduled."),
    ),
    "hearing_postpone": Action(
        gettext_lazy("Postpone the hearing"),
        forms.PostponeForm,
        lambda request, p, row, data, version: services.hearing_postpone(
            actor=request.user,
            hearing=row,
            starts_at=data["starts_at"],
            reason=data["reason"],
            expected_version=version,
        ),
        row=_row(Hearing),
        success=gettext_lazy("The hearing is postponed."),
    ),
    "hearing_hold": Action(
        gettext_lazy("The hearing was held"),
        forms.HoldForm,
        lambda request, p, row, data, version: services.hearing_hold(
            actor=request.user, hearing=row, outcome=data["outcome"], expected_version=version
        ),
        row=_row(Hearing),
    ),
    "hearing_cancel": Action(
        gettext_lazy("Cancel the hearing"),
        forms.CancelForm,
        lambda request, p, row, data, version: services.hearing_cancel(
            actor=request.user, hearing=row, reason=data["reason"], expected_version=version
        ),
        row=_row(Hearing),
        danger=True,
    ),
    "position_add": Action(
        gettext_lazy("Position or motion"),
        forms.PositionForm,
        lambda request, p, row, data, version: services.position_add(
            actor=request.user,
            proceeding=p,
            kind=data["kind"],
            text=data["text"],
            stated_on=data.get("stated_on"),
            expected_version=version,
        ),
    ),
    "position_outcome": Action(
        gettext_lazy("What the court decided on the motion"),
        forms.PositionOutcomeForm,
        lambda request, p, row, data, version: services.position_outcome(
            actor=request.user, position=row, outcome=data["outcome"], expected_version=version
        ),
        row=_row(Position),
    ),
    "decision_add": Action(
        gettext_lazy("Record the court's decision"),
        forms.DecisionForm,
        lambda request, p, row, data, version: services.decision_record(
            actor=request.user,
            proceeding=p,
            kind=data["kind"],
            decided_on=data["decided_on"],
            sentence=data.get("sentence") or "",
            text=data.get("text") or "",
            expected_version=version,
        ),
        success=gettext_lazy("The decision is recorded."),
    ),
    "appeal_file": Action(
        gettext_lazy("Appeal or protest"),
        forms.AppealForm,
        lambda request, p, row, data, version: services.appeal_file(
            actor=request.user,
            decision=row,
            party=data["party"],
            grounds=data["grounds"],
            filed_on=data["filed_on"],
            expected_version=version,
        ),
        row=_row(Decision),
        success=gettext_lazy("The appeal is recorded."),
    ),
    "appeal_outcome": Action(
        gettext_lazy("Outcome of the appeal"),
        forms.AppealOutcomeForm,
        lambda request, p, row, data, version: services.appeal_decide(
            actor=request.user,
            appeal=row,
            outcome=data["outcome"],
            decided_on=data.get("decided_on"),
            expected_version=version,
        ),
        row=_row(AppealFiling),
    ),
    "force": Action(
        gettext_lazy("The decision entered into force"),
        forms.ForceForm,
        lambda request, p, row, data, version: services.proceeding_enter_into_force(
            actor=request.user, proceeding=p, on=data.get("on"), expected_version=version
        ),
    ),
}


def _initial(action: str, proceeding: Proceeding, row: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": proceeding.version}
    today = timezone.localdate()
    if action == "edit":
        initial.update(
            court=proceeding.court_id,
            judge=proceeding.judge,
            court_number=proceeding.court_number,
            prosecutor=proceeding.prosecutor_id,
        )
    elif action == "hearing_add":
        initial["judge"] = proceeding.judge
    elif action in ("decision_add", "appeal_file"):
        initial["decided_on" if action == "decision_add" else "filed_on"] = today
    return initial


@staff_view
def proceeding_action(
    request: HttpRequest, public_id: str, action: str, pk: int | None = None
) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404()
    proceeding = access.get_proceeding_for(request.user, public_id, action="act")
    row = spec.row(proceeding, pk) if spec.row is not None and pk is not None else None
    if spec.row is not None and row is None:
        raise Http404()
    kwargs: dict[str, Any] = {}
    if spec.form is forms.UpdateForm:
        kwargs["prosecutors"] = prosecutors_of(proceeding.unit)
    form = spec.form(request.POST or None, initial=_initial(action, proceeding, row), **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spec.run(request, proceeding, row, data, data.get("version"))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, str(spec.success or _("Saved.")))
            return redirect(proceeding.get_absolute_url())
    return _page(
        request,
        "courtwork/action.html",
        {
            "form": form,
            "spec": spec,
            "proceeding": proceeding,
            "row": row,
            "cancel_url": proceeding.get_absolute_url(),
        },
        status=422 if form.errors else 200,
    )


# --- the hearings calendar and its feed -----------------------------------------------------------------


@staff_view
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    if not access.can_use_calendar(request.user):
        access.deny_register(request.user, action="calendar.open")
    days = selectors.hearings_calendar(user=request.user)
    return _page(
        request,
        "courtwork/calendar.html",
        {"days": days, "has_feed": selectors.has_feed(request.user), "feed_url": None},
    )


@staff_view
@require_POST
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    token = services.calendar_feed_create(actor=request.user)
    from django.urls import reverse

    feed_url = request.build_absolute_uri(reverse("courtwork:calendar_feed", args=[token]))
    days = selectors.hearings_calendar(user=request.user)
    # The address is shown once, on this response; only its hash is kept.
    response = _page(
        request, "courtwork/calendar.html", {"days": days, "has_feed": True, "feed_url": feed_url}
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_view
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    if services.calendar_feed_revoke(actor=request.user):
        messages.success(request, _("The calendar address no longer works."))
    return redirect("courtwork:calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The prosecutor's hearings as text/calendar, for a calendar program: no session, the secret address."""
    user = selectors.feed_user(token)
    if user is None:
        raise Http404()
    hearings = selectors.feed_hearings(user=user)
    language = getattr(user, "preferred_language", "") or "az"
    with translation.override(language):
        body = ical.calendar(
            hearings,
            name=_("Court hearings — %(name)s") % {"name": user.full_name},
            url_of=lambda proceeding: request.build_absolute_uri(proceeding.get_absolute_url()),
        )
    services.calendar_feed_record_read(user=user, count=len(hearings))
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hearings.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response
