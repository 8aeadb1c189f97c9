"""The standard reports (appeals, hotline, workload, supervision, training): every figure against a small
fixed data set whose expected values are worked out by hand in the comments, for March 2025.

Units (personas): Baku city office ("city") with the Xətai ("unit") and Nəsimi ("other_unit") offices.
`analyst` holds "View statistics" over the city with its sub-units; `narrow` over the Xətai office only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from eprok.appeals.models import Appeal, AppealTopic, Sector
from eprok.cases.models import Case
from eprok.contact.models import HotlineReport
from eprok.core.errors import NotFound, ValidationFailed
from eprok.core.testing.access_matrix import login_as
from eprok.materials.models import Material
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.stats import reports
from eprok.stats.tables import Report
from eprok.supervision.models import InvestigatingBody, SupervisedCase, SupervisoryAct, Violation
from eprok.training.models import Attendance, ThematicArea, TrainingEvent

PERIOD = {"start": "2025-03-01", "end": "2025-03-31"}


def at(month: int, day: int, hour: int = 10, year: int = 2025) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, 0))


def d(month: int, day: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, day)


@pytest.fixture
def analyst(personas):
    user = EmployeeFactory(username="analyst", unit=personas.root, last_name="Nəbiyeva", first_name="Aygün")
    RoleAssignmentFactory(employee=user, role=Role.VIEW_STATISTICS, unit=personas.city, include_subunits=True)
    return user


@pytest.fixture
def narrow(personas):
    user = EmployeeFactory(username="narrow", unit=personas.root, last_name="Babayev", first_name="Tural")
    RoleAssignmentFactory(employee=user, role=Role.VIEW_STATISTICS, unit=personas.unit)
    return user


def build(code: str, user: Any, **params: Any) -> Report:
    with translation.override("en"):
        return reports.build(code, user, {**PERIOD, **params})


def table(report: Report, key: str) -> dict[str, dict[str, Any]]:
    """The table's rows by their label (cells without the label)."""
    found = report.table(key)
    label = found.columns[0].key
    return {str(row.cells[label]): {k: v for k, v in row.cells.items() if k != label} for row in found.rows}


def name(unit: Any) -> str:
    with translation.override("en"):
        return unit.name


def pct(text: str) -> Decimal:
    return Decimal(text)


# --- appeals ------------------------------------------------------------------------------------------------


