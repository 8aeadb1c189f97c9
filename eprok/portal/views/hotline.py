"""The anonymous corruption report and the conversation that follows it, known only by the receipt code.

The code is posted, never put in an address. Once it is entered, the session remembers which report
the browser may read for EPROK_PORTAL_THREAD_MINUTES of inactivity (the report's key, never the
code), so the reporter reads and answers without typing it again; "Close the conversation" forgets it.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eprok.audit.services import audit_record
from eprok.core.errors import ValidationFailed
from eprok.portal import abuse
from eprok.portal.forms import ConversationCodeForm, ReplyForm, ReportForm
from eprok.portal.views.base import (
    audit_pow_refusal,
    check_pow,
    pow_context,
    pow_message,
    public_view,
    rate_limited,
    render_portal,
    wait_context,
)

REPORT_FORM = "report"
LOOKUP = "lookup"
MESSAGE_FORM = "message"
CONVERSATION_SCOPE = "conversation"
SESSION_KEY = "portal.conversation"

WRONG_CODE = gettext_lazy("The receipt code is wrong. Check it and try again.")


def _sectors() -> list[tuple[str, Any]]:
    from eprok.contact.classifiers import sector_choices

    return list(sector_choices())


# --- the report --------------------------------------------------------------------------------


def _report_page(
    request: HttpRequest, form: ReportForm, *, status: int = 200, error: Any = None
) -> HttpResponse:
    return render_portal(
        request,
        "portal/report_form.html",
        {"form": form, "extra_error": error, **pow_context(REPORT_FORM)},
        status=status,
    )


@public_view
@require_http_methods(["GET", "POST"])
def report_submit(request: HttpRequest) -> HttpResponse:
    """The report form; on sending, the report is stored without any address and the receipt code shown."""
    if request.method != "POST":
        return _report_page(request, ReportForm(sectors=_sectors()))
    limited = rate_limited(request, REPORT_FORM)
    if limited is not None:
        return limited
    proof = check_pow(request, REPORT_FORM, spend=False)
    form = ReportForm(request.POST, sectors=_sectors())
    if not proof.ok:
        form.is_valid()
        return _report_page(request, form, status=400, error=pow_message(proof))
    if not form.is_valid():
        return _report_page(request, form, status=422)
    if not abuse.spend_nonce(proof.nonce):
        # The same form sent twice: the report exists once, and its code cannot be shown again.
        audit_pow_refusal(
            REPORT_FORM, abuse.PowResult(ok=False, nonce=proof.nonce, refusal=abuse.PowRefusal.REUSED)
        )
        return render_portal(request, "portal/report_duplicate.html", status=409)
    from eprok.contact.services import hotline_report_submit_public

    data = form.cleaned_data
    try:
        _report, code = hotline_report_submit_public(
            text=data["text"],
            sector=data.get("sector", ""),
            place=data.get("place", ""),
            identity=form.identity(),
            language=(get_language() or "az")[:2],
        )
    except ValidationFailed as exc:
        abuse.release_nonce(proof.nonce)
        details = exc.details if isinstance(exc.details, dict) else {}
        placed = False
        for name, message in details.items():
            if name in form.fields and isinstance(message, str):
                form.add_error(name, message)
                placed = True
        if not placed:
            form.add_error(None, str(exc.message))
        return _report_page(request, form, status=422)
    return render_portal(request, "portal/report_receipt.html", {"code": code})


# --- the conversation ----------------------------------------------------------------------------


def _open_page(
    request: HttpRequest, form: ConversationCodeForm, *, status: int = 200, error: Any = None
) -> HttpResponse:
    return render_portal(
        request,
        "portal/conversation_open.html",
        {
            "form": form,
            "extra_error": error,
            "minutes": settings.EPROK_PORTAL_THREAD_MINUTES,
            **pow_context(LOOKUP),
        },
        status=status,
    )


def _locked_message(retry_after: int) -> str:
    return _(
        "Too many wrong codes were entered from your connection. For the reporters' safety, opening "
        "conversations is locked until %(until)s. Try again after that time."
    ) % {"until": wait_context(retry_after)["until"]}


@public_view
@require_http_methods(["GET", "POST"])
def conversation_open(request: HttpRequest) -> HttpResponse:
    """Enter the receipt code; the right one opens the conversation in this browser for a while."""
    if request.method != "POST":
        return _open_page(request, ConversationCodeForm())
    limited = rate_limited(request, LOOKUP)
    if limited is not None:
        return limited
    form = ConversationCodeForm(request.POST)
    proof = check_pow(request, LOOKUP)
    if not proof.ok:
        return _open_page(request, ConversationCodeForm(), status=400, error=pow_message(proof))
    if not form.is_valid():
        return _open_page(request, form, status=422)
    client = abuse.client_key(request)
    state = abuse.lookup_state(scope=CONVERSATION_SCOPE, client=client)
    if state.locked:
        audit_record(
            actor=None,
            action="portal.conversation.locked",
            target_type="contact.hotlinereport",
            data={"reason": "locked"},
        )
        return _open_page(
            request, ConversationCodeForm(), status=429, error=_locked_message(state.retry_after)
        )
    from eprok.contact.selectors import hotline_report_for_reporter

    report = hotline_report_for_reporter(code=form.cleaned_data["code"])
    if report is None:
        after = abuse.lookup_failed(scope=CONVERSATION_SCOPE, client=client)
        audit_record(
            actor=None,
            action="portal.conversation.denied",
            target_type="contact.hotlinereport",
            data={"reason": "mismatch", "locked": after.locked},
        )
        message = _locked_message(after.retry_after) if after.locked else WRONG_CODE
        return _open_page(request, ConversationCodeForm(), status=429 if after.locked else 422, error=message)
    audit_record(actor=None, action="portal.conversation.opened", target=report)
    # A fresh session key, so a key planted in this browser before cannot ride along (fixation).
    request.session.cycle_key()
    _remember(request, report)
    return redirect("portal:portal_conversation")


def _remember(request: HttpRequest, report: Any) -> None:
    request.session[SESSION_KEY] = {
        "report": str(report.public_id),
        "until": int(time.time()) + int(settings.EPROK_PORTAL_THREAD_MINUTES) * 60,
    }


def _remembered_report(request: HttpRequest) -> Any:
    """The report this browser opened with its code, while that lasts; None otherwise."""
    entry = request.session.get(SESSION_KEY)
    if not isinstance(entry, dict) or int(entry.get("until") or 0) < time.time():
        if entry is not None:
            request.session.pop(SESSION_KEY, None)
        return None
    report = _report_by_key(str(entry.get("report") or ""))
    if report is None:
        request.session.pop(SESSION_KEY, None)
        return None
    _remember(request, report)  # inactivity, not age, ends it
    return report


def _report_by_key(key: str) -> Any:
    """The report this session opened: after the code was checked, the session keeps the report's public
    id, never the code."""
    from eprok.contact.selectors import hotline_report_for_session

    return hotline_report_for_session(public_id=key)


def _thread_page(
    request: HttpRequest, report: Any, form: ReplyForm, *, status: int = 200, error: Any = None
) -> HttpResponse:
    from eprok.contact.services import hotline_messages_for_reporter, hotline_report_public_status

    return render_portal(
        request,
        "portal/conversation.html",
        {
            "form": form,
            "extra_error": error,
            "messages_list": hotline_messages_for_reporter(report=report),
            "report_status": hotline_report_public_status(report),
            **pow_context(MESSAGE_FORM),
        },
        status=status,
    )


@public_view
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest) -> HttpResponse:
    """The conversation of the report opened in this browser, and the reply form."""
    report = _remembered_report(request)
    if report is None:
        messages.info(request, _("Enter your receipt code to open the conversation."))
        return redirect("portal:portal_conversation_open")
    if request.method != "POST":
        return _thread_page(request, report, ReplyForm())
    limited = rate_limited(request, MESSAGE_FORM)
    if limited is not None:
        return limited
    form = ReplyForm(request.POST)
    proof = check_pow(request, MESSAGE_FORM)
    if not proof.ok:
        form.is_valid()
        return _thread_page(request, report, form, status=400, error=pow_message(proof))
    if not form.is_valid():
        return _thread_page(request, report, form, status=422)
    from eprok.contact.services import hotline_message_post_by_reporter

    try:
        hotline_message_post_by_reporter(report=report, text=form.cleaned_data["text"])
    except ValidationFailed as exc:
        abuse.release_nonce(proof.nonce)
        form.add_error("text", str(exc.message))
        return _thread_page(request, report, form, status=422)
    messages.success(request, _("Your message was sent."))
    return redirect("portal:portal_conversation")


@public_view
@require_POST
def conversation_close(request: HttpRequest) -> HttpResponse:
    """Forget the opened conversation in this browser (for shared computers)."""
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("The conversation is closed in this browser. Your receipt code opens it again."))
    return redirect("portal:portal_home")
