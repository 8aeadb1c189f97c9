"""The search page and the header box: sign-in, results with marks and facets, errors, the audit."""

from __future__ import annotations

import json

import pytest

from eprok.core.testing.access_matrix import login_as

URL = "/search/"


def test_signing_in_is_required(client, people):
    response = client.get(URL, {"q": "qızıl"})
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_header_box_is_shown_to_signed_in_staff(client, people):
    login_as(client, people.investigator)
    page = client.get("/").content.decode()
    assert 'role="search"' in page and 'action="/search/"' in page and 'name="q"' in page


def test_the_header_box_is_not_shown_when_signed_out(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'id="eprok-header-search"' not in page


def test_the_empty_page_offers_the_box_and_the_guide(client, people, audit_events):
    login_as(client, people.investigator)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'type="search"' in page and "/help/search/" in page
    assert audit_events("search.query.read") == []


def test_results_are_listed_with_marks_facets_and_links(client, people, corpus):
    login_as(client, people.investigator)
    response = client.get(URL, {"q": "Mamedov"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Məmmədov</mark>" in page
    assert f'href="/materials/{corpus.material.number}/"' in page
    assert f'href="/persons/{corpus.mammadov.public_id}/"' in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    # Facet links keep the query and add the filter.
    assert "?q=Mamedov&amp;type=persons.person" in page


def test_a_facet_link_filters_the_results(client, people, corpus):
    login_as(client, people.investigator)
    page = client.get(URL, {"q": "Mamedov", "type": "persons.person"}).content.decode()
    assert f"/persons/{corpus.mammadov.public_id}/" in page
    assert f"/materials/{corpus.material.number}/" not in page


def test_each_search_is_audited_with_filters_and_count_but_not_the_query(
    client, people, corpus, audit_events
):
    login_as(client, people.investigator)
    client.get(URL, {"q": "Məmmədov 5ZK8P2M", "type": "persons.person"})
    (event,) = audit_events("search.query.read")
    data = json.loads(event.data) if isinstance(event.data, str) else event.data
    assert event.actor_id == people.investigator.pk and event.purpose == "search"
    assert data["types"] == ["persons.person"]
    assert data["count"] == 1
    assert data["listed"] == [f"persons.person:{corpus.mammadov.public_id}"]
    assert data["query"]["numbers"] == 1 and data["query"]["words"] == 1
    raw = json.dumps(data, ensure_ascii=False)
    assert "5ZK8P2M" not in raw and "Məmmədov" not in raw and "mammadov" not in raw.lower()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "date_from": "2026-02-30"}, "date_from"),
        ({"q": "x", "date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"q": "x", "article": "abc"}, "article"),
        ({"q": "x", "unit": "no-such-unit"}, "unit"),
        ({"q": "x", "type": "auth.user"}, "type"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_input_is_refused_with_a_message(client, people, params, field, audit_events):
    from django.http import QueryDict
    from django.utils import translation
    from django.utils.http import urlencode

    from eprok.search.forms import SearchForm

    login_as(client, people.investigator)
    response = client.get(URL, params)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-field="{field}"' in page
    with translation.override(response.headers.get("Content-Language", "az")):
        form = SearchForm(QueryDict(urlencode(params)))
        assert not form.is_valid()
        message = str(form.errors[field][0])
    assert message.replace("“", "&ldquo;") in page or message in page
    assert audit_events("search.query.read") == []


def test_the_outsider_does_not_see_the_xetai_report(client, people, corpus):
    login_as(client, people.outsider)
    page = client.get(URL, {"q": "qızıl"}).content.decode()
    assert corpus.other_material.number in page
    assert corpus.material.number not in page and corpus.case.number not in page


def test_pages_and_the_bound_are_shown(client, people, corpus, settings):
    from eprok.search import selectors

    login_as(client, people.investigator)
    settings.SEARCH_CANDIDATE_LIMIT = 1
    page = client.get(URL, {"q": "qızıl"}).content.decode()
    assert 'class="usa-hint eprok-search__count"' in page and "1" in page
    settings.SEARCH_CANDIDATE_LIMIT = 2000
    original = selectors.PAGE_SIZE
    try:
        selectors.PAGE_SIZE = 1
        first = client.get(URL, {"q": "qızıl"}).content.decode()
        assert "page=2" in first and corpus.case.number in first and corpus.material.number not in first
        second = client.get(URL, {"q": "qızıl", "page": "2"}).content.decode()
        assert corpus.material.number in second and "page=1" in second
    finally:
        selectors.PAGE_SIZE = original
