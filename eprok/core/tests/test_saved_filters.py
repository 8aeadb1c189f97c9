"""Saved filters: any list's filters kept under a name, by their owner only, every change audited."""

from __future__ import annotations

import json

import pytest

from eprok.core import saved_filters
from eprok.core.errors import ValidationFailed
from eprok.core.models import SavedFilter
from eprok.core.testing.access_matrix import assert_access_matrix

pytestmark = pytest.mark.django_db


def test_it_saves_a_lists_filters_under_a_name_without_the_page(personas, audit_events):
    saved = saved_filters.saved_filter_save(
        actor=personas.investigator,
        list_name="cases:list",
        name="  Mənim   işlərim ",
        query="?status=x&page=3",
    )
    assert (saved.name, saved.query) == ("Mənim işlərim", "status=x")
    assert saved_filters.list_url(saved) == "/cases/?status=x"
    [event] = audit_events("core.saved_filter.created")
    assert json.loads(event.changes)["after"]["list"] == "cases:list"


def test_saving_under_the_same_name_replaces_the_filter(personas, audit_events):
    for query in ("a=1", "a=2"):
        saved_filters.saved_filter_save(
            actor=personas.investigator, list_name="cases:list", name="X", query=query
        )
    assert list(SavedFilter.objects.values_list("query", flat=True)) == ["a=2"]
    assert len(audit_events("core.saved_filter.updated")) == 1


@pytest.mark.parametrize(("list_name", "name"), [("org:unit_list", "X"), ("cases:list", "   ")])
def test_it_refuses_an_unknown_list_or_an_empty_name_and_writes_nothing(personas, list_name, name):
    with pytest.raises(ValidationFailed):
        saved_filters.saved_filter_save(actor=personas.investigator, list_name=list_name, name=name, query="")
    assert not SavedFilter.objects.exists()


def test_each_employee_sees_only_their_own_filters(personas):
    saved_filters.saved_filter_save(actor=personas.investigator, list_name="cases:list", name="A", query="")
    saved_filters.saved_filter_save(
        actor=personas.investigator, list_name="materials:list", name="B", query=""
    )
    assert [
        s.name for s in saved_filters.saved_filters(user=personas.investigator, list_name="cases:list")
    ] == ["A"]
    assert saved_filters.saved_filters(user=personas.colleague, list_name="cases:list") == []


def test_saving_through_the_page_returns_to_the_filtered_list(client, personas, signed_in):
    signed_in(personas.investigator)
    response = client.post(
        "/saved-filters/", {"list_name": "materials:list", "name": "Açıq", "query": "status=in_check"}
    )
    assert response.status_code == 302 and response["Location"] == "/materials/?status=in_check"
    assert client.post("/saved-filters/", {"list_name": "audit:event_list", "name": "x"}).status_code == 404


def test_only_the_owner_deletes_a_filter(client, personas, audit_events):
    saved = saved_filters.saved_filter_save(
        actor=personas.investigator, list_name="cases:list", name="A", query=""
    )
    url = f"/saved-filters/{saved.pk}/delete/"
    assert_access_matrix(client, personas, url, {"anonymous": 302, "colleague": 404}, method="post")
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    assert_access_matrix(client, personas, url, {"investigator": 302}, method="post")
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    assert len(audit_events("core.saved_filter.deleted")) == 1


def test_the_case_list_offers_the_employees_saved_filters(client, personas, signed_in):
    saved_filters.saved_filter_save(
        actor=personas.investigator, list_name="cases:list", name="Həbsdə olanlar", query="custody=1"
    )
    signed_in(personas.investigator)
    html = client.get("/cases/").content.decode()
    assert "Həbsdə olanlar" in html and 'href="/cases/?custody=1"' in html
    assert 'name="list_name" value="cases:list"' in html
