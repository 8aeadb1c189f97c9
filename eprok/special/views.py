"""The special reports' pages: the register, submission, the card with its actions, the duty console with
its live board, the daily digest (PDF), the analytics with the map, and the classifier of incident types."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eprok.core.access import deny
from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error
from eprok.persons.access import can_use_registry
from eprok.special import access, selectors, services
from eprok.special.forms import (
    CloseForm,
    FollowUpForm,
    IncidentTypeForm,
    PersonLinkForm,
    ReportFilterForm,
    ReportForm,
)
from eprok.special.models import IncidentType

HELP = {"help_page": "special"}
PAGE_SIZE = 50


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _require(request: HttpRequest, allowed: bool, action: str) -> None:
    if not allowed:
        deny(request.user, action=action, target_type="special.register", target_key="", visible=False)


def _filters(request: HttpRequest) -> tuple[ReportFilterForm, selectors.ReportFilters]:
    form = ReportFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, selectors.ReportFilters.from_form({**data, "region_code": data.get("region") or ""})


# --- the register ---------------------------------------------------------------------------------------


@staff_view
def report_list(request: HttpRequest) -> HttpResponse:
    _require(request, access.uses_register(request.user), "special.register.open")
    form, filters = _filters(request)
    page = Paginator(selectors.report_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    services.reports_record_listed(
        actor=request.user, numbers=[report.number for report in page.object_list], purpose="register"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "special/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_submit": access.submit_units(request.user).exists(),
            "can_use_console": access.can_use_console(request.user),
            "can_manage_types": access.can_manage_types(request.user),
        },
    )


@staff_view
def report_new(request: HttpRequest) -> HttpResponse:
    units = list(access.submit_units(request.user).order_by("path"))
    _require(request, bool(units), "special.report.submit")
    form = ReportForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_submit(
                actor=request.user,
                unit=data["unit"],
                data=services.ReportInput(
                    incident_type=data["incident_type"],
                    occurred_at=data["occurred_at"],
                    district_code=data["district_code"],
                    address=data["address"],
                    summary=data["summary"],
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                    dead_count=data["dead_count"],
                    injured_count=data["injured_count"],
                    involved_count=data["involved_count"],
                    articles=data.get("articles") or "",
                    scene_examined=data.get("scene_examined", False),
                    material_number=data.get("material_number") or "",
                    case_number=data.get("case_number") or "",
                    measures=data.get("measures") or "",
                    urgency=data["urgency"],
                    classification=data["classification"],
                ),
            )
        except (NotFound, Forbidden) as exc:
            form.add_error(None, str(exc.message))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Special report %(number)s submitted.") % {"number": report.number})
            return redirect(report.get_absolute_url())
    return _page(request, "special/form.html", {"form": form}, status=422 if form.errors else 200)


# --- the card and its actions -----------------------------------------------------------------------------


PURPOSES = {"console": "duty console", "digest": "daily digest", "map": "analytics"}


@staff_view
def report_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    report = selectors.report_card(user=request.user, key=public_id)
    purpose = PURPOSES.get(request.GET.get("from", ""), "review")
    services.report_record_view(actor=request.user, report=report, purpose=purpose)
    return _card(request, report)


def _card(request: HttpRequest, report: Any, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    if status != 200:  # a form shown again with its errors: the card is read again
        services.report_record_view(actor=user, report=report, purpose="review")
    can_follow_up = access.can_follow_up(user, report)
    return _page(
        request,
        "special/detail.html",
        {
            "report": report,
            "history": selectors.report_history(report=report),
            "can_acknowledge": access.can_acknowledge(user, report),
            "can_follow_up": can_follow_up,
            "can_close": access.can_close(user, report),
            "follow_up_form": forms.get("follow_up_form") or (FollowUpForm() if can_follow_up else None),
            # Linking names a person of the registry, so it is offered to those who may use the registry.
            "person_form": forms.get("person_form")
            or (PersonLinkForm() if can_follow_up and can_use_registry(user) else None),
            "close_form": forms.get("close_form")
            or (CloseForm() if access.can_close(user, report) else None),
            "now": timezone.now(),
        },
        status=status,
    )


@staff_view
@require_POST
def report_acknowledge(request: HttpRequest, public_id: str) -> HttpResponse:
    report = access.get_report_for(request.user, public_id, action="acknowledge")
    from_console = request.POST.get("next") == "console"
    try:
        services.report_acknowledge(report=report, actor=request.user)
    except ApplicationError as exc:
        if request.headers.get("HX-Request") == "true" and from_console:
            return _board_response(request, force=True, error=str(exc.message))
        messages.error(request, str(exc.message))
    else:
        if request.headers.get("HX-Request") == "true" and from_console:
            return _board_response(request, force=True)
        messages.success(request, _("Report %(number)s acknowledged.") % {"number": report.number})
    if from_console:
        query = _console_query(request)
        return redirect(reverse("special:console") + (f"?{query}" if query else ""))
    return redirect(report.get_absolute_url())


@staff_view
@require_POST
def report_follow_up(request: HttpRequest, public_id: str) -> HttpResponse:
    report = access.get_report_for(request.user, public_id, action="follow_up")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_add(
                report=report,
                actor=request.user,
                text=form.cleaned_data["text"],
                material_number=form.cleaned_data.get("material_number") or "",
                case_number=form.cleaned_data.get("case_number") or "",
            )
        except (NotFound, Forbidden) as exc:
            form.add_error(None, str(exc.message))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Follow-up report added."))
            return redirect(report.get_absolute_url())
    card = selectors.report_card(user=request.user, key=public_id)
    return _card(request, card, status=422, follow_up_form=form)


@staff_view
@require_POST
def report_person(request: HttpRequest, public_id: str) -> HttpResponse:
    report = access.get_report_for(request.user, public_id, action="follow_up")
    form = PersonLinkForm(request.POST)
    if form.is_valid():
        from eprok.persons.selectors import person_for_reference

        person = person_for_reference(user=request.user, public_id=form.cleaned_data["person"])
        try:
            services.report_person_link(
                report=report, actor=request.user, person=person, role=form.cleaned_data["role"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Person linked to the report."))
            return redirect(report.get_absolute_url())
    card = selectors.report_card(user=request.user, key=public_id)
    return _card(request, card, status=422, person_form=form)


@staff_view
@require_POST
def report_close(request: HttpRequest, public_id: str) -> HttpResponse:
    report = access.get_report_for(request.user, public_id, action="close")
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.report_close(report=report, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Report %(number)s closed.") % {"number": report.number})
            return redirect(report.get_absolute_url())
    card = selectors.report_card(user=request.user, key=public_id)
    return _card(request, card, status=422, close_form=form)


# --- the duty console -------------------------------------------------------------------------------------


CONSOLE_FILTERS = ("status", "incident_type", "region", "district_code", "date_from", "date_to")


def _console_query(request: HttpRequest) -> str:
    """The console's filters, carried by its poll, its acknowledgements and their redirects."""
    return urlencode({key: value for key, value in request.GET.items() if key in CONSOLE_FILTERS and value})