@pytest.fixture
def appeals(personas):
    """A1-A7 received by Xətai in March (the report's figures), A8 in February, A9 by Nəsimi, A10 by the
    city office with Xətai as executor."""
    t1 = AppealTopic.objects.create(code="st-housing", name_az="Mənzil", name_en="Housing", sort_order=1)
    t2 = AppealTopic.objects.create(code="st-police", name_az="Polis", name_en="Police conduct", sort_order=2)
    counter = iter(range(1, 100))

    def appeal(unit: Any, channel: str, registered: dt.datetime, **fields: Any) -> Appeal:
        return Appeal.objects.create(
            number=f"ST-{next(counter)}",
            unit=unit,
            channel=channel,
            kind="complaint",
            received_at=registered,
            registered_at=registered,
            text="Şikayət",
            **fields,
        )

    xetai, inv, col = personas.unit, personas.investigator, personas.colleague
    # A1: letter, answered (satisfied) on 13 Mar, term 24 Mar: within the term, 10 days.
    appeal(
        xetai,
        "letter",
        at(3, 3),
        topic=t1,
        status="answered",
        outcome="satisfied",
        answer_due=d(3, 24),
        closed_at=at(3, 13),
        executor_unit=xetai,
        executor=inv,
    )
    # A2: letter, answered (refused) on 28 Mar, term 26 Mar: late, 23 days.
    appeal(
        xetai,
        "letter",
        at(3, 5),
        topic=t1,
        status="answered",
        outcome="refused",
        answer_due=d(3, 26),
        closed_at=at(3, 28),
        executor_unit=xetai,
        executor=col,
    )
    # A3: e-mail, forwarded on 12 Mar, forwarding term 13 Mar: within the term.
    appeal(
        xetai,
        "email",
        at(3, 10),
        topic=t2,
        status="forwarded",
        forward_due=d(3, 13),
        answer_due=d(3, 31),
        closed_at=at(3, 12),
    )
    # A4: e-mail, no topic, in work, term 20 Mar: open and overdue at 31 Mar.
    appeal(xetai, "email", at(3, 11), status="in_work", answer_due=d(3, 20))
    # A5: portal, registered, term 15 Apr: open within the term.
    appeal(xetai, "portal", at(3, 25), topic=t2, status="registered", answer_due=d(4, 15))
    # A6: portal, left unconsidered the day it came: closed within the term.
    appeal(
        xetai,
        "portal",
        at(3, 20),
        topic=t1,
        status="left_unconsidered",
        outcome="left_unconsidered",
        answer_due=d(4, 10),
        closed_at=at(3, 20, 11),
    )
    # A7: letter, answered (explained) on 2 Apr, term 28 Mar: open and overdue at 31 Mar; "answered" now.
    appeal(
        xetai,
        "letter",
        at(3, 18),
        topic=t1,
        status="answered",
        outcome="explained",
        answer_due=d(3, 28),
        closed_at=at(4, 2),
        executor_unit=xetai,
        executor=inv,
    )
    # A8: received in February, answered on 3 Mar within its term (workload: answered in the period).
    appeal(
        xetai,
        "letter",
        at(2, 27),
        topic=t1,
        status="answered",
        outcome="explained",
        answer_due=d(3, 20),
        closed_at=at(3, 3),
        executor_unit=xetai,
        executor=inv,
    )
    # A9: Nəsimi, answered on 20 Mar within the term.
    appeal(
        personas.other_unit,
        "letter",
        at(3, 5),
        topic=t1,
        status="answered",
        outcome="satisfied",
        answer_due=d(3, 26),
        closed_at=at(3, 20),
        executor_unit=personas.other_unit,
        executor=personas.outsider,
    )
    # A10: received by the city office, executed by Xətai (colleague), in work, term 1 Apr.
    appeal(
        personas.city,
        "letter",
        at(3, 7),
        topic=t2,
        status="in_work",
        answer_due=d(4, 1),
        executor_unit=xetai,
        executor=col,
    )
    # Outside the period.
    appeal(xetai, "letter", at(4, 3), topic=t1)


def test_appeals_report_counts_by_channel_topic_outcome_and_timeliness(analyst, personas, appeals):
    report = build("appeals", analyst, unit="baku-xetai")

    assert report.code == "appeals"
    assert report.unit_name == name(personas.unit)
    assert report.period == (d(3, 1), d(3, 31))
    assert report.params == {"start": "2025-03-01", "end": "2025-03-31", "unit": "baku-xetai"}
    assert len(report.notes) >= 2

    assert table(report, "channels") == {
        "Letter": {"n": 3, "share": pct("42.9")},
        "E-mail": {"n": 2, "share": pct("28.6")},
        "Public portal": {"n": 2, "share": pct("28.6")},
        "Total": {"n": 7, "share": pct("100.0")},
    }
    assert table(report, "topics") == {
        "Housing": {"n": 4, "share": pct("57.1")},
        "Police conduct": {"n": 2, "share": pct("28.6")},
        "No topic": {"n": 1, "share": pct("14.3")},
        "Total": {"n": 7, "share": pct("100.0")},
    }
    assert table(report, "outcomes") == {
        "Answered on the merits": {"n": 3, "share": pct("42.9")},
        "Satisfied": {"n": 1, "share": pct("14.3")},
        "Partly satisfied": {"n": 0, "share": pct("0.0")},
        "Refused": {"n": 1, "share": pct("14.3")},
        "Explained": {"n": 1, "share": pct("14.3")},
        "Forwarded to the competent body": {"n": 1, "share": pct("14.3")},
        "Left unconsidered": {"n": 1, "share": pct("14.3")},
        "Not yet closed": {"n": 2, "share": pct("28.6")},
        "Total": {"n": 7, "share": pct("100.0")},
    }
    assert [row.level for row in report.table("outcomes").rows] == [0, 1, 1, 1, 1, 0, 0, 0, 0]
    none = {"days": None}
    assert table(report, "timeliness") == {
        # A1 on time, A2 late, A7 overdue; (10 + 23) / 2 days.
        "Letter": {
            "n": 3,
            "on_time": 1,
            "late": 1,
            "in_term": 0,
            "overdue": 1,
            "on_time_share": pct("50.0"),
            "days": Decimal("16.5"),
        },
        # A3 on time (forwarding term), A4 overdue.
        "E-mail": {
            "n": 2,
            "on_time": 1,
            "late": 0,
            "in_term": 0,
            "overdue": 1,
            "on_time_share": pct("100.0"),
            **none,
        },
        # A6 on time, A5 open within its term.
        "Public portal": {
            "n": 2,
            "on_time": 1,
            "late": 0,
            "in_term": 1,
            "overdue": 0,
            "on_time_share": pct("100.0"),
            **none,
        },
        "Total": {
            "n": 7,
            "on_time": 3,
            "late": 1,
            "in_term": 1,
            "overdue": 2,
            "on_time_share": pct("75.0"),
            "days": Decimal("16.5"),
        },
    }
    assert report.table("timeliness").rows[-1].total


