"""GET /api/v1/search: the access matrix, the body, filters, errors and the audit."""

from __future__ import annotations

import pytest

from eprok.core.testing.api import bearer, make_token

URL = "/api/v1/search"


def get(client, user, **params):
    headers = bearer(make_token(user)) if user is not None else {}
    return client.get(URL, params, headers=headers)


def test_a_token_is_required(client, people):
    response = get(client, None, q="qızıl")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_results_count_only_what_the_caller_may_open(client, people, corpus):
    body = get(client, people.investigator, q="qızıl").json()
    assert body["count"] == 2 and body["capped"] is False and body["offset"] == 0
    assert {(i["type"], i["key"]) for i in body["items"]} == {
        ("cases.case", corpus.case.number),
        ("materials.material", corpus.material.number),
    }
    assert {f["value"]: f["count"] for f in body["facets"]["type"]} == {
        "cases.case": 1,
        "materials.material": 1,
    }
    outsider = get(client, people.outsider, q="qızıl").json()
    assert outsider["count"] == 1
    assert [i["key"] for i in outsider["items"]] == [corpus.other_material.number]
    colleague = get(client, people.colleague, q="qızıl").json()
    assert colleague["count"] == 0 and colleague["items"] == []


def test_items_carry_marked_snippets_and_links(client, people, corpus):
    body = get(client, people.investigator, q="Гусейнов", type="documents.document").json()
    (item,) = body["items"]
    assert item["url"] == f"/documents/{corpus.document.public_id}/"
    assert "<mark>Гусейнова</mark>" in item["snippet_html"]
    assert body["count"] == 1


def test_filters_and_the_shared_pagination(client, people, corpus):
    first = get(client, people.investigator, q="qızıl", limit=1).json()
    second = get(client, people.investigator, q="qızıl", limit=1, offset=1).json()
    assert first["count"] == second["count"] == 2
    assert first["items"][0]["key"] != second["items"][0]["key"]
    assert get(client, people.investigator, q="qızıl", article="178").json()["count"] == 0
    assert get(client, people.investigator, q="qızıl", unit="baku-xetai").json()["count"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"type": "auth.user"}, "type"),
        ({"article": "x1"}, "article"),
        ({"unit": "nowhere"}, "unit"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
    ],
)
def test_bad_parameters_answer_422_naming_the_field(client, people, params, field):
    response = get(client, people.investigator, q="qızıl", **params)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "validation_error" and field in error["details"]


def test_each_call_is_audited(client, people, corpus, audit_events):
    get(client, people.investigator, q="5ZK8P2M")
    (event,) = audit_events("search.query.read")
    assert '"channel":"api"' in event.data.replace(" ", "") and "5ZK8P2M" not in event.data
