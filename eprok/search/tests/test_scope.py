"""The candidate scope never hides a record the user may open, and search never shows one they may not.

The scope (eprok.search.selectors.candidate_scope, from each source's CandidateScope) is tested on the
entry alone: it must hold every entry whose record the owning app's visible_to admits, for every
persona and every source, including those who see a record in person (an assignee or a team member in
another unit, an appeal's executor), through another unit (a report transferred to the unit, an appeal
forwarded to it), over a subtree, through the registry, and documents by their owner and clearance.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from eprok.appeals.models import Appeal
from eprok.cases.models import Case, TeamMember, TeamRole
from eprok.cases.services import case_open
from eprok.cases.services.course import case_transfer
from eprok.documents.models import Document, DocumentKind
from eprok.materials.models import Material, MaterialSource
from eprok.materials.services import material_register
from eprok.org.roles import Clearance, Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.search import selectors, services
from eprok.search.models import SearchEntry
from eprok.search.registry import sources
from eprok.search.selectors import SearchParams, candidate_scope, search

from .conftest import _moment

WORD = "zümrüd"  # in every record the extra corpus adds


def _material(people, unit, actor, days):
    return material_register(
        actor=actor,
        unit=unit,
        source=MaterialSource.APPLICANT_STATEMENT,
        received_at=_moment(days),
        registered_at=_moment(days),
        summary=f"Zümrüd üzüyün oğurlanması ({days}).",
        articles="177.1",
    )


def _document(people, owner, label, classification=Clearance.OFFICIAL):
    return Document.objects.create(
        owner_type=label,
        owner_id=owner.pk,
        owner_key=owner.number,
        unit=owner.unit,
        title="Arayış",
        kind=DocumentKind.UPLOADED,
        classification=classification,
        text=f"Zümrüd üzük barədə arayış {owner.number}.",
        created_by=people.investigator,
    )


@pytest.fixture
def extra(people, corpus):
    """Records of the Nəsimi office that Xətai people see in person or through their own unit."""
    inv, out = people.investigator, people.outsider
    x = SimpleNamespace()
    # A report of Nəsimi assigned to the Xətai investigator; one transferred to Xətai; one of Nəsimi only.
    x.assigned = _material(people, people.other_unit, out, 9)
    Material.objects.filter(pk=x.assigned.pk).update(assignee=inv)
    x.transferred = _material(people, people.other_unit, out, 8)
    Material.objects.filter(pk=x.transferred.pk).update(transferred_to_unit=people.unit)
    x.nesimi_only = _material(people, people.other_unit, out, 7)
    # People: a prosecutor supervising Nəsimi; a reader of the whole tree with clearance Secret.
    x.nesimi_prosecutor = EmployeeFactory(username="nesimi-prosecutor", unit=people.other_unit)
    RoleAssignmentFactory(employee=x.nesimi_prosecutor, role=Role.SUPERVISE, unit=people.other_unit)
    x.gpo = EmployeeFactory(username="gpo-reader", unit=people.root, clearance=Clearance.SECRET)
    for role in (Role.SUPERVISE, Role.REGISTER_MATERIALS, Role.ANSWER_APPEALS):
        RoleAssignmentFactory(employee=x.gpo, role=role, unit=people.root, include_subunits=True)
    # A Nəsimi case with the Xətai investigator on its team, and its documents (one Secret).
    x.case = case_open(
        actor=out,
        unit=people.other_unit,
        material=None,
        articles="177.1",
        summary="Zümrüd üzüyün oğurlanması üzrə cinayət işi.",
        opening_grounds="Ərizə.",
        investigator=out,
        supervisor=x.nesimi_prosecutor,
        opened_at=_moment(6),
    )
    TeamMember.objects.create(case=x.case, employee=inv, role=TeamRole.MEMBER)
    x.case_document = _document(people, x.case, "cases.case")
    x.secret_document = _document(people, x.case, "cases.case", Clearance.SECRET)
    x.material_document = _document(people, x.nesimi_only, "materials.material")
    # Appeals of Nəsimi: one the Xətai investigator executes, one forwarded to Xətai, one of Nəsimi only.
    appeals = []
    for n in range(3):
        appeal = Appeal.objects.get(pk=corpus.appeal.pk)
        appeal.pk = None
        appeal.public_id = uuid.uuid4()
        appeal.number = f"{corpus.appeal.number}-{n}"
        appeal.unit = people.other_unit
        appeal.text = f"Zümrüd üzük barədə müraciət {n}."
        appeal.save()
        appeals.append(appeal)
    x.executed, x.forwarded, x.appeal_nesimi = appeals
    Appeal.objects.filter(pk=x.executed.pk).update(executor=inv)
    Appeal.objects.filter(pk=x.forwarded.pk).update(forwarded_to_unit=people.unit)
    x.appeal_document = _document(people, x.appeal_nesimi, "appeals.appeal")
    services.reindex()
    return x


PERSONAS = (
    "investigator",
    "outsider",
    "colleague",
    "superior",
    "prosecutor",
    "admin",
    "nesimi_prosecutor",
    "gpo",
    "anonymous",
)


def _user(people, extra, name):
    if name == "anonymous":
        return AnonymousUser()
    return getattr(extra, name, None) or getattr(people, name)


def _visible(user):
    """(label, pk) of every indexed record the owning apps let `user` open."""
    out = set()
    for source in sources():
        indexed = set(SearchEntry.objects.filter(label=source.label).values_list("object_id", flat=True))
        out |= {(source.label, pk) for pk in selectors.visible_ids(user, source.label, indexed)}
    return out


def _in_scope(user):
    scope = candidate_scope(user)
    return set(SearchEntry.objects.filter(scope.condition()).values_list("label", "object_id"))


@pytest.mark.parametrize("name", PERSONAS)
def test_the_scope_holds_every_record_the_user_may_open(people, corpus, extra, name):
    user = _user(people, extra, name)
    visible = _visible(user)
    assert visible <= _in_scope(user)


@pytest.mark.parametrize("name", PERSONAS)
def test_search_lists_exactly_the_matches_the_user_may_open(people, corpus, extra, name):
    user = _user(people, extra, name)
    visible = _visible(user)
    for q in (WORD, "qızıl", "Hüseynov", "üzük", corpus.case.number, extra.case.number):
        matching = set(selectors.matching(selectors.plan(q)).values_list("label", "object_id"))
        expected = matching & visible
        results = search(user=user, params=SearchParams(q=q), limit=100)
        keys = {
            (label, key)
            for label, pk, key in SearchEntry.objects.values_list("label", "object_id", "key")
            if (label, pk) in expected
        }
        assert results.total == len(expected), q
        assert {(h.label, h.key) for h in results.hits} == keys, q


def test_the_scope_of_the_investigator_is_their_unit_and_what_they_hold_in_person(people, corpus, extra):
    inside = _in_scope(people.investigator)
    assert ("materials.material", corpus.material.pk) in inside
    assert ("materials.material", extra.assigned.pk) in inside  # the assignee
    assert ("materials.material", extra.transferred.pk) in inside  # transferred to Xətai
    assert ("cases.case", extra.case.pk) in inside  # on the team
    assert ("documents.document", extra.case_document.pk) in inside
    assert ("appeals.appeal", extra.executed.pk) in inside  # the executor
    assert ("appeals.appeal", extra.forwarded.pk) in inside  # forwarded to Xətai
    # Neither read nor held in person: outside the scope, never read as a candidate.
    assert ("materials.material", extra.nesimi_only.pk) not in inside
    assert ("materials.material", corpus.other_material.pk) not in inside
    assert ("documents.document", extra.material_document.pk) not in inside
    assert ("documents.document", extra.secret_document.pk) not in inside  # above the clearance
    assert ("appeals.appeal", extra.appeal_nesimi.pk) not in inside
    assert ("documents.document", extra.appeal_document.pk) not in inside


def test_a_reader_of_the_whole_tree_has_no_unit_restriction(people, corpus, extra):
    scope = candidate_scope(extra.gpo)
    assert scope.branches is None
    assert _in_scope(extra.gpo) == set(SearchEntry.objects.values_list("label", "object_id"))


def test_a_user_without_a_role_has_an_empty_scope(people, corpus, extra):
    assert _in_scope(people.colleague) == set()
    assert _in_scope(AnonymousUser()) == set()


def test_the_registry_user_sees_every_person_and_only_their_units_records(people, corpus, extra):
    inside = _in_scope(people.outsider)
    persons = set(SearchEntry.objects.filter(label="persons.person").values_list("label", "object_id"))
    assert persons and persons <= inside
    assert ("materials.material", corpus.material.pk) not in inside
    assert ("materials.material", extra.nesimi_only.pk) in inside


def test_the_documents_of_a_transferred_case_follow_it(
    people, corpus, extra, django_capture_on_commit_callbacks
):
    """Transferred from Xətai to Nəsimi: the case's documents are re-indexed with the new unit, so the
    Nəsimi supervisor finds them and the Xətai prosecutor (no longer supervising it) does not."""
    reader = extra.nesimi_prosecutor
    assert ("documents.document", corpus.document.pk) not in _in_scope(reader)
    case = Case.objects.get(pk=corpus.case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        case_transfer(
            actor=people.superior,
            case=case,
            to_unit=people.other_unit,
            investigator=people.outsider,
            reason="Aidiyyət üzrə.",
        )
    entry = SearchEntry.objects.get(label="documents.document", object_id=corpus.document.pk)
    assert (entry.scope_label, entry.scope_id, entry.scope_unit_id) == (
        "cases.case",
        case.pk,
        people.other_unit.pk,
    )
    assert ("documents.document", corpus.document.pk) in _in_scope(reader)
    hits = search(user=reader, params=SearchParams(q="Гусейнов")).hits
    assert str(corpus.document.public_id) in {h.key for h in hits}
    assert _visible(reader) <= _in_scope(reader)


def test_the_entry_records_whose_rule_decides(people, corpus, extra):
    rows = dict(
        (
            (label, pk),
            (scope_label, scope_id, unit, classification),
        )
        for label, pk, scope_label, scope_id, unit, classification in SearchEntry.objects.values_list(
            "label", "object_id", "scope_label", "scope_id", "scope_unit_id", "classification"
        )
    )
    assert rows[("materials.material", corpus.material.pk)] == (
        "materials.material",
        corpus.material.pk,
        people.unit.pk,
        0,
    )
    assert rows[("persons.person", corpus.mammadov.pk)] == ("persons.person", corpus.mammadov.pk, None, 0)
    assert rows[("documents.document", extra.secret_document.pk)] == (
        "cases.case",
        extra.case.pk,
        people.other_unit.pk,
        Clearance.SECRET,
    )


def test_the_migration_fills_the_columns_as_the_services_write_them(people, corpus, extra):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    before = set(
        SearchEntry.objects.values_list(
            "label", "object_id", "scope_label", "scope_id", "scope_unit_id", "classification"
        )
    )
    SearchEntry.objects.update(scope_label="", scope_id=None, scope_unit=None, classification=0)
    migration = import_module("eprok.search.migrations.0003_candidate_scope")
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.fill(apps, editor)
    after = set(
        SearchEntry.objects.values_list(
            "label", "object_id", "scope_label", "scope_id", "scope_unit_id", "classification"
        )
    )
    assert after == before


def _newest_visible(q, visible):
    """(label, key) of the entries matching q whose records are in `visible`, newest first (date, id)."""
    rows = SearchEntry.objects.filter(pk__in=selectors.matching(selectors.plan(q)).values("pk")).values_list(
        "label", "object_id", "key", "date", "id"
    )
    newest = sorted(
        ((d, i, label, key) for label, pk, key, d, i in rows if (label, pk) in visible), reverse=True
    )
    return [(label, key) for _d, _i, label, key in newest]


@pytest.mark.parametrize("name", ["investigator", "superior", "outsider", "gpo"])
def test_every_way_of_reading_lists_the_newest_visible_matches(people, corpus, extra, name, monkeypatch):
    """The per-unit merge, the date windows and the plain read (as chosen by the term's share on
    PostgreSQL; forced here, with a bound of 2 and a short walk span so that every path is taken) list
    the same newest records: the newest visible matches, by date then id."""
    from django.test import override_settings

    user = _user(people, extra, name)
    visible = _visible(user)
    monkeypatch.setattr(selectors, "WALK_SPAN", 2)
    for q in (WORD, "qızıl", "Hüseynov", "üzük"):
        expected = _newest_visible(q, visible)
        for how in (selectors.WALK, selectors.WINDOW, selectors.PLAIN):
            monkeypatch.setattr(selectors, "read_plan", lambda query, how=how: how)
            for bound in (2, 2000):
                with override_settings(SEARCH_CANDIDATE_LIMIT=bound):
                    results = search(user=user, params=SearchParams(q=q), limit=100)
                assert [(h.label, h.key) for h in results.hits] == expected[:bound], (q, how, bound)
                assert results.total == min(len(expected), bound), (q, how, bound)
                assert results.capped == (len(expected) > bound), (q, how, bound)


@pytest.mark.parametrize("edge", ["", "1990-01-01", "2999-12-31", "today"])
def test_the_cached_walk_edge_never_changes_what_is_listed(people, corpus, extra, edge, monkeypatch):
    """The walk's date bound is kept in the cache for minutes: whatever date it holds (none, long ago,
    in the future, today), the walk lists the same newest visible matches."""
    import datetime

    from django.core.cache import cache
    from django.test import override_settings

    user = _user(people, extra, "investigator")
    visible = _visible(user)
    monkeypatch.setattr(selectors, "read_plan", lambda query: selectors.WALK)
    stored = datetime.date.today().isoformat() if edge == "today" else edge
    expected = _newest_visible(WORD, visible)
    assert len(expected) > 2
    cache.set(selectors.WALK_EDGE_CACHE_KEY, stored, 60)
    try:
        for bound in (2, 2000):
            with override_settings(SEARCH_CANDIDATE_LIMIT=bound):
                results = search(user=user, params=SearchParams(q=WORD), limit=100)
            assert cache.get(selectors.WALK_EDGE_CACHE_KEY) == stored
            assert [(h.label, h.key) for h in results.hits] == expected[:bound], bound
            assert results.total == min(len(expected), bound)
    finally:
        cache.delete(selectors.WALK_EDGE_CACHE_KEY)


def test_the_merged_read_lists_the_same_with_or_without_a_match_condition(people, corpus, extra):
    """The per-unit parts are one compiled statement with each branch added to its WHERE clause; a
    statement without one (no match condition, no clearance) is compiled part by part instead."""
    user = _user(people, extra, "investigator")
    scope = candidate_scope(user)
    assert scope.branches is not None and len(scope.branches) >= 2
    unclassified = selectors.Scope(Q(), scope.branches)
    everything = selectors._read(SearchEntry.objects.all(), unclassified, 0, 1000)
    filtered = selectors._read(SearchEntry.objects.filter(pk__gt=0), scope, 0, 1000)

    def newest(condition):
        return list(
            SearchEntry.objects.filter(condition).order_by("-date", "-id").values_list("id", flat=True)
        )

    assert [row[0] for row in everything] == newest(unclassified.condition())
    assert [row[0] for row in filtered] == newest(scope.condition())
    assert len(everything) > len(filtered) > 0  # (the investigator's clearance hides a document)
    # A branch that holds everything (compiles to no condition) and one that holds nothing.
    whole = selectors._read(
        SearchEntry.objects.filter(pk__gt=0), selectors.Scope(Q(), [Q(), Q(pk__in=[])]), 0, 1000
    )
    assert [row[0] for row in whole] == newest(Q())


@pytest.mark.parametrize("name", ["investigator", "gpo"])
def test_a_number_many_entries_hold_is_read_by_window_and_lists_the_same(
    people, corpus, extra, name, monkeypatch
):
    """An article code typed as the query is a number many entries may hold: past PLAIN_MAX_KEYS it is
    read by date window within the reader's scope on PostgreSQL (SQLite reads numbers in full), and
    lists the same newest visible records either way."""
    from django.db import connection

    user = _user(people, extra, name)
    query = selectors.plan("177.2.3")
    assert query.numbers and not query.groups
    listed = {}
    for most, how in ((1, selectors.WINDOW), (1000, selectors.PLAIN)):
        monkeypatch.setattr(selectors, "PLAIN_MAX_KEYS", most)
        expected = how if connection.vendor == "postgresql" else selectors.PLAIN
        assert selectors.read_plan(query) == expected
        results = search(user=user, params=SearchParams(q="177.2.3"), limit=100)
        listed[most] = [(h.label, h.key) for h in results.hits]
    assert listed[1] == listed[1000] == _newest_visible("177.2.3", _visible(user))
    assert listed[1]
