"""The Criminal Code pages and API: access, search, versions, pagination and query ceilings."""

from __future__ import annotations

import datetime as dt

import pytest

from eprok.accounts.models import ApiToken
from eprok.accounts.tokens import hash_secret, new_token_material
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.criminal_code.models import Article

pytestmark = pytest.mark.django_db


def bearer(user, scopes=("read",)) -> dict[str, str]:
    prefix, secret, raw = new_token_material()
    ApiToken.objects.create(
        owner=user, name="test", prefix=prefix, key_hash=hash_secret(secret), scopes=list(scopes)
    )
    return {"Authorization": f"Bearer {raw}"}


def test_every_signed_in_employee_reads_the_catalogue_and_anonymous_visitors_sign_in(client, personas):
    for url in ("/criminal-code/", "/criminal-code/177/"):
        assert_access_matrix(
            client, personas, url, {"anonymous": 302, "outsider": 200, "investigator": 200, "admin": 200}
        )
    assert client.get("/criminal-code/").status_code == 302


def test_the_list_is_searched_and_paginated_within_a_query_ceiling(
    client, signed_in, personas, django_assert_max_num_queries
):
    browser = signed_in(personas.investigator)
    browser.cookies["eprok_language"] = "az"
    # The page frame (session, user, roles, unread count, session save) costs 7; the list itself 2.
    with django_assert_max_num_queries(9):
        page = browser.get("/criminal-code/", {"page": 2})
    assert page.status_code == 200
    assert "331" in page.content.decode()
    assert "Cinayət Məcəlləsi" in page.content.decode() and "az ağır" in page.content.decode()
    with django_assert_max_num_queries(9):
        found = browser.get("/criminal-code/", {"q": "OĞURLUQ"}, headers={"HX-Request": "true"})
    body = found.content.decode()
    assert "Oğurluq" in body and "/criminal-code/177/" in body and "<h1>" not in body


def test_the_list_is_filtered_by_chapter_and_gravity(client, signed_in, personas):
    browser = signed_in(personas.investigator)
    body = browser.get("/criminal-code/", {"chapter": 16, "category": 4}).content.decode()
    assert "/criminal-code/103/" in body and "/criminal-code/177/" not in body


def test_an_article_shows_its_versions(client, signed_in, personas):
    old = Article.objects.get(number="177")
    Article.objects.filter(pk=old.pk).update(valid_to=dt.date(2025, 6, 30))
    Article.objects.create(
        number="177",
        title_az="Oğurluq",
        title_en="Theft",
        chapter=23,
        section="IX",
        category=2,
        max_prison_years=3,
        valid_from=dt.date(2025, 7, 1),
    )
    browser = signed_in(personas.investigator)
    body = browser.get("/criminal-code/177/").content.decode()
    assert "01.09.2000" in body and "30.06.2025" in body and "01.07.2025" in body
    assert browser.get("/criminal-code/999/").status_code == 404


def test_the_api_lists_articles_in_pages_with_filters(client, personas, django_assert_max_num_queries):
    headers = bearer(personas.outsider)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/criminal-code/articles", {"limit": 200}, headers=headers).json()
    assert body["count"] == 331 and len(body["items"]) == 200
    assert body["items"][0]["number"] == "100"
    found = client.get("/api/v1/criminal-code/articles", {"q": "oğurluq"}, headers=headers).json()
    assert [item["number"] for item in found["items"]] == ["177"]
    assert found["items"][0]["category"] == 2 and found["items"][0]["category_label"] == "az ağır"
    english = {**headers, "Accept-Language": "en"}
    theft = client.get("/api/v1/criminal-code/articles", {"q": "177"}, headers=english).json()["items"][0]
    assert theft["category_label"] == "less grave" and theft["title"] == "Theft"
    before = client.get("/api/v1/criminal-code/articles", {"on": "1999-01-01"}, headers=headers).json()
    assert before["count"] == 0
    bad = client.get("/api/v1/criminal-code/articles", {"category": 9}, headers=headers)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


def test_the_api_reads_one_article_and_answers_a_missing_one_in_the_error_format(client, personas):
    headers = bearer(personas.outsider)
    article = client.get("/api/v1/criminal-code/articles/144-1", headers=headers).json()
    assert article["number"] == "144-1" and article["valid_from"] == "2000-09-01"
    missing = client.get("/api/v1/criminal-code/articles/999", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found" and set(missing.json()) == {"code", "message", "details"}
    early = client.get("/api/v1/criminal-code/articles/177", {"on": "1999-01-01"}, headers=headers)
    assert early.status_code == 404


def test_the_api_needs_a_token_with_the_read_scope(client, personas):
    assert client.get("/api/v1/criminal-code/articles").status_code == 401
    refused = client.get(
        "/api/v1/criminal-code/articles", headers=bearer(personas.outsider, scopes=("write",))
    )
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
