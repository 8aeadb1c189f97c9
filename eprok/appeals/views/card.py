"""The appeal's card, the applicant's receipt (with a portal access code) and the attached files."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from eprok.appeals import access, selectors, services
from eprok.appeals.models import (
    AnswerRule,
    AnswerStatus,
    Appeal,
    AppealStatus,
    Escalation,
    Outcome,
)
from eprok.appeals.views.base import appeals_view, render_page
from eprok.core.context_processors import safe_reverse
from eprok.org import selectors as org_selectors
from eprok.org.grants import has_role
from eprok.org.roles import Role

HISTORY_LABELS: dict[str, Any] = {
    "appeals.appeal.registered": gettext_lazy("Registered"),
    "appeals.appeal.classified": gettext_lazy("Classification changed"),
    "appeals.appeal.routed": gettext_lazy("Resolution written (dərkənar)"),
    "appeals.appeal.forwarded": gettext_lazy("Forwarded to the competent body"),
    "appeals.appeal.extended": gettext_lazy("Answer term extended"),
    "appeals.appeal.answer_drafted": gettext_lazy("Answer drafted"),
    "appeals.appeal.answer_approved": gettext_lazy("Answer approved"),
    "appeals.appeal.answer_sent": gettext_lazy("Answer sent"),
    "appeals.appeal.answer_delivered": gettext_lazy("Answer delivered"),
    "appeals.appeal.closed_as_repeat": gettext_lazy("Left unconsidered as a repeat appeal"),
    "appeals.appeal.attachment_added": gettext_lazy("Files added"),
    "appeals.appeal.access_code_issued": gettext_lazy("Portal access code issued"),
    "appeals.appeal.escalated": gettext_lazy("Escalated"),
}
HISTORY_FIELDS: dict[str, Any] = {
    "status": gettext_lazy("status"),
    "topic": gettext_lazy("topic"),
    "concerned_body": gettext_lazy("sector or agency concerned"),
    "complained_unit": gettext_lazy("unit complained about"),
    "complained_official": gettext_lazy("official complained about"),
    "complained_text": gettext_lazy("body or official complained about"),
    "executor_unit": gettext_lazy("executor unit"),
    "executor": gettext_lazy("executor"),
    "answer_rule": gettext_lazy("answer term"),
    "answer_due": gettext_lazy("answer due"),
    "outcome": gettext_lazy("outcome"),
    "escalated_to": gettext_lazy("escalated to"),
    "forwarded_to_unit": gettext_lazy("forwarded to unit"),
    "repeat_of": gettext_lazy("repeat of"),
}


UNIT_FIELDS = ("executor_unit", "complained_unit", "escalated_to", "forwarded_to_unit")
PEOPLE_FIELDS = ("executor", "complained_official")


def known_names(appeal: Appeal) -> dict[tuple[str, str], str]:
    """The names of the units, people, topic and sector the card has already loaded."""
    names: dict[tuple[str, str], str] = {}
    units = [
        appeal.unit,
        appeal.executor_unit,
        appeal.complained_unit,
        appeal.escalated_to,
        appeal.forwarded_to_unit,
    ]
    people = [appeal.executor, appeal.complained_official]
    for resolution in appeal.resolutions.all():
        units.append(resolution.executor_unit)
        people.append(resolution.executor)
    for unit in units:
        if unit is not None:
            names[("unit", unit.code)] = unit.name
    for person in people:
        if person is not None:
            names[("people", person.username)] = person.full_name
    if appeal.topic is not None:
        names[("topic", appeal.topic.code)] = appeal.topic.name
    if appeal.concerned_body is not None:
        names[("concerned_body", appeal.concerned_body.code)] = appeal.concerned_body.name
    return names


def _names(
    user: Any, changes: list[tuple[dict[str, Any], dict[str, Any]]], known: dict[tuple[str, str], str]
) -> dict[tuple[str, str], str]:
    """Readable names for the codes and logins the audit records (units, employees, topics, sectors):
    those not `known` already, at most one query for each kind."""
    wanted: dict[str, set[str]] = {"unit": set(), "people": set(), "topic": set(), "concerned_body": set()}
    for before, after in changes:
        for side in (before, after):
            for key, value in side.items():
                if not value or not isinstance(value, str):
                    continue
                kind = "unit" if key in UNIT_FIELDS else "people" if key in PEOPLE_FIELDS else key
                if kind in wanted and (kind, value) not in known:
                    wanted[kind].add(value)
    names = dict(known)
    if wanted["unit"]:
        for unit in org_selectors.unit_list(user=user).filter(code__in=wanted["unit"]):
            names[("unit", unit.code)] = unit.name
    if wanted["people"]:
        for person in org_selectors.employee_list(user=user).filter(username__in=wanted["people"]):
            names[("people", person.username)] = person.full_name
    if wanted["topic"]:
        for topic in selectors.topic_choices(active_only=False):
            names[("topic", topic.code)] = topic.name
    if wanted["concerned_body"]:
        for sector in selectors.sector_choices(active_only=False):
            names[("concerned_body", sector.code)] = sector.name
    return names


def _history_value(key: str, value: Any, names: dict[tuple[str, str], str]) -> Any:
    if value in (None, ""):
        return "—"
    choices: dict[str, Any] = {"status": AppealStatus, "outcome": Outcome, "answer_rule": AnswerRule}
    if key in choices:
        try:
            return choices[key](value).label
        except ValueError:
            return value
    if key == "answer_due":
        try:
            return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    kind = "unit" if key in UNIT_FIELDS else "people" if key in PEOPLE_FIELDS else key
    return names.get((kind, str(value)), value)


def history_rows(
    user: Any, events: list[Any], known: dict[tuple[str, str], str] | None = None
) -> list[dict[str, Any]]:
    """Each change of the appeal as a label, who and when, and the fields that changed."""
    parsed = []
    for event in events:
        changes = json.loads(event.changes) if event.changes else {}
        parsed.append((event, changes.get("before") or {}, changes.get("after") or {}))
    shown = [(b, a) for e, b, a in parsed if e.action != "appeals.appeal.registered"]
    names = _names(user, shown, known or {}) if shown else {}
    rows = []
    for event, before, after in parsed:
        fields = [
            (
                HISTORY_FIELDS[key],
                _history_value(key, before.get(key), names),
                _history_value(key, after.get(key), names),
            )
            for key in HISTORY_FIELDS
            if (key in before or key in after) and before.get(key) != after.get(key)
        ]
        rows.append(
            {
                "event": event,
                "label": HISTORY_LABELS.get(event.action, event.action),
                "fields": fields if event.action != "appeals.appeal.registered" else [],
            }
        )
    return rows


def _chain(request: HttpRequest, appeal: Appeal) -> list[dict[str, Any]]:
    """The applicant's other appeals the user may see, each marked earlier/later and same subject."""
    rows = []
    for other in selectors.applicant_appeals(user=request.user, appeal=appeal):
        rows.append(
            {
                "appeal": other,
                "later": other.registered_at > appeal.registered_at,
                "same_subject": appeal.topic_id is not None and other.topic_id == appeal.topic_id,
                "linked": other.pk == appeal.repeat_of_id or other.repeat_of_id == appeal.pk,
            }
        )
    return rows


