"""The bundled population figures and the look-ups the rates use."""

from __future__ import annotations

import pytest

from eprok.core.geo import regions
from eprok.stats import population
from eprok.stats.models import Population

pytestmark = pytest.mark.django_db


def test_the_bundled_file_covers_every_region_of_the_map_in_both_years():
    data = population.bundled()
    codes = {region.code for region in regions()}
    assert len(codes) == 75
    for year in ("2023", "2024"):
        assert set(data["years"][year]) == codes
        assert all(value > 0 and value % 100 == 0 for value in data["years"][year].values())


def test_the_bundled_totals_are_those_of_the_country():
    data = population.bundled()
    for year in ("2023", "2024"):
        total = sum(data["years"][year].values())
        assert 10_100_000 <= total <= 10_200_000, (year, total)
    # The published totals: 10,127,145 on 1 January 2023 and 10,180,770 on 1 January 2024, rounded.
    assert abs(sum(data["years"]["2023"].values()) - 10_127_145) < 5_000
    assert abs(sum(data["years"]["2024"].values()) - 10_180_770) < 5_000


def test_the_bundled_file_states_its_source_and_rounding():
    data = population.bundled()
    assert "State Statistical Committee" in data["source"]
    assert "rounded to the hundred" in data["source"]
    assert len(data["source"]) <= 200  # it is kept on every row


def test_loading_is_idempotent_and_updates_changed_figures():
    Population.objects.all().delete()
    assert population.load_bundled() == 150
    assert Population.objects.count() == 150
    Population.objects.filter(region="AZ-BA", year=2024).update(residents=1)
    population.load_bundled()
    assert Population.objects.count() == 150
    baku = Population.objects.get(region="AZ-BA", year=2024)
    assert baku.residents == population.bundled()["years"]["2024"]["AZ-BA"]
    assert baku.source.startswith("State Statistical Committee")


def test_a_year_without_figures_falls_back_to_the_nearest_earlier_year():
    Population.objects.all().delete()
    Population.objects.create(region="AZ-GA", year=2022, residents=330_000)
    Population.objects.create(region="AZ-GA", year=2024, residents=340_000)
    assert population.residents("AZ-GA", 2023) == 330_000
    assert population.residents("AZ-GA", 2026) == 340_000
    assert population.residents("AZ-GA", 2021) is None
    assert population.residents("AZ-SM", 2024) is None


def test_residents_by_region_reads_one_query_and_sums_the_nakhchivan_republic(django_assert_num_queries):
    Population.objects.all().delete()
    population.load_bundled()
    Population.objects.create(region="AZ-BA", year=2025, residents=2_400_000)
    with django_assert_num_queries(1):
        figures, year = population.figures_for(2026)
    assert year == 2025
    assert figures["AZ-BA"] == 2_400_000
    nakhchivan = ("AZ-NV", "AZ-BAB", "AZ-CUL", "AZ-KAN", "AZ-ORD", "AZ-SAD", "AZ-SAH", "AZ-SAR")
    assert figures["AZ-NX"] == sum(population.bundled()["years"]["2024"][code] for code in nakhchivan)
    assert population.residents("AZ-NX", 2024) == figures["AZ-NX"]
    assert population.residents_by_region(2024)["AZ-GA"] == population.bundled()["years"]["2024"]["AZ-GA"]
