"""The anonymous corruption report and the conversation with the investigator, through the portal."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse

from eprok.contact.models import HotlineMessage, HotlineReport
from eprok.portal.tests.conftest import CLIENT_IP, REPORT, challenge_in, solved

SUBMIT = reverse("portal:portal_report_submit")
OPEN = reverse("portal:portal_conversation_open")
THREAD = reverse("portal:portal_conversation")
CLOSE = reverse("portal:portal_conversation_close")

pytestmark = pytest.mark.django_db


def _code(response: Any) -> str:
    match = re.search(r'data-testid="receipt-code">([^<]+)<', response.content.decode())
    assert match, response.content.decode()[:3000]
    return match.group(1)


def _reported(visitor: Any, **change: str) -> tuple[HotlineReport, str]:
    response = visitor.submit(SUBMIT, {**REPORT, **change})
    assert response.status_code == 200, response.content.decode()[:3000]
    return HotlineReport.objects.get(), _code(response)


def _open(visitor: Any, code: str) -> Any:
    return visitor.submit(OPEN, {"code": code})


def _reply_as_investigator(world: Any, report: HotlineReport, text: str) -> None:
    from eprok.contact.services import hotline_reply, hotline_report_assign

    report.refresh_from_db()
    if report.assignee_id is None:
        hotline_report_assign(actor=world.investigator, report=report, assignee=world.investigator)
        report.refresh_from_db()
    hotline_reply(actor=world.investigator, report=report, text=text)


def test_an_anonymous_report_is_received_and_its_code_shown_once(visitor: Any, world: Any) -> None:
    report, code = _reported(visitor, sector="health")
    assert report.sector == "health" and report.registered_by is None
    assert not report.identity_held
    assert report.receipt_code_hash and code not in report.receipt_code_hash
    assert len(code.replace("-", "")) >= 16


def test_identity_is_given_only_when_the_reporter_chooses(visitor: Any, world: Any) -> None:
    # Details typed while "I want to give my name" is unticked are dropped.
    report, _receipt = _reported(visitor, name="Vüqar Məmmədov", phone="050 555 44 33")
    assert not report.identity_held


def test_a_reporter_who_gives_an_identity_must_agree_to_it_being_kept(visitor: Any, world: Any) -> None:
    response = visitor.submit(SUBMIT, {**REPORT, "give_identity": "on", "name": "Vüqar Məmmədov"})
    assert response.status_code == 422
    assert 'href="#id_identity_consent"' in response.content.decode()
    assert HotlineReport.objects.count() == 0
    ok = visitor.submit(
        SUBMIT, {**REPORT, "give_identity": "on", "name": "Vüqar Məmmədov", "identity_consent": "on"}
    )
    assert ok.status_code == 200
    assert HotlineReport.objects.get().identity_held


@pytest.mark.parametrize(
    "change", [{"text": ""}, {"text": "short"}, {"text": "x" * 20_001}, {"sector": "no-such"}]
)
def test_a_bad_report_is_refused_and_nothing_is_written(
    visitor: Any, world: Any, change: dict[str, str]
) -> None:
    response = visitor.submit(SUBMIT, {**REPORT, **change})
    assert response.status_code == 422
    assert "data-error-summary" in response.content.decode()
    assert HotlineReport.objects.count() == 0


def test_the_same_report_form_sent_twice_is_received_once(visitor: Any, world: Any) -> None:
    page = visitor.get(SUBMIT)
    data = {**REPORT, **solved(challenge_in(page.content.decode()))}
    assert visitor.post(SUBMIT, data).status_code == 200
    again = visitor.post(SUBMIT, data)
    assert again.status_code == 409
    assert HotlineReport.objects.count() == 1


def test_without_a_proof_of_work_no_report_is_written(visitor: Any, world: Any) -> None:
    assert visitor.post(SUBMIT, REPORT).status_code == 400
    assert HotlineReport.objects.count() == 0


def test_the_report_form_is_rate_limited(visitor: Any, world: Any, settings: Any) -> None:
    settings.EPROK_PORTAL_RATE_REPORT = "1/h"
    _reported(visitor)
    response = visitor.submit(SUBMIT, REPORT)
    assert response.status_code == 429
    assert HotlineReport.objects.count() == 1


# --- the conversation ----------------------------------------------------------------------------


def test_the_reporter_and_the_investigator_exchange_messages(
    visitor: Any, world: Any, audit_events: Any
) -> None:
    report, code = _reported(visitor)
    opened = _open(visitor, code)
    assert opened.status_code == 302 and opened["Location"] == THREAD
    thread = visitor.get(THREAD)
    assert thread.status_code == 200
    _reply_as_investigator(world, report, "Həkimin adını və kabinetin nömrəsini bilirsinizmi?")
    html = visitor.get(THREAD).content.decode()
    assert "Həkimin adını" in html
    assert world.investigator.last_name not in html  # staff are never named
    sent = visitor.submit(THREAD, {"text": "Kabinet 12, həkim Səmədova."})
    assert sent.status_code == 302
    assert HotlineMessage.objects.filter(report=report).count() == 2
    assert "Kabinet 12" in visitor.get(THREAD).content.decode()
    assert len(audit_events("portal.conversation.opened")) == 1
    for event in audit_events():
        assert event.ip is None or event.actor_id is not None


def test_the_conversation_needs_the_code_first(visitor: Any, world: Any) -> None:
    response = visitor.get(THREAD)
    assert response.status_code == 302 and response["Location"] == OPEN
    assert visitor.post(THREAD, {"text": "hello"}).status_code == 302
    assert HotlineMessage.objects.count() == 0


def test_closing_the_conversation_forgets_it_in_this_browser(visitor: Any, world: Any) -> None:
    _report, code = _reported(visitor)
    _open(visitor, code)
    assert visitor.get(THREAD).status_code == 200
    assert visitor.post(CLOSE, {}).status_code == 302
    assert visitor.get(THREAD).status_code == 302


def test_the_conversation_ends_after_inactivity(visitor: Any, world: Any) -> None:
    _report, code = _reported(visitor)
    _open(visitor, code)
    session = visitor.client.session
    entry = session["portal.conversation"]
    session["portal.conversation"] = {**entry, "until": entry["until"] - 10_000}
    session.save()
    assert visitor.get(THREAD).status_code == 302


def test_a_wrong_receipt_code_is_refused_counted_and_audited(
    visitor: Any, world: Any, audit_events: Any
) -> None:
    _report, code = _reported(visitor)
    wrong = "0000-0000-0000-0000"
    responses = [_open(visitor, wrong) for _attempt in range(9)]
    assert [r.status_code for r in responses][:8] == [422] * 8
    assert responses[8].status_code == 429  # 3 failures x 3 for one client address
    assert _open(visitor, code).status_code == 429  # locked, even with the right code
    denied = audit_events("portal.conversation.denied")
    assert len(denied) == 9
    assert all(e.ip is None and e.actor_id is None and wrong not in (e.data or "") for e in denied)
    assert len(audit_events("portal.conversation.locked")) == 1


def test_nothing_stores_the_reporters_address_and_no_log_carries_it_or_the_code(
    visitor: Any, world: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    report, code = _reported(visitor)
    _open(visitor, code)
    visitor.submit(THREAD, {"text": "Əlavə məlumat: növbəti həftə yenə gələcəyəm."})
    _open(visitor, "WRONG-WRONG-WRONG-0")
    # No column of any table holds the test client's address.
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            rows = model._default_manager.all()
            if isinstance(field, models.GenericIPAddressField):
                found = rows.filter(**{field.name: CLIENT_IP}).exists()
            elif isinstance(field, models.JSONField):
                found = (
                    rows.annotate(_text=Cast(field.name, models.TextField()))
                    .filter(_text__contains=CLIENT_IP)
                    .exists()
                )
            elif isinstance(field, models.CharField | models.TextField):
                found = rows.filter(**{f"{field.name}__contains": CLIENT_IP}).exists()
            else:
                continue
            assert not found, f"{model._meta.label}.{field.name} holds the reporter's address"
    log = caplog.text
    assert CLIENT_IP not in log
    assert code not in log and code.replace("-", "") not in log
    assert report.text not in log
