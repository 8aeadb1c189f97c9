"""A citizen's appeal: submit it (receipt with number and access code), and check it with both."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from eprok.audit.services import audit_record
from eprok.core.errors import ValidationFailed, form_apply_error
from eprok.portal import abuse
from eprok.portal.forms import AppealForm, StatusForm
from eprok.portal.services import PortalReceipt, portal_appeal_submit
from eprok.portal.views.base import (
    check_pow,
    max_appeal_body,
    pow_context,
    pow_message,
    public_view,
    rate_limited,
    render_portal,
    request_too_large,
    wait_context,
)

FORM = "appeal"
LOOKUP = "lookup"
STATUS_SCOPE = "status"
# What a register number can look like (letters, digits, dashes): anything else is not recorded anywhere.
NUMBER_RE = re.compile(r"^[A-Z0-9ƏÜÖĞÇŞİ][A-Z0-9ƏÜÖĞÇŞİ\-]{2,39}$")

# Service fields that are not the form's own, mapped onto the form field the visitor filled in.
SERVICE_FIELDS = {"notify_email": "email", "notify_sms": "phone"}


def _kinds() -> list[tuple[str, Any]]:
    from eprok.appeals.models import AppealKind

    return list(AppealKind.choices)


def _topics() -> dict[str, Any]:
    """The active topics of the appeals classifier by code, parents before their children."""
    from eprok.appeals.selectors import topic_choices

    return {topic.code: topic for topic in topic_choices()}


def topic_options(topics: dict[str, Any]) -> list[tuple[Any, Any]]:
    """Choices for a select: each top-level topic with children is a group (itself first, then them)."""
    children: dict[int, list[Any]] = {}
    for topic in topics.values():
        if topic.parent_id is not None:
            children.setdefault(topic.parent_id, []).append(topic)
    shown = {topic.pk for topic in topics.values()}
    options: list[tuple[Any, Any]] = []
    for topic in topics.values():
        if topic.parent_id is not None and topic.parent_id in shown:
            continue
        own = children.get(topic.pk)
        if own:
            options.append((topic.name, [(topic.code, topic.name), *((c.code, c.name) for c in own)]))
        else:
            options.append((topic.code, topic.name))
    return options


def _appeal_form(data: Any = None, files: Any = None, *, topics: dict[str, Any] | None = None) -> AppealForm:
    return AppealForm(
        data, files, kinds=_kinds(), topics=topic_options(topics if topics is not None else _topics())
    )


def _apply_service_error(form: AppealForm, exc: ValidationFailed) -> None:
    form_apply_error(form, exc, aliases=SERVICE_FIELDS)


def _form_page(
    request: HttpRequest, form: AppealForm, *, status: int = 200, error: Any = None
) -> HttpResponse:
    return render_portal(
        request,
        "portal/appeal_form.html",
        {"form": form, "extra_error": error, **pow_context(FORM)},
        status=status,
    )


@public_view
@require_http_methods(["GET", "POST"])
def appeal_submit(request: HttpRequest) -> HttpResponse:
    """The appeal form; on sending, the appeal is registered and the receipt shows its number and code."""
    if request.method != "POST":
        return _form_page(request, _appeal_form())
    if request_too_large(request, limit_bytes=max_appeal_body()):
        return _form_page(
            request,
            _appeal_form(),
            status=413,
            error=_(
                "The attachments are too large together. Attach at most %(count)s files of %(size)s MB each."
            )
            % {
                "count": settings.EPROK_PORTAL_MAX_ATTACHMENTS,
                "size": settings.EPROK_PORTAL_MAX_ATTACHMENT_MB,
            },
        )
    limited = rate_limited(request, FORM)
    if limited is not None:
        return limited
    proof = check_pow(request, FORM, spend=False)
    topics = _topics()
    form = _appeal_form(request.POST, request.FILES, topics=topics)
    if not proof.ok:
        form.is_valid()
        return _form_page(request, form, status=400, error=pow_message(proof))
    if not form.is_valid():
        return _form_page(request, form, status=422)
    # The challenge is spent only now, just before the write. Spent already means the same form was
    # sent twice (a double click, a reload): its submission id makes that the same appeal.
    repeated = not abuse.spend_nonce(proof.nonce)
    try:
        receipt = _submit(form, topics=topics, submission_id=proof.nonce)
    except ValidationFailed as exc:
        if not repeated:
            abuse.release_nonce(proof.nonce)
        _apply_service_error(form, exc)
        return _form_page(request, form, status=422)
    from eprok.appeals.selectors import appeal_public_status

    return render_portal(
        request,
        "portal/appeal_receipt.html",
        {
            "appeal": receipt.appeal,
            "code": receipt.code,
            "status": appeal_public_status(receipt.appeal),
            "repeated": repeated,
        },
    )


def _submit(form: AppealForm, *, topics: dict[str, Any], submission_id: str) -> PortalReceipt:
    from eprok.appeals.services import ApplicantData

    data = form.cleaned_data
    return portal_appeal_submit(
        submission_id=submission_id,
        kind=data["kind"],
        text=data["text"],
        applicant=ApplicantData(
            last_name=data["last_name"],
            first_name=data["first_name"],
            patronymic=data.get("patronymic", ""),
            fin=data.get("fin", ""),
            address=data["address"],
            email=data.get("email", ""),
            phone=data.get("phone", ""),
        ),
        topic=topics.get(data.get("topic") or ""),
        language=(get_language() or "az")[:2],
        notify_email=data.get("email", "") if data.get("notify_email") else "",
        notify_sms=data.get("phone", "") if data.get("notify_sms") else "",
        attachments=data.get("attachments") or (),
    )


# --- checking an appeal -------------------------------------------------------------------------


def _status_page(
    request: HttpRequest, form: StatusForm, *, status: int = 200, error: Any = None
) -> HttpResponse:
    return render_portal(
        request,
        "portal/status_form.html",
        {"form": form, "extra_error": error, **pow_context(LOOKUP)},
        status=status,
    )


def _recorded_number(number: str) -> str:
    """The number as the audit log may keep it: only something shaped like a register number."""
    return number if NUMBER_RE.match(number) else ""


def locked_message(retry_after: int) -> Any:
    return _(
        "Too many wrong codes were entered. For the applicant's safety, checking is locked until %(until)s. "
        "Try again after that time."
    ) % {"until": wait_context(retry_after)["until"]}


WRONG_CODE = _("The register number or the access code is wrong. Check both and try again.")


@public_view
@require_http_methods(["GET", "POST"])
def appeal_status(request: HttpRequest) -> HttpResponse:
    """The number and the access code are posted, never put in the address; the status and answer."""
    if request.method != "POST":
        return _status_page(request, StatusForm())
    limited = rate_limited(request, LOOKUP)
    if limited is not None:
        return limited
    form = StatusForm(request.POST)
    proof = check_pow(request, LOOKUP)
    if not proof.ok:
        form.is_valid()
        return _status_page(request, form, status=400, error=pow_message(proof))
    if not form.is_valid():
        return _status_page(request, form, status=422)
    number, code = form.cleaned_data["number"], form.cleaned_data["code"]
    client = abuse.client_key(request)
    recorded = _recorded_number(number)
    state = abuse.lookup_state(scope=STATUS_SCOPE, client=client, subject=number)
    if state.locked:
        audit_record(
            actor=None,
            action="portal.status.locked",
            target_type="appeals.appeal",
            target_id=recorded,
            data={"reason": "locked"},
        )
        return _status_page(request, StatusForm(), status=429, error=locked_message(state.retry_after))
    from eprok.appeals.selectors import appeal_for_applicant, appeal_public_status

    appeal = appeal_for_applicant(number=number, code=code)
    if appeal is None:
        after = abuse.lookup_failed(scope=STATUS_SCOPE, client=client, subject=number)
        audit_record(
            actor=None,
            action="portal.status.denied",
            target_type="appeals.appeal",
            target_id=recorded,
            data={"reason": "mismatch", "locked": after.locked},
        )
        message = locked_message(after.retry_after) if after.locked else WRONG_CODE
        return _status_page(
            request,
            StatusForm(initial={"number": number}),
            status=429 if after.locked else 422,
            error=message,
        )
    abuse.lookup_succeeded(scope=STATUS_SCOPE, subject=number)
    # The applicant read the appeal with its code: recorded like any read of an appeal, without an actor.
    audit_record(actor=None, action="portal.appeal.read", target=appeal, purpose="applicant's status check")
    return render_portal(
        request, "portal/status.html", {"appeal": appeal, "status": appeal_public_status(appeal)}
    )
