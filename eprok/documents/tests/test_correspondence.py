"""The correspondence register: gapless numbers, resolutions with terms from the rule (frozen clock),
completion, access, the pages and the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from eprok.core.calendar.tracking import my_deadlines
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.models import TrackedDeadline
from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.api import bearer, make_token
from eprok.core.testing.queries import audited
from eprok.documents.correspondence import access, services
from eprok.documents.models import CorrespondenceStatus, ResolutionStatus
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db

FROZEN = timezone.make_aware(dt.datetime(2026, 10, 5, 10, 0))  # a Monday


@pytest.fixture
def frozen(monkeypatch, office):
    """The clock stops on FROZEN; the personas' role assignments date from before it."""
    from eprok.org.models import RoleAssignment

    RoleAssignment.objects.update(valid_from=dt.date(2026, 1, 1))
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)
    return FROZEN


@pytest.fixture
def office(people):
    keeper = EmployeeFactory(username="keeper", unit=people.unit, last_name="Məmmədova", first_name="Leyla")
    RoleAssignmentFactory(employee=keeper, role=Role.KEEP_CORRESPONDENCE, unit=people.unit)
    head = EmployeeFactory(username="head", unit=people.unit, last_name="Babayev", first_name="Tural")
    people.keeper, people.head = keeper, head
    return people


def _letter(people, **fields):
    values = {
        "actor": people.keeper,
        "unit": people.unit,
        "direction": "in",
        "correspondent": "Daxili İşlər Nazirliyi",
        "subject": "Məlumat sorğusu",
        "channel": "post",
        "their_number": "12/345",
        "their_date": dt.date(2026, 10, 1),
    }
    values.update(fields)
    return services.correspondence_register(**values)


def _data(event):
    return json.loads(event.data or "{}")


def test_numbers_are_gapless_per_register_unit_and_year(office, frozen, audit_events):
    first, second = _letter(office), _letter(office)
    out = _letter(office, direction="out", correspondent="Bakı Şəhər Polis İdarəsi")
    assert first.number == "DM-BAKU-XETAI-2026-00001" and second.number == "DM-BAKU-XETAI-2026-00002"
    assert out.number == "XM-BAKU-XETAI-2026-00001" and out.their_number == "" and out.their_date is None
    with pytest.raises(ValidationFailed):
        _letter(office, subject=" ")
    assert _letter(office).number == "DM-BAKU-XETAI-2026-00003"  # the refused one took no number
    [event, *_] = audit_events("documents.correspondence.register")
    assert _data(event)["number"] == first.number


def test_only_keepers_register_and_links_must_be_visible(office, frozen, material):
    with pytest.raises(Forbidden):
        _letter(office, actor=office.investigator)
    with pytest.raises(ValidationFailed) as exc:
        _letter(office, link_type="materials.material", link_key="CM-NOPE-2026-00001")
    assert exc.value.code == "link_not_found"
    # The keeper cannot open the report: a link to it is refused as well (no hint that it exists).
    with pytest.raises(ValidationFailed):
        _letter(office, link_type="materials.material", link_key=material.number)
    RoleAssignmentFactory(
        employee=office.keeper, role=Role.REGISTER_MATERIALS, unit=office.unit, valid_from=dt.date(2026, 1, 1)
    )
    office.keeper = type(office.keeper).objects.get(pk=office.keeper.pk)
    linked = _letter(office, link_type="materials.material", link_key=material.number)
    assert (linked.link_type, linked.link_key) == ("materials.material", material.number)


