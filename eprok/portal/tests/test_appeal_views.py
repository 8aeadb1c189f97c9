"""Submitting an appeal on the portal and checking it with the number and the access code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eprok.appeals.models import Appeal, Channel
from eprok.appeals.tests.factories import answer
from eprok.portal.tests.conftest import APPEAL, CLIENT_IP, challenge_in, solved

SUBMIT = reverse("portal:portal_appeal_submit")
STATUS = reverse("portal:portal_appeal_status")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


def _receipt(response: Any) -> tuple[str, str]:
    html = response.content.decode()
    number = re.search(r'data-testid="appeal-number">([^<]+)<', html)
    code = re.search(r'data-testid="access-code">([^<]+)<', html)
    assert number and code, html[:3000]
    return number.group(1), code.group(1)


def test_the_form_is_public_in_azerbaijani_with_a_challenge(visitor: Any, world: Any) -> None:
    response = visitor.get(SUBMIT)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="az"' in html
    assert "Müraciət göndərin" in html or "Müraciət" in html
    assert challenge_in(html)
    assert 'data-pow-bits="6"' in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_a_citizen_submits_an_appeal_and_gets_a_number_and_a_code(
    visitor: Any, world: Any, audit_events: Any
) -> None:
    response = visitor.submit(SUBMIT, {**APPEAL, "attachments": [SimpleUploadedFile("scan.pdf", PDF)]})
    assert response.status_code == 200, response.content.decode()[:2000]
    number, code = _receipt(response)
    appeal = Appeal.objects.get(number=number)
    assert appeal.channel == Channel.PORTAL
    assert appeal.unit == world.documents
    assert appeal.registered_by is None
    assert appeal.applicant_last_name == "Əliyeva"
    assert appeal.notify_email == "nermin@example.az" and appeal.notify_sms == ""
    assert appeal.external_id.startswith("portal-")
    assert appeal.attachments.count() == 1
    assert appeal.access_code_hash and code not in appeal.access_code_hash
    assert "no-store" in response["Cache-Control"]
    registered = audit_events("appeals.appeal.registered")
    assert len(registered) == 1 and registered[0].actor_id is None and registered[0].ip is None


def test_the_same_form_posted_twice_creates_one_appeal_and_the_latest_code_works(
    visitor: Any, world: Any
) -> None:
    page = visitor.get(SUBMIT)
    data = {**APPEAL, **solved(challenge_in(page.content.decode()))}
    first = visitor.post(SUBMIT, data)
    second = visitor.post(SUBMIT, data)
    assert first.status_code == second.status_code == 200
    assert Appeal.objects.count() == 1
    number_1, code_1 = _receipt(first)
    number_2, code_2 = _receipt(second)
    assert number_1 == number_2 and code_1 != code_2
    assert "already been sent" in second.content.decode() or "artıq" in second.content.decode()
    # The page that was shown last holds the code that works.
    assert _check(visitor, number_2, code_2).status_code == 200
    assert _check(visitor, number_1, code_1).status_code == 422


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"last_name": ""}, "last_name"),
        ({"address": ""}, "address"),
        ({"kind": "petition"}, "kind"),
        ({"consent": ""}, "consent"),
        ({"fin": "12345"}, "fin"),
        ({"phone": "123"}, "phone"),
        ({"email": "", "notify_email": "on"}, "email"),
        ({"phone": "", "notify_sms": "on"}, "phone"),
        ({"text": "x" * 20_001}, "text"),
    ],
)
def test_a_bad_submission_is_refused_with_an_error_and_nothing_is_written(
    visitor: Any, world: Any, change: dict[str, str], field: str, audit_events: Any
) -> None:
    response = visitor.submit(SUBMIT, {**APPEAL, **change})
    assert response.status_code == 422
    html = response.content.decode()
    assert "data-error-summary" in html and f'href="#id_{field}"' in html
    assert 'aria-invalid="true"' in html
    assert Appeal.objects.count() == 0
    assert audit_events("appeals.appeal.registered") == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # a Windows program named as a PDF
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
        ("archive.zip", b"Rar!\x1a\x07\x00" + b"\x00" * 50),
    ],
)
def test_a_disallowed_or_empty_file_is_refused_and_nothing_is_written(
    visitor: Any, world: Any, name: str, content: bytes
) -> None:
    response = visitor.submit(SUBMIT, {**APPEAL, "attachments": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#id_attachments"' in html
    assert Appeal.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(visitor: Any, world: Any, settings: Any) -> None:
    settings.EPROK_PORTAL_MAX_ATTACHMENT_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    response = visitor.submit(SUBMIT, {**APPEAL, "attachments": [SimpleUploadedFile("big.pdf", big)]})
    assert response.status_code == 422
    assert Appeal.objects.count() == 0


def test_too_many_files_are_refused(visitor: Any, world: Any, settings: Any) -> None:
    settings.EPROK_PORTAL_MAX_ATTACHMENTS = 2
    files = [SimpleUploadedFile(f"scan{i}.pdf", PDF) for i in range(3)]
    response = visitor.submit(SUBMIT, {**APPEAL, "attachments": files})
    assert response.status_code == 422
    assert Appeal.objects.count() == 0


def test_a_body_larger_than_any_submission_is_refused_before_it_is_read(
    visitor: Any, world: Any, settings: Any
) -> None:
    settings.EPROK_PORTAL_MAX_ATTACHMENTS = 1
    settings.EPROK_PORTAL_MAX_ATTACHMENT_MB = 1
    response = visitor.post(SUBMIT, APPEAL, CONTENT_LENGTH=str(3 * 1024 * 1024))
    assert response.status_code == 413
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("pow_data", [{}, {"pow_challenge": "forged:sig", "pow_counter": "1"}])
def test_without_a_valid_proof_of_work_nothing_is_written(
    visitor: Any, world: Any, pow_data: dict[str, str], audit_events: Any
) -> None:
    response = visitor.post(SUBMIT, {**APPEAL, **pow_data})
    assert response.status_code == 400
    assert Appeal.objects.count() == 0
    html = response.content.decode()
    assert challenge_in(html)  # a fresh challenge to try again with
    assert "Polis şöbəsi ərizəmi" in html  # what the citizen wrote is kept
    refused = audit_events("portal.pow.refused")
    assert len(refused) == 1 and refused[0].ip is None and refused[0].actor_id is None


def test_the_appeal_form_is_rate_limited_with_a_429_that_says_when(
    visitor: Any, world: Any, settings: Any
) -> None:
    settings.EPROK_PORTAL_RATE_APPEAL = "2/h"
    for _attempt in range(2):
        assert (
            visitor.post(SUBMIT, APPEAL).status_code == 400
        )  # counted, though refused for the missing check
    response = visitor.post(SUBMIT, APPEAL)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "dəqiqə" in html  # "minutes", in Azerbaijani by default
    assert re.search(r"\d{2}:\d{2}", html)


def test_the_429_page_speaks_the_visitors_language(client: Any, world: Any, settings: Any) -> None:
    settings.EPROK_PORTAL_RATE_APPEAL = "1/h"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(SUBMIT, APPEAL, REMOTE_ADDR=CLIENT_IP)
    response = client.post(SUBMIT, APPEAL, REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 429
    assert "Try again in" in response.content.decode()


def test_the_unit_that_receives_portal_appeals_is_a_setting(visitor: Any, world: Any, settings: Any) -> None:
    settings.EPROK_PORTAL_APPEALS_UNIT = "acgd-organisation"
    number, _code = _receipt(visitor.submit(SUBMIT, APPEAL))
    assert Appeal.objects.get(number=number).unit == world.acgd


# --- checking ------------------------------------------------------------------------------------


def _check(visitor: Any, number: str, code: str) -> Any:
    return visitor.submit(STATUS, {"number": number, "code": code})


def _submitted(visitor: Any) -> tuple[str, str]:
    return _receipt(visitor.submit(SUBMIT, APPEAL))


def test_the_citizen_checks_the_status_and_later_reads_the_answer(
    visitor: Any, world: Any, audit_events: Any
) -> None:
    number, code = _submitted(visitor)
    response = _check(visitor, number, code)
    assert response.status_code == 200
    html = response.content.decode()
    assert number in html and 'data-testid="appeal-status"' in html
    assert 'data-testid="appeal-answer"' not in html
    appeal = Appeal.objects.get(number=number)
    from eprok.appeals.services import appeal_route

    appeal_route(
        actor=world.approver,
        appeal=appeal,
        executor_unit=world.documents,
        executor=world.drafter,
        instruction="Baxın və cavab verin.",
    )
    answer(appeal, drafter=world.drafter, approver=world.approver)
    answered = _check(visitor, number, code)
    assert 'data-testid="appeal-answer"' in answered.content.decode()
    assert "Cavab: izah edildi." in answered.content.decode()
    reads = audit_events("portal.appeal.read")
    assert len(reads) == 2 and reads[0].target_id and reads[0].actor_id is None and reads[0].ip is None


def test_lower_case_and_spaces_in_the_code_are_forgiven(visitor: Any, world: Any) -> None:
    number, code = _submitted(visitor)
    assert _check(visitor, number.lower(), " " + code.lower().replace("-", " ") + " ").status_code == 200


def test_a_wrong_code_is_refused_without_saying_which_part_was_wrong(
    visitor: Any, world: Any, audit_events: Any
) -> None:
    number, code = _submitted(visitor)
    wrong_code = _check(visitor, number, "AAAA-BBBB-CCCC")
    wrong_number = _check(visitor, number[:-1] + ("9" if number[-1] != "9" else "8"), code)
    assert wrong_code.status_code == wrong_number.status_code == 422
    message = "Qeydiyyat nömrəsi və ya giriş kodu"
    assert message in wrong_code.content.decode() or "wrong" in wrong_code.content.decode()
    denied = audit_events("portal.status.denied")
    assert len(denied) == 2
    for event in denied:
        assert event.actor_id is None and event.ip is None and event.user_agent == ""
        assert code not in (event.data or "") and CLIENT_IP not in (event.data or "")
    assert denied[0].target_id == number


def test_wrong_codes_lock_the_number_for_a_while(visitor: Any, world: Any, audit_events: Any) -> None:
    number, code = _submitted(visitor)
    responses = [_check(visitor, number, f"WRONG-CODE-{n}") for n in range(3)]
    assert [r.status_code for r in responses] == [422, 422, 429]
    # Even the right code is refused while the lock lasts, and the page says until when.
    locked = _check(visitor, number, code)
    assert locked.status_code == 429
    assert re.search(r"\d{2}:\d{2}", locked.content.decode())
    assert len(audit_events("portal.status.locked")) == 1


def test_a_lock_on_one_number_does_not_stop_others(visitor: Any, world: Any, client: Any) -> None:
    number, _code = _submitted(visitor)
    other_number, other_code = _submitted(visitor)
    for n in range(3):
        _check(visitor, number, f"WRONG-CODE-{n}")
    assert _check(visitor, other_number, other_code).status_code == 200


def test_the_code_never_appears_in_an_address(visitor: Any, world: Any) -> None:
    number, code = _submitted(visitor)
    page = visitor.get(STATUS)
    assert 'method="post"' in page.content.decode()
    response = visitor.client.get(STATUS, {"number": number, "code": code}, REMOTE_ADDR=CLIENT_IP)
    assert number not in response.content.decode()  # a GET with the code in the query shows nothing
