"""The register list with its filters, exports and saved filters; registration; the unit dashboard."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from eprok.appeals import access, selectors, services
from eprok.appeals.forms import AppealFilterForm, RegisterForm, default_received_at
from eprok.appeals.models import AppealKind, AppealStatus, Channel, Outcome, ReceptionEntry
from eprok.appeals.views.base import (
    PAGE_SIZE,
    appeals_view,
    apply_error,
    is_htmx,
    posted,
    posted_files,
    render_page,
    require_register_role,
)
from eprok.appeals.views.classifiers import can_manage as can_manage_classifiers
from eprok.core.access import deny
from eprok.core.context_processors import safe_reverse
from eprok.core.errors import ApplicationError
from eprok.core.exports import table_response
from eprok.core.saved_filters import saved_filters
from eprok.org import selectors as org_selectors
from eprok.org.models import Unit
from eprok.persons.models import Person
from eprok.persons.selectors import person_for_reference

LIST_NAME = "appeals:list"
SORT_COLUMNS = ("number", "registered_at", "answer_due")

# --- the list, its exports and saved filters ---------------------------------------------------------


def _filters(form: AppealFilterForm) -> selectors.AppealFilter:
    """The selector's filters from the form's valid fields ("answered" is one of the term filters here)."""
    values = form.filter_values()
    due = values.pop("due", "")
    return selectors.AppealFilter(
        **values,
        due=due if due in selectors.DUE_CHOICES else "",
        answered=True if due == "answered" else None,
    )


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it (toggling the direction) and its aria-sort."""
    links = {}
    for column in SORT_COLUMNS:
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{column}" if current == column else column
        state = "ascending" if current == column else "descending" if current == f"-{column}" else "none"
        links[column] = {"url": "?" + query.urlencode(), "aria": state}
    return links


def _filter_form(request: HttpRequest) -> AppealFilterForm:
    return AppealFilterForm(
        request.GET,
        units=selectors.register_units(user=request.user),
        topics=selectors.topic_choices(active_only=False),
        sorts=selectors.SORTS,
    )


@appeals_view
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    require_register_role(request, "list")
    form = _filter_form(request)
    filters = _filters(form)
    appeals = selectors.appeal_list(user=request.user, filters=filters)
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort_links": _sort_links(request, filters.sort),
        "today": timezone.localdate(),
        "can_register": access.can_register(request.user),
        "list_name": LIST_NAME,
        "can_manage_classifiers": can_manage_classifiers(request.user),
        "export_max_rows": selectors.EXPORT_MAX_ROWS,
    }
    if is_htmx(request):
        return render_page(request, "appeals/_results.html", context)
    context["saved"] = saved_filters(user=request.user, list_name=LIST_NAME)
    return render_page(request, "appeals/list.html", context)


def _export_header() -> list[str]:
    return [
        _("Number"),
        _("Unit"),
        _("Channel"),
        _("Kind"),
        _("Status"),
        _("Outcome"),
        _("Received at"),
        _("Registered at"),
        _("Surname"),
        _("First name"),
        _("Legal entity"),
        _("Topic"),
        _("Sector or agency concerned"),
        _("Executor unit"),
        _("Executor"),
        _("Answer due"),
        _("Closed at"),
        _("Escalation"),
        _("Anonymous"),
        _("Collective"),
    ]


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label) if value else ""
    except ValueError:
        return value


def _export_values(row: tuple[Any, ...]) -> list[Any]:
    (
        number,
        unit,
        channel,
        kind,
        status,
        outcome,
        received,
        registered,
        last,
        first,
        organisation,
        topic,
        sector,
        executor_unit,
        executor,
        due,
        closed,
        escalation,
        anonymous,
        collective,
    ) = row
    from eprok.appeals.models import Escalation

    return [
        number,
        unit,
        _label(Channel, channel),
        _label(AppealKind, kind),
        _label(AppealStatus, status),
        _label(Outcome, outcome),
        received,
        registered,
        last,
        first,
        organisation,
        topic,
        sector,
        executor_unit,
        executor,
        due,
        closed,
        _label(Escalation, escalation),
        _("yes") if anonymous else _("no"),
        _("yes") if collective else _("no"),
    ]


