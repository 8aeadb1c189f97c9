"""Deny by default: every URL of the project, walked from the URL configuration, refuses anonymous use.

New URLs are covered without editing this test; a page meant to be public must be added to PUBLIC
on purpose. Real object keys are used, so a refusal is never just "no such object".
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from eprok.accounts.models import ApiToken
from eprok.audit.services import audit_record
from eprok.notifications.services import notification_send
from eprok.org.models import RoleAssignment

# Pages anyone may open: signing in and recovering access, the health check, the language switch.
PUBLIC = {
    "healthz",
    "help",  # only the sign-in guide is public; others redirect (checked below)
    "login",
    "login_totp",  # without a pending sign-in it sends the visitor back to the login page
    "password_reset",
    "password_reset_sent",
    "password_reset_complete",
    "password_reset_confirm",
    "set_language",
    "javascript-catalog",
    "openapi-json",
    "api-root",
    "unknown-path",
    # The public portal (eprok/portal): citizens and anonymous reporters, no account; its own tests
    # check that it reaches no staff page and that its conversation page needs the receipt code.
    "portal_home",
    "portal_help",
    "portal_appeal_submit",
    "portal_appeal_status",
    "portal_report_submit",
    "portal_conversation_open",
    "portal_conversation",
    "portal_conversation_close",
    # Verification of signed documents by the code printed on them (eprok/portal/views/verify.py):
    # checksum, kind, unit and signers only, never the content; rate limited. The CA's CRL is public.
    "portal_verify",
    "portal_verify_code",
    "portal_verify_crl",
    "signing_public_verify",  # the same through the API: GET /api/v1/signing/public/verify/{code}
    # The state prosecutor's hearings as iCalendar for a calendar program (eprok/courtwork): no session, the
    # secret token in the address is the key; an unknown token is 404 (eprok/courtwork/tests/test_ical.py).
    "calendar_feed",
    # eprok's inbound X-Road services (eprok/gateway/inbound.py): called by the security server, not by a
    # person; only members on the allow-list are served, anyone else gets 403 (gateway/tests/test_inbound.py).
    "xroad_inbound",
    # Open data (eprok/stats/views_open.py, api_open.py): aggregate statistics for the public, small counts
    # suppressed (eprok/stats/tests/test_opendata.py).
    "open_data_index",
    "open_data_schema",
    "open_data_table",
    "open_data_csv",
    "open_data_json",
    "open_data_years",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


ROUTES = sorted(set(_walk(get_resolver().url_patterns)))


@pytest.fixture
def keys(personas):
    audit_event = audit_record(actor=personas.admin, action="test.event", target=personas.unit)
    note = notification_send(recipient=personas.investigator, title="Test", actor=None)
    token = ApiToken.objects.create(
        owner=personas.investigator, name="t", prefix="abcdef012345", key_hash="0" * 64
    )
    return {
        "code": personas.unit.code,
        "slug": "shell",
        "public_id": str(personas.investigator.public_id),
        "pk": str(RoleAssignment.objects.filter(employee=personas.investigator).get().pk),
        "event_id": str(audit_event.pk),
        "id": str(note.public_id),
        "prefix": token.prefix,
        "number": "120",
        "tab": "parties",
        "party_id": "1",
        "callback_id": "1",  # the call centre's API (eprok/contact)
        "request_id": "1",
        "uidb64": "MQ",
        "token": "set-password",
        "owner_type": "cases.case",  # documents panels and drafting's generate page
        "key": "CI-1",
        # Distance learning and training (eprok/learning, eprok/training): banks, questions, lessons by id.
        "bank_id": "1",
        "question_id": "1",
        "lesson_id": "1",
        "invitation_id": "1",
        "fmt": "xlsx",
        "table": "events",
        # Issue 8: register look-ups by key (one or several joined by dots), supervised cases' acts and
        # violations by id.
        "lookup_id": "0" * 32,
        "act_id": "1",
        "violation_id": "1",
        # Issue 9: related proceedings by record type and number; open data by year and measure.
        "label": "cases.case",
        "year": "2024",
        "measure": "crimes-registered",
    }


def _fill(route: str, keys: dict[str, str]) -> str:
    if "^(?P<" in route:  # a regular-expression route: its one named group, then the literal tail
        # (the register browser's look-up keys: 32 hex digits, several joined by dots)
        prefix, rest = route.split("^", 1)
        assert re.match(r"\(\?P<keys?>", rest), route
        return "/" + prefix + "0" * 32 + rest.rstrip("$")[rest.rstrip("$").rfind(")") + 1 :]
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: keys[m.group(1)], route)
    return "/" + path.replace("^.*$", "no-such-operation")


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[r[1] or r[0] for r in ROUTES])
def test_anonymous_visitors_are_refused_everywhere_but_the_public_pages(client, keys, route, name):
    if name in PUBLIC:
        return
    path = _fill(route, keys)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if path.startswith("/api/"):
            assert response.status_code in {401, 405}, f"{method.upper()} {path}: {response.status_code}"
            if response.status_code == 401:
                assert response.json()["code"] == "unauthenticated"
        else:
            assert response.status_code in {302, 401, 403, 405}, (
                f"{method.upper()} {path}: {response.status_code}"
            )
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), (
                    f"{path} -> {response['Location']}"
                )


def test_only_the_sign_in_and_open_data_guides_are_public(client, db):
    assert client.get("/help/sign-in/").status_code == 200
    assert client.get("/help/open-data/").status_code == 200
    response = client.get("/help/shell/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_public_list_names_only_existing_routes():
    names = {name for _route, name in ROUTES}
    assert names >= PUBLIC
