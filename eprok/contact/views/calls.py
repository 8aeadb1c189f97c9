"""The operator's pages of a call: the workspace with the incoming calls, the call list and its exports,
opening a card by hand, the card, and the actions that register the call or follow it up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eprok.contact import access, classifiers, selectors, services, terms
from eprok.contact.forms import (
    AppealForm,
    CallbackForm,
    CallFilterForm,
    CallOpenForm,
    CallRegisterForm,
    CopyRequestForm,
    CrimeReportForm,
    HotlineFromCallForm,
    now_minute,
)
from eprok.contact.models import Call, CallDirection, CallOutcome, CallStatus, Centre
from eprok.contact.views.base import (
    PAGE_SIZE,
    apply_error,
    contact_view,
    is_htmx,
    refuse,
    render_page,
    version_of,
)
from eprok.core.errors import ApplicationError
from eprok.core.exports import table_response
from eprok.org.models import Unit

# --- the workspace ------------------------------------------------------------------------------------


@contact_view
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (access.can_use_calls(user) or access.can_use_hotline(user)):
        refuse(request, "workspace")
    context = {
        "can_operate": access.can_operate(user),
        "can_supervise": access.can_supervise(user),
        "can_hotline": access.can_use_hotline(user),
        "incoming": selectors.incoming_calls(user=user),
        "callbacks": selectors.my_callbacks(user=user, limit=20),
        "recent": selectors.my_recent_calls(user=user),
        "my_reports": list(
            selectors.hotline_list(user=user, filters=selectors.HotlineFilter(assignee="me", status="open"))[
                :20
            ]
        ),
        "now": timezone.now(),
    }
    return render_page(request, "contact/workspace.html", context)


@contact_view
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """The workspace's panel of incoming calls, refreshed by htmx every few seconds."""
    if not access.can_use_calls(request.user):
        refuse(request, "workspace")
    calls = selectors.incoming_calls(user=request.user)
    response = render_page(request, "contact/_incoming.html", {"incoming": calls, "now": timezone.now()})
    response["Cache-Control"] = "no-store"
    return response


# --- the list and its exports -------------------------------------------------------------------------


@contact_view
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    if not access.can_use_calls(request.user):
        refuse(request, "calls")
    form = CallFilterForm(request.GET)
    calls = selectors.call_list(user=request.user, filters=form.to_filter())
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_operate": access.can_operate(request.user),
        "export_max_rows": selectors.EXPORT_MAX_ROWS,
    }
    template = "contact/_call_results.html" if is_htmx(request) else "contact/call_list.html"
    return render_page(request, template, context)


def _call_header() -> list[str]:
    return [
        _("Call"),
        _("Line"),
        _("Unit"),
        _("Direction"),
        _("Status"),
        _("Rang at"),
        _("Answered at"),
        _("Ended at"),
        _("Caller's number"),
        _("Caller's name"),
        _("Operator"),
        _("Topic"),
        _("Outcome"),
        _("Appeal"),
        _("Crime report"),
        _("Forwarded to"),
        _("Summary"),
    ]


def _call_values(row: tuple[Any, ...]) -> list[Any]:
    (
        public_id,
        centre,
        unit,
        direction,
        status,
        offered,
        answered,
        ended,
        number,
        name,
        last,
        first,
        topic,
        outcome,
        appeal,
        material,
        forwarded,
        summary,
    ) = row
    return [
        str(public_id)[:8].upper(),
        centre,
        unit,
        str(CallDirection(direction).label),
        str(CallStatus(status).label),
        offered,
        answered,
        ended,
        number,
        name,
        " ".join(p for p in (last, first) if p),
        topic,
        str(CallOutcome(outcome).label) if outcome else "",
        appeal,
        material,
        forwarded,
        summary,
    ]


