"""The appeals report and the 161 hotline report: what came in during the period and what became of it.

Appeals report — the appeals registered in the period by the chosen unit's subtree (by the receiving
unit), counted by channel, by topic, by outcome (as of now) and by timeliness. An appeal is closed when it
is answered, forwarded to the competent body or left unconsidered; it is closed within the term when it
was closed on or before its term — the answer term with any extension (Appeals Law art. 10), or for a
forwarded appeal the forwarding term (art. 7.10). An appeal still open at the end of the period is overdue
when its answer term ran out before that day. Average days to answer: calendar days from registration to
the answer, over the appeals answered by the end of the period.

Hotline report — the reports to the 161 anti-corruption hotline received in the period by the chosen
unit's subtree, by sector, by type of corruption and by the outcome of their triage (a crime report
registered for a check, forwarding to the competent agency, an explanation given, or still open).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from eprok.appeals.models import (
    MERIT_OUTCOMES,
    OPEN_STATUSES,
    Appeal,
    AppealStatus,
    AppealTopic,
    Channel,
    Outcome,
)
from eprok.contact import classifiers
from eprok.contact.models import OPEN_HOTLINE_STATUSES, CorruptionType, HotlineReport, HotlineStatus

from ..tables import Row, Table, columns, percent
from .standard_common import TOTAL, Frame, local_date

NO_TOPIC = _("No topic")
NOT_CLASSIFIED = _("Not classified")
DAY = 86_400


def _days(total: Any, count: int) -> Decimal | None:
    """The average of `count` durations summing to `total`, in days with one decimal."""
    if not count or total is None:
        return None
    seconds = (
        Decimal(total.total_seconds()) if hasattr(total, "total_seconds") else Decimal(total) / 1_000_000
    )
    return (seconds / count / DAY).quantize(Decimal("0.1"))


def _add(a: Any, b: Any) -> Any:
    """a + b where either may be None (a sum of durations over no rows)."""
    return b if a is None else a if b is None else a + b


def _share_rows(label_key: str, items: list[tuple[Any, int]], total: int) -> list[Row]:
    rows = [Row(cells={label_key: str(label), "n": n, "share": percent(n, total)}) for label, n in items]
    rows.append(Row(cells={label_key: str(TOTAL), "n": total, "share": percent(total, total)}, total=True))
    return rows


# --- appeals -----------------------------------------------------------------------------------------------


def _appeal_groups(frame: Frame) -> list[dict[str, Any]]:
    """The appeals of the period grouped by channel, topic, status and outcome, with their timeliness
    classes counted (one query)."""
    closed_by_ref = Q(closed_at__isnull=False, closed_at__lt=frame.ref_at)
    # The term a closed appeal is measured against: the forwarding term for a forwarded one, else the
    # answer term. No term recorded: within the term.
    forwarded = Q(status=AppealStatus.FORWARDED, forward_due__isnull=False)
    answered_late = ~forwarded & Q(answer_due__isnull=False, closed_day__gt=F("answer_due"))
    forwarded_late = forwarded & Q(closed_day__gt=F("forward_due"))
    late = closed_by_ref & (answered_late | forwarded_late)
    answered = Q(status=AppealStatus.ANSWERED) & closed_by_ref
    rows = (
        Appeal.objects.filter(frame.scope("unit"), frame.within("registered_at"))
        .annotate(
            closed_day=local_date("closed_at"),
            taken=ExpressionWrapper(F("closed_at") - F("registered_at"), output_field=DurationField()),
        )
        .values("channel", "topic_id", "status", "outcome")
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=closed_by_ref),
            late=Count("pk", filter=late),
            overdue=Count(
                "pk", filter=~closed_by_ref & Q(answer_due__isnull=False, answer_due__lt=frame.ref_day)
            ),
            answered=Count("pk", filter=answered),
            answer_time=Sum("taken", filter=answered),
        )
        .order_by()
    )
    return [dict(row) for row in rows]


def _topic_names(ids: set[int]) -> list[tuple[int, str]]:
    """(pk, name in the active language) of the topics, in the classifier's order (one query)."""
    language = (get_language() or "az")[:2]
    rows = (
        AppealTopic.objects.filter(pk__in=ids)
        .order_by("sort_order", "code")
        .values_list("pk", "name_az", "name_en", "name_ru")
    )
    return [(pk, {"en": en, "ru": ru}.get(language) or az) for pk, az, en, ru in rows]


