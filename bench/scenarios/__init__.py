"""Benchmark scenarios. Each module listed here registers its scenarios on import (after Django is set up).

A later module adds its own file here (e.g. `bench/scenarios/cases.py`) and one line below.
"""

from __future__ import annotations

import importlib

from bench.scenarios.base import REGISTRY, BenchContext, Scenario, ScenarioSkipped, Server, register

SCENARIO_MODULES = [
    "bench.scenarios.pages",
    "bench.scenarios.audit",
    "bench.scenarios.casework",
    "bench.scenarios.appeals",
    "bench.scenarios.search",
    "bench.scenarios.documents",
    "bench.scenarios.special",
    "bench.scenarios.training",
    "bench.scenarios.gateway",
    "bench.scenarios.stats",
]


def load() -> dict[str, Scenario]:
    """Import the scenario modules (idempotent) and return the registry, in registration order."""
    for module in SCENARIO_MODULES:
        importlib.import_module(module)
    return REGISTRY


__all__ = [
    "REGISTRY",
    "SCENARIO_MODULES",
    "BenchContext",
    "Scenario",
    "ScenarioSkipped",
    "Server",
    "load",
    "register",
]
