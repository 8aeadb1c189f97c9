"""The drill-down's list of underlying records as a report ("records"), so it can be exported as CSV or XLSX
(or built in the background when it is long) like any other report.

`params`: "kind" (default: cases opened), "start"/"end" (default: this year so far), optional "region" and
"unit" (a unit code inside the user's scope; 404 otherwise). Every build is a read of a record list and is
audited as "stats.records.listed".
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.audit.services import audit_record

from .. import access
from ..dashboard import Query, parse_query, record_cards
from ..models import CardKind, SubjectType
from ..tables import Report, Row, Table, columns
from . import ReportSpec, register

CODE = "records"
LISTED = "stats.records.listed"


def audit_listed(user: Any, query: Query, *, count: int, purpose: str) -> None:
    """Audit a read of the underlying records with the filter that selected them."""
    audit_record(
        actor=user,
        action=LISTED,
        target_type="org.unit" if query.unit else "stats.card",
        target_id=query.unit.code if query.unit else "",
        target_repr=query.unit.name if query.unit else "",
        data={**query.params(), "count": count},
        purpose=purpose,
    )


def _query(user: Any, params: dict[str, Any]) -> Query:
    access.require_view(user, action="records", target=CODE)
    return parse_query(user, params)


def build(user: Any, params: dict[str, Any]) -> Report:
    query = _query(user, params)
    cards = list(record_cards(user, query))
    table = Table(
        key="records",
        title=_("Underlying records"),
        columns=columns(
            ("number", _("Number"), "text"),
            ("type", _("Record type"), "text"),
            ("kind", _("Fact"), "text"),
            ("date", _("Statistical date"), "text"),
            ("article", _("Article"), "text"),
            ("unit", _("Unit"), "text"),
        ),
        rows=[
            Row(
                cells={
                    "number": card.subject_number,
                    "type": str(SubjectType(card.subject_type).label),
                    "kind": str(CardKind(card.kind).label),
                    "date": card.occurred_on.isoformat(),
                    "article": card.article,
                    "unit": card.unit.name,
                }
            )
            for card in cards
        ],
    )
    audit_listed(user, query, count=len(cards), purpose="export")
    return Report(
        code=CODE,
        title=_("Underlying records: %(fact)s") % {"fact": query.kind_label},
        unit_name=query.unit.name if query.unit else _("All units in your scope"),
        period=(query.start, query.end),
        as_of=timezone.now(),
        tables=[table],
        params=query.params(),
    )


def estimate(user: Any, params: dict[str, Any]) -> int:
    query = _query(user, params)
    return record_cards(user, query).count()


register(
    ReportSpec(
        code=CODE,
        title=gettext_lazy("Underlying records of a figure"),
        build=build,
        estimate=estimate,
        help_page="stats-dashboard",
    )
)
