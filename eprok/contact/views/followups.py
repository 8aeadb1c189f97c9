"""Callbacks and requests for recording copies: their lists and actions, and the supervisor's view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from eprok.contact import access, selectors, services, terms
from eprok.contact.forms import (
    COPY_STATUS_CHOICES,
    CallbackCompleteForm,
    NoteForm,
    ReassignForm,
    RefuseForm,
)
from eprok.contact.models import CallbackStatus, RecordingCopyStatus
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

# --- callbacks ----------------------------------------------------------------------------------------


@contact_view
@require_GET
def callback_list(request: HttpRequest) -> HttpResponse:
    if not access.can_use_calls(request.user):
        refuse(request, "callbacks")
    status = request.GET.get("status", CallbackStatus.OPEN)
    status = status if status in ("", *CallbackStatus.values) else CallbackStatus.OPEN
    filters = selectors.CallbackFilter(
        status=status, mine=request.GET.get("mine") == "1", overdue=request.GET.get("overdue") == "1"
    )
    page = Paginator(selectors.callback_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "contact/callback_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": CallbackStatus.choices,
            "query": query.urlencode(),
            "now": timezone.now(),
            "can_supervise": access.can_supervise(request.user),
        },
    )


def _callback_action(request: HttpRequest, callback: Any, form: Any, title: str, submit: str) -> HttpResponse:
    template = "contact/_callback_action_form.html" if is_htmx(request) else "contact/callback_action.html"
    return render_page(
        request,
        template,
        {"callback": callback, "call": callback.call, "form": form, "title": title, "submit": submit},
        status=422 if form.errors else 200,
    )


@contact_view
@require_http_methods(["GET", "POST"])
def callback_complete(request: HttpRequest, pk: int) -> HttpResponse:
    callback = access.get_callback_for(request.user, pk, action="complete")
    form = CallbackCompleteForm(request.POST or None, initial={"version": callback.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.callback_complete(
                actor=request.user,
                callback=callback,
                result=form.cleaned_data["result"],
                expected_version=version_of(form),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The callback was recorded as done."))
            return redirect(callback.call.get_absolute_url())
    return _callback_action(request, callback, form, _("Record the callback"), _("Record"))


@contact_view
@require_http_methods(["GET", "POST"])
def callback_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    callback = access.get_callback_for(request.user, pk, action="reassign")
    operators = selectors.operator_choices(unit=callback.call.unit)
    form = ReassignForm(request.POST or None, initial={"version": callback.version}, operators=operators)
    if request.method == "POST" and form.is_valid():
        try:
            services.callback_reassign(
                actor=request.user,
                callback=callback,
                assignee=form.cleaned_data["assignee"],
                expected_version=version_of(form),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The callback was reassigned."))
            return redirect("contact:callback_list")
    return _callback_action(request, callback, form, _("Reassign the callback"), _("Reassign"))


# --- copies of recordings -----------------------------------------------------------------------------


@contact_view
@require_GET
def recording_requests(request: HttpRequest) -> HttpResponse:
    if not access.can_use_calls(request.user):
        refuse(request, "recording_requests")
    status = request.GET.get("status", "open")
    valid = {value for value, _label in COPY_STATUS_CHOICES}
    status = status if status in valid else "open"
    page = Paginator(selectors.copy_request_list(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "contact/recording_list.html",
        {"page": page, "status": status, "statuses": COPY_STATUS_CHOICES, "today": timezone.localdate()},
    )


@contact_view
@require_GET
def recording_request(request: HttpRequest, pk: int) -> HttpResponse:
    copy = access.get_copy_request_for(request.user, pk)
    can_work = access.can_work_copy_request(request.user, copy)
    return render_page(
        request,
        "contact/recording_detail.html",
        {
            "copy": copy,
            "call": copy.call,
            "window": terms.copy_window(copy.call),
            "deadline": terms.copy_answer_deadline(copy) if copy.is_open else None,
            "can_work": can_work,
            "prepare_form": NoteForm(initial={"version": copy.version}) if can_work else None,
            "refuse_form": RefuseForm(initial={"version": copy.version}) if can_work else None,
        },
    )


def _copy_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    copy = access.get_copy_request_for(request.user, pk, action="work")
    form: Any = RefuseForm(request.POST) if step == "refuse" else NoteForm(request.POST)
    if form.is_valid():
        try:
            if step == "prepare":
                services.recording_copy_prepare(
                    actor=request.user,
                    request=copy,
                    note=form.cleaned_data["note"],
                    expected_version=version_of(form),
                )
            elif step == "hand_over":
                services.recording_copy_hand_over(
                    actor=request.user, request=copy, expected_version=version_of(form)
                )
            else:
                services.recording_copy_refuse(
                    actor=request.user,
                    request=copy,
                    reason=form.cleaned_data["reason"],
                    expected_version=version_of(form),
                )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            labels = {
                "prepare": _("The copy is recorded as prepared."),
                "hand_over": _("The copy is recorded as handed over."),
                "refuse": _("The request is recorded as refused."),
            }
            messages.success(request, labels[step])
    else:
        messages.error(request, _("Give the reason for refusing."))
    return redirect(copy.get_absolute_url())


@contact_view
@require_http_methods(["POST"])
def recording_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_step(request, pk, "prepare")


@contact_view
@require_http_methods(["POST"])
def recording_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_step(request, pk, "hand_over")


@contact_view
@require_http_methods(["POST"])
def recording_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_step(request, pk, "refuse")


# --- the supervisor's view ----------------------------------------------------------------------------


@contact_view
@require_GET
def supervisor(request: HttpRequest) -> HttpResponse:
    units = access.supervised_units(request.user)
    if not units:
        refuse(request, "supervisor")
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), units[0])
    board = selectors.supervisor_board(unit=unit)
    template = "contact/_supervisor_board.html" if is_htmx(request) else "contact/supervisor.html"
    return render_page(
        request,
        template,
        {
            "board": board,
            "units": units,
            "unit": unit,
            "now": timezone.now(),
            "statuses": RecordingCopyStatus,
        },
    )