def test_appeals_report_of_the_city_counts_its_subtree(analyst, appeals):
    report = build("appeals", analyst, unit="baku")

    # A1-A7 (Xətai), A9 (Nəsimi), A10 (the city office itself).
    assert table(report, "channels")["Total"] == {"n": 9, "share": pct("100.0")}
    assert table(report, "channels")["Letter"] == {"n": 5, "share": pct("55.6")}


def test_a_holder_over_one_office_does_not_count_another_offices_appeals(narrow, appeals):
    report = build("appeals", narrow)  # default unit: the top of the scope, Xətai

    assert report.params["unit"] == "baku-xetai"
    assert table(report, "channels")["Total"]["n"] == 7
    with pytest.raises(NotFound):
        build("appeals", narrow, unit="baku-nesimi")
    with pytest.raises(NotFound):
        build("appeals", narrow, unit="baku")


def test_it_hides_every_report_from_an_employee_without_the_role(personas):
    for code in ("appeals", "hotline", "workload", "supervision", "training"):
        with pytest.raises(NotFound):
            build(code, personas.investigator, unit="baku-xetai")


@pytest.mark.parametrize("code", ["appeals", "hotline", "workload", "supervision", "training"])
def test_it_refuses_an_inverted_period_and_a_malformed_date(analyst, code):
    with pytest.raises(ValidationFailed) as inverted:
        build(code, analyst, start="2025-03-31", end="2025-03-01")
    assert "end" in inverted.value.details
    with pytest.raises(ValidationFailed) as malformed:
        build(code, analyst, start="31.03.2025")
    assert "start" in malformed.value.details


@pytest.mark.parametrize("code", ["appeals", "hotline", "workload", "supervision", "training"])
def test_every_report_is_registered_with_its_guide_and_refuses_a_unit_outside_the_scope(analyst, code):
    spec = reports.get(code)
    assert spec is not None
    assert spec.help_page == "stats-reports"
    with pytest.raises(NotFound):
        build(code, analyst, unit="gpo")
    with pytest.raises(NotFound):
        build(code, analyst, unit="no-such-unit")


# --- hotline ------------------------------------------------------------------------------------------------


@pytest.fixture
def hotline(personas):
    Sector.objects.create(code="st-police", name_az="Polis", name_en="Police", sort_order=1)
    Sector.objects.create(code="st-health", name_az="Səhiyyə", name_en="Health", sort_order=2)
    counter = iter(range(1, 100))

    def report(unit: Any, received: dt.datetime, sector: str, kind: str, status: str) -> None:
        HotlineReport.objects.create(
            number=f"HL-{next(counter)}",
            unit=unit,
            channel="phone",
            received_at=received,
            sector=sector,
            corruption_type=kind,
            status=status,
            text="Rüşvət tələb olunur",
        )

    xetai = personas.unit
    report(xetai, at(3, 2), "st-police", "bribery", "material")
    report(xetai, at(3, 5), "st-police", "bribery", "forwarded")
    report(xetai, at(3, 10), "st-health", "extortion", "explained")
    report(xetai, at(3, 15), "", "", "received")
    report(xetai, at(3, 20), "st-health", "bribery", "in_review")
    report(xetai, at(4, 2), "st-police", "bribery", "material")  # after the period
    report(personas.other_unit, at(3, 3), "st-police", "bribery", "material")  # another office


