"""The 161 hotline's pages: the register with filters and exports, registering a letter or e-mail, the
report's card with triage and the conversation, the custodian's reveal page and the analytics."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eprok.contact import access, classifiers, selectors, services
from eprok.contact.forms import (
    AnalyticsForm,
    HotlineAssignForm,
    HotlineFilterForm,
    HotlineRegisterForm,
    ReplyForm,
    RevealForm,
    TriageExplainForm,
    TriageForwardForm,
    TriageMaterialForm,
)
from eprok.contact.models import CorruptionType, HotlineChannel, HotlineReport, HotlineStatus, MessageSide
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

IDENTITY_ALIASES = {f"identity.{k}": f"identity_{k}" for k in ("name", "phone", "email", "fin")}


def _require_hotline(request: HttpRequest, page: str) -> None:
    if not access.can_use_hotline(request.user) and not access.hotline_visible_to(request.user).exists():
        refuse(request, page)


@contact_view
@require_GET
def hotline_list(request: HttpRequest) -> HttpResponse:
    _require_hotline(request, "hotline")
    form = HotlineFilterForm(request.GET)
    reports = selectors.hotline_list(user=request.user, filters=form.to_filter())
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sectors": classifiers.sector_names(),
        "can_register": access.can_register_hotline(request.user),
        "export_max_rows": selectors.EXPORT_MAX_ROWS,
    }
    template = "contact/_hotline_results.html" if is_htmx(request) else "contact/hotline_list.html"
    return render_page(request, template, context)


def _hotline_header() -> list[str]:
    return [
        _("Number"),
        _("Unit"),
        _("Channel"),
        _("Received at"),
        _("Sector"),
        _("Type of corruption"),
        _("Place"),
        _("Status"),
        _("Assigned to"),
        _("Triaged at"),
        _("Crime report"),
        _("Forwarded to"),
        _("Identity held by the custodian"),
        _("Text"),
    ]


def _hotline_values(row: tuple[Any, ...], sectors: dict[str, str]) -> list[Any]:
    (
        number,
        unit,
        channel,
        received,
        sector,
        kind,
        place,
        status,
        last,
        first,
        triaged,
        material,
        forwarded,
        identity_held,
        text,
    ) = row
    return [
        number,
        unit,
        str(HotlineChannel(channel).label),
        received,
        sectors.get(sector, sector),
        str(CorruptionType(kind).label) if kind else "",
        place,
        str(HotlineStatus(status).label),
        " ".join(p for p in (last, first) if p),
        triaged,
        material,
        forwarded,
        _("yes") if identity_held else _("no"),
        text,
    ]


@contact_view
@require_GET
def hotline_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _require_hotline(request, "hotline")
    filters = HotlineFilterForm(request.GET).to_filter()
    services.contact_record_export(
        actor=request.user,
        what="hotline_report",
        filters=filters.as_data(),
        fmt=fmt,
        max_rows=selectors.EXPORT_MAX_ROWS,
    )
    sectors = classifiers.sector_names()
    rows = selectors.hotline_export_rows(user=request.user, filters=filters)
    return table_response(
        fmt=fmt,
        filename=f"hotline-{timezone.localtime().strftime('%Y%m%d-%H%M')}",
        sheet_title=_("Hotline reports"),
        header=_hotline_header(),
        rows=(_hotline_values(row, sectors) for row in rows),
    )


@contact_view
@require_http_methods(["GET", "POST"])
def hotline_register(request: HttpRequest) -> HttpResponse:
    units = [u for u in access.operator_units(request.user)]
    if not units:
        refuse(request, "hotline_register")
    wanted = request.POST.get("unit") or request.GET.get("unit") or units[0].code
    unit = next((u for u in units if u.code == wanted), units[0])
    assignees = selectors.assignee_choices(unit=unit)
    form = HotlineRegisterForm(
        request.POST or None, units=units, assignees=assignees, initial={"unit": unit.code}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.hotline_report_register(
                actor=request.user,
                unit=unit,
                channel=data["channel"],
                received_at=data["received_at"],
                text=data["text"],
                sector=data["sector"],
                corruption_type=data["corruption_type"],
                place=data["place"],
                identity=form.identity(),
                assignee=data.get("assignee"),
            )
        except ApplicationError as exc:
            apply_error(form, exc, IDENTITY_ALIASES)
        else:
            messages.success(
                request,
                _("The hotline report was registered under number %(number)s.") % {"number": report.number},
            )
            return redirect(report.get_absolute_url())
    return render_page(
        request, "contact/hotline_register.html", {"form": form}, status=422 if form.errors else 200
    )


def _detail_context(request: HttpRequest, report: HotlineReport) -> dict[str, Any]:
    user = request.user
    can_triage = access.can_triage(user, report)
    initial = {"version": report.version}
    return {
        "report": report,
        "sector_name": classifiers.sector_names().get(report.sector, report.sector),
        "conversation": list(report.messages.all()),
        "reporter_side": MessageSide.REPORTER,
        "can_assign": access.can_assign_hotline(user, report),
        "can_triage": can_triage,
        "can_reply": access.can_reply(user, report),
        "can_reveal": access.can_reveal_identity(user, report),
        "material_form": TriageMaterialForm(initial=initial, auto_id="material_%s") if can_triage else None,
        "forward_form": TriageForwardForm(initial=initial, auto_id="forward_%s") if can_triage else None,
        "explain_form": TriageExplainForm(initial=initial, auto_id="explain_%s") if can_triage else None,
        "reply_form": ReplyForm() if access.can_reply(user, report) else None,
        "call": report.call,
    }


@contact_view
@require_GET
def hotline_detail(request: HttpRequest, number: str) -> HttpResponse:
    report = selectors.hotline_get(user=request.user, number=number)
    services.hotline_record_view(actor=request.user, report=report)
    return render_page(request, "contact/hotline_detail.html", _detail_context(request, report))


@contact_view
@require_http_methods(["GET", "POST"])
def hotline_assign(request: HttpRequest, number: str) -> HttpResponse:
    report = access.get_hotline_report_for(request.user, number, action="assign")
    assignees = selectors.assignee_choices(unit=report.unit)
    form = HotlineAssignForm(request.POST or None, initial={"version": report.version}, assignees=assignees)
    if request.method == "POST" and form.is_valid():
        try:
            services.hotline_report_assign(
                actor=request.user,
                report=report,
                assignee=form.cleaned_data["assignee"],
                expected_version=version_of(form),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The report was assigned."))
            return redirect(report.get_absolute_url())
    template = "contact/_hotline_action_form.html" if is_htmx(request) else "contact/hotline_action.html"
    return render_page(
        request,
        template,
        {"report": report, "form": form, "title": _("Assign the report"), "submit": _("Assign")},
        status=422 if form.errors else 200,
    )


def _triage(request: HttpRequest, number: str, outcome: str) -> HttpResponse:
    report = access.get_hotline_report_for(request.user, number, action="triage")
    forms = {"material": TriageMaterialForm, "forward": TriageForwardForm, "explain": TriageExplainForm}
    titles = {
        "material": _("(a) Register a crime report for a check"),
        "forward": _("(b) Forward to the competent agency"),
        "explain": _("(c) Give information or an explanation"),
    }
    form = forms[outcome](request.POST or None, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if outcome == "material":
                report = services.hotline_triage_material(
                    actor=request.user,
                    report=report,
                    summary=data["summary"],
                    expected_version=version_of(form),
                )
                messages.success(
                    request,
                    _("A crime report was registered for a check under number %(number)s.")
                    % {"number": report.material_number},
                )
            elif outcome == "forward":
                services.hotline_triage_forward(
                    actor=request.user,
                    report=report,
                    agency=data["agency"],
                    covering_note=data["covering_note"],
                    expected_version=version_of(form),
                )
                messages.success(request, _("The report was forwarded."))
            else:
                services.hotline_triage_explain(
                    actor=request.user,
                    report=report,
                    explanation=data["explanation"],
                    expected_version=version_of(form),
                )
                messages.success(request, _("The explanation was recorded."))
        except ApplicationError as exc:
            apply_error(form, exc, {"forwarded_to": "agency"})
        else:
            return redirect(report.get_absolute_url())
    template = "contact/_hotline_action_form.html" if is_htmx(request) else "contact/hotline_action.html"
    return render_page(
        request,
        template,
        {"report": report, "form": form, "title": titles[outcome], "submit": titles[outcome]},
        status=422 if form.errors else 200,
    )


@contact_view
@require_http_methods(["GET", "POST"])
def hotline_triage_material(request: HttpRequest, number: str) -> HttpResponse:
    return _triage(request, number, "material")


@contact_view
@require_http_methods(["GET", "POST"])
def hotline_triage_forward(request: HttpRequest, number: str) -> HttpResponse:
    return _triage(request, number, "forward")


@contact_view
@require_http_methods(["GET", "POST"])
def hotline_triage_explain(request: HttpRequest, number: str) -> HttpResponse:
    return _triage(request, number, "explain")


@contact_view
@require_POST
def hotline_reply(request: HttpRequest, number: str) -> HttpResponse:
    report = access.get_hotline_report_for(request.user, number, action="reply")
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.hotline_reply(actor=request.user, report=report, text=form.cleaned_data["text"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The message was sent to the reporter."))
    else:
        messages.error(request, _("Write the message."))
    return redirect(report.get_absolute_url() + "#conversation")


@contact_view
@require_http_methods(["GET", "POST"])
def hotline_identity(request: HttpRequest, number: str) -> HttpResponse:
    """The custodian's page: the identity is shown only after the purpose is stated (and audited)."""
    report = access.get_identity_report_for(request.user, number)
    form = RevealForm(request.POST or None)
    identity = None
    if request.method == "POST" and form.is_valid():
        try:
            identity = services.hotline_identity_reveal(
                actor=request.user, report=report, purpose=form.cleaned_data["purpose"]
            )
        except ApplicationError as exc:
            apply_error(form, exc)
    response = render_page(
        request,
        "contact/hotline_identity.html",
        {"report": report, "form": form, "identity": identity},
        status=422 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@contact_view
@require_GET
def hotline_analytics(request: HttpRequest) -> HttpResponse:
    _require_hotline(request, "hotline_analytics")
    form = AnalyticsForm(request.GET or None)
    start, end = form.period()
    data = selectors.hotline_analytics(user=request.user, date_from=start, date_to=end)
    return render_page(request, "contact/hotline_analytics.html", {"form": form, "data": data})
