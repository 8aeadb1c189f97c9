"""The action forms of an appeal: resolution, forwarding, extension, the answer's steps, closing a repeat,
classification and added files. GET shows the form (a fragment for htmx), POST calls the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eprok.appeals import access, selectors, services
from eprok.appeals.forms import (
    AnswerDraftForm,
    AttachForm,
    ClassifyForm,
    CloseRepeatForm,
    ConfirmForm,
    DeliveredForm,
    ExtendForm,
    ForwardForm,
    RouteForm,
    SendForm,
    default_received_at,
)
from eprok.appeals.models import AnswerRule, Appeal
from eprok.appeals.views.base import appeals_view, apply_error, is_htmx, posted, posted_files, render_page
from eprok.core.errors import ApplicationError
from eprok.org import selectors as org_selectors


def _action_page(
    request: HttpRequest,
    appeal: Appeal,
    form: Form,
    perform: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    submit: str,
    success: str,
    extra: dict[str, Any] | None = None,
    needs_open: bool = True,
    multipart: bool = False,
) -> HttpResponse:
    """GET shows the form; POST calls the service and returns to the card, or shows its error.

    On a closed appeal a form that needs an open one answers 409 with the reason.
    """
    status = 200
    closed = None
    if needs_open and not appeal.is_open:
        closed = _("The appeal is closed (“%(status)s”); it can no longer be changed.") % {
            "status": appeal.status_label
        }
        status = 409
    elif request.method == "POST":
        if form.is_valid():
            try:
                perform(form.cleaned_data)
            except ApplicationError as exc:
                apply_error(form, exc)
                status = exc.status if exc.status in (403, 409) else 422
            else:
                messages.success(request, success)
                return redirect(appeal.get_absolute_url())
        else:
            status = 422
    context = {
        "appeal": appeal,
        "form": form,
        "title": title,
        "submit": submit,
        "closed": closed,
        "multipart": multipart,
        **(extra or {}),
    }
    if is_htmx(request) and request.method == "GET":
        return render_page(request, "appeals/_action_form.html", context, status=status)
    return render_page(request, "appeals/action.html", context, status=status)


def reload_on_change(form: Form, name: str, url: str) -> None:
    """The select `name` reloads the form (htmx GET of `url` with the form's values) to refresh the
    choices that depend on it; without JavaScript a "list" button does the same."""
    form.fields[name].widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "change",
            "hx-target": "closest form",
            "hx-swap": "outerHTML",
            "hx-include": "closest form",
        }
    )


def _version(data: dict[str, Any]) -> int | None:
    return data.get("version")


def _unit_from(request: HttpRequest, units: list[Any], default: Any = None) -> Any:
    """The unit chosen in the form (POST, or GET when the unit select asks for its employees)."""
    source = request.POST if request.method == "POST" else request.GET
    wanted = source.get("executor_unit") or source.get("unit") or ""
    return next((u for u in units if str(u.pk) == wanted), default)


# --- resolution (dərkənar) ---------------------------------------------------------------------------


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_route(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="route")
    # Never the unit or official complained about: the selector leaves them out of both lists.
    units = selectors.routing_options(appeal)
    current = appeal.executor_unit if appeal.executor_unit_id else appeal.unit
    default = next((u for u in units if u.pk == getattr(current, "pk", None)), None)
    unit = _unit_from(request, units, default)
    employees = selectors.eligible_executors(appeal, unit) if unit is not None else []
    initial = {
        "version": appeal.version,
        "executor_unit": unit.pk if unit else None,
        "executor": appeal.executor_id if appeal.executor_id in {e.pk for e in employees} else None,
        "answer_rule": appeal.answer_rule,
    }
    if request.method == "GET":
        # The unit select reloads the form with that unit's executors, keeping what was typed.
        for key in ("instruction", "due_date", "answer_rule"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
    form = RouteForm(posted(request), units=units, employees=employees, initial=initial)
    reload_on_change(form, "executor_unit", request.path)
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_route(
            actor=request.user,
            appeal=appeal,
            executor_unit=d["executor_unit"],
            executor=d["executor"],
            instruction=d["instruction"],
            due_date=d["due_date"],
            needs_verification=d["answer_rule"] == AnswerRule.VERIFICATION,
            expected_version=_version(d),
        ),
        title=_("Write a resolution"),
        submit=_("Send to the executor"),
        success=_("The resolution was recorded and the executor notified."),
        extra={"deadline": selectors.appeal_answer_deadline(appeal), "reload_executors": True},
    )


# --- forwarding ---------------------------------------------------------------------------------------


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_forward(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="forward")
    form = ForwardForm(
        posted(request), units=selectors.forward_units(appeal), initial={"version": appeal.version}
    )
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_forward(
            actor=request.user,
            appeal=appeal,
            to_body=d["to_body"],
            to_unit=d["to_unit"],
            covering_letter=d["covering_letter"],
            expected_version=_version(d),
        ),
        title=_("Forward to the competent body"),
        submit=_("Forward"),
        success=_("The appeal was forwarded; the applicant is informed."),
        extra={"deadline": selectors.appeal_forward_deadline(appeal), "deadline_label": _("Forward by")},
    )


# --- extension (art. 10.2) ----------------------------------------------------------------------------


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_extend(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="extend")
    form = ExtendForm(posted(request), initial={"version": appeal.version, "length": 30})
    informed = bool(appeal.notify_email or appeal.notify_sms)
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_extend(
            actor=request.user,
            appeal=appeal,
            reason=d["reason"],
            length=d["length"],
            expected_version=_version(d),
        ),
        title=_("Extend the answer term"),
        submit=_("Extend"),
        success=_("The answer term was extended."),
        extra={
            "deadline": selectors.appeal_answer_deadline(appeal),
            "notice": _("The applicant will be informed of the new term by e-mail or SMS.")
            if informed
            else _("The applicant left no e-mail or phone for notices: inform them of the new term by post."),
        },
    )


# --- the answer ---------------------------------------------------------------------------------------


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_answer_draft(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="answer")
    answer = selectors.appeal_answer_of(appeal)
    initial: dict[str, Any] = {"version": appeal.version}
    if answer is not None:
        initial.update(text=answer.text, outcome=answer.outcome)
    form = AnswerDraftForm(posted(request), initial=initial)
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_answer_draft(
            actor=request.user,
            appeal=appeal,
            text=d["text"],
            outcome=d["outcome"],
            expected_version=_version(d),
        ),
        title=_("Draft the answer") if answer is None else _("Edit the answer"),
        submit=_("Save the draft"),
        success=_("The answer was saved; another official approves it before it is sent."),
        extra={"answer": answer, "deadline": selectors.appeal_answer_deadline(appeal)},
    )


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_answer_approve(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="answer")
    form = ConfirmForm(posted(request), initial={"version": appeal.version})
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_answer_approve(
            actor=request.user, appeal=appeal, expected_version=_version(d)
        ),
        title=_("Approve the answer"),
        submit=_("Approve"),
        success=_("The answer was approved and can be sent."),
        extra={"answer": selectors.appeal_answer_of(appeal), "show_answer": True},
    )


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_answer_send(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="answer")
    form = SendForm(
        posted(request),
        initial={"version": appeal.version, "delivery_channel": services.default_delivery(appeal)},
    )
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_answer_send(
            actor=request.user,
            appeal=appeal,
            delivery_channel=d["delivery_channel"],
            expected_version=_version(d),
        ),
        title=_("Send the answer"),
        submit=_("Send"),
        success=_("The answer was sent; the appeal is answered."),
        extra={"answer": selectors.appeal_answer_of(appeal), "show_answer": True},
    )


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_answer_deliver(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="deliver")
    form = DeliveredForm(
        posted(request), initial={"version": appeal.version, "delivered_at": default_received_at()}
    )
    sent_at = getattr(selectors.appeal_answer_of(appeal), "sent_at", None)

    def delivered_at(value: dt.datetime) -> dt.datetime:
        # The form's field has minutes only: a delivery in the minute the answer was sent means "then".
        if sent_at is not None and value < sent_at and sent_at - value < dt.timedelta(minutes=1):
            return sent_at
        return value

    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_answer_deliver(
            actor=request.user,
            appeal=appeal,
            delivered_at=delivered_at(d["delivered_at"]),
            expected_version=_version(d),
        ),
        title=_("Record the delivery of the answer"),
        submit=_("Record the delivery"),
        success=_("The delivery of the answer was recorded."),
        needs_open=False,
    )


# --- the three-answers rule (art. 8.1.4) ----------------------------------------------------------------


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_close_repeat(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="answer")
    form = CloseRepeatForm(posted(request), initial={"version": appeal.version})
    merit_answers = services.merit_answers(appeal) if appeal.is_open else 0
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_close_as_repeat(
            actor=request.user, appeal=appeal, reason=d["grounds"], expected_version=_version(d)
        ),
        title=_("Leave unconsidered as a repeat appeal"),
        submit=_("Leave unconsidered"),
        success=_("The appeal was left unconsidered as a repeat; the applicant is informed."),
        extra={"merit_answers": merit_answers, "repeat_rule": True},
    )


# --- classification and files -----------------------------------------------------------------------------


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_classify(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="classify")
    source = request.POST if request.method == "POST" else request.GET
    unit_pk = source.get("complained_unit") or (appeal.complained_unit_id or "")
    all_units = org_selectors.units_for_choice(user=request.user)
    complained = next((u for u in all_units if str(u.pk) == str(unit_pk)), None)
    officials = (
        list(org_selectors.employee_list(user=request.user, unit=complained, with_subunits=True))
        if complained
        else []
    )
    form = ClassifyForm(
        posted(request),
        topic=appeal.topic,
        sector=appeal.concerned_body,
        units=all_units,
        officials=officials,
        initial={
            "version": appeal.version,
            "topic": appeal.topic_id,
            "concerned_body": appeal.concerned_body_id,
            "complained_unit": complained.pk if complained else None,
            "complained_official": appeal.complained_official_id,
            "complained_text": appeal.complained_text,
            "escalation": appeal.escalation,
        },
    )
    form.fields["complained_unit"].widget.attrs.update(
        {
            "hx-get": reverse("appeals:officials"),
            "hx-trigger": "change",
            "hx-target": "#id_complained_official",
            "hx-swap": "innerHTML",
        }
    )
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_classify(
            actor=request.user,
            appeal=appeal,
            topic=d["topic"],
            concerned_body=d["concerned_body"],
            complained_unit=d["complained_unit"],
            complained_official=d["complained_official"],
            complained_text=d["complained_text"],
            escalation=d["escalation"],
            expected_version=_version(d),
        ),
        title=_("Change the classification"),
        submit=_("Save the classification"),
        success=_("The classification was changed."),
        extra={"officials_target": True},
    )


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_attach(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access.get_appeal_for(request.user, number, action="classify")
    form = AttachForm(posted(request), posted_files(request), initial={"version": appeal.version})
    return _action_page(
        request,
        appeal,
        form,
        lambda d: services.appeal_attach(
            actor=request.user, appeal=appeal, files=d["attachments"], expected_version=_version(d)
        ),
        title=_("Add files"),
        submit=_("Add the files"),
        success=_("The files were added."),
        multipart=True,
    )
