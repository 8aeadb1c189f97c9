"""Issued reports: a standard report fixed with its parameters, the moment its figures were taken, a
number ("HS-2026-00001") and the checksum of its figures, so anyone allowed to see it can rebuild it
later from the stored parameters and check that the figures are still the same.

The checksum covers the figures with the row labels as the default interface language writes them, so a
report issued in one language reproduces in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from eprok.audit.services import audit_record
from eprok.core.access import deny
from eprok.core.errors import NotFound
from eprok.core.numbering import next_value
from eprok.org.models import Unit

from .. import access
from ..models import IssuedReport
from ..tables import Report
from . import build, get
from .collegium import parse_moment

REGISTER = "stats_issued"
PREFIX = "HS"  # hesabat: a report


def _unit(user: Any, params: dict[str, Any]) -> Unit:
    code = params.get("unit")
    if code:
        return access.unit_for(user, str(code))
    tops = access.top_units(user)
    if not tops:
        access.require_view(None)
    return tops[0]


def checksum(code: str, user: Any, params: dict[str, Any], report: Report | None = None) -> str:
    """The checksum of the figures of report `code` with `params`, labels in the default language
    (`report`, when built in that language already, is reused)."""
    default = settings.LANGUAGE_CODE
    if report is not None and (translation.get_language() or default)[:2] == default[:2]:
        return report.sha256()
    with translation.override(default):
        return build(code, user, params).sha256()


def report_issue(user: Any, code: str, params: dict[str, Any]) -> IssuedReport:
    """Issue report `code` with `params` as it stands now: its figures fixed "as of" this moment."""
    access.require_view(user, action="issue")
    if get(code) is None:
        raise NotFound()
    unit = _unit(user, params)
    moment = timezone.now()
    fixed = {**params, "unit": unit.code, "as_of": moment.isoformat()}
    sha = checksum(code, user, fixed)
    with transaction.atomic():
        seq = next_value(register=REGISTER, scope=PREFIX, year=timezone.localdate(moment).year)
        issued = IssuedReport.objects.create(
            number=f"{PREFIX}-{timezone.localdate(moment).year}-{seq:05d}",
            report=code,
            unit=unit,
            params=fixed,
            as_of=moment,
            issued_by=user,
            figures_sha256=sha,
        )
        audit_record(
            actor=user,
            action="stats.report.issued",
            target=issued,
            data={"code": code, "params": fixed, "sha256": sha},
        )
    return issued


def issued_visible_to(user: Any) -> QuerySet[IssuedReport]:
    """The issuer's own issued reports and those of the units where the user may view statistics."""
    if not access.signed_in(user):
        return IssuedReport.objects.none()
    scope = access.record_scope(user, "unit") if access.can_view(user) else Q(pk__in=[])
    return IssuedReport.objects.filter(Q(issued_by_id=user.pk) | scope)


def issued_list(user: Any) -> QuerySet[IssuedReport]:
    access.require_view(user, action="issued.list")
    return issued_visible_to(user).select_related("unit", "issued_by").order_by("-created_at", "-pk")


def issued_get(user: Any, public_id: Any) -> IssuedReport:
    """One issued report the user may see; 404 (audited) otherwise."""
    issued = issued_visible_to(user).select_related("unit", "issued_by").filter(public_id=public_id).first()
    if issued is None:
        deny(
            user,
            action="issued.view",
            target_type="stats.issuedreport",
            target_key=str(public_id)[:64],
            visible=False,
        )
    return issued


@dataclass
class Reproduction:
    issued: IssuedReport
    report: Report
    sha256: str

    @property
    def matches(self) -> bool:
        return self.sha256 == self.issued.figures_sha256


def issued_reproduce(user: Any, issued: IssuedReport) -> Reproduction:
    """The issued report rebuilt from its stored parameters as of its moment, with today's checksum."""
    params = {
        **issued.params,
        "as_of": (parse_moment(issued.params.get("as_of")) or issued.as_of).isoformat(),
    }
    report = build(issued.report, user, params)
    return Reproduction(issued=issued, report=report, sha256=checksum(issued.report, user, params, report))
