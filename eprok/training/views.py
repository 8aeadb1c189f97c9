"""The training pages: the base of events with its filters, the event's card with its actions, entry and
editing, trainers, invitations by circle, attendance, the organiser's rotating QR code, the listener's
check-in, and "My training" (the invitations and their answers)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eprok.accounts.totp import qr_svg
from eprok.audit.services import audit_record
from eprok.core.access import deny
from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, form_apply_error
from eprok.org.models import Employee
from eprok.training import access, checkin, selectors, services
from eprok.training.forms import (
    CancelForm,
    CheckInForm,
    EvaluationForm,
    EventFilterForm,
    EventForm,
    InviteForm,
    ProtocolForm,
    TrainerForm,
)
from eprok.training.models import EventStatus, Invitation, PlanItem, PlanStatus, TrainingEvent
from eprok.training.protocol import render_protocol

HELP = {"help_page": "training"}
PAGE_SIZE = 50


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _require(request: HttpRequest, allowed: bool, action: str) -> None:
    if not allowed:
        deny(request.user, action=action, target_type="training.base", target_key="", visible=False)


def _event_input(data: dict[str, Any]) -> services.EventInput:
    return services.EventInput(
        title=data["title"],
        kind=data["kind"],
        area=data["area"],
        topic=data.get("topic") or "",
        organiser=data["organiser"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        format=data["format"],
        venue=data.get("venue") or "",
        video_link=data.get("video_link") or "",
        hours=data["hours"],
        capacity=data.get("capacity"),
        follow_up_course=data.get("follow_up_course"),
    )


# --- the base of events -----------------------------------------------------------------------------------


@staff_view
def event_list(request: HttpRequest) -> HttpResponse:
    _require(request, access.uses_base(request.user), "training.base.open")
    form = EventFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.event_list(user=request.user, filters=selectors.EventFilters.from_form(data))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "training/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": access.is_administrator(request.user),
        },
    )


@staff_view
def event_new(request: HttpRequest) -> HttpResponse:
    units = access.organiser_units(request.user).order_by("path")
    _require(request, access.is_administrator(request.user) and units.exists(), "training.event.create")
    item = _plan_item(request)
    initial = (
        {
            "title": item.topic,
            "kind": item.kind,
            "area": item.area,
            "topic": "\n".join(part for part in (item.audience, item.trainer) if part),
            "hours": item.hours,
        }
        if item is not None
        else None
    )
    form = EventForm(_posted(request), initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = dataclasses.replace(_event_input(form.cleaned_data), plan_item=item)
        try:
            event = services.event_create(actor=request.user, data=data)
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Training event %(number)s entered.") % {"number": event.number})
            return redirect(event.get_absolute_url())
    return _page(
        request,
        "training/form.html",
        {"form": form, "plan_item": item},
        status=422 if form.errors else 200,
    )


def _plan_item(request: HttpRequest) -> PlanItem | None:
    """The approved plan's item the new event carries out (?plan_item=<id>), or None."""
    raw = request.GET.get("plan_item") or ""
    if not raw:
        return None
    item = (
        PlanItem.objects.select_related("plan", "plan__unit", "area")
        .filter(pk=int(raw) if raw.isdigit() else 0, plan__status=PlanStatus.APPROVED)
        .first()
    )
    if item is None:
        raise Http404
    return item


@staff_view
def event_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="manage")
    units = access.organiser_units(request.user).order_by("path")
    initial = {
        "title": event.title,
        "kind": event.kind,
        "area": event.area,
        "topic": event.topic,
        "organiser": event.organiser,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "format": event.format,
        "venue": event.venue,
        "video_link": event.video_link,
        "hours": event.hours,
        "capacity": event.capacity,
        "follow_up_course": event.follow_up_course,
    }
    form = EventForm(_posted(request), initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, data=_event_input(form.cleaned_data))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event.get_absolute_url())
    return _page(
        request, "training/form.html", {"form": form, "event": event}, status=422 if form.errors else 200
    )


