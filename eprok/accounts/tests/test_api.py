"""GET /api/v1/me and the tokens API: scopes, revoked and expired tokens, the error format."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from eprok.accounts import services
from eprok.accounts.models import ApiToken
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token


def test_me_describes_the_token_owner(client, personas, django_assert_max_num_queries):
    token = make_token(personas.investigator, scopes=["read"])

    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/me", headers=bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "investigator"
    assert body["public_id"] == str(personas.investigator.public_id)
    assert body["full_name"] == personas.investigator.full_name
    # The test client asks for English pages (see conftest), and names follow the language.
    assert body["unit"] == {"code": "baku-xetai", "name": personas.unit.name_en or personas.unit.name_az}
    assert body["roles"] == [
        {"role": "investigate", "unit_code": "baku-xetai", "include_subunits": False, "valid_to": None}
    ]
    assert body["language"] == "az"
    assert body["auth"] == "token"
    assert body["scopes"] == ["read"]


def test_me_works_with_the_browser_session(client, personas, signed_in):
    signed_in(personas.superior)

    body = client.get("/api/v1/me").json()

    assert body["auth"] == "session"
    assert body["roles"][0]["include_subunits"] is True


def test_me_refuses_a_revoked_token_in_the_error_format(client, personas):
    raw = make_token(personas.investigator)
    services.api_token_revoke(token=ApiToken.objects.get(), actor=personas.investigator)

    response = client.get("/api/v1/me", headers=bearer(raw))

    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}
    assert response.json()["code"] == "unauthenticated"


def test_me_refuses_an_expired_token(client, personas):
    raw = make_token(personas.investigator, expires_at=timezone.now() - dt.timedelta(minutes=1))

    response = client.get("/api/v1/me", headers=bearer(raw))

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_me_refuses_a_token_without_the_read_scope(client, personas):
    raw = make_token(personas.investigator, scopes=["audit:read"])

    response = client.get("/api/v1/me", headers=bearer(raw))

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert response.json()["details"] == {"required_scope": "read"}


def test_me_access_matrix(client, personas):
    assert_access_matrix(
        client,
        personas,
        "/api/v1/me",
        {"anonymous": 401, "outsider": 200, "colleague": 200, "investigator": 200, "superior": 200},
    )


def test_the_tokens_api_creates_lists_and_revokes_the_callers_tokens(client, personas, audit_events):
    raw = make_token(personas.investigator, scopes=["read", "write"])

    created = client.post(
        "/api/v1/tokens",
        {"name": "ci", "scopes": ["read"]},
        content_type="application/json",
        headers=bearer(raw),
    )
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith(f"epk_{new['prefix']}_")
    assert new["status"] == "active"

    listing = client.get("/api/v1/tokens", headers=bearer(raw)).json()
    assert listing["count"] == 2
    assert "token" not in listing["items"][0]

    revoked = client.post(f"/api/v1/tokens/{new['prefix']}/revoke", headers=bearer(raw))
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert len(audit_events("accounts.token.created")) == 1
    assert len(audit_events("accounts.token.revoked")) == 1


def test_a_token_cannot_mint_a_token_with_more_scopes(client, personas):
    raw = make_token(personas.investigator, scopes=["read", "write"])

    response = client.post(
        "/api/v1/tokens",
        {"name": "x", "scopes": ["audit:read"]},
        content_type="application/json",
        headers=bearer(raw),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_a_read_only_token_cannot_create_tokens(client, personas):
    raw = make_token(personas.investigator, scopes=["read"])

    response = client.post(
        "/api/v1/tokens",
        {"name": "x", "scopes": ["read"]},
        content_type="application/json",
        headers=bearer(raw),
    )

    assert response.status_code == 403


def test_the_tokens_api_refuses_bad_bodies_with_422(client, personas):
    raw = make_token(personas.investigator)
    for body in (
        {},
        {"name": "", "scopes": ["read"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["root"]},
    ):
        response = client.post("/api/v1/tokens", body, content_type="application/json", headers=bearer(raw))
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"


def test_the_tokens_api_refuses_a_past_expiry(client, personas):
    raw = make_token(personas.investigator)
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()

    response = client.post(
        "/api/v1/tokens",
        {"name": "x", "scopes": ["read"], "expires_at": past},
        content_type="application/json",
        headers=bearer(raw),
    )

    assert response.status_code == 422


def test_nobody_revokes_another_employees_token_through_the_api(client, personas):
    owner_raw = make_token(personas.investigator)
    prefix = owner_raw.split("_")[1]
    other = make_token(personas.admin)

    response = client.post(f"/api/v1/tokens/{prefix}/revoke", headers=bearer(other))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_tokens_api_refuses_names_with_control_characters_and_far_expiry(client, personas):
    raw = make_token(personas.investigator)
    far = (timezone.now() + dt.timedelta(days=6 * 365)).isoformat()
    for body in (
        {"name": "a\x00b", "scopes": ["read"]},
        {"name": "x", "scopes": ["read"], "expires_at": far},
    ):
        response = client.post("/api/v1/tokens", body, content_type="application/json", headers=bearer(raw))
        assert response.status_code == 422, body
    assert client.post("/api/v1/tokens/%00zz/revoke", headers=bearer(raw)).status_code == 404
