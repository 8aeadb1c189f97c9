"""The related-proceedings panel of a crime report's or a case's card (an htmx fragment)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from eprok.audit.services import audit_record
from eprok.core.access import deny
from eprok.core.decorators import staff_view

from . import links

HELP_PAGE = "related-proceedings"
# Nodes drawn around the record; the list beside the graph shows every link.
GRAPH_NODES = 12
WIDTH, HEIGHT = 480, 360
CENTRE_X, CENTRE_Y, RADIUS = 240, 180, 135


def get_record_for(user: Any, label: str, key: str) -> Any:
    """The record `key` of type `label` through its app's access lookup (404, audited, when hidden)."""
    if label == links.MATERIAL:
        from eprok.materials.access import get_material_for

        return get_material_for(user, key)
    if label == links.CASE:
        from eprok.cases.access import get_case_for

        return get_case_for(user, key)
    deny(user, action="stats.links.view", target_type="stats.links", target_key=label[:64], visible=False)


def links_listed(*, user: Any, label: str, key: str, count: int, channel: str = "web") -> None:
    """Audit one listing of a record's related proceedings: the record and how many were listed."""
    audit_record(
        actor=user,
        action="stats.links.list",
        target_type=label,
        target_id=str(key)[:64],
        target_repr=str(key)[:255],
        data={"count": int(count), "channel": channel},
        purpose="list",
    )


@dataclass
class Node:
    x: int
    y: int
    label_x: int
    label_y: int
    anchor: str
    link: links.Link
    edge_x: int
    edge_y: int
    edge_text: str


def graph(related: list[links.Link]) -> list[Node]:
    """The strongest links placed on a circle around the centre, with their edge labels' positions."""
    shown = related[:GRAPH_NODES]
    nodes: list[Node] = []
    for index, link in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(shown), 1)
        x = CENTRE_X + RADIUS * math.cos(angle)
        y = CENTRE_Y + RADIUS * math.sin(angle)
        right = math.cos(angle) >= -0.01
        nodes.append(
            Node(
                x=round(x),
                y=round(y),
                label_x=round(x + (16 if right else -16)),
                label_y=round(y + 4),
                anchor="start" if right else "end",
                link=link,
                edge_x=round(CENTRE_X + (x - CENTRE_X) * 0.55),
                edge_y=round(CENTRE_Y + (y - CENTRE_Y) * 0.55),
                edge_text=", ".join(str(links.KIND_LABELS[kind]) for kind in link.kinds),
            )
        )
    return nodes


@staff_view
@require_GET
@never_cache
def links_panel(request: HttpRequest, label: str, key: str) -> HttpResponse:
    """Related proceedings of one record, for its card (loaded by htmx)."""
    record = get_record_for(request.user, label, key)
    related = links.related(request.user, label, record)
    links_listed(user=request.user, label=label, key=record.number, count=len(related))
    context = {
        "help_page": HELP_PAGE,
        "record": record,
        "record_label": label,
        "record_type": links.TYPE_LABELS[label],
        "links": related,
        "nodes": graph(related),
        "width": WIDTH,
        "height": HEIGHT,
        "centre_x": CENTRE_X,
        "centre_y": CENTRE_Y,
    }
    return render(request, "stats/_links.html", context)