@staff_view
def event_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id)
    can_run = access.can_run(request.user, event)
    card = selectors.event_card(event=event)
    if not can_run:  # a listener sees the event, not the other listeners
        card.invitations = [row for row in card.invitations if row.employee_id == request.user.pk]
    my_evaluation = selectors.my_evaluation(user=request.user, event=event)
    return _page(
        request,
        "training/detail.html",
        {
            "event": event,
            "card": card,
            "can_manage": access.can_manage(request.user, event),
            "can_run": can_run,
            "ended": timezone.now() >= event.ends_at,
            "my_invitation": next(
                (row for row in card.invitations if row.employee_id == request.user.pk), None
            ),
            "my_evaluation": my_evaluation,
            "may_evaluate": my_evaluation is None
            and services.evaluation_refusal(actor=request.user, event=event) is None,
            "summary": selectors.evaluation_summary(event=event)
            if access.can_see_evaluations(request.user, event)
            else None,
            "is_administrator": access.is_administrator(request.user),
            "can_write_protocol": access.can_write_protocol(request.user, event),
            "can_read_protocol": access.can_read_protocol(request.user, event),
            "follow_up_url": _course_url(event),
            "can_join": access.can_join(request.user, event),
            "sees_plan": event.plan_item is not None
            and access.plans_visible_to(request.user).filter(pk=event.plan_item.plan_id).exists(),
        },
    )


def _course_url(event: TrainingEvent) -> str | None:
    """The follow-up course's page, while the learning pages are there."""
    if event.follow_up_course_id is None:
        return None
    try:
        return reverse("learning:course", args=[event.follow_up_course.public_id])  # type: ignore[union-attr]
    except NoReverseMatch:
        return None


# --- the listeners' evaluation and the protocol -----------------------------------------------------------


@staff_view
def evaluate(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A listener recorded present evaluates the held event once."""
    event = access.get_event_for(request.user, public_id)
    refusal = services.evaluation_refusal(actor=request.user, event=event)
    if refusal is not None:
        messages.error(request, str(refusal))
        return redirect(event.get_absolute_url())
    form = EvaluationForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        marks = services.Marks(
            content_score=data["content_score"],
            trainer_score=data["trainer_score"],
            organisation_score=data["organisation_score"],
            usefulness_score=data["usefulness_score"],
            comment=data.get("comment") or "",
        )
        try:
            services.evaluation_submit(actor=request.user, event=event, marks=marks)
        except ApplicationError as exc:
            form_apply_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Thank you: your evaluation is recorded."))
            return redirect(event.get_absolute_url())
    elif form.errors:
        status = 422
    return _page(request, "training/evaluate.html", {"form": form, "event": event}, status=status)


@staff_view
def protocol_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id)
    if not access.can_write_protocol(request.user, event):
        deny(
            request.user,
            action="protocol",
            target_type=access.TARGET_TYPE,
            target_key=str(event.public_id),
            visible=True,
        )
    form = ProtocolForm(_posted(request), initial={"protocol": event.protocol})
    if request.method == "POST" and form.is_valid():
        try:
            services.protocol_write(actor=request.user, event=event, text=form.cleaned_data["protocol"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The protocol is saved."))
            return redirect(event.get_absolute_url())
    return _page(
        request, "training/protocol.html", {"form": form, "event": event}, status=422 if form.errors else 200
    )


@require_GET
@staff_view
def protocol_pdf(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The protocol as a PDF, for administrators and the event's trainers; every download is audited."""
    event = access.get_event_for(request.user, public_id)
    if not access.can_read_protocol(request.user, event):
        deny(
            request.user,
            action="protocol_pdf",
            target_type=access.TARGET_TYPE,
            target_key=str(event.public_id),
            visible=True,
        )
    if event.status != EventStatus.HELD:
        messages.error(request, _("The protocol is printed once the event is marked as held."))
        return redirect(event.get_absolute_url())
    content = render_protocol(event, printed_by=request.user)
    audit_record(actor=request.user, action="training.protocol.read", target=event, purpose="protocol PDF")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="protocol-{event.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _action(
    request: HttpRequest, event: TrainingEvent, call: Callable[[], Any], success: str
) -> HttpResponse:
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect(event.get_absolute_url())


@require_POST
@staff_view
def event_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="manage")
    return _action(
        request,
        event,
        lambda: services.event_publish(actor=request.user, event=event),
        _("The event is published."),
    )


@require_POST
@staff_view
def event_mark_held(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="manage")
    return _action(
        request,
        event,
        lambda: services.event_mark_held(actor=request.user, event=event),
        _("The event is marked as held."),
    )


