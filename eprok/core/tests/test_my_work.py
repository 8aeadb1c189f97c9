"""The "My work" page: its sections, the provider registry, and its query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.core import mywork
from eprok.core.mywork import WorkItem
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.notifications.services import notification_send


@pytest.fixture
def provider():
    """Register a provider for the test and remove it afterwards."""
    names: list[str] = []

    def register(fn, name="test-provider"):
        mywork.register_provider(fn, name=name)
        names.append(name)

    yield register
    for name in names:
        mywork.unregister_provider(name)


def test_it_requires_sign_in(client, personas):
    assert_access_matrix(client, personas, "/", {"anonymous": 302, "colleague": 200, "investigator": 200})


def test_it_shows_friendly_empty_states_when_nothing_is_registered(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    html = signed_in(personas.investigator).get("/").content.decode()

    assert "Good day, Rəşad" in html
    assert "Assigned to me" in html
    assert "Nothing is assigned to you right now." in html
    assert "Nearest deadlines" in html
    assert "No deadlines are coming up." in html
    assert "You have no new notifications." in html


def test_it_lists_what_providers_give_and_orders_deadlines_nearest_first(
    client, signed_in, personas, provider
):
    client.cookies["eprok_language"] = "en"
    today = timezone.localdate()

    def checks(user):
        assert user.pk == personas.investigator.pk
        return [
            WorkItem(
                title="Material 12/2025",
                url="/materials/12/",
                module="Materials",
                kind="Check",
                due=today + dt.timedelta(days=9),
            ),
            WorkItem(
                title="Appeal 7",
                url="/appeals/7/",
                module="Appeals",
                kind="Appeal",
                due=today - dt.timedelta(days=1),
            ),
            WorkItem(title="Instruction 3", url="/supervision/3/", module="Supervision", kind="Instruction"),
        ]

    provider(checks)

    html = signed_in(personas.investigator).get("/").content.decode()

    assert "Nothing is assigned to you right now." not in html
    assert 'href="/materials/12/"' in html
    assert "Instruction 3" in html
    deadlines = html.split('id="deadlines-heading"', 1)[1].split("</section>", 1)[0]
    assert deadlines.index("Appeal 7") < deadlines.index("Material 12/2025")
    assert "Instruction 3" not in deadlines  # no due date, not a deadline
    assert "Overdue" in deadlines


def test_it_shows_unread_notifications_on_my_work(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    notification_send(recipient=personas.investigator, title="Check 5 is due today", url="/x/", actor=None)
    notification_send(recipient=personas.colleague, title="Not for the investigator", actor=None)

    html = signed_in(personas.investigator).get("/").content.decode()

    assert "Check 5 is due today" in html
    assert "Not for the investigator" not in html
    assert "You have no new notifications." not in html


def test_it_stays_within_six_queries(signed_in, personas, provider, django_assert_max_num_queries):
    provider(lambda user: [WorkItem(title="A", url="/a/", module="M", kind="K", due=timezone.localdate())])
    for n in range(8):
        notification_send(recipient=personas.investigator, title=f"N{n}", actor=None)
    client = signed_in(personas.investigator)
    client.get("/")  # the first request may refresh the session

    # session, employee with unit, grants, running terms (core's deadline provider), latest unread,
    # unread count (8 > the 5 shown)
    with django_assert_max_num_queries(6):
        response = client.get("/")

    assert response.status_code == 200


def test_a_provider_registered_twice_under_one_name_counts_once(provider):
    def items(user):
        return [WorkItem(title="A", url="/a/", module="M", kind="K")]

    provider(items, name="same")
    provider(items, name="same")

    assert len(mywork.work_items(object())) == 1


def test_nearest_deadlines_skips_undated_items_and_limits_the_list():
    today = dt.date(2025, 3, 1)
    items = [
        WorkItem(title=str(n), url="/", module="M", kind="K", due=today + dt.timedelta(days=n))
        for n in range(15)
    ]
    items.append(WorkItem(title="undated", url="/", module="M", kind="K"))

    nearest = mywork.nearest_deadlines(list(reversed(items)), limit=10)

    assert [item.title for item in nearest] == [str(n) for n in range(10)]
    assert items[0].days_left(today) == 0
    assert items[1].overdue(today + dt.timedelta(days=2))


def test_with_few_unread_notifications_the_header_needs_no_count_query(
    client, signed_in, personas, django_assert_max_num_queries
):
    client.cookies["eprok_language"] = "en"
    notification_send(recipient=personas.investigator, title="only one", actor=None)
    client = signed_in(personas.investigator)
    client.get("/")

    # session, employee with unit, grants, running terms, latest unread
    with django_assert_max_num_queries(5):
        html = client.get("/").content.decode()

    assert "1 unread notification" in html