def test_resolution_term_from_the_rule_or_earlier_by_the_head(office, frozen, audit_events):
    letter = _letter(office)
    resolution = services.resolution_add(
        actor=office.keeper,
        letter=letter,
        text="Araşdırıb cavab hazırlayın.",
        executor=office.investigator,
        author=office.head,
    )
    # 15 working days after Monday 5 October 2026.
    assert resolution.due_date == dt.date(2026, 10, 26) and resolution.due_set_by_head is False
    assert resolution.executor_unit == office.unit and resolution.author == office.head
    letter.refresh_from_db()
    assert letter.status == CorrespondenceStatus.IN_PROGRESS
    [row] = my_deadlines(user=office.investigator)
    assert row.title.startswith(letter.number) and row.url == letter.get_absolute_url()
    assert _data(audit_events("documents.resolution.add")[0])["due_date"] == "2026-10-26"

    earlier = services.resolution_add(
        actor=office.keeper,
        letter=letter,
        text="Təcili.",
        executor=office.colleague,
        due_date=dt.date(2026, 10, 9),
    )
    assert earlier.due_date == dt.date(2026, 10, 9) and earlier.due_set_by_head
    for bad in (dt.date(2026, 10, 27), dt.date(2026, 10, 4)):
        with pytest.raises(ValidationFailed):
            services.resolution_add(
                actor=office.keeper, letter=letter, text="x", executor=office.colleague, due_date=bad
            )
    with pytest.raises(Forbidden):
        services.resolution_add(actor=office.investigator, letter=letter, text="x", executor=office.colleague)


def test_completion_closes_the_term_and_executes_the_letter(office, frozen, audit_events):
    letter = _letter(office)
    resolution = services.resolution_add(
        actor=office.keeper, letter=letter, text="İcra edin.", executor=office.investigator
    )
    with pytest.raises(Forbidden):
        services.resolution_complete(actor=office.colleague, resolution=resolution, report="x")
    with pytest.raises(ValidationFailed):
        services.resolution_complete(actor=office.investigator, resolution=resolution, report=" ")
    services.resolution_complete(actor=office.investigator, resolution=resolution, report="Cavab göndərildi.")
    resolution.refresh_from_db()
    letter.refresh_from_db()
    assert resolution.status == ResolutionStatus.DONE and resolution.completed_by == office.investigator
    assert letter.status == CorrespondenceStatus.COMPLETED
    assert not my_deadlines(user=office.investigator)
    assert TrackedDeadline.objects.get(owner_type="documents.resolution").state == "closed"
    assert audit_events("documents.resolution.complete")
    with pytest.raises((Conflict, Forbidden)):
        services.resolution_complete(actor=office.investigator, resolution=resolution, report="again")


def test_outgoing_letter_is_marked_sent_once(office, frozen):
    letter = _letter(office, direction="out")
    services.correspondence_mark_sent(actor=office.keeper, letter=letter)
    assert letter.status == CorrespondenceStatus.SENT
    with pytest.raises(Forbidden):
        services.correspondence_mark_sent(actor=office.keeper, letter=letter)


def test_visibility_keepers_and_executors_only(office, frozen):
    letter = _letter(office)
    services.resolution_add(actor=office.keeper, letter=letter, text="x", executor=office.investigator)
    assert set(access.visible_to(office.keeper)) == {letter}
    assert set(access.visible_to(office.investigator)) == {letter}
    assert not access.visible_to(office.colleague).exists()
    assert not access.visible_to(office.outsider).exists()
    with pytest.raises(ValidationFailed):
        _letter(office, classification=2)  # above the keeper's own clearance


def test_pages_access_matrix(client, office, frozen):
    letter = _letter(office)
    services.resolution_add(actor=office.keeper, letter=letter, text="x", executor=office.investigator)
    detail = reverse("documents:correspondence_detail", args=[letter.number])
    see = {
        "anonymous": 302,
        "outsider": 404,
        "colleague": 404,
        "superior": 404,
        "investigator": 200,
        "keeper": 200,
    }
    assert_access_matrix(client, office, detail, see)
    assert_access_matrix(client, office, reverse("documents:correspondence_list"), see)
    keep = {"anonymous": 302, "outsider": 404, "colleague": 404, "investigator": 403}
    assert_access_matrix(
        client,
        office,
        reverse("documents:resolution_add", args=[letter.number]),
        keep,
        method="post",
        data={},
    )
    assert_access_matrix(
        client,
        office,
        reverse("documents:correspondence_register"),
        {"anonymous": 302, "investigator": 404, "keeper": 200},
    )
    panel = reverse("documents:panel", args=["documents.correspondence", letter.number])
    assert_access_matrix(
        client, office, panel, {"outsider": 404, "colleague": 404, "investigator": 200, "keeper": 200}
    )