def test_hotline_report_counts_by_sector_type_and_triage(analyst, hotline):
    report = build("hotline", analyst, unit="baku-xetai")

    zero = {"material": 0, "forwarded": 0, "explained": 0, "open": 0}
    assert table(report, "sectors") == {
        "Health": {"n": 2, "share": pct("40.0"), **zero, "explained": 1, "open": 1},
        "Police": {"n": 2, "share": pct("40.0"), **zero, "material": 1, "forwarded": 1},
        "Not classified": {"n": 1, "share": pct("20.0"), **zero, "open": 1},
        "Total": {"n": 5, "share": pct("100.0"), "material": 1, "forwarded": 1, "explained": 1, "open": 2},
    }
    assert list(table(report, "sectors"))[:2] == ["Health", "Police"]  # equal counts: by name
    assert table(report, "types") == {
        "Bribery": {"n": 3, "share": pct("60.0"), **zero, "material": 1, "forwarded": 1, "open": 1},
        "Extortion": {"n": 1, "share": pct("20.0"), **zero, "explained": 1},
        "Not classified": {"n": 1, "share": pct("20.0"), **zero, "open": 1},
        "Total": {"n": 5, "share": pct("100.0"), "material": 1, "forwarded": 1, "explained": 1, "open": 2},
    }
    assert table(report, "triage") == {
        "Crime report registered for a check": {"n": 1, "share": pct("20.0")},
        "Forwarded to the competent agency": {"n": 1, "share": pct("20.0")},
        "Information or explanation given": {"n": 1, "share": pct("20.0")},
        "Received": {"n": 1, "share": pct("20.0")},
        "Under review": {"n": 1, "share": pct("20.0")},
        "Total": {"n": 5, "share": pct("100.0")},
    }


def test_hotline_report_of_the_city_adds_the_other_office(analyst, narrow, hotline):
    assert table(build("hotline", analyst, unit="baku"), "triage")["Total"]["n"] == 6
    assert table(build("hotline", narrow), "triage")["Total"]["n"] == 5


# --- workload -----------------------------------------------------------------------------------------------


@pytest.fixture
def workload(personas, appeals):
    inv, col, out, sup = personas.investigator, personas.colleague, personas.outsider, personas.superior
    counter = iter(range(1, 100))

    def material(
        unit: Any,
        registered: dt.datetime,
        due: dt.date,
        assignee: Any,
        status: str = "in_check",
        decided: dt.datetime | None = None,
    ) -> None:
        Material.objects.create(
            number=f"MT-{next(counter)}",
            unit=unit,
            source="applicant_statement",
            received_at=registered,
            registered_at=registered,
            registered_by=sup,
            summary="Oğurluq",
            assignee=assignee,
            status=status,
            check_due=due,
            decided_at=decided,
        )

    xetai = personas.unit
    material(xetai, at(3, 2), d(3, 5), inv, "case_opened", at(3, 4))  # M1: decided in time
    material(xetai, at(3, 3), d(3, 6), inv, "refused", at(3, 10))  # M2: decided late
    material(xetai, at(3, 20), d(3, 23), col)  # M3: overdue
    material(xetai, at(2, 20), d(2, 23), col, "transferred", at(3, 2))  # M4: February's, decided late
    material(xetai, at(3, 28), d(4, 1), inv)  # M5: within its term at 31 Mar
    material(xetai, at(3, 25), d(3, 28), col, "case_opened", at(4, 5))  # M6: overdue at 31 Mar
    material(personas.other_unit, at(3, 4), d(3, 7), out)  # M7: Nəsimi, overdue
    material(personas.city, at(3, 6), d(3, 9), sup, "refused", at(3, 8))  # M8: the city office, in time

    def case(
        unit: Any,
        opened: dt.datetime,
        due: dt.date,
        investigator: Any,
        status: str = "investigation",
        completed: dt.datetime | None = None,
    ) -> None:
        Case.objects.create(
            number=f"CS-{next(counter)}",
            unit=unit,
            investigator=investigator,
            opened_at=opened,
            opened_by=sup,
            opening_grounds="Ərizə",
            summary="Oğurluq",
            status=status,
            investigation_due=due,
            completed_at=completed,
        )

    case(xetai, at(1, 10), d(3, 10), inv)  # C1: pending, overdue
    case(xetai, at(2, 1), d(6, 1), inv, "sent_to_court", at(3, 15))  # C2: completed
    case(xetai, at(3, 5), d(5, 5), inv, "suspended")  # C3: pending
    case(xetai, at(2, 1), d(3, 1), col, "suspended")  # C4: pending; suspended, so not overdue
    case(xetai, at(1, 5), d(3, 5), col, "terminated", at(4, 10))  # C5: pending and overdue at 31 Mar
    case(xetai, at(10, 1, year=2024), d(12, 1, year=2024), inv, "terminated", at(1, 20))  # C6: before
    case(personas.other_unit, at(3, 10), d(5, 10), out)  # C7: Nəsimi, pending


