"""Keeping the index current: index_later from the apps' services, unindex, and the rebuild command."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from eprok.appeals.models import AppealKind, Channel
from eprok.appeals.services import ApplicantData, appeal_register
from eprok.cases.services import case_add_party
from eprok.materials.models import MaterialSource
from eprok.materials.services import material_add_party, material_register
from eprok.persons.models import PartyRole, PersonKind
from eprok.persons.services import person_create, person_update
from eprok.search import services
from eprok.search.models import SearchEntry, SearchKey
from eprok.search.selectors import SearchParams, search


def found(user, q):
    return {(h.label, h.key) for h in search(user=user, params=SearchParams(q=q)).hits}


def fts_rows() -> int:
    if connection.vendor != "sqlite":
        return SearchEntry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_fts")
        return int(cursor.fetchone()[0])


def test_index_later_is_a_no_op_for_an_unknown_label(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.index_later("nothing.here", 1)
    assert callbacks == []


def test_index_later_waits_for_the_commit_and_a_rollback_indexes_nothing(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                person = person_create(
                    actor=people.investigator, kind=PersonKind.NATURAL, last_name="Vəliyev", first_name="Anar"
                )
                pk = person.pk
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert not SearchEntry.objects.filter(label="persons.person", object_id=pk).exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person = person_create(
            actor=people.investigator, kind=PersonKind.NATURAL, last_name="Vəliyev", first_name="Anar"
        )
    assert not SearchEntry.objects.filter(object_id=person.pk, label="persons.person").exists()
    for callback in callbacks:
        callback()
    assert SearchEntry.objects.get(label="persons.person", object_id=person.pk).title == "Vəliyev Anar"


def test_person_services_keep_the_index_current(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person = person_create(
            actor=people.investigator, kind=PersonKind.NATURAL, last_name="Quliyev", first_name="Anar"
        )
    assert ("persons.person", str(person.public_id)) in found(people.investigator, "Guliyev")
    with django_capture_on_commit_callbacks(execute=True):
        person_update(actor=people.investigator, person=person, last_name="Nəbiyev")
    assert ("persons.person", str(person.public_id)) in found(people.investigator, "Nabiyev")
    assert found(people.investigator, "Quliyev") == set()


def test_material_services_keep_the_index_current(people, corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        material = material_register(
            actor=people.investigator,
            unit=people.unit,
            source=MaterialSource.APPLICANT_STATEMENT,
            received_at=timezone.now() - dt.timedelta(hours=1),
            summary="Avtomobilin qaçırılması.",
            assignee=people.investigator,
        )
    assert ("materials.material", material.number) in found(people.investigator, "avtomobil")
    with django_capture_on_commit_callbacks(execute=True):
        material_add_party(
            actor=people.investigator, material=material, person=corpus.aliyev, role=PartyRole.VICTIM
        )
    assert ("materials.material", material.number) in found(people.investigator, "Алиев avtomobil")


def test_case_services_keep_the_index_current(people, corpus, django_capture_on_commit_callbacks):
    assert ("cases.case", corpus.case.number) not in found(people.investigator, "Şükürov")
    with django_capture_on_commit_callbacks(execute=True):
        case_add_party(
            actor=people.investigator,
            case=corpus.case,
            person=corpus.shukurov,
            role=PartyRole.WITNESS,
            since=timezone.localdate(),
        )
    assert ("cases.case", corpus.case.number) in found(people.investigator, "Shukurov")


def test_appeal_registration_indexes_the_appeal(people, corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_register(
            actor=people.investigator,
            unit=people.unit,
            channel=Channel.LETTER,
            kind=AppealKind.APPLICATION if hasattr(AppealKind, "APPLICATION") else AppealKind.COMPLAINT,
            text="Kommunal xərclərin yenidən hesablanması xahişi.",
            applicant=ApplicantData(last_name="Rüstəmov", first_name="Orxan", phone="+994 55 444 33 22"),
            received_at=timezone.now() - dt.timedelta(hours=1),
        )
    assert ("appeals.appeal", appeal.number) in found(people.investigator, "Rustamov")
    assert ("appeals.appeal", appeal.number) in found(people.investigator, "055 444 33 22")


def test_unindex_removes_the_entry_its_keys_and_its_terms(people, corpus):
    rows = fts_rows()
    services.unindex("persons.person", corpus.mammadov.pk)
    assert not SearchEntry.objects.filter(label="persons.person", object_id=corpus.mammadov.pk).exists()
    assert not SearchKey.objects.filter(value="5ZK8P2M", entry__label="persons.person").exists()
    assert fts_rows() == rows - 1
    assert ("persons.person", str(corpus.mammadov.public_id)) not in found(people.investigator, "Məmmədov")


def test_an_object_that_is_gone_is_removed_when_indexed(people, corpus):
    pk = corpus.document.pk
    corpus.document.delete()
    services.index_objects("documents.document", [pk])
    assert not SearchEntry.objects.filter(label="documents.document", object_id=pk).exists()


def test_the_rebuild_command_indexes_everything_in_batches(people, corpus):
    SearchEntry.objects.all().delete()
    services.backends.clear_terms()
    assert found(people.investigator, "Hüseynov") == set()
    out = StringIO()
    call_command("search_reindex", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "persons.person: 6" in text and "cases.case: 1" in text and "documents.document: 1" in text
    assert SearchEntry.objects.count() == 6 + 2 + 1 + 1 + 1
    assert fts_rows() == SearchEntry.objects.count()
    assert ("cases.case", corpus.case.number) in found(people.investigator, "Hüseynov")


def test_the_rebuild_of_one_type_leaves_the_others(people, corpus):
    before = SearchEntry.objects.exclude(label="persons.person").count()
    out = StringIO()
    call_command("search_reindex", "--label", "persons.person", stdout=out)
    assert out.getvalue().startswith("persons.person: 6")
    assert SearchEntry.objects.exclude(label="persons.person").count() == before
    assert fts_rows() == SearchEntry.objects.count()  # no orphaned or duplicated terms


def test_the_rebuild_command_refuses_an_unknown_type(db):
    with pytest.raises(CommandError, match="Unknown type"):
        call_command("search_reindex", "--label", "nothing.here")


def test_a_failing_source_does_not_break_the_callers_commit(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    from eprok.search import registry

    source = registry.get_source("persons.person")
    assert source is not None

    def broken(obj):
        raise ValueError("boom")

    monkeypatch.setattr(
        registry,
        "_SOURCES",
        {**registry._SOURCES, "persons.person": dataclasses.replace(source, document=broken)},
    )
    with django_capture_on_commit_callbacks(execute=True):
        person = person_create(
            actor=people.investigator, kind=PersonKind.NATURAL, last_name="Kərimov", first_name="Anar"
        )
    assert person.pk and not SearchEntry.objects.filter(object_id=person.pk, label="persons.person").exists()


def test_query_fingerprint_ignores_spelling_case_and_order_of_numbers():
    assert services.query_fingerprint("5zk8p2m  Məmmədov") == services.query_fingerprint("MƏMMƏDOV 5ZK8P2M")
    assert services.query_fingerprint("Məmmədov") != services.query_fingerprint("Əliyev")


# --- records that show a person: re-indexed when the person changes -------------------------------


def test_a_corrected_fin_or_name_finds_the_case_and_the_old_one_does_not(
    people, corpus, django_capture_on_commit_callbacks
):
    inv = people.investigator
    case = ("cases.case", corpus.case.number)
    with django_capture_on_commit_callbacks(execute=True):
        person_update(actor=inv, person=corpus.huseynov, fin="2AB3CD4")
    assert case in found(inv, "2AB3CD4")
    with django_capture_on_commit_callbacks(execute=True):
        person_update(actor=inv, person=corpus.huseynov, fin="6XY7ZW8", last_name="Nəzərli")
    assert case in found(inv, "6XY7ZW8")
    assert case not in found(inv, "2AB3CD4")
    assert case in found(inv, "Nəzərli Elşən")
    entry = SearchEntry.objects.get(label="cases.case", object_id=corpus.case.pk)
    assert "Nəzərli Elşən" in entry.text and "Hüseynov Elşən Kamal" not in entry.text


def test_a_corrected_fin_finds_the_report_and_a_new_name_the_appeal(
    people, corpus, django_capture_on_commit_callbacks
):
    inv = people.investigator
    material = ("materials.material", corpus.material.number)
    assert material in found(inv, "5ZK8P2M")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_register(
            actor=inv,
            unit=people.unit,
            channel=Channel.LETTER,
            kind=AppealKind.COMPLAINT,
            text="Kommunal xərclər barədə şikayət.",
            applicant=ApplicantData(last_name="Çələbi", first_name="Aynur", person=corpus.chalabi),
            received_at=timezone.now() - dt.timedelta(hours=1),
        )
    with django_capture_on_commit_callbacks(execute=True):
        person_update(actor=inv, person=corpus.mammadov, fin="3PQ4RS5")
        person_update(actor=inv, person=corpus.chalabi, last_name="Rzayeva")
    assert material in found(inv, "3PQ4RS5")
    assert material not in found(inv, "5ZK8P2M")
    assert ("appeals.appeal", appeal.number) in found(inv, "Rzayeva Aynur")


def test_a_merge_re_indexes_the_records_of_both_persons(people, corpus, django_capture_on_commit_callbacks):
    from eprok.persons.services import person_merge

    inv = people.investigator
    with django_capture_on_commit_callbacks(execute=True):
        duplicate = person_create(
            actor=inv, kind=PersonKind.NATURAL, last_name="Qəribov", first_name="Tural", fin="4KL5MN6"
        )
        survivor = person_create(actor=inv, kind=PersonKind.NATURAL, last_name="Sadıqlı", first_name="Tural")
        case_add_party(
            actor=inv, case=corpus.case, person=duplicate, role=PartyRole.WITNESS, since=timezone.localdate()
        )
    case = ("cases.case", corpus.case.number)
    assert case in found(inv, "Qəribov Tural")
    assert case not in found(inv, "Sadıqlı Tural")
    with django_capture_on_commit_callbacks(execute=True):
        person_merge(actor=inv, duplicate=duplicate, survivor=survivor, reason="Eyni şəxs")
    assert case in found(inv, "Sadıqlı Tural")
    assert case not in found(inv, "Qəribov Tural")
    assert case in found(inv, "4KL5MN6")  # the survivor took the FIN


def test_many_dependent_records_are_indexed_in_batches(
    people, corpus, monkeypatch, django_capture_on_commit_callbacks
):
    inv = people.investigator
    materials = [corpus.material]
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            material = material_register(
                actor=inv,
                unit=people.unit,
                source=MaterialSource.APPLICANT_STATEMENT,
                received_at=timezone.now() - dt.timedelta(hours=n + 1),
                summary=f"Ərizə {n}.",
                assignee=inv,
            )
            material_add_party(actor=inv, material=material, person=corpus.mammadov, role=PartyRole.VICTIM)
        materials.append(material)
    monkeypatch.setattr(services, "DEPENDENT_BATCH", 2)
    monkeypatch.setattr(services, "DEPENDENT_INLINE_LIMIT", 1)  # more than one: handed to the worker
    calls: list[tuple[str, int]] = []
    original = services.index_objects

    def spy(label, pks):
        calls.append((label, len(pks)))
        return original(label, pks)

    monkeypatch.setattr(services, "index_objects", spy)
    with django_capture_on_commit_callbacks(execute=True):
        person_update(actor=inv, person=corpus.mammadov, fin="7TU8VW9")
    assert [n for label, n in calls if label == "materials.material"] == [2, 2]
    hits = found(inv, "7TU8VW9")
    assert {("materials.material", m.number) for m in materials} <= hits
    assert not {("materials.material", m.number) for m in materials} & found(inv, "5ZK8P2M")
