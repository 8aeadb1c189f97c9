"""Personal API tokens on the security page: create (shown once), list, revoke; only the owner."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from eprok.accounts import services
from eprok.accounts.models import ApiToken
from eprok.accounts.tokens import authenticate_token, hash_secret
from eprok.core.testing.access_matrix import assert_access_matrix

SECURITY = "/accounts/security/"
HTMX = {"HX-Request": "true"}


def _token(owner, name="export", scopes=("read",), expires_at=None):
    return services.api_token_create(
        owner=owner, name=name, scopes=list(scopes), expires_at=expires_at, actor=owner
    )


def test_the_security_page_shows_two_factor_status_and_tokens(
    client, personas, signed_in, with_device, django_assert_max_num_queries
):
    with_device(personas.investigator)
    for n in range(3):
        _token(personas.investigator, name=f"token {n}")
    signed_in(personas.investigator)

    with django_assert_max_num_queries(12):
        response = client.get(SECURITY)

    assert response.status_code == 200
    assert response.context["help_page"] == "sign-in"
    assert b"token 2" in response.content
    assert response.context["device"] is not None
    assert b"/accounts/password/change/" in response.content


def test_the_security_page_is_for_signed_in_employees_only(client, personas):
    assert_access_matrix(
        client,
        personas,
        SECURITY,
        {
            "anonymous": 302,
            "outsider": 200,
            "colleague": 200,
            "investigator": 200,
            "superior": 200,
            "admin": 200,
        },
    )


def test_it_creates_a_token_and_shows_it_once(client, personas, signed_in, audit_events):
    signed_in(personas.investigator)

    response = client.post(
        "/accounts/security/tokens/",
        {"name": "statistics export", "scopes": ["read", "audit:read"]},
        headers=HTMX,
    )

    assert response.status_code == 200
    raw = response.context["new_token"]["raw"]
    assert raw.encode() in response.content
    token = ApiToken.objects.get(owner=personas.investigator)
    assert token.scopes == ["audit:read", "read"]
    assert token.key_hash == hash_secret(raw.split("_", 2)[2])
    assert raw not in token.key_hash
    assert authenticate_token(raw) == token
    # Shown once: the page never shows it again.
    assert raw.encode() not in client.get(SECURITY).content
    [event] = audit_events("accounts.token.created")
    assert raw not in (event.data or "")


def test_it_sets_the_expiry_at_the_end_of_the_chosen_day(client, personas, signed_in):
    signed_in(personas.investigator)
    day = timezone.localdate() + dt.timedelta(days=10)

    client.post(
        "/accounts/security/tokens/", {"name": "short", "scopes": ["read"], "expires_on": day.isoformat()}
    )

    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == day + dt.timedelta(days=1)
    assert timezone.localtime(token.expires_at).time() == dt.time.min


def test_it_refuses_a_token_without_scopes_or_with_a_past_expiry(client, personas, signed_in, audit_events):
    signed_in(personas.investigator)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    no_scope = client.post("/accounts/security/tokens/", {"name": "x"})
    past = client.post(
        "/accounts/security/tokens/", {"name": "x", "scopes": ["read"], "expires_on": yesterday}
    )
    unknown = client.post("/accounts/security/tokens/", {"name": "x", "scopes": ["admin"]})

    assert no_scope.status_code == past.status_code == unknown.status_code == 422
    assert not ApiToken.objects.exists()
    assert audit_events("accounts.token.created") == []


def test_it_revokes_a_token_with_htmx(client, personas, signed_in, audit_events):
    token, raw = _token(personas.investigator)
    signed_in(personas.investigator)

    response = client.post(f"/accounts/security/tokens/{token.prefix}/revoke/", headers=HTMX)

    assert response.status_code == 200
    assert b"Revoked" in response.content
    assert response.content.lstrip().startswith(b"<tr")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert authenticate_token(raw) is None
    assert len(audit_events("accounts.token.revoked")) == 1


def test_it_revokes_a_token_without_javascript_too(client, personas, signed_in):
    token, _raw = _token(personas.investigator)
    signed_in(personas.investigator)

    response = client.post(f"/accounts/security/tokens/{token.prefix}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == SECURITY


def test_only_the_owner_can_revoke_a_token(client, personas, audit_events):
    token, _raw = _token(personas.investigator)

    assert_access_matrix(
        client,
        personas,
        f"/accounts/security/tokens/{token.prefix}/revoke/",
        {
            "anonymous": 302,
            "outsider": 404,
            "colleague": 404,
            "superior": 404,
            "admin": 404,
            "investigator": 200,
        },
        method="post",
        headers=HTMX,
    )
    assert len(audit_events("access.denied")) == 4
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_is_post_only(client, personas, signed_in):
    token, _raw = _token(personas.investigator)
    signed_in(personas.investigator)
    assert client.get(f"/accounts/security/tokens/{token.prefix}/revoke/").status_code == 405


def test_it_refuses_an_expiry_too_far_ahead(client, personas, signed_in):
    signed_in(personas.investigator)

    response = client.post(
        "/accounts/security/tokens/", {"name": "forever", "scopes": ["read"], "expires_on": "9999-12-31"}
    )

    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_a_malformed_prefix_is_not_found(client, personas, signed_in):
    signed_in(personas.investigator)
    assert client.post("/accounts/security/tokens/NOT-A-PREFIX/revoke/").status_code == 404
