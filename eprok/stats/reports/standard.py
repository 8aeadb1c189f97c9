"""The standard reports besides the collegium report: appeals, the 161 hotline, workload and timeliness,
procedural supervision and training coverage. Each reads its parameters into a `Frame` (period, unit,
access checked), computes its figures with a constant number of grouped queries over the live registers of
the chosen unit's subtree inside the user's statistics scope, and returns a `Report` that the generic
report page shows and exports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..tables import Report
from . import ReportSpec, register
from .standard_appeals import appeals_report, hotline_report
from .standard_bodies import supervision_report, training_report
from .standard_common import Frame, frame
from .standard_workload import workload_report

HELP_PAGE = "stats-reports"


def _builder(make: Callable[[Frame], Report]) -> Callable[[Any, dict[str, Any]], Report]:
    def build(user: Any, params: dict[str, Any]) -> Report:
        return make(frame(user, params))

    return build


REPORTS: tuple[tuple[str, Any, Callable[[Frame], Report]], ...] = (
    ("appeals", _("Appeals report"), appeals_report),
    ("hotline", _("161 anti-corruption hotline report"), hotline_report),
    ("workload", _("Workload and timeliness report"), workload_report),
    ("supervision", _("Procedural supervision report"), supervision_report),
    ("training", _("Training coverage report"), training_report),
)

for _code, _title, _make in REPORTS:
    register(ReportSpec(code=_code, title=_title, build=_builder(_make), help_page=HELP_PAGE))