WORKLOAD_ZERO = {
    "m_registered": 0,
    "m_decided": 0,
    "m_overdue": 0,
    "m_timely": None,
    "c_pending": 0,
    "c_completed": 0,
    "c_overdue": 0,
    "a_received": 0,
    "a_answered": 0,
    "a_late": 0,
    "a_timely": None,
}


def test_workload_report_by_unit(analyst, personas, workload):
    report = build("workload", analyst, unit="baku")

    rows = table(report, "units")
    with translation.override("en"):
        xetai, nesimi = personas.unit.name, personas.other_unit.name
        own = f"{personas.city.name} (own records)"
    assert list(rows) == [xetai, nesimi, own, "Total"]
    assert rows[xetai] == {
        # registered M1 M2 M3 M5 M6; decided M1 M2 M4 (M1 in time); overdue M3 M6.
        "m_registered": 5,
        "m_decided": 3,
        "m_overdue": 2,
        "m_timely": pct("33.3"),
        # pending C1 C3 C4 C5; completed C2; overdue C1 C5.
        "c_pending": 4,
        "c_completed": 1,
        "c_overdue": 2,
        # received A1-A7 and A10 (executed here); answered in March A1 A2 A8; late A2.
        "a_received": 8,
        "a_answered": 3,
        "a_late": 1,
        "a_timely": pct("66.7"),
    }
    assert rows[nesimi] == {
        **WORKLOAD_ZERO,
        "m_registered": 1,
        "m_overdue": 1,
        "c_pending": 1,
        "a_received": 1,
        "a_answered": 1,
        "a_timely": pct("100.0"),
    }
    assert rows[own] == {**WORKLOAD_ZERO, "m_registered": 1, "m_decided": 1, "m_timely": pct("100.0")}
    assert rows["Total"] == {
        "m_registered": 7,
        "m_decided": 4,
        "m_overdue": 3,
        "m_timely": pct("50.0"),
        "c_pending": 5,
        "c_completed": 1,
        "c_overdue": 2,
        "a_received": 9,
        "a_answered": 4,
        "a_late": 1,
        "a_timely": pct("75.0"),
    }
    links = [row.link for row in report.table("units").rows]
    assert links[0] == "?start=2025-03-01&end=2025-03-31&unit=baku-xetai"
    assert links[2:] == ["", ""]


def test_workload_report_by_employee(analyst, personas, workload):
    report = build("workload", analyst, unit="baku-xetai")

    rows = table(report, "employees")
    inv, col = personas.investigator.full_name, personas.colleague.full_name
    assert rows[inv] == {
        # M1 M2 M5 registered, M1 M2 decided (M1 in time); C1 C3 pending, C2 completed, C1 overdue;
        # A1 A7 received, A1 A8 answered.
        "m_registered": 3,
        "m_decided": 2,
        "m_overdue": 0,
        "m_timely": pct("50.0"),
        "c_pending": 2,
        "c_completed": 1,
        "c_overdue": 1,
        "a_received": 2,
        "a_answered": 2,
        "a_late": 0,
        "a_timely": pct("100.0"),
    }
    assert rows[col] == {
        # M3 M6 registered, M4 decided late, M3 M6 overdue; C4 C5 pending, C5 overdue; A2 A10 received,
        # A2 answered late.
        "m_registered": 2,
        "m_decided": 1,
        "m_overdue": 2,
        "m_timely": pct("0.0"),
        "c_pending": 2,
        "c_completed": 0,
        "c_overdue": 1,
        "a_received": 2,
        "a_answered": 1,
        "a_late": 1,
        "a_timely": pct("0.0"),
    }
    assert rows["Total"] == {
        "m_registered": 5,
        "m_decided": 3,
        "m_overdue": 2,
        "m_timely": pct("33.3"),
        "c_pending": 4,
        "c_completed": 1,
        "c_overdue": 2,
        "a_received": 4,
        "a_answered": 3,
        "a_late": 1,
        "a_timely": pct("66.7"),
    }
    # A leaf office: one row for its own records, then the total.
    assert list(table(report, "units")) == [name(personas.unit), "Total"]


