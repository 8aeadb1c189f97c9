"""The deadline engine on real calendar edge cases (CPC art. 202, Appeals Law art. 10)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from eprok.core.calendar import workdays
from eprok.core.calendar.deadlines import (
    Extension,
    ExtensionRefused,
    add_months,
    compute_deadline,
    may_grant_extension,
)
from eprok.core.errors import ValidationFailed
from eprok.core.models import DeadlineRule
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory

D = dt.date
BAKU = ZoneInfo("Asia/Baku")
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "deadline_rules.json"


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.invalidate()
    yield
    workdays.invalidate()


def rule(code: str) -> DeadlineRule:
    return DeadlineRule.objects.get(code=code)


def kinds(deadline) -> list[str]:
    return [step.kind for step in deadline.steps]


# --- the rules as data ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_rule_of_the_fixture_is_loaded_by_the_migration():
    codes = {row["code"] for row in json.loads(FIXTURE.read_text(encoding="utf-8"))}
    assert set(DeadlineRule.objects.values_list("code", flat=True)) >= codes
    assert {"cpc.207.check", "cpc.148.detention", "appeals.10.answer", "callcentre.recording_copy"} <= codes


def test_every_rule_names_its_source_and_every_extension_step_a_real_role():
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        assert row["legal_source"] and row["name_az"] and row["name_en"] and row["name_ru"], row["code"]
        for step in row["extension_steps"]:
            assert step["role"] in Role.values, (row["code"], step)
            assert step["length"] > 0 and step["max_total"] >= step["length"] and step["source"]
        if row["max_total_length"]:
            total = row["length"] + sum(step["max_total"] for step in row["extension_steps"])
            assert row["max_total_length"] <= total, row["code"]


def test_rules_taken_from_uncertain_data_say_so_in_their_note():
    rows = {row["code"]: row for row in json.loads(FIXTURE.read_text(encoding="utf-8"))}
    assert "2025 bill" in rows["cpc.207.check"]["note"]
    assert "Uncertain" in rows["aoc.36.penalty"]["note"]
    assert "10.3" in rows["appeals.10.answer"]["note"]


# --- terms in working days ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_appeal_answer_term_spanning_novruz_skips_the_holiday_and_its_transferred_days():
    deadline = compute_deadline(rule("appeals.10.answer"), D(2024, 3, 12))
    # 13-15, 18-19 March, 27-29 March, 1-5 April, Saturday 6 April (made working), 8 April.
    assert deadline.due == D(2024, 4, 8)
    skipped = [step.params["day"].date for step in deadline.steps if step.kind == "skipped"]
    assert skipped == [D(2024, 3, day) for day in range(20, 27)]
    assert kinds(deadline)[:3] == ["rule", "start", "start_not_counted"]


@pytest.mark.django_db
def test_a_cabinet_working_saturday_counts_as_a_working_day():
    assert compute_deadline(rule("appeals.7.10.forward"), D(2025, 6, 18)).due == D(2025, 6, 21)
    check = compute_deadline(rule("cpc.207.check"), D(2025, 6, 18))
    assert check.due == D(2025, 6, 21)
    assert "shifted" not in kinds(check)


@pytest.mark.django_db
def test_an_extension_across_the_year_end_skips_new_year_and_the_mourning_day():
    plain = compute_deadline(rule("appeals.10.answer"), D(2025, 12, 1))
    assert plain.due == D(2025, 12, 22)
    extended = compute_deadline(
        rule("appeals.10.answer"), D(2025, 12, 1), extensions=[Extension(length=30, step="10.2")]
    )
    assert extended.due == D(2026, 2, 6)
    assert extended.total_length == 45
    skipped = [step.params["day"].date for step in extended.steps if step.kind == "skipped"]
    assert skipped == [D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 20)]


# --- terms in calendar days: the last day moves to the next working day (CPC art. 202.3) ----------------


@pytest.mark.django_db
def test_a_last_day_on_saturday_moves_to_monday():
    deadline = compute_deadline(rule("cpc.384.appeal"), D(2025, 9, 28))
    assert deadline.due == D(2025, 10, 20)
    shifted = next(step for step in deadline.steps if step.kind == "shifted")
    assert [info.date for info in shifted.params["days"]] == [D(2025, 10, 18), D(2025, 10, 19)]


@pytest.mark.django_db
def test_a_last_day_on_a_bayram_moves_past_the_bayram_and_the_cabinet_bridge_day():
    deadline = compute_deadline(rule("cpc.207.check"), dt.datetime(2024, 4, 7, 10, 0, tzinfo=BAKU))
    assert deadline.due == D(2024, 4, 15)
    shifted = next(step for step in deadline.steps if step.kind == "shifted")
    reasons = [reason.kind for info in shifted.params["days"] for reason in info.reasons]
    assert reasons[:3] == [
        workdays.ReasonKind.HOLIDAY,
        workdays.ReasonKind.HOLIDAY,
        workdays.ReasonKind.CABINET_SWAP,
    ]


@pytest.mark.django_db
def test_a_last_day_on_a_holiday_moved_off_a_weekend_moves_on_again():
    # 18 June 2024 is the rest day for National Salvation Day (Saturday 15th), 19th the one for Gurban.
    assert compute_deadline(rule("cpc.290.prosecutor_decision"), D(2024, 6, 13)).due == D(2024, 6, 20)


@pytest.mark.django_db
def test_the_start_day_is_taken_in_baku_time():
    late_evening_utc = dt.datetime(2025, 9, 27, 21, 30, tzinfo=dt.UTC)  # already 28 September in Baku
    assert compute_deadline(rule("cpc.384.appeal"), late_evening_utc).due == D(2025, 10, 20)


# --- terms in months -----------------------------------------------------------------------------------


def test_month_terms_end_on_the_same_date_or_the_last_day_of_a_shorter_month():
    assert add_months(D(2025, 1, 15), 3) == (D(2025, 4, 15), False)
    assert add_months(D(2024, 12, 31), 2) == (D(2025, 2, 28), True)
    assert add_months(D(2023, 12, 31), 2) == (D(2024, 2, 29), True)
    assert add_months(D(2025, 11, 30), 14) == (D(2027, 1, 30), False)


@pytest.mark.django_db
def test_an_arrest_term_from_the_last_day_of_a_month_ends_on_the_last_day_of_a_shorter_month():
    deadline = compute_deadline(rule("cpc.158.arrest.cat1"), D(2024, 12, 31))
    assert deadline.due == D(2025, 2, 28)
    assert "month_end_clamp" in kinds(deadline)


@pytest.mark.django_db
def test_an_investigation_extended_across_the_year_end_ends_on_the_next_working_day():
    deadline = compute_deadline(
        rule("cpc.218.investigation.cat2"), D(2025, 10, 15), extensions=[Extension(length=2, step="218.6")]
    )
    assert deadline.due == D(2026, 3, 16)  # 15 March 2026 is a Sunday
    assert kinds(deadline)[-3:] == ["last_day", "shifted", "due"]


@pytest.mark.django_db
def test_a_suspension_stops_the_investigation_clock_and_novruz_moves_the_end():
    deadline = compute_deadline(
        rule("cpc.218.investigation.cat1"), D(2025, 1, 10), suspensions=[(D(2025, 2, 1), D(2025, 2, 10))]
    )
    # 10 March + 10 suspended days = 20 March (Novruz), then transfers, swaps, weekend and Ramazan.
    assert deadline.due == D(2025, 4, 1)
    assert "suspension" in kinds(deadline)


# --- terms in hours -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_48_hour_detention_runs_through_novruz_in_hours():
    detained = dt.datetime(2024, 3, 19, 14, 20, tzinfo=BAKU)
    deadline = compute_deadline(rule("cpc.148.detention"), detained)
    assert deadline.due == dt.datetime(2024, 3, 21, 14, 20, tzinfo=BAKU)
    assert deadline.ends_at() == deadline.due
    extended = compute_deadline(rule("cpc.148.detention"), detained, extensions=[Extension(48, "148.7")])
    assert extended.due == dt.datetime(2024, 3, 23, 14, 20, tzinfo=BAKU)


@pytest.mark.django_db
def test_a_term_in_hours_needs_a_start_time():
    with pytest.raises(ValidationFailed):
        compute_deadline(rule("cpc.148.detention"), D(2024, 3, 19))


# --- refusals ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_an_extension_beyond_what_the_step_allows():
    with pytest.raises(ExtensionRefused):
        compute_deadline(rule("cpc.158.arrest.cat1"), D(2025, 1, 10), extensions=[Extension(2, "159.1")])


@pytest.mark.django_db
def test_it_refuses_extensions_beyond_the_legal_maximum():
    arrest = rule("cpc.158.arrest.cat2")
    steps = [Extension(2, "159.1"), Extension(2, "159.2"), Extension(3, "159.8")]
    assert compute_deadline(arrest, D(2025, 1, 10), extensions=steps).total_length == 10
    with pytest.raises(ExtensionRefused):
        compute_deadline(arrest, D(2025, 1, 10), extensions=[*steps, Extension(1)])


@pytest.mark.django_db
def test_it_refuses_to_extend_a_term_without_extension_steps_or_under_an_unknown_step():
    with pytest.raises(ExtensionRefused):
        compute_deadline(rule("cpc.384.appeal"), D(2025, 1, 10), extensions=[Extension(5)])
    with pytest.raises(ExtensionRefused):
        compute_deadline(rule("appeals.10.answer"), D(2025, 1, 10), extensions=[Extension(5, "99.9")])
    with pytest.raises(ValidationFailed):
        compute_deadline(rule("appeals.10.answer"), D(2025, 1, 10), extensions=[Extension(0, "10.2")])


@pytest.mark.django_db
def test_it_refuses_to_suspend_a_term_that_cannot_be_suspended():
    with pytest.raises(ValidationFailed):
        compute_deadline(
            rule("cpc.384.appeal"), D(2025, 1, 10), suspensions=[(D(2025, 1, 12), D(2025, 1, 13))]
        )


@pytest.mark.django_db
def test_only_holders_of_the_steps_role_may_grant_an_extension(personas):
    investigation = rule("cpc.218.investigation.cat1")
    assert not may_grant_extension(personas.investigator, investigation, "218.6")
    RoleAssignmentFactory(employee=personas.colleague, role=Role.SUPERVISE, unit=personas.unit)
    assert may_grant_extension(personas.colleague, investigation, "218.6", personas.unit)
    assert not may_grant_extension(personas.colleague, investigation, "218.6", personas.other_unit)
    assert not may_grant_extension(personas.colleague, investigation, "no-such-step")


# --- the explanation ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_explanation_reads_as_sentences_in_each_language_and_as_json():
    deadline = compute_deadline(
        rule("appeals.10.answer"), D(2024, 3, 12), extensions=[Extension(length=10, step="10.2")]
    )
    with translation.override("en"):
        lines = deadline.explain_lines()
    assert lines[0].startswith("Rule: Answer to an appeal (Law on citizens' appeals")
    assert "is not counted (CPC art. 202)" in lines[4]
    assert any("Novruz (non-working holiday)" in line for line in lines)
    assert any("rest day transferred from" in line for line in lines)
    assert lines[-1].startswith("Due:")
    for language in ("az", "ru"):
        with translation.override(language):
            translated = deadline.explain_lines()
        assert len(translated) == len(lines)
        assert not set(translated) & set(lines), language
    data = json.loads(json.dumps(deadline.as_json()))
    assert data["due"] == "2024-04-25" and data["rule"] == "appeals.10.answer"
    assert {"kind": "start_not_counted", "day": "2024-03-12"} in data["steps"]


@pytest.mark.django_db
def test_computing_a_deadline_reads_each_year_of_the_calendar_once(django_assert_max_num_queries):
    appeals = rule("appeals.10.answer")
    with django_assert_max_num_queries(2):
        compute_deadline(appeals, D(2025, 12, 1), extensions=[Extension(30, "10.2")])
