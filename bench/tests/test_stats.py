"""The statistical-card seeder and the issue-9 scenarios at a tiny scale, in-process (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Sum

from bench.scenarios import BenchContext
from bench.scenarios import stats as scenario
from bench.seeding import SeedPlan, seed_structure
from bench.seeding_stats import NUMBER_PREFIX, seed_stats_cards, stats_readers
from eprok.org.models import RoleAssignment, Unit
from eprok.org.roles import Role
from eprok.stats.facts import region_of
from eprok.stats.models import Card

SCALE = 0.001  # 1,000 crime reports and 300 cases


@pytest.fixture
def seeded(db) -> SeedPlan:
    plan = SeedPlan(scale=SCALE, progress=lambda message: None)
    plan.state["scenarios"] = ["stats_collegium"]
    seed_structure(plan)
    seed_stats_cards(plan)
    return plan


def _context(tmp_path: Path) -> BenchContext:
    return BenchContext(
        scale=SCALE,
        concurrency=1,
        duration=0.01,
        max_requests=10,
        work_dir=tmp_path,
        baseline_dir=tmp_path,
        progress=lambda message: None,
    )


def _net(kind: str) -> int:
    return int(Card.objects.filter(kind=kind).aggregate(n=Sum("sign"))["n"] or 0)


def test_the_seeder_writes_a_card_for_every_crime_report_and_case(seeded):
    report = seeded.report["stats_cards"]
    assert report["crime_reports"] == 1_000
    assert report["cases"] == 300
    # Every crime report registered once, every case opened once: net of corrections.
    assert _net("registered") == 1_000
    assert _net("opened") == 300
    assert Card.objects.filter(kind="registered", revision=1, sign=1).count() == 1_000
    assert Card.objects.filter(kind="opened", revision=1, sign=1).count() == 300
    assert Card.objects.count() == report["cards"]
    assert not Card.objects.exclude(subject_number__startswith=NUMBER_PREFIX).exists()
    # About 1% corrected: a -1 card naming the original and a second revision for each.
    corrected = report["corrected"]
    assert corrected > 0
    assert Card.objects.filter(sign=-1).count() == corrected
    assert Card.objects.filter(sign=1, revision=2).count() == corrected
    assert not Card.objects.filter(sign=-1, corrects__isnull=True).exists()
    # Real units, their paths and regions.
    units = {unit.pk: unit for unit in Unit.objects.all()}
    for card in Card.objects.order_by("pk")[:200]:
        unit = units[card.unit_id]
        assert card.unit_path == unit.path
        assert card.region == region_of(unit)
    # Refusals about 55% of the crime reports; the solved cases a share of those opened.
    assert 450 <= _net("refused") <= 650
    assert 0 < _net("solved") < 300


def test_the_seeder_makes_the_two_readers_and_does_not_double(seeded):
    gpo, district = stats_readers()
    root = Unit.objects.order_by("depth", "path").first()
    assert root is not None
    grant = RoleAssignment.objects.get(employee=gpo, role=Role.VIEW_STATISTICS)
    assert (grant.unit_id, grant.include_subunits) == (root.pk, True)
    grant = RoleAssignment.objects.get(employee=district, role=Role.VIEW_STATISTICS)
    assert grant.include_subunits is False
    assert grant.unit.kind == "district_office"
    cards = Card.objects.count()
    again = SeedPlan(scale=SCALE, progress=lambda message: None)
    again.state["scenarios"] = ["stats_dashboard"]
    seed_stats_cards(again)
    assert again.report["stats_cards"] == {"cards": cards, "reused": True}
    assert Card.objects.count() == cards


def test_the_seeder_skips_itself_for_other_scenarios(db):
    plan = SeedPlan(scale=SCALE, progress=lambda message: None)
    plan.state["scenarios"] = ["search"]
    seed_structure(plan)
    seed_stats_cards(plan)
    assert "stats_cards" not in plan.report
    assert not Card.objects.exists()


def test_a_scenario_seeds_the_cards_a_reused_database_lacks(db, tmp_path):
    seed_structure(SeedPlan(scale=SCALE, progress=lambda message: None))
    scenario.StatsDashboard().setup(_context(tmp_path))
    assert _net("registered") == 1_000
    assert _net("opened") == 300


def test_collegium_report_and_its_sql_agree(seeded, tmp_path):
    ctx = _context(tmp_path)
    collegium = scenario.StatsCollegium()
    collegium.setup(ctx)
    result = collegium.run(ctx)
    readers = result.data["readers"]
    assert set(readers) == {"GPO, with sub-units", "district office, own unit"}
    for figures in readers.values():
        assert figures["figures_compared"] > 0


def test_collegium_check_fails_when_the_figures_differ(seeded, tmp_path, monkeypatch):
    ctx = _context(tmp_path)
    collegium = scenario.StatsCollegium()
    collegium.setup(ctx)
    # The hand-written SQL now counts the cases opened as "solved": the check must catch it.
    monkeypatch.setitem(scenario.MEASURES, "solved", (("opened",), None))
    with pytest.raises(scenario.FiguresDiffer, match="hand-written SQL"):
        collegium.run(ctx)


def test_compare_names_the_first_differing_cell():
    expected = {"bodies": [[10, 7, None, 3, 2], [10, 7, None, 3, 2]]}
    assert scenario.compare({"bodies": [[10, 7, None, 3, 2], [10, 7, None, 3, 2]]}, expected, "x") == 10
    with pytest.raises(scenario.FiguresDiffer, match="row 1"):
        scenario.compare({"bodies": [[10, 7, None, 3, 2], [10, 8, None, 3, 2]]}, expected, "x")
    with pytest.raises(scenario.FiguresDiffer, match="1 rows"):
        scenario.compare({"bodies": [[10, 7, None, 3, 2]]}, expected, "x")


def test_dashboard_and_its_sql_agree_and_a_difference_fails(seeded, tmp_path, monkeypatch):
    ctx = _context(tmp_path)
    dashboard = scenario.StatsDashboard()
    dashboard.setup(ctx)
    result = dashboard.run(ctx)
    for figures in result.data["readers"].values():
        assert figures["figures_compared"] > 0
    monkeypatch.setitem(scenario.MEASURES, "refused", (("registered",), None))
    with pytest.raises(scenario.FiguresDiffer, match="tile 'refused'"):
        dashboard.run(ctx)