def card_context(request: HttpRequest, appeal: Appeal) -> dict[str, Any]:
    user = request.user
    answer = selectors.appeal_answer_of(appeal)
    can_answer = access.can_answer(user, appeal)
    audit_url = safe_reverse("audit:event_list") if has_role(user, Role.READ_AUDIT) else None
    return {
        "appeal": appeal,
        "answer": answer,
        "deadline": selectors.appeal_answer_deadline(appeal),
        "forward_deadline": selectors.appeal_forward_deadline(appeal),
        "resolutions": list(appeal.resolutions.all()),
        "extensions": list(appeal.extensions.all()),
        "forwardings": list(appeal.forwardings.all()),
        "attachments": list(appeal.attachments.all()),
        "chain": _chain(request, appeal),
        "history": history_rows(user, selectors.appeal_history(appeal=appeal), known_names(appeal)),
        "escalation_label": Escalation(appeal.escalation).label if appeal.escalation else "",
        "can_route": access.can_route(user, appeal),
        "can_forward": access.can_forward(user, appeal),
        "can_classify": access.can_classify(user, appeal),
        "can_answer": can_answer,
        "can_draft": can_answer
        and (answer is None or answer.status in (AnswerStatus.DRAFTED, AnswerStatus.APPROVED)),
        "can_approve": can_answer
        and answer is not None
        and answer.status == AnswerStatus.DRAFTED
        and answer.drafted_by_id != user.pk,
        "can_send": can_answer and answer is not None and answer.status == AnswerStatus.APPROVED,
        "can_deliver": access.can_deliver(user, appeal)
        and answer is not None
        and answer.status == AnswerStatus.SENT,
        "can_extend": access.can_extend(user, appeal) and not appeal.extensions.all(),
        "can_close_repeat": can_answer and appeal.is_repeat,
        "can_issue_code": access.can_issue_code(user, appeal),
        "audit_url": f"{audit_url}?{urlencode({'target_id': str(appeal.public_id)})}" if audit_url else None,
        "today": timezone.localdate(),
    }


@appeals_view
@require_GET
def appeal_detail(request: HttpRequest, number: str) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, number=number)
    services.appeal_record_view(actor=request.user, appeal=appeal)
    return render_page(request, "appeals/detail.html", card_context(request, appeal))


@appeals_view
@never_cache
@require_http_methods(["GET", "POST"])
def appeal_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The printable receipt; POST (the registrar) prints it with a new portal access code, shown once."""
    action = "issue_code" if request.method == "POST" else "view"
    appeal = selectors.appeal_get(user=request.user, number=number, action=action)
    code = None
    if request.method == "POST":
        code = services.appeal_issue_access_code(appeal=appeal, actor=request.user)
    services.appeal_record_view(actor=request.user, appeal=appeal, purpose="receipt")
    portal = safe_reverse("portal:portal_appeal_status") or safe_reverse("portal:portal_home")
    context = {
        "appeal": appeal,
        "deadline": selectors.appeal_answer_deadline(appeal),
        "code": code,
        "portal_url": request.build_absolute_uri(portal) if portal else "",
        "can_issue_code": access.can_issue_code(request.user, appeal),
        "printed_at": timezone.localtime(),
        "attachments": list(appeal.attachments.all()),
    }
    return render(request, "appeals/receipt.html", context)


@appeals_view
@require_GET
def appeal_attachment(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """A file of the appeal, for those who may see the appeal; every download is audited."""
    appeal = access.get_appeal_for(request.user, number)
    attachment = appeal.attachments.filter(pk=pk).first()
    if attachment is None or not default_storage.exists(attachment.storage_name):
        raise Http404()
    services.appeal_record_attachment_read(actor=request.user, attachment=attachment, purpose="download")
    response = FileResponse(
        default_storage.open(attachment.storage_name, "rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