def test_register_page_list_filters_and_card(client, office, frozen):
    login_as(client, office.keeper)
    response = client.post(
        reverse("documents:correspondence_register"),
        {
            "unit": office.unit.pk,
            "direction": "in",
            "correspondent": "Ədliyyə Nazirliyi",
            "subject": "Arayış tələbi",
            "channel": "edms",
            "classification": 1,
            "their_number": "7/77",
            "their_date": "2026-10-02",
        },
    )
    assert response.status_code == 302
    _letter(office, direction="out", subject="Cavab məktubu")
    page = client.get(reverse("documents:correspondence_list") + "?direction=in").content.decode()
    assert "Arayış tələbi" in page and "Cavab məktubu" not in page
    card = client.get(response["Location"]).content.decode()
    assert "7/77" in card and 'name="executor"' in card
    bad = client.post(
        reverse("documents:correspondence_register"), {"unit": office.unit.pk, "direction": "in"}
    )
    assert bad.status_code == 422


def test_resolution_through_the_card_and_completion_by_the_executor(client, office, frozen):
    letter = _letter(office)
    login_as(client, office.keeper)
    response = client.post(
        reverse("documents:resolution_add", args=[letter.number]),
        {
            "text": "Cavab hazırlayın",
            "executor": office.investigator.pk,
            "due_date": "2026-10-12",
            "version": letter.version,
        },
    )
    assert response.status_code == 302
    resolution = letter.resolutions.get()
    assert resolution.due_date == dt.date(2026, 10, 12)
    login_as(client, office.investigator)
    done = client.post(
        reverse("documents:resolution_complete", args=[letter.number, resolution.pk]),
        {f"r{resolution.pk}-report": "İcra olundu"},
    )
    assert done.status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.DONE and resolution.report == "İcra olundu"


def test_list_query_ceiling(client, office, frozen, django_assert_max_num_queries):
    for n in range(6):
        _letter(office, subject=f"Sorğu {n}")
    login_as(client, office.keeper)
    with django_assert_max_num_queries(audited(14, appends=0)):
        page = client.get(reverse("documents:correspondence_list"))
    assert page.content.decode().count("Sorğu ") == 6


