"""Access comes before counting: what a user may not open is never listed, counted or faceted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.documents.models import Document, DocumentKind
from eprok.materials.models import MaterialSource
from eprok.materials.services import material_register
from eprok.org.roles import Clearance
from eprok.search import services
from eprok.search.selectors import SearchParams, search


def snapshot(results):
    """Everything a user learns from a search: hits, total and every facet count."""
    return (
        sorted((h.label, h.key) for h in results.hits),
        results.total,
        {name: sorted((v.value, v.count) for v in values) for name, values in results.facets.items()},
    )


def run(user, q, **filters):
    return search(user=user, params=SearchParams(q=q, **filters))


def test_the_investigator_sees_the_report_of_the_office(people, corpus):
    found = {(h.label, h.key) for h in run(people.investigator, "qızıl").hits}
    assert ("materials.material", corpus.material.number) in found
    assert ("materials.material", corpus.other_material.number) not in found


@pytest.mark.parametrize("name", ["outsider", "colleague"])
def test_a_record_only_the_investigator_sees_changes_nothing_for_others(people, corpus, name):
    user = getattr(people, name)
    before = snapshot(run(user, "qızıl"))
    # A new report of the Xətai office, assigned to the investigator, matching the same query.
    secret = material_register(
        actor=people.investigator,
        unit=people.unit,
        source=MaterialSource.APPLICANT_STATEMENT,
        received_at=timezone.now() - dt.timedelta(hours=2),
        summary="Qızıl saatın oğurlanması.",
        articles="177.1",
        assignee=people.investigator,
    )
    services.index_objects("materials.material", [secret.pk])
    assert ("materials.material", secret.number) in {
        (h.label, h.key) for h in run(people.investigator, "qızıl").hits
    }
    after = snapshot(run(user, "qızıl"))
    assert after == before
    for q in (secret.number, "saatın", "177.1"):
        assert snapshot(run(user, q)) == ([], 0, {"article": [], "status": [], "type": [], "unit": []})


def test_the_outsider_sees_only_the_nesimi_office(people, corpus):
    results = run(people.outsider, "qızıl")
    assert [(h.label, h.key) for h in results.hits] == [("materials.material", corpus.other_material.number)]
    assert results.total == 1
    assert {name: [(v.value, v.count) for v in values] for name, values in results.facets.items()} == {
        "type": [("materials.material", 1)],
        "unit": [("baku-nesimi", 1)],
        "status": [(corpus.other_material.status, 1)],
        "article": [("178.1", 1)],
    }


def test_a_colleague_without_a_role_finds_nothing_at_all(people, corpus):
    for q in ("qızıl", "Məmmədov", "5ZK8P2M", corpus.case.number, "Гусейнов"):
        results = run(people.colleague, q)
        assert results.total == 0 and results.hits == []
        assert all(values == [] for values in results.facets.values())


def test_a_document_of_a_case_the_user_cannot_open_is_absent(people, corpus):
    # The outsider may use the person registry (so finds Hüseynov) but not the Xətai office's case.
    results = run(people.outsider, "Гусейнов")
    found = {(h.label, h.key) for h in results.hits}
    assert found == {("persons.person", str(corpus.huseynov.public_id))}
    assert {v.value: v.count for v in results.facets["type"]} == {"persons.person": 1}
    assert run(people.outsider, corpus.case.number).total == 0


def test_a_document_above_the_readers_clearance_is_absent(people, corpus):
    secret = Document.objects.create(
        owner_type="cases.case",
        owner_id=corpus.case.pk,
        owner_key=corpus.case.number,
        unit=people.unit,
        title="Əməliyyat arayışı",
        kind=DocumentKind.UPLOADED,
        classification=Clearance.SECRET,
        text="Hüseynov Elşən haqqında məxfi məlumat.",
        created_by=people.investigator,
    )
    services.index_objects("documents.document", [secret.pk])
    labels = [h.key for h in run(people.investigator, "Hüseynov").hits]
    assert str(secret.public_id) not in labels
    assert str(corpus.document.public_id) in labels
    people.investigator.clearance = Clearance.SECRET
    people.investigator.save(update_fields=["clearance"])
    assert str(secret.public_id) in [h.key for h in run(people.investigator, "Hüseynov").hits]


def test_the_anonymous_user_finds_nothing(people, corpus):
    from django.contrib.auth.models import AnonymousUser

    assert run(AnonymousUser(), "qızıl").total == 0
