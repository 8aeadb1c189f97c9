"""The API's conventions: one error format, authentication, the OpenAPI description, pagination."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from eprok.accounts.models import ApiToken
from eprok.core.pagination import paginate
from eprok.core.testing.api import bearer, make_token
from eprok.org.models import Unit

PROBE = pytest.mark.urls("eprok.core.tests.probe_urls")


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.fixture
def token(personas) -> str:
    return make_token(personas.investigator)


# --- authentication ---------------------------------------------------------------------------


def test_it_refuses_an_anonymous_caller_with_401(client, db):
    response = client.get("/api/v1/me")

    assert_error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_accepts_a_valid_token_and_reports_its_scopes(client, personas):
    token = make_token(personas.investigator, scopes=["read"])

    response = client.get("/api/v1/me", headers=bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "investigator"
    assert body["auth"] == "token"
    assert body["scopes"] == ["read"]
    assert body["unit"]["code"] == "baku-xetai"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer epk_nope_nope",
        "Bearer not-a-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "epk_abc_def",
    ],
)
def test_it_refuses_a_bad_token_with_401(client, personas, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})

    assert_error(response, 401, "unauthenticated")


def test_it_refuses_a_token_with_a_wrong_secret(client, personas, token):
    mark, prefix, _secret = token.split("_", 2)

    response = client.get("/api/v1/me", headers=bearer(f"{mark}_{prefix}_{'x' * 43}"))

    assert_error(response, 401, "unauthenticated")


def test_it_refuses_revoked_and_expired_tokens(client, personas):
    revoked = make_token(personas.investigator, revoked_at=timezone.now())
    expired = make_token(personas.investigator, expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert_error(client.get("/api/v1/me", headers=bearer(revoked)), 401, "unauthenticated")
    assert_error(client.get("/api/v1/me", headers=bearer(expired)), 401, "unauthenticated")


def test_it_refuses_the_token_of_a_deactivated_employee(client, personas, token):
    personas.investigator.is_active = False
    personas.investigator.save(update_fields=["is_active"])

    assert_error(client.get("/api/v1/me", headers=bearer(token)), 401, "unauthenticated")


def test_it_records_when_a_token_was_last_used(client, personas, token):
    client.get("/api/v1/me", headers=bearer(token))

    assert ApiToken.objects.get().last_used_at is not None


def test_it_accepts_a_session_only_after_the_second_factor(client, personas, signed_in):
    client.force_login(personas.investigator)
    assert_error(client.get("/api/v1/me"), 401, "unauthenticated")

    signed_in(personas.investigator)
    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["auth"] == "session"


@PROBE
def test_it_refuses_an_unsafe_session_request_without_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.investigator)
    session = client.session
    session["eprok_2fa_verified"] = True
    session.save()

    response = client.post("/probe/v1/echo", data={"name": "x"}, content_type="application/json")

    assert_error(response, 403, "csrf_failed")


@PROBE
def test_a_bad_token_on_an_unsafe_request_is_401_not_a_csrf_failure(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/probe/v1/echo", data={"name": "x"}, content_type="application/json", headers=bearer("epk_a_b")
    )

    assert_error(response, 401, "unauthenticated")


@PROBE
def test_it_refuses_a_token_without_the_needed_scope_with_403(client, personas):
    token = make_token(personas.investigator, scopes=["read"])

    body = assert_error(client.get("/probe/v1/scoped", headers=bearer(token)), 403, "insufficient_scope")

    assert body["details"] == {"required_scope": "write"}


@PROBE
def test_a_session_carries_every_scope(client, personas, signed_in):
    signed_in(personas.investigator)

    assert client.get("/probe/v1/scoped").status_code == 200


# --- the error format ---------------------------------------------------------------------------


@PROBE
@pytest.mark.parametrize("body", ["{not json", '{"name": ', "\x00\xff", "[1, 2"])
def test_it_answers_a_malformed_json_body_in_the_error_format(client, personas, token, body):
    response = client.post(
        "/probe/v1/echo", data=body, content_type="application/json", headers=bearer(token)
    )

    assert_error(response, 400, "bad_request")


@PROBE
@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x", "count": 0}, [], "text", {"name": ["a"]}])
def test_it_answers_invalid_fields_with_validation_error(client, personas, token, body):
    response = client.post(
        "/probe/v1/echo", data=json.dumps(body), content_type="application/json", headers=bearer(token)
    )

    result = assert_error(response, 422, "validation_error")
    assert result["details"]["errors"]
    assert all({"loc", "msg", "type"} <= set(error) for error in result["details"]["errors"])


@PROBE
def test_it_accepts_a_valid_body(client, personas, token):
    response = client.post(
        "/probe/v1/echo",
        data={"name": "Rəşad", "count": 2},
        content_type="application/json",
        headers=bearer(token),
    )

    assert response.status_code == 200
    assert response.json() == {"name": "Rəşad", "count": 2}


@PROBE
def test_it_maps_an_application_error_to_its_status_and_code(client, personas, token):
    assert_error(client.post("/probe/v1/conflict", headers=bearer(token)), 409, "conflict")


@PROBE
def test_it_answers_an_unexpected_failure_with_500_without_its_details(client, personas, token, caplog):
    response = client.get("/probe/v1/boom", headers=bearer(token))

    body = assert_error(response, 500, "server_error")
    assert "unexpected failure" not in json.dumps(body)
    assert "an unexpected failure" in caplog.text


def test_it_answers_an_unknown_api_path_in_the_error_format(client, db):
    assert_error(client.get("/api/v1/no/such/thing"), 404, "not_found")
    assert_error(client.post("/api/v1/nothing-here"), 404, "not_found")


def test_it_answers_a_refused_method_in_the_error_format(client, personas, token):
    response = client.delete("/api/v1/me", headers=bearer(token))

    body = assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    assert body["details"]["allowed_methods"] == ["GET"]


def test_it_translates_error_messages_but_not_codes(client, db):
    english = client.get("/api/v1/me", headers={"Accept-Language": "en"}).json()
    azerbaijani = client.get("/api/v1/me", headers={"Accept-Language": "az"}).json()
    with translation.override("az"):
        expected = gettext("Authentication is required: send a valid API token.")

    assert english["message"] == "Authentication is required: send a valid API token."
    assert azerbaijani["message"] == expected != english["message"]
    assert azerbaijani["code"] == english["code"] == "unauthenticated"


def test_the_api_root_says_where_the_description_is(client, db):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json()["openapi"] == "/api/v1/openapi.json"


# --- request id ---------------------------------------------------------------------------------


def test_every_api_response_carries_a_request_id(client, personas, token):
    for response in (
        client.get("/api/v1/me", headers=bearer(token)),
        client.get("/api/v1/me"),
        client.get("/api/v1/x"),
    ):
        assert len(response["X-Request-Id"]) >= 8


def test_it_keeps_a_well_formed_request_id_from_the_caller(client, personas, token):
    headers = {**bearer(token), "X-Request-Id": "abcdef12-3456-7890"}

    assert client.get("/api/v1/me", headers=headers)["X-Request-Id"] == "abcdef12-3456-7890"


def test_it_replaces_a_malformed_request_id(client, db):
    response = client.get("/api/v1/me", headers={"X-Request-Id": "<script>"})

    assert response["X-Request-Id"] != "<script>"


# --- OpenAPI ------------------------------------------------------------------------------------


@pytest.fixture
def openapi(client, db) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_openapi_description_is_served_and_names_the_bearer_scheme(openapi):
    assert openapi["openapi"].startswith("3.")
    schemes = openapi["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"


# Operations the public may call without any credential: the verification of a signed document by the code
# printed under its QR code (rate limited like the portal's pages), and open data (aggregate statistics with
# small counts suppressed, frozen per year and publicly cacheable; eprok/stats/tests/test_opendata.py).
PUBLIC_OPERATIONS = {
    ("get", "/api/v1/signing/public/verify/{code}"),
    ("get", "/api/v1/stats/open-data/years"),
    ("get", "/api/v1/stats/open-data/{year}/{measure}"),
}


def test_every_operation_is_secured_and_documents_its_errors(openapi):
    operations = [
        (path, method, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations
    error_ref = "#/components/schemas/ErrorOut"
    for path, method, operation in operations:
        public = (method, path) in PUBLIC_OPERATIONS
        assert public or operation.get("security"), f"{method.upper()} {path} has no security"
        assert operation.get("operationId"), f"{method.upper()} {path} has no operationId"
        for status in ("404", "422") if public else ("401", "403", "404", "422"):
            response = operation["responses"].get(status) or operation["responses"].get(int(status))
            assert response, f"{method.upper()} {path} does not document {status}"
            assert response["content"]["application/json"]["schema"]["$ref"] == error_ref


def test_the_openapi_description_is_valid(openapi):
    schemathesis = pytest.importorskip("schemathesis")
    from config.wsgi import application

    schema = schemathesis.openapi.from_dict(openapi)
    schema.app = application
    assert list(schema.get_all_operations())


@PROBE
def test_error_responses_are_documented_with_the_error_schema_for_probe_operations(client, db):
    spec = client.get("/probe/v1/openapi.json").json()
    echo = spec["paths"]["/probe/v1/echo"]["post"]["responses"]

    assert {"200", "400", "401", "403", "404", "409", "422"} <= {str(key) for key in echo}
    assert "Page_UnitOut_" in spec["components"]["schemas"]


# --- pagination ---------------------------------------------------------------------------------


def test_paginate_returns_one_window_and_the_total_in_two_queries(personas, django_assert_num_queries):
    with django_assert_num_queries(2):
        page = paginate(Unit.objects.order_by("code"), limit=2, offset=1)

    assert [unit.code for unit in page["items"]] == ["baku-nesimi", "baku-xetai"]
    assert (page["count"], page["limit"], page["offset"]) == (4, 2, 1)


def test_paginate_clamps_what_a_caller_could_not_ask_for_through_the_api(personas):
    page = paginate(Unit.objects.all(), limit=10_000, offset=-5, max_limit=3)

    assert (page["limit"], page["offset"], len(page["items"])) == (3, 0, 3)


def test_paginate_skips_the_window_query_past_the_end(personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = paginate(Unit.objects.order_by("code"), limit=10, offset=50)

    assert page["items"] == [] and page["count"] == 4


def test_paginate_pages_a_plain_list():
    assert paginate(list(range(7)), limit=3, offset=6) == {"items": [6], "count": 7, "limit": 3, "offset": 6}


@PROBE
def test_a_paged_operation_answers_the_page_shape(client, personas, token, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/probe/v1/units?limit=2&offset=2", headers=bearer(token))

    assert response.status_code == 200
    assert response.json() == {
        "items": [{"code": "baku-xetai"}, {"code": "gpo"}],
        "count": 4,
        "limit": 2,
        "offset": 2,
    }


@PROBE
def test_a_paged_operation_defaults_to_50_from_the_start(client, personas, token):
    body = client.get("/probe/v1/units", headers=bearer(token)).json()

    assert (body["limit"], body["offset"], body["count"]) == (50, 0, 4)


@PROBE
@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=abc"])
def test_a_paged_operation_refuses_a_window_out_of_range(client, personas, token, query):
    body = assert_error(
        client.get(f"/probe/v1/units?{query}", headers=bearer(token)), 422, "validation_error"
    )

    assert body["details"]["errors"][0]["loc"][0] == "query"


def test_a_nul_character_in_the_body_or_the_query_is_a_clear_422(client, personas):
    from eprok.core.testing.api import bearer, make_token

    headers = bearer(make_token(personas.investigator))
    response = client.post(
        "/api/v1/materials",
        data={"unit": "x", "summary": "a\x00b"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {"loc": ["body", "summary"], "type": "value_error"}.items() <= body["details"]["errors"][0].items()
    listed = client.get("/api/v1/materials", {"q": "a\x00"}, headers=headers)
    assert listed.status_code == 422 and listed.json()["details"]["errors"][0]["loc"] == ["query", "q"]


def test_the_version_comes_from_the_body_else_from_if_match():
    from django.test import RequestFactory

    from eprok.core.errors import ValidationFailed
    from eprok.core.locking import expected_version

    factory = RequestFactory()
    assert expected_version(factory.post("/", headers={"If-Match": 'W/"7"'}), 3) == 3
    assert expected_version(factory.post("/", headers={"If-Match": 'W/"7"'}), None) == 7
    assert expected_version(factory.post("/", headers={"If-Match": '"7"'}), None) == 7
    assert expected_version(factory.post("/"), None) is None
    with pytest.raises(ValidationFailed):
        expected_version(factory.post("/", headers={"If-Match": "*"}), None)