@staff_view
def console(request: HttpRequest) -> HttpResponse:
    _require(request, access.can_use_console(request.user), "special.console.open")
    form, filters = _filters(request)
    board = selectors.console_board(user=request.user, filters=filters)
    services.reports_record_listed(actor=request.user, numbers=board.numbers, purpose="duty console")
    return _page(
        request,
        "special/console.html",
        {
            "form": form,
            "board": board,
            "filter_query": _console_query(request),
            "is_duty": access.is_duty_prosecutor(request.user),
        },
    )


BOARD_CACHE_SECONDS = 120


def _board_response(request: HttpRequest, *, force: bool = False, error: str = "") -> HttpResponse:
    """The board's fragment. Every console of the same kind of reader (a duty prosecutor of a clearance, or
    one reader) with the same filters and language gets the same board for a version, so it is rendered
    once per version and server process and served from the cache to the others; the read is still
    audited for each of them. The fragment carries no CSRF field: htmx sends the token in a header."""
    _form, filters = _filters(request)
    user = request.user
    version = selectors.console_version(user=user)
    if not force and request.GET.get("v") == version:
        return HttpResponse(status=204)  # nothing changed: htmx keeps the board as it is
    is_duty = access.is_duty_prosecutor(user)
    query = _console_query(request)
    reader = f"duty:{int(getattr(user, 'clearance', 0) or 0)}" if is_duty else f"user:{user.pk}"
    key = f"special:board:{version}:{translation.get_language()}:{reader}:{query}"
    cached = None if (force or error) else cache.get(key)
    if cached is None:
        board = selectors.console_board(user=user, filters=filters, version=None if force else version)
        html = render_to_string(
            "special/_board.html",
            {"board": board, "filter_query": query, "is_duty": is_duty, "error": error, "fragment": True},
        )
        cached = (html, board.numbers)
        if not (force or error):
            cache.set(key, cached, BOARD_CACHE_SECONDS)
    html, numbers = cached
    services.reports_record_listed(actor=user, numbers=numbers, purpose="duty console")
    return HttpResponse(html)