@contact_view
@require_GET
def call_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if not access.can_use_calls(request.user):
        refuse(request, "calls")
    filters = CallFilterForm(request.GET).to_filter()
    services.contact_record_export(
        actor=request.user,
        what="call",
        filters=filters.as_data(),
        fmt=fmt,
        max_rows=selectors.EXPORT_MAX_ROWS,
    )
    rows = selectors.call_export_rows(user=request.user, filters=filters)
    return table_response(
        fmt=fmt,
        filename=f"calls-{timezone.localtime().strftime('%Y%m%d-%H%M')}",
        sheet_title=_("Calls"),
        header=_call_header(),
        rows=(_call_values(row) for row in rows),
    )


# --- opening a card by hand, the card, taking a call --------------------------------------------------


@contact_view
@require_http_methods(["GET", "POST"])
def call_open(request: HttpRequest) -> HttpResponse:
    units = access.operator_units(request.user)
    if not units:
        refuse(request, "call_open")
    initial = {"centre": request.GET.get("centre", Centre.CALL_CENTRE), "unit": units[0].code}
    form = CallOpenForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.code == data["unit"])
        try:
            call = services.call_open(
                actor=request.user,
                unit=unit,
                centre=data["centre"],
                direction=data["direction"],
                caller_number=data["caller_number"],
                called_number=data["called_number"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return redirect(call.get_absolute_url())
    return render_page(request, "contact/call_open.html", {"form": form}, status=422 if form.errors else 200)


def _registration_forms(request: HttpRequest, call: Call, history: Any) -> dict[str, Any]:
    if not access.can_register_call(request.user, call):
        return {}
    initial: dict[str, Any] = {"version": call.version}
    if call.centre == Centre.HOTLINE:
        assignees = selectors.assignee_choices(unit=call.unit)
        return {
            "hotline_form": HotlineFromCallForm(initial=initial, assignees=assignees, auto_id="hotline_%s")
        }
    initial.update(caller_number=call.caller_number, caller_name=call.caller_name, caller_fin=call.caller_fin)
    return {"register_form": CallRegisterForm(initial=initial, persons=history.persons)}


def _card_context(request: HttpRequest, call: Call) -> dict[str, Any]:
    user = request.user
    history = selectors.caller_history(user=user, call=call)
    window = terms.copy_window(call)
    return {
        "call": call,
        "history": history,
        "callbacks": list(call.callbacks.select_related("assignee").order_by("due_at", "pk")),
        "copy_requests": list(call.copy_requests.select_related("assignee").order_by("-requested_at", "-pk")),
        "hotline_report": getattr(call, "hotline_report", None) if call.centre == Centre.HOTLINE else None,
        "can_take": call.status == CallStatus.OFFERED and access.can_take(user, call),
        "can_register": access.can_register_call(user, call),
        "can_hear": access.can_hear_recording(user, call),
        "can_callback": access.can_schedule_callback(user, call) and bool(call.caller_number),
        "can_copy": access.can_request_copy(user, call),
        "topic_name": classifiers.topic_names().get(call.topic, call.topic) if call.topic else "",
        "copy_window": window,
        "copy_window_open": timezone.localdate() <= window.due,
        "now": timezone.now(),
        **_registration_forms(request, call, history),
    }


@contact_view
@require_GET
def call_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    call = selectors.call_get(user=request.user, public_id=public_id)
    services.call_record_view(actor=request.user, call=call)
    return render_page(request, "contact/call_detail.html", _card_context(request, call))


@contact_view
@require_POST
def call_take(request: HttpRequest, public_id: Any) -> HttpResponse:
    call = access.get_call_for(request.user, public_id, action="view")
    if not access.can_take(request.user, call):
        messages.warning(request, _("Another operator has already taken this call."))
        return redirect(call.get_absolute_url())
    try:
        services.call_take(actor=request.user, call=call)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(call.get_absolute_url())


@contact_view
@require_GET
def call_recording(request: HttpRequest, public_id: Any) -> HttpResponseBase:
    """The recording, through an audited redirect: its address is never written into a page."""
    call = access.get_call_for(request.user, public_id, action="recording")
    url = services.call_record_recording(actor=request.user, call=call)
    return HttpResponseRedirect(url)


# --- registration -------------------------------------------------------------------------------------


def _action_page(
    request: HttpRequest, call: Call, *, form: Any, title: str, submit: str, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"call": call, "form": form, "title": title, "submit": submit, **extra}
    template = "contact/_call_action_form.html" if is_htmx(request) else "contact/call_action.html"
    return render_page(request, template, context, status=status)


@contact_view
@require_http_methods(["GET", "POST"])
def call_register(request: HttpRequest, public_id: Any) -> HttpResponse:
    call = access.get_call_for(request.user, public_id, action="register")
    history = selectors.caller_history(user=request.user, call=call)
    hotline = call.centre == Centre.HOTLINE
    if hotline:
        return redirect("contact:call_hotline_report", public_id=call.public_id)
    initial = {"version": call.version, "caller_number": call.caller_number}
    form = CallRegisterForm(request.POST or None, initial=initial, persons=history.persons)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.call_register(
                actor=request.user,
                call=call,
                outcome=data["outcome"],
                summary=data["summary"],
                topic=data.get("topic") or "",
                caller=services.Caller(
                    number=data.get("caller_number", ""),
                    name=data.get("caller_name", ""),
                    fin=data.get("caller_fin", ""),
                    person=form.chosen_person(),
                ),
                forwarded_to=data["forwarded_to"],
                caller_notified=data["caller_notified"],
                expected_version=version_of(form),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The call was registered."))
            return redirect(call.get_absolute_url())
    return _action_page(
        request,
        call,
        form=form,
        title=_("Register the call"),
        submit=_("Register the call"),
        status=422 if form.errors else 200,
    )


# The appeals register names the applicant's fields its own way; these are the form's names.
APPEAL_ALIASES = {
    "applicant_last_name": "last_name",
    "applicant_first_name": "first_name",
    "applicant_fin": "fin",
    "applicant_phone": "phone",
    "applicant_email": "email",
    "applicant_address": "address",
    "caller_fin": "fin",
}


@contact_view
@require_http_methods(["GET", "POST"])
def call_appeal(request: HttpRequest, public_id: Any) -> HttpResponse:
    call = access.get_call_for(request.user, public_id, action="register")
    if call.centre != Centre.CALL_CENTRE:
        return redirect("contact:call_hotline_report", public_id=call.public_id)
    initial = {
        "version": call.version,
        "phone": call.caller_number,
        "fin": call.caller_fin,
        "kind": "application",
    }
    form = AppealForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registered = services.call_register_appeal(
                actor=request.user,
                call=call,
                kind=data["kind"],
                text=data["text"],
                topic=data.get("topic") or "",
                applicant=services.ApplicantFields(
                    last_name=data["last_name"],
                    first_name=data["first_name"],
                    patronymic=data["patronymic"],
                    fin=data["fin"],
                    address=data["address"],
                    email=data["email"],
                    phone=data["phone"],
                ),
                caller_notified=data["caller_notified"],
                expected_version=version_of(form),
            )
        except ApplicationError as exc:
            apply_error(form, exc, APPEAL_ALIASES)
        else:
            messages.success(
                request,
                _("The appeal was registered under number %(number)s; tell the caller the number.")
                % {"number": registered.appeal_number},
            )
            return redirect(call.get_absolute_url())
    return _action_page(
        request,
        call,
        form=form,
        title=_("Register an appeal from the call"),
        submit=_("Register the appeal"),
        status=422 if form.errors else 200,
    )


def _referral_units(user: Any) -> list[Unit]:
    from eprok.org.selectors import units_for_choice

    return [u for u in units_for_choice(user=user) if u.is_active]


@contact_view
@require_http_methods(["GET", "POST"])
def call_crime_report(request: HttpRequest, public_id: Any) -> HttpResponse:
    call = access.get_call_for(request.user, public_id, action="register")
    if call.centre != Centre.CALL_CENTRE:
        return redirect("contact:call_hotline_report", public_id=call.public_id)
    units = _referral_units(request.user)
    initial = {"version": call.version, "caller_name": call.caller_name, "caller_fin": call.caller_fin}
    form = CrimeReportForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.code == data["unit"])
        try:
            registered = services.call_refer_crime_report(
                actor=request.user,
                call=call,
                unit=unit,
                summary=data["summary"],
                place=data["place"],
                caller=services.Caller(name=data["caller_name"], fin=data["caller_fin"]),
                caller_notified=data["caller_notified"],
                expected_version=version_of(form),
            )
        except ApplicationError as exc:
            apply_error(form, exc, {"incident_place": "place"})
        else:
            messages.success(
                request,
                _("The crime report was registered under number %(number)s.")
                % {"number": registered.material_number},
            )
            return redirect(call.get_absolute_url())
    return _action_page(
        request,
        call,
        form=form,
        title=_("Refer a crime report"),
        submit=_("Register the crime report"),
        status=422 if form.errors else 200,
    )


@contact_view
@require_http_methods(["GET", "POST"])
def call_hotline_report(request: HttpRequest, public_id: Any) -> HttpResponse:
    call = access.get_call_for(request.user, public_id, action="register")
    if call.centre != Centre.HOTLINE:
        return redirect("contact:call_register", public_id=call.public_id)
    assignees = selectors.assignee_choices(unit=call.unit)
    form = HotlineFromCallForm(request.POST or None, initial={"version": call.version}, assignees=assignees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.hotline_report_from_call(
                actor=request.user,
                call=call,
                text=data["text"],
                sector=data["sector"],
                corruption_type=data["corruption_type"],
                place=data["place"],
                identity=form.identity(),
                assignee=data.get("assignee"),
                caller_notified=data["caller_notified"],
                expected_version=version_of(form),
            )
        except ApplicationError as exc:
            apply_error(
                form, exc, {f"identity.{k}": f"identity_{k}" for k in ("name", "phone", "email", "fin")}
            )
        else:
            messages.success(
                request,
                _("The hotline report was registered under number %(number)s.") % {"number": report.number},
            )
            return redirect(call.get_absolute_url())
    return _action_page(
        request,
        call,
        form=form,
        title=_("Register the hotline report"),
        submit=_("Register the report"),
        status=422 if form.errors else 200,
        hotline=True,
    )


# --- follow-ups: a callback, a copy of the recording --------------------------------------------------


@contact_view
@require_http_methods(["GET", "POST"])
def call_callback(request: HttpRequest, public_id: Any) -> HttpResponse:
    call = access.get_call_for(request.user, public_id, action="callback")
    operators = (
        selectors.operator_choices(unit=call.unit) if access.can_supervise(request.user, call.unit) else None
    )
    initial = {"due_at": now_minute() + dt.timedelta(days=1)}
    form = CallbackForm(request.POST or None, initial=initial, operators=operators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.callback_schedule(
                actor=request.user,
                call=call,
                due_at=data["due_at"],
                note=data["note"],
                assignee=data.get("assignee"),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The callback was scheduled; it is on “My work”."))
            return redirect(call.get_absolute_url())
    return _action_page(
        request,
        call,
        form=form,
        title=_("Schedule a callback"),
        submit=_("Schedule"),
        status=422 if form.errors else 200,
    )


@contact_view
@require_http_methods(["GET", "POST"])
def call_copy_request(request: HttpRequest, public_id: Any) -> HttpResponse:
    call = access.get_call_for(request.user, public_id, action="copy")
    form = CopyRequestForm(
        request.POST or None, initial={"requester": call.caller_name, "contact": call.caller_number}
    )
    window = terms.copy_window(call)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = services.recording_copy_request(
                actor=request.user,
                call=call,
                requester=data["requester"],
                contact=data["contact"],
                requested_at=data["requested_at"],
                note=data["note"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            if copy.status == "refused":
                messages.warning(
                    request,
                    _("The request was registered and refused: %(reason)s")
                    % {"reason": copy.refusal_reason.splitlines()[0]},
                )
            else:
                messages.success(
                    request,
                    _("The request was registered; it is on “My work” until the copy is handed over."),
                )
            return redirect(copy.get_absolute_url())
    return _action_page(
        request,
        call,
        form=form,
        title=_("Register a request for a copy of the recording"),
        submit=_("Register the request"),
        status=422 if form.errors else 200,
        deadline=window,
    )
