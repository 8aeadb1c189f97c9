"""The register's pages: the list, exports, opening, the card and its tabs, action forms, the dashboard."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from eprok.cases import services
from eprok.cases.models import Case, CaseParty, CaseStatus, MeasureKind
from eprok.cases.tests.factories import make_case, make_material, make_party, make_person
from eprok.cases.tests.helpers import data_of, written_state
from eprok.core.testing.queries import audited
from eprok.materials.models import MaterialStatus
from eprok.persons.models import PartyRole

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_cases_the_user_may_see_with_a_query_ceiling(
    signed_in, personas, django_assert_max_num_queries
):
    for _ in range(30):
        make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    client = signed_in(personas.superior)
    client.get("/")  # the first page after sign-in also stamps the session; measure the pages after it
    with django_assert_max_num_queries(8):
        page = client.get("/cases/", {"sort": "due"})
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("CI-BAKU-XETAI-") >= 30
    with django_assert_max_num_queries(8):
        fragment = client.get(
            "/cases/", {"unit": "baku", "subunits": "on", "page": 1}, headers={"HX-Request": "true"}
        )
    assert "<html" not in fragment.content.decode() and "CI-BAKU-XETAI-" in fragment.content.decode()


def test_the_list_filters_by_article_and_custody(signed_in, personas):
    theft = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    murder = make_case(
        actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor, articles="120.1"
    )
    suspect = make_party(murder, actor=personas.investigator)
    services.measure_apply(
        actor=personas.investigator, case=murder, party=suspect, kind=MeasureKind.DETENTION
    )
    client = signed_in(personas.investigator)
    body = client.get("/cases/", {"article": "177"}).content.decode()
    assert theft.number in body and murder.number not in body
    body = client.get("/cases/", {"custody": "on"}).content.decode()
    assert murder.number in body and theft.number not in body


def test_exports_are_capped_and_audited(signed_in, personas, case, audit_events):
    client = signed_in(personas.investigator)
    response = client.get("/cases/export/csv/", {"status": "investigation"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert case.number in text and "177.2.3" in text
    [event] = audit_events("cases.case.exported")
    assert data_of(event) == {"filters": {"status": "investigation"}, "format": "csv", "max_rows": 10000}
    response = client.get("/cases/export/xlsx/")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [case.number]
    assert len(audit_events("cases.case.exported")) == 2


def test_the_card_shows_the_header_and_its_next_term_within_eight_queries(
    signed_in, personas, case, audit_events, django_assert_max_num_queries
):
    suspect = make_party(case, actor=personas.investigator)
    services.measure_apply(actor=personas.investigator, case=case, party=suspect, kind=MeasureKind.DETENTION)
    client = signed_in(personas.prosecutor)
    client.get("/")
    client.get(f"/cases/{case.number}/")  # the deadline rules are read once per process
    with django_assert_max_num_queries(audited(8)):
        response = client.get(f"/cases/{case.number}/")
    body = response.content.decode()
    assert case.number in body and "177.2.3" in body
    # The soonest term as stored, opening into its explanation, which is loaded when it is opened.
    term_url = f"/cases/{case.number}/term/"
    assert 'class="eprok-deadline"' in body and f'hx-get="{term_url}"' in body
    assert suspect.person.display_name in body  # the parties tab is the default
    assert audit_events("cases.case.viewed")[-1].actor_id == personas.prosecutor.pk
    with django_assert_max_num_queries(5):
        lines = client.get(term_url, headers={"HX-Request": "true"})
    explained = lines.content.decode()
    assert "<html" not in explained and "48" in explained  # the detention's 48 hours
    page = client.get(term_url).content.decode()
    assert "<html" in page and 'class="eprok-deadline"' in page and "48" in page  # without script


@pytest.mark.parametrize(
    "tab", ["parties", "acts", "measures", "instructions", "term", "qualification", "history"]
)
def test_each_tab_loads_on_its_own_within_ten_queries(
    signed_in, personas, case, tab, audit_events, django_assert_max_num_queries
):
    suspect = make_party(case, actor=personas.investigator)
    services.measure_apply(actor=personas.investigator, case=case, party=suspect, kind=MeasureKind.DETENTION)
    services.instruction_give(
        actor=personas.prosecutor,
        case=case,
        text="Ekspertiza",
        due_date=timezone.localdate() + dt.timedelta(days=2),
    )
    client = signed_in(personas.investigator)
    client.get("/")
    with django_assert_max_num_queries(10):
        response = client.get(f"/cases/{case.number}/tabs/{tab}/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert data_of(audit_events("cases.case.viewed")[-1]) == {"part": tab}


def test_the_acts_tab_shows_the_texts_of_the_acts(signed_in, personas, case):
    services.case_add_act(
        actor=personas.investigator,
        case=case,
        kind="protocol",
        title="Baxış protokolu",
        body="Mənzilin qapısı sındırılıb.",
    )
    body = signed_in(personas.superior).get(f"/cases/{case.number}/tabs/acts/").content.decode()
    assert "Baxış protokolu" in body and "Mənzilin qapısı sındırılıb." in body
    assert case.opening_grounds in body
    assert "Documents module" not in body


def test_the_history_tab_lists_the_changes_but_not_the_reads(signed_in, personas, case):
    services.case_suspend(actor=personas.investigator, case=case, ground="53.1.1", reason="Naməlum")
    client = signed_in(personas.investigator)
    client.get(f"/cases/{case.number}/")
    body = client.get(f"/cases/{case.number}/tabs/history/").content.decode()
    # The interface language is Azerbaijani by default: the labels of the audit actions are translated.
    assert "İstintaq dayandırılıb" in body and "Cinayət işi başlan" in body
    assert "investigation_due" not in body and "istintaq müddətinin sonu" in body  # fields by their names
    assert "cases.case." not in body and "Cinayət işinə baxılıb" not in body


def test_the_team_sees_its_actions_and_the_supervisor_sees_theirs(signed_in, personas, case):
    team = signed_in(personas.investigator).get(f"/cases/{case.number}/").content.decode()
    assert f"/cases/{case.number}/suspend/" in team and f"/cases/{case.number}/extend/" not in team
    supervisor = signed_in(personas.prosecutor).get(f"/cases/{case.number}/").content.decode()
    assert (
        f"/cases/{case.number}/extend/" in supervisor and f"/cases/{case.number}/suspend/" not in supervisor
    )


def test_opening_a_case_on_a_report_prefills_the_form_and_decides_the_report(
    signed_in, personas, audit_events
):
    material = make_material(actor=personas.investigator, unit=personas.unit, articles="177.1")
    client = signed_in(personas.investigator)
    page = client.get("/cases/open/", {"material": material.number})
    assert page.status_code == 200 and "177.1" in page.content.decode()
    response = client.post(
        f"/cases/open/?material={material.number}",
        {
            "material": material.number,
            "unit": personas.unit.pk,
            "investigator": personas.investigator.pk,
            "supervisor": personas.prosecutor.pk,
            "articles": "177.1",
            "summary": "Oğurluq",
            "opening_grounds": "Ərizə və baxış protokolu",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    material.refresh_from_db()
    assert material.status == MaterialStatus.CASE_OPENED and case.material == material


def test_the_open_form_puts_errors_on_its_fields_and_writes_nothing(signed_in, personas):
    client = signed_in(personas.investigator)
    before = written_state()
    response = client.post(
        "/cases/open/",
        {
            "unit": personas.unit.pk,
            "investigator": personas.investigator.pk,
            "supervisor": personas.prosecutor.pk,
            "articles": "9999.1",
            "summary": "X",
            "opening_grounds": "Y",
        },
    )
    assert response.status_code == 422
    assert "9999" in response.content.decode()
    assert written_state() == before


def test_a_stale_form_is_refused_with_a_clear_message(signed_in, personas, case):
    client = signed_in(personas.investigator)
    version = case.version
    services.case_add_act(actor=personas.investigator, case=case, kind="other", title="Arayış")
    before = written_state()
    response = client.post(
        f"/cases/{case.number}/suspend/", {"version": version, "ground": "53.1.1", "reason": "Naməlum"}
    )
    assert response.status_code == 409
    assert (
        "The record was changed by someone else; reload it and try again." in response.content.decode()
        or ("başqası tərəfindən dəyişdirilib" in response.content.decode())
    )
    assert written_state() == before


def test_an_action_form_carries_the_version_and_returns_to_its_tab(signed_in, personas, case):
    client = signed_in(personas.investigator)
    page = client.get(f"/cases/{case.number}/suspend/").content.decode()
    assert f'name="version" value="{case.version}"' in page
    response = client.post(
        f"/cases/{case.number}/suspend/", {"version": case.version, "ground": "53.1.2", "reason": "Gizlənir"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?tab=term")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUSPENDED


def test_a_party_is_added_from_the_registry_picker(signed_in, personas, case):
    person = make_person(last_name="Məmmədov", first_name="Vüsal")
    client = signed_in(personas.investigator)
    page = client.get(
        f"/cases/{case.number}/parties/add/", {"person": str(person.public_id)}
    ).content.decode()
    assert "Vüsal" in page and "checked" in page
    response = client.post(
        f"/cases/{case.number}/parties/add/",
        {"version": case.version, "person": str(person.public_id), "role": PartyRole.VICTIM},
    )
    assert response.status_code == 302
    assert CaseParty.objects.get(case=case).person == person
    response = client.post(
        f"/cases/{case.number}/parties/add/", {"version": case.version + 1, "role": PartyRole.VICTIM}
    )
    assert response.status_code == 422


def test_the_transfer_form_offers_the_investigators_of_the_chosen_unit(signed_in, personas, case):
    client = signed_in(personas.superior)
    page = client.get(f"/cases/{case.number}/transfer/", {"to_unit": "baku-nesimi"}).content.decode()
    assert "Əliyev Elvin" in page
    other = personas.other_unit
    response = client.post(
        f"/cases/{case.number}/transfer/?to_unit=baku-nesimi",
        {
            "version": case.version,
            "to_unit": other.pk,
            "investigator": personas.outsider.pk,
            "reason": "Aidiyyət",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).unit == other


def test_separating_a_case_opens_the_new_one(signed_in, personas, case):
    accused = make_party(case, actor=personas.investigator, role=PartyRole.ACCUSED)
    client = signed_in(personas.investigator)
    response = client.post(
        f"/cases/{case.number}/separate/",
        {
            "version": case.version + 1,
            "parties": [accused.pk],
            "articles": "178.1",
            "summary": "Epizod",
            "grounds": "CPM 50",
        },
    )
    new = Case.objects.get(separated_from=case)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()


def test_the_dashboard_shows_workload_and_overdue_terms(signed_in, personas, django_assert_max_num_queries):
    from eprok.cases.tests.factories import aware

    late = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        opened_at=aware(2025, 1, 10),
    )
    client = signed_in(personas.superior)
    client.get("/")
    with django_assert_max_num_queries(10):
        body = client.get("/cases/dashboard/").content.decode()
    assert "Quliyev" in body and late.number in body


def test_the_open_page_on_a_report_opens_only_for_those_who_may_decide_it(client, personas):
    from eprok.core.testing.access_matrix import assert_access_matrix

    material = make_material(actor=personas.investigator, unit=personas.unit)
    expected = {
        "anonymous": 302,
        "outsider": 404,  # the report of another office is not even visible
        "colleague": 403,
        "investigator": 200,  # the report's assignee
        "superior": 200,  # supervises the office's reports
        "prosecutor": 200,
    }
    assert_access_matrix(client, personas, f"/cases/open/?material={material.number}", expected)