def test_api_register_list_resolve_complete(client, office, frozen):
    keeper = bearer(make_token(office.keeper))
    body = {
        "unit": office.unit.code,
        "direction": "in",
        "correspondent": "Vergilər Nazirliyi",
        "subject": "Sorğu",
        "channel": "email",
    }
    first = client.post(
        "/api/v1/documents/correspondence",
        body,
        content_type="application/json",
        headers={**keeper, "Idempotency-Key": "k1"},
    )
    again = client.post(
        "/api/v1/documents/correspondence",
        body,
        content_type="application/json",
        headers={**keeper, "Idempotency-Key": "k1"},
    )
    assert (first.status_code, again.status_code) == (201, 200)
    number = first.json()["number"]
    assert again.json()["number"] == number
    listed = client.get("/api/v1/documents/correspondence?direction=in", headers=keeper).json()
    assert [item["number"] for item in listed["items"]] == [number]
    resolved = client.post(
        f"/api/v1/documents/correspondence/{number}/resolutions",
        {"text": "İcra edin", "executor": str(office.investigator.public_id)},
        content_type="application/json",
        headers=keeper,
    )
    assert resolved.status_code == 201 and resolved.json()["due_date"] == "2026-10-26"
    rid = resolved.json()["id"]
    outsider = bearer(make_token(office.outsider))
    assert client.get(f"/api/v1/documents/correspondence/{number}", headers=outsider).status_code == 404
    executor = bearer(make_token(office.investigator))
    done = client.post(
        f"/api/v1/documents/correspondence/{number}/resolutions/{rid}/complete",
        {"report": "Hazırdır"},
        content_type="application/json",
        headers=executor,
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    detail = client.get(f"/api/v1/documents/correspondence/{number}", headers=executor).json()
    assert detail["status"] == "completed" and detail["resolutions"][0]["report"] == "Hazırdır"
    bad = client.post(
        "/api/v1/documents/correspondence",
        {**body, "unit": "nope"},
        content_type="application/json",
        headers=keeper,
    )
    assert bad.status_code == 422


def test_my_work_lists_letters_awaiting_a_resolution_for_keepers(office, frozen):
    from eprok.documents.work import my_work_items

    letter = _letter(office)
    [item] = my_work_items(office.keeper)
    assert item.url == letter.get_absolute_url() and letter.number in item.title
    assert my_work_items(office.investigator) == []
    services.resolution_add(actor=office.keeper, letter=letter, text="x", executor=office.investigator)
    assert my_work_items(office.keeper) == []


def test_navigation_offers_the_register_to_keepers_only(client, office):
    login_as(client, office.keeper)
    assert reverse("documents:correspondence_list") in client.get(reverse("core:my_work")).content.decode()
    login_as(client, office.investigator)
    assert (
        reverse("documents:correspondence_list") not in client.get(reverse("core:my_work")).content.decode()
    )


def test_resolution_for_an_executor_without_a_unit_is_refused(client, office, frozen):
    from typing import cast

    from django.utils import translation

    from eprok.documents.models import Resolution
    from eprok.org.models import Employee

    drifter = cast(
        Employee, EmployeeFactory(username="drifter", unit=None, last_name="Vahidov", first_name="Rauf")
    )
    letter = _letter(office)
    response = client.post(
        f"/api/v1/documents/correspondence/{letter.number}/resolutions",
        {"text": "İcra edin", "executor": str(drifter.public_id)},
        content_type="application/json",
        headers=bearer(make_token(office.keeper)),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "executor_invalid" and "executor" in body.get("details", {})
    assert "heç bir struktur bölməyə aid deyil" in str(body)  # translated (Azerbaijani by default)
    assert Resolution.objects.count() == 0
    with pytest.raises(ValidationFailed) as refused:
        services.resolution_add(
            actor=office.keeper, letter=letter, text="x", executor=drifter, executor_unit=office.unit
        )
    assert refused.value.code == "executor_unit_mismatch"
    with pytest.raises(ValidationFailed) as no_unit:
        services.resolution_add(actor=office.keeper, letter=letter, text="x", executor=drifter)
    with translation.override("en"):
        assert "belongs to no unit" in str(no_unit.value.message)


def test_tracked_term_is_the_rules_unless_the_head_set_it(office, frozen, monkeypatch):
    from eprok.core.calendar import tracking
    from eprok.documents.correspondence import terms

    tracked = []
    real = tracking.deadline_track

    def spy(**kwargs):
        tracked.append(kwargs["deadline"])
        return real(**kwargs)

    monkeypatch.setattr(terms.tracking, "deadline_track", spy)
    letter = _letter(office)
    by_rule = services.resolution_add(
        actor=office.keeper, letter=letter, text="x", executor=office.investigator
    )
    by_head = services.resolution_add(
        actor=office.keeper, letter=letter, text="y", executor=office.colleague, due_date=dt.date(2026, 10, 9)
    )
    rule_term, head_term = tracked
    assert rule_term.steps and rule_term.due == by_rule.due_date == dt.date(2026, 10, 26)
    assert rule_term.explain_lines()  # the overdue list can say why it is due then
    assert head_term.steps == () and head_term.due == by_head.due_date == dt.date(2026, 10, 9)
    tracked.clear()
    assert terms.recompute() == 2
    assert [bool(d.steps) for d in tracked] == [True, False]


def test_tracked_title_of_a_classified_letter_is_only_its_number(office, frozen):
    from eprok.org.models import Employee
    from eprok.org.roles import Clearance

    Employee.objects.filter(pk__in=[office.keeper.pk, office.investigator.pk]).update(
        clearance=Clearance.SECRET
    )
    office.keeper.refresh_from_db()
    office.investigator.refresh_from_db()
    secret = _letter(office, subject="Əməliyyat tədbirləri barədə", classification=Clearance.SECRET)
    plain = _letter(office, subject="Məlumat sorğusu")
    for letter in (secret, plain):
        services.resolution_add(actor=office.keeper, letter=letter, text="x", executor=office.investigator)
    titles = {row.title for row in TrackedDeadline.objects.all()}
    assert titles == {secret.number, f"{plain.number} — Məlumat sorğusu"}
