"""The case card: the header with the soonest term and its explanation, and tabs loaded on demand."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from eprok.gateway.selectors_registers import browser_url

from .. import selectors, services
from ..labels import ACTION_LABELS
from ..links import tab_url
from ..models import Case
from ._common import cases_view, render_page


def court_panel(user: Any, case: Case) -> Any:
    """The "Court" panel (state prosecution in court) of a case that is or was in court."""
    from eprok.courtwork.links import court_panel as panel

    return panel(user, case)


def _tab_labels() -> list[tuple[str, Any]]:
    from django.utils.translation import gettext_lazy as _

    labels = {
        "parties": _("Parties"),
        "acts": _("Procedural acts"),
        "measures": _("Preventive measures"),
        "instructions": _("Instructions"),
        "term": _("Investigation term"),
        "qualification": _("Qualification and team"),
        "history": _("History"),
    }
    return [(tab, labels[tab]) for tab in selectors.TABS]


def _field_name(key: str) -> Any:
    """The field's name in the interface language (the audit log keeps the field's code)."""
    try:
        field = Case._meta.get_field(key)
    except FieldDoesNotExist:
        return key
    return getattr(field, "verbose_name", key)


def _history_rows(events: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for event in events:
        try:
            data = json.loads(event.data) if event.data else {}
        except ValueError:
            data = {}
        try:
            changes = json.loads(event.changes) if event.changes else {}
        except ValueError:
            changes = {}
        after = changes.get("after", {}) if isinstance(changes, dict) else {}
        before = changes.get("before", {}) if isinstance(changes, dict) else {}
        shown = [
            (_field_name(key), before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if key != "version"
        ]
        rows.append(
            {
                "event": event,
                "label": ACTION_LABELS.get(event.action, event.action),
                "data": data,
                "changes": shown,
            }
        )
    return rows


def _context(request: HttpRequest, card: selectors.CaseCard, *, fragment: bool = False) -> dict[str, Any]:
    case = card.case
    data = dict(card.data)
    if card.tab == "history":
        data["rows"] = _history_rows(data.get("events", []))
    tabs = _tab_labels()
    return {
        "card": card,
        "case": case,
        "tabs": tabs,
        "tab_links": [(key, label, tab_url(case.number, key)) for key, label in tabs],
        "tab": card.tab,
        **data,
        "is_open": case.is_open,
        "fragment": fragment,
        "registers_url": None if fragment else browser_url(user=request.user, subject=case),
        "court": None if fragment else court_panel(request.user, case),
    }


@cases_view
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    card = selectors.case_card(
        user=request.user, number=number, tab=request.GET.get("tab", selectors.DEFAULT_TAB)
    )
    services.case_record_view(actor=request.user, case=card.case, part=card.tab)
    return render_page(request, "cases/detail.html", _context(request, card))


@cases_view
@require_GET
def case_tab(request: HttpRequest, number: str, tab: str) -> HttpResponse:
    """One tab of the card, for htmx (a full page without it, so links work without script)."""
    if tab not in selectors.TABS:
        raise Http404()
    fragment = request.headers.get("HX-Request") == "true"
    card = selectors.case_card(user=request.user, number=number, tab=tab)
    services.case_record_view(actor=request.user, case=card.case, part=card.tab)
    template = "cases/_tab.html" if fragment else "cases/detail.html"
    return render_page(request, template, _context(request, card, fragment=fragment))


@cases_view
@require_GET
def case_next_term(request: HttpRequest, number: str) -> HttpResponse:
    """How the soonest running term is computed: loaded into the card's header when it is opened (htmx),
    or a page of its own without script. Only dates and legal grounds, so the read is not audited."""
    case, deadline, label = selectors.next_term(user=request.user, number=number)
    fragment = request.headers.get("HX-Request") == "true"
    template = "cases/_next_term_lines.html" if fragment else "cases/next_term.html"
    return render_page(request, template, {"case": case, "deadline": deadline, "label": label})
