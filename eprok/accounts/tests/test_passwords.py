"""Password change and reset by e-mail."""

from __future__ import annotations

import re

from django.core import mail

from eprok.accounts import services
from eprok.core.testing.personas import PASSWORD

NEW = "a-new-and-long-passphrase-42"


def _reset_path(message) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/\S+)", str(message.body))
    assert match is not None
    return match.group(1)


def test_it_changes_the_password_of_the_signed_in_employee(client, personas, signed_in, audit_events):
    signed_in(personas.colleague)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/security/"
    personas.colleague.refresh_from_db()
    assert personas.colleague.check_password(NEW)
    # The session survives the change (its auth hash is updated).
    assert client.get("/accounts/security/").status_code == 200
    [event] = audit_events("accounts.password.changed")
    assert NEW not in (event.data or "")


def test_it_refuses_a_weak_new_password_or_a_wrong_old_one(client, personas, signed_in, audit_events):
    signed_in(personas.colleague)

    weak = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    wrong_old = client.post(
        "/accounts/password/change/", {"old_password": "nope", "new_password1": NEW, "new_password2": NEW}
    )

    assert weak.status_code == wrong_old.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    assert wrong_old.context["form"].errors["old_password"]
    assert audit_events("accounts.password.changed") == []


def test_it_mails_a_reset_link_that_sets_a_new_password(
    client, personas, audit_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": personas.colleague.email})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    [message] = mail.outbox
    assert message.to == [personas.colleague.email]
    assert "set a new password" in message.subject
    [event] = audit_events("accounts.password.reset_requested")
    assert event.target_id == str(personas.colleague.public_id)

    link = _reset_path(message)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/done/"
    personas.colleague.refresh_from_db()
    assert personas.colleague.check_password(NEW)
    [changed] = audit_events("accounts.password.changed")
    assert '"via":"reset"' in changed.data


def test_the_reset_mail_follows_the_language_of_the_page(
    client, personas, django_capture_on_commit_callbacks
):
    client.cookies.pop("eprok_language", None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": personas.colleague.email})
    [message] = mail.outbox
    assert "Salam" in message.body


def test_it_answers_the_same_for_an_unknown_address_and_sends_nothing(client, db, audit_events):
    response = client.post("/accounts/password/reset/", {"email": "nobody@prokurorluq.test"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []
    [event] = audit_events("accounts.password.reset_requested")
    assert '"sent":false' in event.data


def test_password_reset_request_service_counts_recipients(personas, audit_events):
    assert services.password_reset_request(email=personas.colleague.email.upper(), base_url="http://x/") == 1
    assert len(audit_events("accounts.password.reset_requested")) == 1


def test_a_used_reset_link_no_longer_works(client, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": personas.colleague.email})
    link = _reset_path(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
