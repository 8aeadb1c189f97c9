"""The API of court work (/api/v1/courtwork): opening, hearings, positions, decisions, appeals and
the calendar."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from eprok.core.testing.api import bearer, make_token
from eprok.courtwork import selectors
from eprok.courtwork.models import Proceeding

pytestmark = pytest.mark.django_db

BASE = "/api/v1/courtwork"


def post(client: Any, user: Any, path: str, data: Any, **headers: str) -> Any:
    return client.post(
        path,
        data=json.dumps(data),
        content_type="application/json",
        headers={**bearer(make_token(user)), **headers},
    )


def get(client: Any, user: Any, path: str, **params: Any) -> Any:
    return client.get(path, params, headers=bearer(make_token(user)))


def test_a_proceeding_is_opened_once_for_a_case(client, personas, case):
    payload = {
        "case": case.number,
        "court": "baku-xetai-district",
        "sent_on": "2026-01-12",
        "judge": "Əliyev",
    }
    first = post(client, personas.investigator, BASE, payload)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["number"], body["court"], body["prosecutor"], body["status"]) == (
        case.number,
        "baku-xetai-district",
        "investigator",
        "awaiting",
    )
    again = post(client, personas.investigator, BASE, payload)
    assert again.status_code == 200 and again.json()["public_id"] == body["public_id"]
    assert Proceeding.objects.count() == 1


def test_opening_validates_the_owner_and_the_court(client, personas, case):
    assert (
        post(
            client, personas.investigator, BASE, {"court": "baku-appeal", "sent_on": "2026-01-12"}
        ).status_code
        == 422
    )
    bad = post(
        client,
        personas.investigator,
        BASE,
        {"case": case.number, "court": "nowhere", "sent_on": "2026-01-12"},
    )
    assert bad.status_code == 422 and "court" in bad.json()["details"]


def test_the_whole_course_through_the_api(client, personas, proceeding, frozen):
    url = f"{BASE}/{proceeding.public_id}"
    hearing = post(
        client, personas.investigator, f"{url}/hearings", {"starts_at": "2026-02-09T10:00:00+04:00"}
    )
    assert hearing.status_code == 201
    hearing_id = hearing.json()["hearings"][0]["id"]
    held = post(client, personas.investigator, f"{url}/hearings/{hearing_id}/hold", {"outcome": "Dindirmə"})
    assert held.json()["status"] == "hearing"
    motion = post(client, personas.investigator, f"{url}/positions", {"kind": "motion", "text": "Vəsatət"})
    position_id = motion.json()["positions"][0]["id"]
    decided = post(
        client, personas.investigator, f"{url}/positions/{position_id}/outcome", {"outcome": "refused"}
    )
    assert decided.json()["positions"][0]["outcome"] == "refused"
    verdict = post(
        client,
        personas.investigator,
        f"{url}/decisions",
        {"kind": "conviction", "decided_on": "2026-02-04", "sentence": "3 il"},
    )
    assert verdict.status_code == 201
    decision = verdict.json()["decisions"][0]
    assert (decision["appeal_rule"], decision["appeal_due"]) == ("cpc.384.appeal", "2026-02-24")
    stale = post(
        client,
        personas.investigator,
        f"{url}/decisions/{decision['id']}/appeals",
        {"party": "prosecution", "grounds": "Yüngül cəza", "version": 1},
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    appealed = post(
        client,
        personas.investigator,
        f"{url}/decisions/{decision['id']}/appeals",
        {"party": "prosecution", "grounds": "Yüngül cəza"},
        **{"If-Match": f'"{verdict.json()["version"]}"'},
    )
    assert appealed.status_code == 201, appealed.content
    body = appealed.json()
    assert (body["status"], body["instance"], body["court"]) == ("appealed", "appeal", "baku-appeal")
    appeal_id = body["appeals"][0]["id"]
    outcome = post(
        client, personas.investigator, f"{url}/appeals/{appeal_id}/outcome", {"outcome": "granted"}
    )
    assert outcome.json()["appeals"][0]["outcome"] == "granted"


def test_a_late_protest_answers_422_with_the_day(client, personas, proceeding, frozen, english):
    url = f"{BASE}/{proceeding.public_id}"
    verdict = post(
        client, personas.investigator, f"{url}/decisions", {"kind": "conviction", "decided_on": "2026-02-04"}
    )
    frozen.set(dt.date(2026, 3, 2))
    late = post(
        client,
        personas.investigator,
        f"{url}/decisions/{verdict.json()['decisions'][0]['id']}/appeals",
        {"party": "prosecution", "grounds": "x", "filed_on": "2026-02-26"},
    )
    assert late.status_code == 422 and late.json()["code"] == "term_expired"
    assert "24.02.2026" in late.json()["message"]
    forced = post(client, personas.investigator, f"{url}/force", {})
    assert forced.json()["status"] == "closed"


def test_hearings_are_postponed_and_cancelled(client, personas, proceeding, frozen):
    url = f"{BASE}/{proceeding.public_id}"
    hearing_id = post(
        client, personas.investigator, f"{url}/hearings", {"starts_at": "2026-02-20T10:00:00+04:00"}
    ).json()["hearings"][0]["id"]
    moved = post(
        client,
        personas.investigator,
        f"{url}/hearings/{hearing_id}/postpone",
        {"starts_at": "2026-02-27T10:00:00+04:00", "reason": "Vəkil gəlməyib"},
    )
    statuses = [h["status"] for h in moved.json()["hearings"]]
    assert statuses == ["postponed", "scheduled"]
    new_id = moved.json()["hearings"][1]["id"]
    cancelled = post(
        client, personas.investigator, f"{url}/hearings/{new_id}/cancel", {"reason": "Hakim xəstədir"}
    )
    assert cancelled.json()["hearings"][1]["status"] == "cancelled"
    missing = post(client, personas.investigator, f"{url}/hearings/999999/cancel", {"reason": "x"})
    assert missing.status_code == 404


def test_the_list_filters_and_pages(client, personas, proceeding):
    listed = get(client, personas.superior, BASE, status="awaiting")
    assert listed.status_code == 200
    assert [item["public_id"] for item in listed.json()["items"]] == [str(proceeding.public_id)]
    assert get(client, personas.superior, BASE, status="closed").json()["count"] == 0
    assert get(client, personas.outsider, BASE).json()["count"] == 0
    assert get(client, personas.superior, BASE, court="baku-appeal").json()["count"] == 0


def test_the_calendar_and_the_courts(client, personas, proceeding, frozen):
    post(
        client,
        personas.investigator,
        f"{BASE}/{proceeding.public_id}/hearings",
        {"starts_at": "2026-02-16T10:00:00+04:00", "courtroom": "Zal 4"},
    )
    days = get(client, personas.investigator, f"{BASE}/calendar").json()
    assert days[0]["day"] == "2026-02-16" and days[0]["hearings"][0]["courtroom"] == "Zal 4"
    courts = get(client, personas.investigator, f"{BASE}/courts").json()
    assert any(court["code"] == "supreme" for court in courts)


def test_the_card_selector_stays_within_ten_queries(personas, proceeding, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        card = selectors.proceeding_card(user=personas.investigator, key=proceeding.public_id)
        assert card.proceeding.case is not None and card.can_act
