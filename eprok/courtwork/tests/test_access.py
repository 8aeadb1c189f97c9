"""The access matrix of court work: every page and API operation, for every persona.

investigator  the state prosecutor ("prosecute" in Xətai)     superior  "prosecute" over Baku with sub-units
outsider      "prosecute" in Nəsimi (sees nothing of Xətai)    colleague Xətai, no role
supervisor    "supervise" in Xətai (reads, does not act)       detective the case's investigator (reads)
"""

from __future__ import annotations

import json

import pytest

from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.courtwork import access, selectors

pytestmark = pytest.mark.django_db

EVERYONE = ("anonymous", "outsider", "colleague", "investigator", "superior", "supervisor", "detective")


def test_the_card_is_seen_by_the_prosecutors_of_the_unit_its_supervisors_and_the_case_team(
    client, personas, proceeding
):
    assert_access_matrix(
        client,
        personas,
        proceeding.get_absolute_url(),
        {
            "anonymous": 302,
            "outsider": 404,
            "colleague": 404,
            "investigator": 200,
            "superior": 200,
            "supervisor": 200,
            "detective": 200,
        },
    )


def test_only_the_prosecutors_of_the_unit_act(client, personas, proceeding):
    url = f"{proceeding.get_absolute_url()}hearings/add/"
    assert_access_matrix(
        client,
        personas,
        url,
        {
            "anonymous": 302,
            "outsider": 404,
            "colleague": 404,
            "investigator": 200,
            "superior": 200,
            "supervisor": 403,
            "detective": 403,
        },
    )
    assert_access_matrix(
        client,
        personas,
        url,
        {"outsider": 404, "colleague": 404, "supervisor": 403, "detective": 403},
        method="post",
        data={"starts_at": "2026-02-20T10:00"},
    )
    assert proceeding.hearings.count() == 0


def test_the_register_opens_for_prosecutors_and_supervisors(client, personas, proceeding):
    assert_access_matrix(
        client,
        personas,
        "/courtwork/",
        {
            "anonymous": 302,
            "outsider": 200,
            "colleague": 403,
            "investigator": 200,
            "superior": 200,
            "supervisor": 200,
            "detective": 403,
        },
    )


def test_the_calendar_is_for_prosecutors(client, personas, proceeding):
    assert_access_matrix(
        client,
        personas,
        "/courtwork/calendar/",
        {"anonymous": 302, "colleague": 403, "supervisor": 403, "outsider": 200, "investigator": 200},
    )


def test_opening_from_a_case_needs_the_role_over_its_unit(client, personas, case):
    assert_access_matrix(
        client,
        personas,
        f"/courtwork/open/case/{case.number}/",
        {
            "anonymous": 302,
            "outsider": 404,
            "colleague": 404,
            "supervisor": 403,
            "investigator": 200,
            "superior": 200,
        },
    )


def test_the_api_follows_the_same_matrix(client, personas, proceeding):
    assert_access_matrix(
        client,
        personas,
        f"/api/v1/courtwork/{proceeding.public_id}",
        {
            "anonymous": 401,
            "outsider": 404,
            "colleague": 404,
            "investigator": 200,
            "superior": 200,
            "supervisor": 200,
            "detective": 200,
        },
    )
    assert_access_matrix(
        client,
        personas,
        f"/api/v1/courtwork/{proceeding.public_id}/hearings",
        {"anonymous": 401, "outsider": 404, "colleague": 404, "supervisor": 403, "detective": 403},
        method="post",
        data={"starts_at": "2026-02-20T10:00:00+04:00"},
        content_type="application/json",
    )
    assert_access_matrix(
        client,
        personas,
        "/api/v1/courtwork",
        {"anonymous": 401, "colleague": 403, "outsider": 200, "investigator": 200},
    )


def test_the_list_and_the_loaded_row_agree_for_every_persona(personas, proceeding):
    for name in EVERYONE[1:]:
        user = personas.by_name(name)
        listed = list(selectors.proceeding_list(user=user).values_list("pk", flat=True)) == [proceeding.pk]
        assert listed == access.can_view(user, proceeding), name


def test_refusals_are_audited(client, personas, proceeding, audit_events):
    from eprok.core.testing.access_matrix import login_as

    login_as(client, personas.outsider)
    assert client.get(proceeding.get_absolute_url()).status_code == 404
    denied = [json.loads(event.data) for event in audit_events("access.denied")]
    assert {"attempted": "courtwork.proceeding.view", "outcome": "not_found"} in denied


def test_the_explainer_says_why(personas, proceeding):
    from eprok.courtwork.explain import explain_proceeding

    seen = explain_proceeding(personas.supervisor, str(proceeding.public_id))
    assert seen is not None and seen[1].visible and seen[1].actions == {"view": True, "act": False}
    hidden = explain_proceeding(personas.outsider, str(proceeding.public_id))
    assert hidden is not None and not hidden[1].visible