@staff_view
def console_board(request: HttpRequest) -> HttpResponse:
    """The board's fragment, polled every second by the console page: 204 while nothing has changed."""
    _require(request, access.can_use_console(request.user), "special.console.open")
    return _board_response(request)


@staff_view
def digest_pdf(request: HttpRequest) -> HttpResponse:
    _require(request, access.can_use_console(request.user), "special.digest.print")
    from eprok.special.digest import render_digest

    digest = selectors.digest(user=request.user)
    pdf = render_digest(digest, printed_by=request.user)
    services.digest_record_printed(actor=request.user, digest=digest)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localtime(digest.until).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'inline; filename="special-digest-{stamp}.pdf"'
    return response


# --- analytics and the map --------------------------------------------------------------------------------


@staff_view
def analytics(request: HttpRequest) -> HttpResponse:
    _require(request, access.uses_register(request.user), "special.analytics.open")
    form, filters = _filters(request)
    result = selectors.analytics(user=request.user, filters=filters)
    services.reports_record_listed(
        actor=request.user, numbers=[report.number for report in result.points], purpose="analytics"
    )
    from eprok.special.mapping import report_map

    return _page(
        request,
        "special/analytics.html",
        {"form": form, "result": result, "map": report_map(result, filters=request.GET)},
    )


# --- the classifier ---------------------------------------------------------------------------------------


@staff_view
def type_list(request: HttpRequest) -> HttpResponse:
    _require(request, access.can_manage_types(request.user), "special.incident_type.manage")
    return _page(request, "special/type_list.html", {"types": selectors.incident_types()})


@staff_view
def type_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    incident_type = access.get_incident_type_for(request.user, code) if code else None
    _require(request, access.can_manage_types(request.user), "special.incident_type.manage")
    initial: dict[str, Any] = {}
    if incident_type is not None:
        initial = {
            field: getattr(incident_type, field)
            for field in (*services.INCIDENT_TYPE_FIELDS, "code", "is_active")
        }
        initial["routed_to"] = list(incident_type.routed_to.all())
    form = IncidentTypeForm(request.POST or None, initial=initial)
    if incident_type is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.incident_type_save(
                actor=request.user,
                code=incident_type.code if incident_type else data["code"],
                values={key: data[key] for key in (*services.INCIDENT_TYPE_FIELDS, "is_active")},
                routed_to=list(data["routed_to"]),
                incident_type=incident_type,
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Incident type %(name)s saved.") % {"name": saved.name})
            return redirect("special:type_list")
    return _page(
        request,
        "special/type_form.html",
        {"form": form, "incident_type": incident_type},
        status=422 if form.errors else 200,
    )


def incident_type_url(incident_type: IncidentType) -> str:
    from django.urls import reverse

    return reverse("special:type_edit", args=[incident_type.code])
