"""The cases API: the list and its filters, the card, opening with Idempotency-Key, writes with versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from eprok.cases import services
from eprok.cases.models import Case, CaseStatus, MeasureKind
from eprok.cases.tests.factories import aware, make_case, make_party, make_person
from eprok.cases.tests.helpers import written_state
from eprok.core.testing.api import bearer, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """Call with a user: a function (method, path, body=None, **headers) -> response, with a bearer token."""

    def for_user(user, scopes=("read", "write")):
        headers = bearer(make_token(user, scopes=scopes))

        def call(method, path, body=None, **extra):
            kwargs: dict[str, Any] = {"headers": {**headers, **extra}}
            if body is not None:
                kwargs.update(data=body, content_type="application/json")
            return getattr(client, method)(f"/api/v1/cases{path}", **kwargs)

        return call

    return for_user


def _open_body(personas, **fields):
    return {
        "unit": "baku-xetai",
        "articles": ["177.2.3", "178.1"],
        "summary": "Oğurluq",
        "opening_grounds": "Ərizə",
        "investigator": str(personas.investigator.public_id),
        "supervisor": str(personas.prosecutor.public_id),
        **fields,
    }


def test_a_case_is_opened_once_per_idempotency_key(api, personas, audit_events):
    call = api(personas.investigator)
    first = call("post", "", _open_body(personas), **{"Idempotency-Key": "open-1"})
    assert first.status_code == 201
    body = first.json()
    assert body["articles"] == "177.2.3, 178.1" and body["category"] == 2 and body["version"] == 1
    again = call("post", "", _open_body(personas), **{"Idempotency-Key": "open-1"})
    assert again.status_code == 200 and again.json()["number"] == body["number"]
    assert Case.objects.count() == 1 and len(audit_events("cases.case.opened")) == 1
    reused = call("post", "", _open_body(personas, summary="Başqa"), **{"Idempotency-Key": "open-1"})
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


def test_an_article_out_of_force_is_refused_with_the_field_named(api, personas):
    before = written_state()
    response = api(personas.investigator)("post", "", _open_body(personas, articles=["9999.1"]))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_article" and "articles" in response.json()["details"]
    assert written_state() == before


def test_the_list_filters_pages_and_has_a_query_ceiling(api, personas, django_assert_max_num_queries):
    for _ in range(12):
        make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    murder = make_case(
        actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor, articles="120.1"
    )
    call = api(personas.superior, scopes=("read",))
    with django_assert_max_num_queries(6):
        response = call("get", "?limit=5&offset=5&sort=number")
    body = response.json()
    assert body["count"] == 13 and len(body["items"]) == 5 and body["offset"] == 5
    assert body["items"][0]["number"].endswith("-00006")
    only = call("get", "?article=120&category=4").json()
    assert [item["number"] for item in only["items"]] == [murder.number]
    assert call("get", "?due=sometimes").status_code == 422


def test_the_card_holds_every_tab_and_the_read_is_audited(api, personas, case, audit_events):
    suspect = make_party(case, actor=personas.investigator)
    services.measure_apply(actor=personas.investigator, case=case, party=suspect, kind=MeasureKind.DETENTION)
    response = api(personas.prosecutor, scopes=("read",))("get", f"/{case.number}")
    body = response.json()
    assert body["number"] == case.number
    assert [p["role"] for p in body["parties"]] == ["suspect"]
    assert body["measures"][0]["deadline"]["rule"] == "cpc.148.detention"
    assert body["next_deadline"]["rule"] == "cpc.148.detention" and body["next_deadline"]["explanation"]
    assert body["investigation_deadline"]["rule"] == "cpc.218.investigation.cat2"
    assert [q["reference"] for q in body["qualifications"]] == ["177.2.3"]
    assert body["acts"][0]["event"] in ("case.opened", "measure.applied")
    assert audit_events("cases.case.viewed")[-1].purpose == "api"


def test_a_write_needs_the_write_scope(api, personas, case):
    response = api(personas.investigator, scopes=("read",))(
        "post", f"/{case.number}/suspend", {"ground": "53.1.1", "reason": "X"}
    )
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"


def test_a_stale_version_is_refused_by_body_or_if_match(api, personas, case):
    call = api(personas.investigator)
    before = written_state()
    stale = call(
        "post", f"/{case.number}/suspend", {"ground": "53.1.1", "reason": "X", "version": case.version + 5}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert (
        stale.json()["message"] == "The record was changed by someone else; reload it and try again."
        or stale.json()["message"]
    )
    header = call(
        "post",
        f"/{case.number}/suspend",
        {"ground": "53.1.1", "reason": "X"},
        **{"If-Match": f'"{case.version + 5}"'},
    )
    assert header.status_code == 409 and header.json()["code"] == "stale_version"
    assert written_state() == before
    bad = call("post", f"/{case.number}/suspend", {"ground": "53.1.1", "reason": "X"}, **{"If-Match": "abc"})
    assert bad.status_code == 422 and bad.json()["code"] == "if_match_invalid"
    fine = call(
        "post",
        f"/{case.number}/suspend",
        {"ground": "53.1.1", "reason": "X"},
        **{"If-Match": str(case.version)},
    )
    assert fine.status_code == 200 and fine.json()["status"] == CaseStatus.SUSPENDED


def test_a_full_course_through_the_api(api, personas, audit_events):
    team, supervisor = api(personas.investigator), api(personas.prosecutor)
    number = team("post", "", _open_body(personas)).json()["number"]
    person = make_person()
    party = team("post", f"/{number}/parties", {"person": str(person.public_id), "role": "suspect"})
    assert party.status_code == 201
    party_id = party.json()["id"]
    measure = team(
        "post",
        f"/{number}/measures",
        {
            "party": party_id,
            "kind": "detention",
            "started_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        },
    )
    assert measure.status_code == 201 and measure.json()["deadline"]["rule"] == "cpc.148.detention"
    accused = team("post", f"/{number}/parties/{party_id}/status", {"role": "accused"})
    assert accused.status_code == 200 and accused.json()["role"] == "accused"
    assert team("post", f"/{number}/acts", {"kind": "protocol", "title": "Dindirmə"}).status_code == 201
    instruction = supervisor(
        "post",
        f"/{number}/instructions",
        {"text": "Ekspertiza", "due_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
    )
    assert instruction.status_code == 201
    instruction_id = instruction.json()["id"]
    assert team("post", f"/{number}/instructions/{instruction_id}/report", {"report": "İcra olundu"}).json()[
        "completed_at"
    ]
    extended = supervisor("post", f"/{number}/extend", {"step": "218.6", "length": 1, "reason": "Ekspertiza"})
    assert extended.status_code == 200
    assert (
        team("post", f"/{number}/indictment/submit", {"body": "İttiham aktı"}).json()["status"]
        == "indictment"
    )
    refused = team("post", f"/{number}/indictment/approve", {})
    assert refused.status_code == 403
    approved = supervisor("post", f"/{number}/indictment/approve", {"note": "Təsdiq"})
    assert approved.status_code == 200 and approved.json()["status"] == "sent_to_court"
    assert {e.action for e in audit_events()} >= {
        "cases.case.opened",
        "cases.party.added",
        "cases.measure.applied",
        "cases.party.status_changed",
        "cases.act.added",
        "cases.instruction.given",
        "cases.instruction.reported",
        "cases.case.investigation_extended",
        "cases.case.indictment_submitted",
        "cases.case.indictment_approved",
    }


def test_unknown_rows_and_huge_ids_are_not_found_or_invalid(api, personas, case):
    call = api(personas.investigator)
    assert call("post", f"/{case.number}/parties/999999/remove", {"reason": "X"}).status_code == 404
    assert (
        call("post", f"/{case.number}/parties/99999999999999999999/remove", {"reason": "X"}).status_code
        == 422
    )
    assert call("post", f"/{case.number}/measures", {"party": 424242, "kind": "bail"}).status_code == 404


def test_a_moment_far_in_the_future_is_refused(api, personas):
    response = api(personas.investigator)(
        "post", "", _open_body(personas, opened_at="9999-12-31T23:59:59-05:00")
    )
    assert response.status_code == 422


def test_the_detention_extension_through_the_api_follows_the_rule(api, personas):
    case = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        articles="214.1",
        opened_at=aware(2025, 11, 7, 9),
    )
    suspect = make_party(case, actor=personas.investigator, since=dt.date(2025, 11, 7))
    detention = services.measure_apply(
        actor=personas.investigator,
        case=case,
        party=suspect,
        kind=MeasureKind.DETENTION,
        started_at=aware(2025, 11, 7, 18),
    )
    call = api(personas.prosecutor)
    beyond = call(
        "post",
        f"/{case.number}/measures/{detention.pk}/extend",
        {"step": "148.7", "length": 49, "reason": "X", "decision_reference": "Y"},
    )
    assert beyond.status_code == 422 and beyond.json()["code"] == "extension_not_allowed"
    ok = call(
        "post",
        f"/{case.number}/measures/{detention.pk}/extend",
        {"step": "148.7", "length": 48, "reason": "X", "decision_reference": "Y"},
    )
    assert ok.status_code == 200
    assert ok.json()["deadline"]["due"].startswith("2025-11-11T18:00")