def appeals_report(frame: Frame) -> Any:
    groups = _appeal_groups(frame)
    total = sum(group["n"] for group in groups)
    by_channel: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    by_topic: dict[int | None, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    by_outcome: dict[str, int] = defaultdict(int)
    for group in groups:
        figures = by_channel[group["channel"]]
        for key in ("n", "closed", "late", "overdue", "answered"):
            figures[key] += group[key]
        figures["answer_time"] = _add(figures.get("answer_time"), group["answer_time"])
        by_topic[group["topic_id"]] += group["n"]
        by_status[group["status"]] += group["n"]
        if group["status"] == AppealStatus.ANSWERED:
            by_outcome[group["outcome"]] += group["n"]

    channels = Table(
        key="channels",
        title=_("Appeals received by channel"),
        columns=columns(
            ("label", _("Channel"), "text"), ("n", _("Received")), ("share", _("Share, %"), "pct")
        ),
        rows=_share_rows(
            "label", [(c.label, by_channel[c.value]["n"]) for c in Channel if by_channel[c.value]["n"]], total
        ),
    )
    named = _topic_names({pk for pk in by_topic if pk is not None})
    topic_items: list[tuple[Any, int]] = [(name, by_topic[pk]) for pk, name in named]
    if by_topic.get(None):
        topic_items.append((NO_TOPIC, by_topic[None]))
    topics = Table(
        key="topics",
        title=_("Appeals received by topic"),
        columns=columns(("label", _("Topic"), "text"), ("n", _("Received")), ("share", _("Share, %"), "pct")),
        rows=_share_rows("label", topic_items, total),
    )

    outcome_rows = [
        Row(
            cells={
                "label": str(_("Answered on the merits")),
                "n": by_status[AppealStatus.ANSWERED],
                "share": percent(by_status[AppealStatus.ANSWERED], total),
            }
        )
    ]
    merit = [o for o in Outcome if o in MERIT_OUTCOMES]
    for outcome in merit:
        n = by_outcome[outcome.value]
        outcome_rows.append(
            Row(cells={"label": str(outcome.label), "n": n, "share": percent(n, total)}, level=1)
        )
    open_count = sum(by_status[s] for s in OPEN_STATUSES)
    for label, n in (
        (_("Forwarded to the competent body"), by_status[AppealStatus.FORWARDED]),
        (_("Left unconsidered"), by_status[AppealStatus.LEFT_UNCONSIDERED]),
        (_("Not yet closed"), open_count),
    ):
        outcome_rows.append(Row(cells={"label": str(label), "n": n, "share": percent(n, total)}))
    outcome_rows.append(
        Row(cells={"label": str(TOTAL), "n": total, "share": percent(total, total)}, total=True)
    )
    outcomes = Table(
        key="outcomes",
        title=_("Appeals received in the period by outcome (as of now)"),
        columns=columns(
            ("label", _("Outcome"), "text"), ("n", _("Appeals")), ("share", _("Share, %"), "pct")
        ),
        rows=outcome_rows,
        note=_("“Answered on the merits” is the sum of the four indented lines below it."),
    )

    timeliness_columns = columns(
        ("label", _("Channel"), "text"),
        ("n", _("Received")),
        ("on_time", _("Closed within the term")),
        ("late", _("Closed late")),
        ("in_term", _("Open, term not run out")),
        ("overdue", _("Open and overdue")),
        ("on_time_share", _("Closed within the term, %"), "pct"),
        ("days", _("Average days to answer"), "rate"),
    )

    def timeliness_cells(figures: dict[str, Any]) -> dict[str, Any]:
        closed, late, n = figures["closed"], figures["late"], figures["n"]
        return {
            "n": n,
            "on_time": closed - late,
            "late": late,
            "in_term": n - closed - figures["overdue"],
            "overdue": figures["overdue"],
            "on_time_share": percent(closed - late, closed),
            "days": _days(figures.get("answer_time"), figures["answered"]),
        }

    timeliness_rows = [
        Row(cells={"label": str(c.label), **timeliness_cells(by_channel[c.value])})
        for c in Channel
        if by_channel[c.value]["n"]
    ]
    overall: dict[str, Any] = defaultdict(int)
    for figures in by_channel.values():
        for key, value in figures.items():
            overall[key] = _add(overall.get(key), value)
    timeliness_rows.append(
        Row(
            cells={
                "label": str(TOTAL),
                **timeliness_cells({"closed": 0, "late": 0, "n": 0, "overdue": 0, **overall}),
            },
            total=True,
        )
    )
    timeliness = Table(
        key="timeliness",
        title=_("Timeliness of the appeals received in the period"),
        columns=timeliness_columns,
        rows=timeliness_rows,
        note=_(
            "Closed: answered, forwarded or left unconsidered by the end of the period. The term is the "
            "answer term with any extension, or the forwarding term for a forwarded appeal. Average days: "
            "calendar days from registration to the answer."
        ),
    )
    return frame.report(
        "appeals",
        _("Appeals report"),
        [channels, topics, outcomes, timeliness],
        notes=(_("Appeals are counted by the unit that received them, by the day of registration."),),
    )


# --- the 161 hotline ---------------------------------------------------------------------------------------

TRIAGE = (
    ("material", HotlineStatus.MATERIAL.label),
    ("forwarded", HotlineStatus.FORWARDED.label),
    ("explained", HotlineStatus.EXPLAINED.label),
    ("open", _("Not yet triaged")),
)


def _triage_key(status: str) -> str:
    return "open" if status in OPEN_HOTLINE_STATUSES else str(status)


def hotline_report(frame: Frame) -> Any:
    groups = list(
        HotlineReport.objects.filter(frame.scope("unit"), frame.within("received_at"))
        .values("sector", "corruption_type", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(group["n"] for group in groups)
    by_sector: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_type: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_status: dict[str, int] = defaultdict(int)
    for group in groups:
        key = _triage_key(group["status"])
        for bucket in (by_sector[group["sector"]], by_type[group["corruption_type"]]):
            bucket["n"] += group["n"]
            bucket[key] += group["n"]
        by_status[group["status"]] += group["n"]

    split_columns: list[tuple[str, Any] | tuple[str, Any, str]] = [
        ("n", _("Received")),
        ("share", _("Share, %"), "pct"),
        *((key, label) for key, label in TRIAGE),
    ]

    def split_rows(items: list[tuple[Any, dict[str, int]]]) -> list[Row]:
        rows = [
            Row(
                cells={
                    "label": str(label),
                    "n": figures["n"],
                    "share": percent(figures["n"], total),
                    **{key: figures[key] for key, _label in TRIAGE},
                }
            )
            for label, figures in items
        ]
        sums = {key: sum(figures[key] for _label, figures in items) for key, _label in TRIAGE}
        rows.append(
            Row(cells={"label": str(TOTAL), "n": total, "share": percent(total, total), **sums}, total=True)
        )
        return rows

    names = classifiers.sector_names()
    sector_items = sorted(
        ((names.get(code, code), figures) for code, figures in by_sector.items() if code),
        key=lambda item: (-item[1]["n"], str(item[0])),
    )
    if "" in by_sector:
        sector_items.append((str(NOT_CLASSIFIED), by_sector[""]))
    sectors = Table(
        key="sectors",
        title=_("Hotline reports by sector"),
        columns=columns(("label", _("Sector"), "text"), *split_columns),
        rows=split_rows(sector_items),
    )
    type_items: list[tuple[Any, dict[str, int]]] = [
        (kind.label, by_type[kind.value]) for kind in CorruptionType if kind.value in by_type
    ]
    if "" in by_type:
        type_items.append((NOT_CLASSIFIED, by_type[""]))
    types = Table(
        key="types",
        title=_("Hotline reports by type of corruption"),
        columns=columns(("label", _("Type of corruption"), "text"), *split_columns),
        rows=split_rows(type_items),
    )
    triage_items: list[tuple[Any, int]] = [
        (status.label, by_status[status.value])
        for status in (HotlineStatus.MATERIAL, HotlineStatus.FORWARDED, HotlineStatus.EXPLAINED)
    ]
    triage_items += [
        (status.label, by_status[status.value])
        for status in (HotlineStatus.RECEIVED, HotlineStatus.IN_REVIEW)
    ]
    triage = Table(
        key="triage",
        title=_("Outcome of the triage (as of now)"),
        columns=columns(
            ("label", _("Outcome"), "text"), ("n", _("Number of reports")), ("share", _("Share, %"), "pct")
        ),
        rows=_share_rows("label", triage_items, total),
    )
    return frame.report(
        "hotline",
        _("161 anti-corruption hotline report"),
        [sectors, types, triage],
        notes=(_("Reports are counted by the unit that received them, by the day of receipt."),),
    )
