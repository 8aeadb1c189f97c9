"""The source registry: each searchable record type registers how it is indexed, listed and opened.

A source names a label ("cases.case"), how to build the index entry of one object, a batched
queryset for rebuilds, the records a user may open (the owning app's `access.visible_to`), the URL of
a hit and the labels of its facet values (statuses). Sources are registered by the search app in
`eprok.search.sources`; a later module registers its own in its AppConfig.ready().
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class IndexDocument:
    """What a source gives the index for one object. `names` are people's names (folded for fuzzy
    matching), `numbers` exact identifiers (FIN, register/case numbers, phones), `articles` the
    Criminal Code article codes."""

    title: str
    key: str
    text: str = ""
    names: Iterable[str] = ()
    numbers: Iterable[str] = ()
    phones: Iterable[str] = ()
    articles: Iterable[str] = ()
    unit_id: int | None = None
    status: str = ""
    date: datetime.date | None = None
    # Whose access rule decides who may open the record, when not the record's own: a document's owner
    # (its type's label, id and unit). Stored on the entry for the candidate scope (CandidateScope).
    scope_label: str = ""
    scope_id: int | None = None
    scope_unit_id: int | None = None
    # The record's classification (org.roles.Clearance): a reader below it never opens the record.
    classification: int = 0


@dataclass(frozen=True)
class CandidateScope:
    """A SUPERSET of the records of one type a user may open, as the search index can test it: every
    record the user may open is held by one of `units` (by the unit stored on its entry) or is among
    `records` (pks of the type: what the user sees otherwise, in person or through another of the
    record's units, held by a unit outside `units`).
    `units=None` means no restriction at all. Search reads its candidates through this (bounded by unit,
    recency and access) and still asks the owning app's visible_to about every candidate, so a scope
    wider than the rule costs time, never correctness; a narrower one would hide records."""

    units: frozenset[int] | None = None
    records: frozenset[int] = frozenset()

    @property
    def unrestricted(self) -> bool:
        return self.units is None


EVERYTHING = CandidateScope()
NOTHING = CandidateScope(units=frozenset())


@dataclass(frozen=True)
class SearchSource:
    """`dependents(pks)`, when given, names the records of other sources whose entries show these
    objects (a person's name and FIN on the cases it is a party to): label → their pks. They are
    re-indexed after the objects themselves (eprok.search.services.index_dependents)."""

    label: str
    verbose_name: Any
    model: type[Model]
    document: Callable[[Any], IndexDocument | None]
    queryset: Callable[[], QuerySet[Any]]
    visible_to: Callable[[Any], QuerySet[Any]]
    url: Callable[[str], str]
    status_labels: Callable[[], dict[str, Any]] = field(default=lambda: {})
    order: int = 100
    dependents: Callable[[Sequence[int]], dict[str, Iterable[int]]] | None = None
    # Of these pks, those visible_to(user) admits, when the owning app can answer that more cheaply than
    # visible_to(user).filter(pk__in=...) (documents: one question per owner type).
    visible_among: Callable[[Any, set[int]], set[int]] | None = None
    # A superset of visible_to(user) that the index can test (see CandidateScope); None: no restriction.
    candidate_scope: Callable[[Any], CandidateScope] | None = None
    # The types whose access rules decide this source's entries (the entries' scope_label): the source
    # itself, or for documents their owners' types.
    scope_labels: Callable[[], Iterable[str]] | None = None
    # The highest classification of this source's records the user may open (None: not classified).
    clearance: Callable[[Any], int] | None = None

    def decided_by(self) -> list[str]:
        return list(self.scope_labels()) if self.scope_labels is not None else [self.label]


_SOURCES: dict[str, SearchSource] = {}


def register_source(source: SearchSource) -> None:
    """Register (or replace) the source for `source.label`."""
    _SOURCES[source.label] = source


def get_source(label: str) -> SearchSource | None:
    return _SOURCES.get(label)


def sources() -> list[SearchSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.label))


def labels() -> list[str]:
    return [s.label for s in sources()]