@appeals_view
@require_GET
def appeal_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    require_register_role(request, "export")
    filters = _filters(AppealFilterForm(request.GET))
    services.appeal_record_export(
        actor=request.user, filters=filters.as_data(), fmt=fmt, max_rows=selectors.EXPORT_MAX_ROWS
    )
    rows = selectors.appeal_export_rows(user=request.user, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return table_response(
        fmt=fmt,
        filename=f"appeals-{stamp}",
        sheet_title=_("Appeals"),
        header=_export_header(),
        rows=(_export_values(row) for row in rows),
    )


# --- registration ------------------------------------------------------------------------------------


def _chosen_person(request: HttpRequest) -> Person | None:
    """The registry person picked in the form (?person= from the picker), if the user may use the registry."""
    raw = request.POST.get("person") or request.GET.get("person") or ""
    return person_for_reference(user=request.user, public_id=raw)


def _reception_entry(request: HttpRequest) -> ReceptionEntry | None:
    """The reception log entry the form is registered from (?reception=<public id>), if visible."""
    raw = request.POST.get("reception") or request.GET.get("reception") or ""
    try:
        key = uuid.UUID(str(raw).strip())
    except ValueError:
        return None
    return access.receptions_visible_to(request.user).filter(public_id=key, appeal_number="").first()


def _officials(request: HttpRequest, unit_pk: str) -> tuple[Unit | None, list[Any]]:
    """The unit complained about (a pk from the form) and its employees (with sub-units)."""
    if not str(unit_pk).isdigit():
        return None, []
    unit = org_selectors.unit_list(user=request.user).filter(pk=int(unit_pk)).first()
    if unit is None:
        return None, []
    return unit, list(org_selectors.employee_list(user=request.user, unit=unit, with_subunits=True))


def _prefill(entry: ReceptionEntry | None, person: Person | None, unit: Unit | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"received_at": default_received_at(), "unit": unit.pk if unit else None}
    if entry is not None:
        parts = entry.visitor_name.split()
        initial.update(
            channel=Channel.RECEPTION,
            received_at=timezone.localtime(entry.received_at).replace(second=0, microsecond=0),
            applicant_last_name=parts[0] if parts else "",
            applicant_first_name=" ".join(parts[1:2]),
            applicant_patronymic=" ".join(parts[2:]),
            applicant_fin=entry.visitor_fin,
            text=entry.subject,
            unit=entry.unit_id,
        )
    if person is not None:
        initial.update(
            person=person.public_id,
            applicant_last_name=person.last_name,
            applicant_first_name=person.first_name,
            applicant_patronymic=person.patronymic,
            applicant_fin=person.fin or "",
        )
    return initial


def _applicant(data: dict[str, Any], person: Person | None) -> services.ApplicantData | None:
    values = {
        name: (data.get(f"applicant_{name}") or "").strip()
        for name in ("last_name", "first_name", "patronymic", "fin", "address", "email", "phone")
    }
    values["organisation"] = (data.get("organisation") or "").strip()
    if not any(values.values()) and person is None:
        return None
    return services.ApplicantData(**values, person=person)


def _enhance(form: RegisterForm) -> None:
    """htmx on the form: the officials of the unit complained about, and the applicant's earlier appeals."""
    form.fields["complained_unit"].widget.attrs.update(
        {
            "hx-get": reverse("appeals:officials"),
            "hx-trigger": "change",
            "hx-target": "#id_complained_official",
            "hx-swap": "innerHTML",
        }
    )
    watched = [name for name in form.fields if name.startswith("applicant_")] + ["topic"]
    for name in watched:
        form.fields[name].widget.attrs.update(
            {
                "hx-get": reverse("appeals:repeat_check"),
                "hx-trigger": "change",
                "hx-target": "#repeat-warning",
                "hx-include": "[name^='applicant_'], [name='topic'], [name='person']",
            }
        )


@appeals_view
@require_http_methods(["GET", "POST"])
def appeal_register(request: HttpRequest) -> HttpResponse:
    if not access.can_register(request.user):
        deny(
            request.user,
            action="appeals.appeal.register",
            target_type=access.TARGET_TYPE,
            target_key="new",
            visible=True,
        )
    units = selectors.registration_units(user=request.user)
    entry = _reception_entry(request)
    person = _chosen_person(request)
    initial = _prefill(entry, person, units[0] if len(units) == 1 else None)
    source = request.POST if request.method == "POST" else request.GET
    complained, officials = _officials(request, source.get("complained_unit", ""))
    form = RegisterForm(
        posted(request),
        posted_files(request),
        units=units,
        all_units=org_selectors.units_for_choice(user=request.user),
        officials=officials,
        initial=initial,
    )
    _enhance(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not access.can_register(request.user, data["unit"]):
            deny(
                request.user,
                action="appeals.appeal.register",
                target_type="org.unit",
                target_key=data["unit"].code,
                visible=True,
            )
        try:
            appeal = services.appeal_register(
                actor=request.user,
                unit=data["unit"],
                channel=data["channel"],
                kind=data["kind"],
                text=data["text"],
                applicant=_applicant(data, person),
                is_collective=data["is_collective"],
                signatories=data["signatories"] or 1,
                topic=data["topic"],
                concerned_body=data["concerned_body"],
                complained_unit=data["complained_unit"],
                complained_official=data["complained_official"],
                complained_text=data["complained_text"],
                received_at=data["received_at"],
                language=data["language"],
                notify_email=data["notify_email"],
                notify_sms=data["notify_sms"],
                attachments=data["attachments"],
                needs_verification=data["needs_verification"],
                escalation=data["escalation"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            if entry is not None:
                try:
                    services.reception_entry_link_appeal(actor=request.user, entry=entry, appeal=appeal)
                except ApplicationError as exc:
                    # The appeal stands (acceptance is never undone); only the log's link is missing.
                    messages.warning(request, str(exc.message))
            messages.success(
                request,
                _("The appeal was registered under number %(number)s. Print the receipt for the applicant.")
                % {"number": appeal.number},
            )
            return redirect(appeal.get_absolute_url())
    here = reverse("appeals:register")
    pick_url = safe_reverse("persons:pick")
    return render_page(
        request,
        "appeals/register.html",
        {
            "form": form,
            "entry": entry,
            "person": person,
            "complained": complained,
            "picker_url": f"{pick_url}?{urlencode({'next': here})}" if pick_url else None,
        },
        status=422 if form.errors else 200,
    )


@appeals_view
@require_GET
def appeal_officials(request: HttpRequest) -> HttpResponse:
    """An htmx fragment: the <option>s of the officials of the unit complained about (?complained_unit=)."""
    if not (access.can_register(request.user) or access.can_read_unit_register(request.user)):
        deny(
            request.user,
            action="appeals.register.open",
            target_type="appeals.register",
            target_key="officials",
            visible=True,
        )
    _unit, officials = _officials(request, request.GET.get("complained_unit", ""))
    return render_page(request, "appeals/_officials.html", {"officials": officials})


@appeals_view
@require_GET
def appeal_repeat_check(request: HttpRequest) -> HttpResponse:
    """An htmx fragment for the registration form: the applicant's appeals of the last 12 months."""
    if not access.can_register(request.user):
        deny(
            request.user,
            action="appeals.appeal.register",
            target_type=access.TARGET_TYPE,
            target_key="repeats",
            visible=True,
        )
    get = request.GET
    name = " ".join(
        (get.get(f"applicant_{part}") or "").strip() for part in ("last_name", "first_name", "patronymic")
    ).strip()
    topic = next(
        (t for t in selectors.topic_choices(active_only=False) if str(t.pk) == get.get("topic")), None
    )
    found = selectors.repeat_candidates(
        user=request.user,
        fin=(get.get("applicant_fin") or "")[:7],
        person=_chosen_person(request),
        name=name[:300],
        phone=(get.get("applicant_phone") or "")[:20],
        email=(get.get("applicant_email") or "")[:254],
    )
    same_topic = [a for a in found if topic is not None and a.topic_id == topic.pk]
    return render_page(
        request, "appeals/_repeats.html", {"found": found, "same_topic": same_topic, "topic": topic}
    )


# --- the dashboard -----------------------------------------------------------------------------------


def _since(request: HttpRequest) -> dt.date:
    raw = request.GET.get("since", "")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate().replace(month=1, day=1)


# The columns of the by-channel and by-topic tables, with the list filter each figure opens.
BOARD_COLUMNS: tuple[tuple[str, dict[str, str]], ...] = (
    ("received", {}),
    ("in_work", {"status": AppealStatus.IN_WORK}),
    ("near_due", {"due": "near"}),
    ("overdue", {"due": "overdue"}),
    ("answered", {"due": "answered"}),
)


def _board_row(row: Any, link: Any, key: str) -> dict[str, Any]:
    """A row of the by-channel or by-topic table from (code, label, count) or an object with the five
    counts; each figure links to the list filtered to it."""
    if isinstance(row, tuple):
        code, label, count = row
        counts: dict[str, Any] = {"received": count}
    else:
        code, label = row.code, row.label
        counts = {column: getattr(row, column, None) for column, _params in BOARD_COLUMNS}
    own = {key: code} if code else {}
    return {
        "label": label or _("no topic"),
        "url": link(**own),
        "cells": [(counts.get(column), link(**own, **params)) for column, params in BOARD_COLUMNS],
    }


def _board_table(
    heading_id: str, heading: str, first: str, rows: list[Any], link: Any, key: str
) -> dict[str, Any]:
    """One of the dashboard's tables; the columns other than "received" only when the selector gives them."""
    built = [_board_row(row, link, key) for row in rows]
    detailed = any(count is not None for row in built for count, _url in row["cells"][1:])
    labels = [_("Received"), _("In work"), _("Due soon"), _("Overdue"), _("Answered")]
    width = len(labels) if detailed else 1
    for row in built:
        row["cells"] = [(label, *cell) for label, cell in zip(labels, row["cells"], strict=True)][:width]
    return {"id": heading_id, "heading": heading, "first": first, "columns": labels[:width], "rows": built}


@appeals_view
@require_GET
def appeal_dashboard(request: HttpRequest) -> HttpResponse:
    require_register_role(request, "dashboard")
    units = selectors.register_units(user=request.user)
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None)
    since = _since(request)
    board = selectors.appeal_dashboard(user=request.user, unit=unit, since=since)
    base = {"registered_from": since.isoformat()}
    if unit is not None:
        base.update(unit=unit.code, subunits="on")
    list_url = reverse("appeals:list")

    def link(**params: str) -> str:
        return f"{list_url}?{urlencode({**base, **params})}"

    totals = [
        (_("received"), board.received, link(), False),
        (_("awaiting a resolution"), board.registered, link(status=AppealStatus.REGISTERED), False),
        (_("in work"), board.in_work, link(status=AppealStatus.IN_WORK), False),
        (_("due soon"), board.near_due, link(due="near"), False),
        (_("overdue"), board.overdue, link(due="overdue"), True),
        (_("answered"), board.answered, link(due="answered"), False),
        (_("forwarded"), board.forwarded, link(status=AppealStatus.FORWARDED), False),
        (_("left unconsidered"), board.left_unconsidered, link(status=AppealStatus.LEFT_UNCONSIDERED), False),
    ]
    return render_page(
        request,
        "appeals/dashboard.html",
        {
            "board": board,
            "units": units,
            "unit": unit,
            "since": since,
            "totals": totals,
            "tables": [
                _board_table(
                    "channel-heading", _("By channel"), _("Channel"), board.channel_rows, link, "channel"
                ),
                _board_table("topic-heading", _("By topic"), _("Topic"), board.topic_rows, link, "topic"),
            ],
        },
    )
