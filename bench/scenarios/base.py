"""What a scenario is, and the registry `eprok bench` picks scenarios from.

A scenario is an object with a `name`, a `title`, `needs_server`, `setup(ctx)` (in-process, after
seeding and before the server starts) and `run(ctx)` (returns the table). Register it with
`register(MyScenario())` in a module listed in `bench.scenarios.SCENARIO_MODULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.report import ScenarioResult


class ScenarioSkipped(Exception):
    """The scenario cannot run here (a piece it measures is missing); the reason is printed."""


@dataclass
class Server:
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass
class BenchContext:
    """What the harness hands to scenarios."""

    scale: float
    concurrency: int
    duration: float
    max_requests: int
    work_dir: Path
    baseline_dir: Path
    server: Server | None = None
    progress: Callable[[str], None] = print
    # Scenarios may keep state between setup() and run() here, keyed by their name.
    state: dict[str, Any] = field(default_factory=dict)


class Scenario:
    name: str = ""
    title: str = ""
    needs_server: bool = False

    def setup(self, ctx: BenchContext) -> None:
        """Prepare in-process (credentials, extra data); raise ScenarioSkipped when not applicable."""

    def run(self, ctx: BenchContext) -> ScenarioResult:
        raise NotImplementedError


REGISTRY: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    if not scenario.name or scenario.name in REGISTRY:
        raise ValueError(f"scenario name missing or taken: {scenario.name!r}")
    REGISTRY[scenario.name] = scenario
    return scenario