def test_workload_of_a_narrow_holder_leaves_the_other_office_out(narrow, personas, workload):
    rows = table(build("workload", narrow), "units")
    assert rows["Total"]["m_registered"] == 5
    assert rows["Total"]["c_pending"] == 4


# --- supervision --------------------------------------------------------------------------------------------


@pytest.fixture
def supervision(personas):
    police = InvestigatingBody.objects.create(
        code="st-police", kind="police", name_az="Xətai RPİ", name_en="Xətai police"
    )
    mia = InvestigatingBody.objects.create(
        code="st-mia", kind="investigative", name_az="DİN Bİİ", name_en="MIA investigation"
    )
    counter = iter(range(1, 100))

    def case(
        unit: Any,
        body: Any,
        opened: dt.date,
        status: str = "investigation",
        closed: dt.datetime | None = None,
    ) -> SupervisedCase:
        return SupervisedCase.objects.create(
            number=f"SV-{next(counter)}",
            body=body,
            investigator_name="Məmmədov",
            unit=unit,
            opened_on=opened,
            summary="Oğurluq",
            articles="177.1",
            status=status,
            closed_at=closed,
        )

    xetai, author = personas.unit, personas.investigator
    s1 = case(xetai, police, d(3, 3))
    s2 = case(xetai, police, d(2, 10), "sent_to_court", at(3, 20))
    s3 = case(xetai, police, d(3, 10), "suspended")
    s4 = case(xetai, mia, d(3, 15), "terminated", at(3, 25))
    case(xetai, mia, d(4, 5))  # opened after the period
    case(xetai, mia, d(1, 1), "terminated", at(2, 1))  # closed before it
    s7 = case(personas.other_unit, police, d(3, 4))

    def act(case: Any, kind: str, issued: dt.datetime, due: dt.date | None, answered: Any = None) -> None:
        SupervisoryAct.objects.create(
            case=case,
            kind=kind,
            text="Göstəriş",
            author=author,
            issued_at=issued,
            due_date=due,
            answered_at=answered,
        )

    act(s1, "instruction", at(3, 5), d(3, 10), at(3, 12))  # answered late
    act(s1, "demand", at(3, 6), d(3, 20))  # unanswered after its due date
    act(s4, "protest", at(3, 16), d(4, 10))  # unanswered, not yet due
    act(s1, "instruction", at(4, 2), d(4, 9))  # after the period
    act(s2, "approved", at(3, 19), None)  # the indictment's approval: not an act to answer
    act(s7, "instruction", at(3, 6), d(3, 9))  # another office

    def violation(case: Any, kind: str, found: dt.date, remedied: dt.date | None = None) -> None:
        Violation.objects.create(
            case=case, kind=kind, found_on=found, description="Pozuntu", remedied_on=remedied
        )

    violation(s1, "missed_term", d(3, 11), d(3, 20))
    violation(s3, "detention", d(3, 12))
    violation(s4, "rights", d(2, 15), d(3, 5))  # found before the period, remedied in it
    violation(s7, "other", d(3, 6))  # another office


