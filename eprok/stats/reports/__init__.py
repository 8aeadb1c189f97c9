"""The registry of reports: code → how to build it from a user and its parameters.

Every report that can be shown, exported, issued or built in the background registers here (in its module,
imported by `eprok.stats.reports.load()`): the collegium report, the appeals, hotline, workload,
supervision and training reports, the report builder's results and the drill-down's record lists. The
worker builds a queued export with `build(code, user, params)`, exactly as the page does.

`params` are JSON-serialisable: "start" and "end" (ISO dates), "unit" (a unit code; default: the top of
the user's scope), "as_of" (ISO moment or absent: now), plus the report's own keys.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..tables import Report

MODULES = (
    "eprok.stats.reports.collegium",
    "eprok.stats.reports.standard",
    "eprok.stats.reports.drill",
    "eprok.stats.reports.builder",
)


@dataclass(frozen=True)
class ReportSpec:
    code: str
    title: Any
    build: Callable[[Any, dict[str, Any]], Report]
    # Rows the export would hold, without building it (decides between a download and a background job).
    estimate: Callable[[Any, dict[str, Any]], int] | None = None
    help_page: str = "stats"


_REPORTS: dict[str, ReportSpec] = {}


def register(spec: ReportSpec) -> None:
    _REPORTS[spec.code] = spec


def load() -> None:
    for module in MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a module not written yet
            if exc.name != module:
                raise


def get(code: str) -> ReportSpec | None:
    load()
    return _REPORTS.get(code)


def all_reports() -> list[ReportSpec]:
    load()
    return list(_REPORTS.values())


def build(code: str, user: Any, params: dict[str, Any]) -> Report:
    """The report `code` for `user` (access checked by the builder) with `params`; KeyError if unknown."""
    spec = get(code)
    if spec is None:
        raise KeyError(code)
    return spec.build(user, params)