@staff_view
def event_cancel(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="manage")
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The event is cancelled."))
            return redirect(event.get_absolute_url())
    return _page(
        request, "training/cancel.html", {"form": form, "event": event}, status=422 if form.errors else 200
    )


@staff_view
def trainer_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="manage")
    form = TrainerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trainer = services.trainer_add(
                actor=request.user,
                event=event,
                employee=data.get("employee"),
                external_name=data.get("external_name") or "",
                external_organisation=data.get("external_organisation") or "",
                role=data["role"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("%(name)s is added as a trainer.") % {"name": trainer.name})
            return redirect(event.get_absolute_url())
    return _page(
        request, "training/trainer.html", {"form": form, "event": event}, status=422 if form.errors else 200
    )


@staff_view
def invite(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="manage")
    form = InviteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        circle = services.Circle.from_form(data)
        try:
            count = services.invite(actor=request.user, event=event, circle=circle)
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request,
                _("%(count)d listeners invited; those invited before are left as they were.")
                % {"count": count},
            )
            return redirect(event.get_absolute_url())
    return _page(
        request, "training/invite.html", {"form": form, "event": event}, status=422 if form.errors else 200
    )


@require_POST
@staff_view
def attendance_mark(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="run")
    employee = Employee.objects.filter(public_id=_uuid_or_none(request.POST.get("employee"))).first()
    if employee is None:
        raise Http404
    present = request.POST.get("present") == "1"
    return _action(
        request,
        event,
        lambda: services.attendance_mark(actor=request.user, event=event, employee=employee, present=present),
        _("Attendance of %(name)s is recorded.") % {"name": employee.full_name},
    )


# --- the rotating QR code and the check-in ----------------------------------------------------------------


def _qr_context(request: HttpRequest, event: TrainingEvent) -> dict[str, Any]:
    code = checkin.current_code(event.public_id)
    url = request.build_absolute_uri(reverse("training:checkin", args=[event.public_id])) + f"?code={code}"
    return {
        "event": event,
        "code": code,
        "svg": qr_svg(url, label=_("The attendance QR code of %(number)s") % {"number": event.number}),
        "seconds_left": checkin.seconds_left(),
    }


@staff_view
def qr_page(request: HttpRequest, public_id: Any) -> HttpResponse:
    event = access.get_event_for(request.user, public_id, action="run")
    return _page(request, "training/qr.html", _qr_context(request, event))


@staff_view
def qr_fragment(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The code and its image, polled every 10 seconds by the QR page."""
    event = access.get_event_for(request.user, public_id, action="run")
    return render(request, "training/_qr.html", _qr_context(request, event))


@staff_view
def check_in(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The listener types or scans the code; the code in the URL fills the form in."""
    event = TrainingEvent.objects.filter(public_id=public_id).exclude(status=EventStatus.DRAFT).first()
    if event is None:
        deny(
            request.user,
            action="check_in",
            target_type=access.TARGET_TYPE,
            target_key=str(public_id),
            visible=False,
        )
    form = CheckInForm(_posted(request), initial={"code": request.GET.get("code", "")[:20]})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in(actor=request.user, event=event, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect(event.get_absolute_url())
    elif form.errors:
        status = 422
    return _page(request, "training/checkin.html", {"form": form, "event": event}, status=status)


# --- My training ------------------------------------------------------------------------------------------


@staff_view
def my_training(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "training/my.html",
        {
            "invitations": selectors.my_invitations(user=request.user),
            "taught": list(selectors.my_taught_events(user=request.user)[:50]),
            "uses_plans": access.uses_plans(request.user),
            "sees_unit_record": access.is_administrator(request.user) or access.heads_a_unit(request.user),
        },
    )


@require_POST
@staff_view
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = (
        Invitation.objects.filter(pk=pk, employee_id=int(request.user.pk or 0))
        .select_related("event")
        .first()
    )
    if invitation is None:
        deny(
            request.user,
            action="respond",
            target_type="training.invitation",
            target_key=str(pk),
            visible=False,
        )
    confirm = request.POST.get("answer") == "confirm"
    try:
        services.invitation_respond(actor=request.user, invitation=invitation, confirm=confirm)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Your participation is confirmed.") if confirm else _("You declined the invitation.")
        )
    return redirect("training:my")


def _uuid_or_none(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _posted(request: HttpRequest) -> Any:
    """The submitted data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None