def test_supervision_report_per_body(analyst, supervision):
    report = build("supervision", analyst, unit="baku-xetai")

    assert table(report, "bodies") == {
        "Xətai police": {
            "received": 2,
            "investigation": 1,
            "suspended": 1,
            "sent_to_court": 1,
            "terminated": 0,
            "instruction": 1,
            "demand": 1,
            "protest": 0,
            "found": 2,
            "remedied": 1,
        },
        "MIA investigation": {
            "received": 1,
            "investigation": 0,
            "suspended": 0,
            "sent_to_court": 0,
            "terminated": 1,
            "instruction": 0,
            "demand": 0,
            "protest": 1,
            "found": 0,
            "remedied": 1,
        },
        "Total": {
            "received": 3,
            "investigation": 1,
            "suspended": 1,
            "sent_to_court": 1,
            "terminated": 1,
            "instruction": 1,
            "demand": 1,
            "protest": 1,
            "found": 2,
            "remedied": 2,
        },
    }
    assert table(report, "acts") == {
        "Instruction": {"n": 1, "late": 1, "overdue": 0},
        "Demand to remedy a violation": {"n": 1, "late": 0, "overdue": 1},
        "Protest": {"n": 1, "late": 0, "overdue": 0},
        "Total": {"n": 3, "late": 1, "overdue": 1},
    }
    assert table(report, "violations") == {
        "Investigation term missed": {"found": 1, "remedied": 1},
        "Unlawful detention": {"found": 1, "remedied": 0},
        "Custody term missed": {"found": 0, "remedied": 0},
        "Prosecutor's act not answered in time": {"found": 0, "remedied": 0},
        "Violation of a participant's rights": {"found": 0, "remedied": 1},
        "Other violation": {"found": 0, "remedied": 0},
        "Total": {"found": 2, "remedied": 2},
    }


def test_supervision_report_of_a_narrow_holder_leaves_the_other_office_out(analyst, narrow, supervision):
    assert table(build("supervision", analyst, unit="baku"), "bodies")["Total"]["received"] == 4
    assert table(build("supervision", narrow), "bodies")["Total"]["received"] == 3


# --- training -----------------------------------------------------------------------------------------------


@pytest.fixture
def training(personas):
    ThematicArea.objects.update(is_mandatory=False, is_active=False)
    ta1 = ThematicArea.objects.create(
        code="st-procedure", name_az="Prosessual", name_en="Procedure", is_mandatory=True, sort_order=1
    )
    ta2 = ThematicArea.objects.create(code="st-ethics", name_az="Etika", name_en="Ethics", sort_order=2)
    leaver = EmployeeFactory(username="leaver", unit=personas.unit, is_active=False)
    counter = iter(range(1, 100))
    author = personas.admin

    def event(area: Any, organiser: Any, starts: dt.datetime, status: str, hours: str) -> TrainingEvent:
        return TrainingEvent.objects.create(
            number=f"TE-{next(counter)}",
            title="Təlim",
            kind="seminar",
            area=area,
            organiser=organiser,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
            hours=Decimal(hours),
            status=status,
            created_by=author,
        )

    e1 = event(ta1, personas.unit, at(3, 5), "held", "4.0")
    e2 = event(ta2, personas.root, at(3, 10), "published", "2.0")
    e3 = event(ta1, personas.city, at(3, 20), "cancelled", "3.0")
    e4 = event(ta1, personas.unit, at(4, 2), "held", "4.0")
    event(ta2, personas.other_unit, at(3, 25), "draft", "2.0")

    def present(e: Any, employee: Any, here: bool = True) -> None:
        Attendance.objects.create(
            event=e,
            employee=employee,
            present=here,
            method="manual",
            recorded_at=e.starts_at,
            recorded_by=author,
        )

    present(e1, personas.investigator)
    present(e2, personas.investigator)
    present(e1, personas.colleague, here=False)
    present(e2, personas.outsider)
    present(e3, personas.superior)  # a cancelled event
    present(e4, personas.colleague)  # after the period
    present(e1, leaver)  # no longer an active employee


def test_training_report_by_unit_and_area(analyst, personas, training):
    report = build("training", analyst, unit="baku")

    with translation.override("en"):
        xetai, nesimi = personas.unit.name, personas.other_unit.name
        own = f"{personas.city.name} (own records)"
    assert table(report, "coverage") == {
        xetai: {
            "staff": 2,
            "trained": 1,
            "coverage": pct("50.0"),
            "events": 2,
            "presences": 2,
            "hours": Decimal("6.0"),
        },
        nesimi: {
            "staff": 1,
            "trained": 1,
            "coverage": pct("100.0"),
            "events": 1,
            "presences": 1,
            "hours": Decimal("2.0"),
        },
        own: {"staff": 1, "trained": 0, "coverage": pct("0.0"), "events": 0, "presences": 0, "hours": None},
        "Total": {
            "staff": 4,
            "trained": 2,
            "coverage": pct("50.0"),
            "events": 2,
            "presences": 3,
            "hours": Decimal("8.0"),
        },
    }
    assert table(report, "areas") == {
        # E1 organised by Xətai; E2 by the General Prosecutor's Office (outside the city's subtree).
        "Procedure": {"mandatory": "yes", "held": 1, "events": 1, "trained": 1, "coverage": pct("25.0")},
        "Ethics": {"mandatory": "", "held": 0, "events": 1, "trained": 2, "coverage": pct("50.0")},
        "Total": {"mandatory": "", "held": 1, "events": 2, "trained": 2, "coverage": pct("50.0")},
    }


def test_training_report_of_a_narrow_holder(narrow, personas, training):
    report = build("training", narrow)

    assert table(report, "coverage") == {
        name(personas.unit): {
            "staff": 2,
            "trained": 1,
            "coverage": pct("50.0"),
            "events": 2,
            "presences": 2,
            "hours": Decimal("6.0"),
        },
        "Total": {
            "staff": 2,
            "trained": 1,
            "coverage": pct("50.0"),
            "events": 2,
            "presences": 2,
            "hours": Decimal("6.0"),
        },
    }


# --- queries ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ceiling"),
    [("appeals", 6), ("hotline", 6), ("workload", 12), ("supervision", 8), ("training", 10)],
)
def test_each_report_takes_a_fixed_number_of_queries(
    analyst, workload, hotline, supervision, training, code, ceiling, django_assert_max_num_queries
):
    reports.load()
    with django_assert_max_num_queries(ceiling):
        build(code, analyst, unit="baku")


def test_the_registry_builds_a_report_by_its_code(analyst, appeals):
    with translation.override("en"):
        report = reports.build("appeals", analyst, {**PERIOD, "unit": "baku-xetai"})
    assert report.sha256() == build("appeals", analyst, unit="baku-xetai").sha256()
    with pytest.raises(KeyError):
        reports.build("no-such-report", analyst, PERIOD)


# --- the generic report page ----------------------------------------------------------------------------

QUERY = "?start=2025-03-01&end=2025-03-31&unit={unit}"


@pytest.fixture
def seeded(workload, hotline, supervision, training):
    """Every register seeded (the workload fixture seeds the appeals too)."""


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("code", "figure"),
    [
        ("appeals", "Appeals received by channel"),
        ("hotline", "Hotline reports by sector"),
        ("workload", "Workload and timeliness by unit"),
        ("supervision", "Supervised investigations by investigating body"),
        ("training", "Training coverage by unit"),
    ],
)
def test_the_report_page_shows_each_standard_report_with_its_guide(
    client, analyst, seeded, code, figure, django_assert_max_num_queries
):
    login_as(client, analyst)
    with django_assert_max_num_queries(40):
        response = client.get(
            f"/stats/reports/{code}/" + QUERY.format(unit="baku-xetai"), HTTP_ACCEPT_LANGUAGE="en"
        )

    assert response.status_code == 200
    assert response.context["help_page"] == "stats-reports"
    assert response.context["report"].code == code
    assert figure in response.content.decode()


def test_the_page_shows_the_appeals_figures(client, analyst, appeals):
    login_as(client, analyst)
    response = client.get("/stats/reports/appeals/" + QUERY.format(unit="baku-xetai"))

    report = response.context["report"]
    assert [row.cells["n"] for row in report.table("channels").rows] == [3, 2, 2, 7]


def test_an_inverted_period_is_a_form_error_not_a_failure(client, analyst, appeals):
    login_as(client, analyst)
    response = client.get("/stats/reports/appeals/?start=2025-03-31&end=2025-03-01&unit=baku-xetai")

    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors


def test_a_unit_outside_the_scope_answers_404(client, narrow, appeals):
    login_as(client, narrow)
    response = client.get("/stats/reports/workload/" + QUERY.format(unit="baku-nesimi"))

    assert response.status_code == 404


def test_the_appeals_report_exports_as_csv_and_the_export_is_audited(client, analyst, appeals, audit_events):
    login_as(client, analyst)
    response = client.get("/stats/reports/appeals/export/" + QUERY.format(unit="baku-xetai") + "&fmt=csv")

    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    assert "16.5" in text  # the average days to answer of the letters
    assert audit_events("stats.report.exported")
