"""Running a search: match, filter by access, bound the candidates, then count, facet and page.

The order is the point (docs/decisions/0015-search.md):

1. The query is folded exactly as the index was (eprok.search.folding): number-like tokens become
   exact keys looked up in a b-tree index, words become full-text terms (plain prefixes, the name
   skeleton and, for names, typo corrections from the name vocabulary).
2. Access comes before anything is counted: every source contributes `label = X AND object_id IN
   (X's visible_to(user))`, so a record the user may not open is neither listed nor counted.
3. Candidates are bounded: the newest SEARCH_CANDIDATE_LIMIT visible matches are taken (by the
   (date, id) index), and counts, facets and pages are computed over them only. When the bound is
   reached the page says so ("more than N"), and the user narrows the search.

The candidates are read within the user's candidate scope (`candidate_scope`): each source offers a
superset of what the user may open that the index can test on the entry itself (the unit and type of
the record whose rule decides, its classification), so the query starts from the user's units — on
PostgreSQL one ordered index walk per unit, merged — instead of from everyone's newest matches. The
owning app's visible_to still decides every candidate (step 2).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from eprok.search import backends, folding
from eprok.search.models import KeyKind, SearchEntry, SearchKey, SearchName
from eprok.search.registry import EVERYTHING, CandidateScope, get_source, sources

PAGE_SIZE = 20
MAX_PAGE = 100
FACET_LIMIT = 15
SNIPPET_CHARS = 240
_FUZZY_MIN = 4


def candidate_limit() -> int:
    return int(getattr(settings, "SEARCH_CANDIDATE_LIMIT", 500))


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    types: tuple[str, ...] = ()
    unit: int | None = None
    unit_code: str = ""
    status: str = ""
    article: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    page: int = 1


@dataclass
class QueryPlan:
    numbers: list[str]
    words: list[str]
    groups: list[tuple[list[str], list[str]]]
    highlight_prefixes: list[str]
    highlight_exact: set[str]

    @property
    def empty(self) -> bool:
        return not self.numbers and not self.groups


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    label: str
    type_name: str
    url: str
    title: SafeString
    snippet: SafeString
    status: str
    status_label: str
    date: datetime.date | None
    unit_name: str
    key: str


@dataclass
class SearchResults:
    params: SearchParams
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    page: int = 1
    pages: int = 0
    offset: int = 0
    limit: int = PAGE_SIZE
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    searched: bool = False

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def levenshtein(a: str, b: str, limit: int) -> int:
    """The edit distance of a and b, or limit + 1 once it is certainly above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _allowed_edits(word: str) -> int:
    return 2 if len(word) >= 8 else 1


def fuzzy_terms(word: str) -> list[str]:
    """Name words in the vocabulary within one or two edits of `word` (plain form)."""
    if len(word) < _FUZZY_MIN or not word.isalpha():
        return []
    limit = _allowed_edits(word)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_searchname WHERE term %% %s "
                "ORDER BY similarity(term, %s) DESC LIMIT 200",
                [word, word],
            )
            candidates = [row[0] for row in cursor.fetchall()]
    else:
        # The same first two letters (a typo is rarely there), read through the unique index.
        start = word[:2]
        candidates = list(
            SearchName.objects.filter(term__gte=start, term__lt=start + "\uffff").values_list(
                "term", flat=True
            )[:5000]
        )
    return [t for t in candidates if t != word and levenshtein(t, word, limit) <= limit][:20]


def plan(q: str) -> QueryPlan:
    numbers, words = folding.split_query(q)
    groups: list[tuple[list[str], list[str]]] = []
    prefixes: list[str] = []
    exact: set[str] = set()
    for word in words[:12]:
        plains, skeleton = folding.word_terms(word)
        alternates: list[str] = []
        if skeleton:
            alternates.append(skeleton)
        for variant in plains:
            alternates.extend(fuzzy_terms(variant))
        alternates = list(dict.fromkeys(alternates))
        groups.append((plains, alternates))
        prefixes.extend(plains)
        exact.update(alternates)
    return QueryPlan(
        numbers=numbers[:6], words=words, groups=groups, highlight_prefixes=prefixes, highlight_exact=exact
    )


# Candidates are read newest first and checked against the owning apps' access rules SCAN_CHUNK at a
# time, for just the records in the chunk (the first window of bound + 1 in one go: within the candidate
# scope nearly all of them are the user's). At most SCAN_FACTOR × the candidate bound are read.
SCAN_CHUNK = 2500
SCAN_FACTOR = 10


def visible_ids(user: Any, label: str, object_ids: set[int]) -> set[int]:
    """Of these records of one type, those the user may open: the source's own visible_to(user), asked
    about these records only (never a copy of the rule, never the whole visible set)."""
    source = get_source(label)
    if source is None or not object_ids:
        return set()
    if source.visible_among is not None:
        return source.visible_among(user, object_ids)
    return set(source.visible_to(user).filter(pk__in=object_ids).values_list("pk", flat=True))


def access_condition(user: Any, labels: Sequence[str] | None = None) -> Q:
    """Entries of records the user may open, as one condition (each source's visible_to in full): for
    callers that need a queryset; search() checks its bounded candidates instead."""
    condition = Q(pk__in=[])
    for source in sources():
        if labels and source.label not in labels:
            continue
        condition |= Q(label=source.label, object_id__in=source.visible_to(user).values("pk"))
    return condition


@dataclass(frozen=True)
class Scope:
    """Where a user's candidates lie: `clearance` holds on every entry, and when `branches` is not None
    one of them does too. Branches are disjoint conditions on the entry (one per unit, one per type seen
    in full, one per type's personal records), each served by an index in date order."""

    clearance: Q
    branches: list[Q] | None

    def condition(self) -> Q:
        if self.branches is None or any(not branch for branch in self.branches):
            return self.clearance  # (an empty Q holds everything, and would vanish from an OR)
        either = Q(pk__in=[])
        for branch in self.branches:
            either |= branch
        return self.clearance & either


def candidate_scope(user: Any) -> Scope:
    """The user's candidate scope: each source's CandidateScope (a superset of its visible_to) applied
    to the entries it decides (documents: their owners' types); a type without one is not restricted."""
    scopes: dict[str, CandidateScope] = {}
    clearance = Q()
    for source in sources():
        for label in source.decided_by():
            if label not in scopes:
                decider = get_source(label)
                hook = decider.candidate_scope if decider is not None else None
                scopes[label] = hook(user) if hook is not None else EVERYTHING
        if source.clearance is not None:
            clearance &= ~Q(label=source.label) | Q(classification__lte=source.clearance(user))
    if all(scope.unrestricted for scope in scopes.values()):
        return Scope(clearance, None)
    branches: list[Q] = []
    by_unit: dict[int, list[str]] = {}
    for label, scope in scopes.items():
        if scope.units is None:
            branches.append(Q(scope_label=label))
            continue
        for unit in sorted(scope.units):
            by_unit.setdefault(unit, []).append(label)
        if scope.records:
            personal = Q(scope_label=label, scope_id__in=sorted(scope.records))
            if scope.units:  # disjoint from the unit branches
                personal &= ~Q(scope_unit__in=sorted(scope.units))
            branches.append(personal)
    for unit, labels in sorted(by_unit.items()):
        branches.append(Q(scope_unit_id=unit, scope_label__in=labels))
    return Scope(clearance, branches)


def matching(query: QueryPlan) -> QuerySet[SearchEntry]:
    entries = SearchEntry.objects.all()
    for number in query.numbers:
        entries = entries.filter(id__in=SearchKey.objects.filter(value=number).values("entry_id"))
    if query.groups:
        sql, params = backends.match_sql(query.groups)
        entries = entries.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 - terms are parameters
    return entries


def _article_q(article: str) -> Q:
    code = folding.normalise_number(article)
    keys = SearchKey.objects.filter(kind=KeyKind.ARTICLE).filter(
        Q(value=code) | Q(value__startswith=f"{code}.")
    )
    return Q(id__in=keys.values("entry_id"))


def _filters(params: SearchParams, skip: str = "") -> Q:
    condition = Q()
    if params.types and skip != "type":
        condition &= Q(label__in=params.types)
    if params.unit and skip != "unit":
        condition &= Q(unit_id=params.unit)
    if params.status and skip != "status":
        condition &= Q(status=params.status)
    if params.article and skip != "article":
        condition &= _article_q(params.article)
    if params.date_from:
        condition &= Q(date__gte=params.date_from)
    if params.date_to:
        condition &= Q(date__lte=params.date_to)
    return condition


Row = tuple[int, str, int | None, str]  # (id, label, unit id, status)


_COLUMNS = ("id", "label", "unit_id", "status", "object_id")


# How the newest candidates are read on PostgreSQL, by the share of the entries the words match (the
# planner's estimate, backends.estimated_share):
# - WALK, a common term (WALK_SHARE and more): the (date, id) index is walked, newest first, checking the
#   match on each row, and stops at the bound; with a candidate scope, one walk per unit (merged);
# - WINDOW, a term in a few percent of the entries (a frequent surname's skeleton): the last WINDOW_DAYS
#   first, then a window sized from what that one held, then everything, each read through the
#   full-text index AND the date index together (a few thousand rows, instead of walking tens of
#   thousands of dates or fetching every match);
# - PLAIN, a rare term or a number: every match through the index, then the newest (a number that more
#   than PLAIN_MAX_KEYS entries hold, or a word without planner statistics yet: WINDOW).
# On SQLite every word query reads by WINDOW (FTS5 has no cheaper way to stop early), a number PLAIN.
WALK, WINDOW, PLAIN = "walk", "window", "plain"
WALK_SHARE = 0.10
WINDOW_SHARE = 0.02
WINDOW_DAYS = 31
WINDOW_MAX_DAYS = 3650
WALK_SPAN = 40_000


# A number whose key more entries hold than this (an article code typed as the query) is read by date
# window within the reader's scope rather than fetched in full.
PLAIN_MAX_KEYS = 5_000


def _common_number(numbers: Sequence[str]) -> bool:
    return any(
        SearchKey.objects.filter(value=number).values("pk")[: PLAIN_MAX_KEYS + 1].count() > PLAIN_MAX_KEYS
        for number in numbers
    )


def read_plan(query: QueryPlan) -> str:
    if query.empty:
        return PLAIN
    if connection.vendor != "postgresql":
        # SQLite's FTS5 hands over every match whatever the order, so no walk can stop early: the date
        # windows within the candidate scope keep what is sorted and checked after it small.
        return PLAIN if query.numbers else WINDOW
    if query.numbers:
        return WINDOW if _common_number(query.numbers) else PLAIN
    share = backends.estimated_share(query.groups)
    if share is None:
        return WINDOW  # (no statistics yet: windows are safe whatever the share)
    if share >= WALK_SHARE:
        return WALK
    return WINDOW if share >= WINDOW_SHARE else PLAIN


WALK_EDGE_CACHE_KEY = "search:walk-edge"
WALK_EDGE_SECONDS = 600


def walk_edge() -> datetime.date | None:
    """The date of the WALK_SPAN-th newest entry: where a walk of the date index may stop looking. Read
    from the date index (tens of milliseconds at a million entries) and kept in the cache for
    WALK_EDGE_SECONDS: it only bounds the first read (any date gives the same rows — a read that finds
    too few falls back to the unbounded one), so a moment-old value costs nothing but a little speed."""
    cached = cache.get(WALK_EDGE_CACHE_KEY)
    if cached is not None:
        return datetime.date.fromisoformat(cached) if cached else None
    edge = SearchEntry.objects.order_by("-date", "-id").values_list("date", flat=True)[
        WALK_SPAN : WALK_SPAN + 1
    ]
    found = next(iter(edge), None)
    cache.set(WALK_EDGE_CACHE_KEY, found.isoformat() if found else "", WALK_EDGE_SECONDS)
    return found


def _newest(
    entries: QuerySet[SearchEntry], scope: Scope | None, start: int, stop: int, how: str = WALK
) -> list[Any]:
    """Rows start..stop of the entries in the scope, newest first (date, then id, descending)."""
    if how == PLAIN or start > 0 or SearchEntry.objects.filter(date__isnull=True).exists():
        # (Entries without a date come first in that order, and no date window holds them.)
        return _read(entries, scope, start, stop, merge=how == WALK, every_match=how == PLAIN)
    if how == WALK:
        if scope is None or not scope.branches or len(scope.branches) < 2:
            return _read(entries, scope, start, stop)
        # The per-unit walks stop at the bound, but a part with few matches (a type whose records
        # rarely hold the term) would walk all its entries: bound them by the date of the
        # WALK_SPAN-th newest entry of all (read from the date index alone).
        since_date = walk_edge()
        if since_date is not None:
            rows = _read(entries.filter(date__gte=since_date), scope, 0, stop)
            if len(rows) >= stop:
                return rows
        return _read(entries, scope, start, stop)
    days = WINDOW_DAYS
    today = timezone.localdate()
    for _attempt in range(2):
        since = today - datetime.timedelta(days=days)
        # The newest `stop` rows are those of the window when it holds that many: every entry outside
        # it is older than all of them.
        rows = _read(entries.filter(date__gte=since), scope, 0, stop, merge=False)
        if len(rows) >= stop:
            return rows
        days = max(days * 2, int(days * 2 * stop / max(len(rows), 1)))
        if days > WINDOW_MAX_DAYS:
            break
    return _read(entries, scope, start, stop, merge=False)


def _read(
    entries: QuerySet[SearchEntry],
    scope: Scope | None,
    start: int,
    stop: int,
    *,
    merge: bool = True,
    every_match: bool = False,
) -> list[Any]:
    """Rows start..stop of the entries in the scope, newest first (date, then id, descending).

    On PostgreSQL with several branches: each branch's newest `stop` rows by its own index, merged in
    date order (UNION ALL of ordered, limited parts under one ORDER BY: a Merge Append that reads each
    part only as far as the merge needs); elsewhere one query with the branches OR-ed.

    `every_match` (a rare term or a number): on PostgreSQL every match is fetched through the match's
    own index and only then sorted (a materialised CTE). Left to itself, the planner may walk the date
    index hoping to meet the few matches soon, and walk the whole table instead."""
    if every_match and connection.vendor == "postgresql":
        found = entries.filter(scope.condition()) if scope is not None else entries
        return _every_match_sorted(found.order_by().values_list(*_COLUMNS, "date"), start, stop)
    if scope is None:
        ordered = entries.order_by("-date", "-id").values_list(*_COLUMNS)
        return list(ordered[start:stop])
    branches = scope.branches or []
    if not merge or connection.vendor != "postgresql" or len(branches) < 2:
        ordered = entries.filter(scope.condition()).order_by("-date", "-id").values_list(*_COLUMNS)
        return list(ordered[start:stop])
    ordered = entries.filter(scope.clearance).order_by("-date", "-id").values_list(*_COLUMNS, "date")
    base = ordered[:stop]
    try:
        base_sql, base_params = base.query.get_compiler(using=base.db).as_sql()
    except EmptyResultSet:
        return []
    # The parts differ only in their branch: the base statement is compiled once and each branch's
    # condition (plain columns of the entry) AND-ed with its WHERE clause — the outer one: the first
    # " WHERE " (the selected columns are plain) up to the last " ORDER BY " (its ORDER BY and LIMIT).
    # Compiling twenty parts whole costs more than reading them.
    head, where, tail = base_sql.partition(" WHERE ")
    condition, order, rest = tail.rpartition(" ORDER BY ")
    if not order:
        where = ""
    parts: list[str] = []
    params: list[Any] = []
    for branch in branches:
        try:
            branch_sql, branch_params = _condition_sql(branch)
        except EmptyResultSet:
            continue  # (a branch that holds nothing)
        except FullResultSet:
            branch_sql, branch_params = "1 = 1", []  # (a branch that holds everything)
        if where:
            parts.append(f"({head} WHERE ({branch_sql}) AND ({condition}) ORDER BY {rest})")
            params.extend([*branch_params, *base_params])
            continue
        part = ordered.filter(branch)[:stop]  # (no WHERE to extend: compiled whole)
        sql, part_params = part.query.get_compiler(using=part.db).as_sql()
        parts.append(f"({sql})")
        params.extend(part_params)
    if not parts:
        return []
    return _sorted_rows(" UNION ALL ".join(parts), params, start, stop)


def _condition_sql(condition: Q) -> tuple[str, list[Any]]:
    """The SQL of a condition on the entry's own columns, as it appears in a WHERE clause."""
    query = SearchEntry.objects.filter(condition).query
    compiler = query.get_compiler(connection.alias)
    sql, params = compiler.compile(query.where)
    return sql, list(params)


def _every_match_sorted(rows: QuerySet[Any], start: int, stop: int) -> list[Any]:
    """Rows start..stop of a values_list(*_COLUMNS, "date") queryset in (date, id) descending order, the
    queryset read in full first (a MATERIALIZED common table expression)."""
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:
        return []
    return _sorted_rows(sql, list(params), start, stop, materialize=True)


def _sorted_rows(
    source: str, params: list[Any], start: int, stop: int, *, materialize: bool = False
) -> list[Any]:
    """Rows start..stop of the SQL `source` (its columns _COLUMNS and date), newest first."""
    columns = ", ".join(_COLUMNS)
    order = f"ORDER BY date DESC, id DESC LIMIT {int(stop - start)} OFFSET {int(start)}"
    if materialize:
        sql = f"WITH candidates AS MATERIALIZED ({source}) SELECT {columns} FROM candidates {order}"  # noqa: S608 - compiled querysets, parameters apart
    else:
        sql = f"SELECT {columns} FROM ({source}) AS candidates {order}"  # noqa: S608 - compiled querysets, parameters apart
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _candidates(
    user: Any, entries: QuerySet[SearchEntry], bound: int, scope: Scope | None = None, how: str = WALK
) -> tuple[list[Row], bool]:
    """The newest `bound + 1` matching entries of records the user may open (one more tells that the
    bound was reached), as plain rows, and whether the reading stopped before the matches ran out.

    Access comes first: a row is kept only once the owning app has admitted its record (visible_ids), so
    nothing after this (counts, facets, the page) ever sees an entry the user may not open. Reading is
    bounded by recency: the newest bound + 1 matches in one query (the backend's own plan for a top-N),
    then, only if too few of them are the user's, the next ones up to SCAN_FACTOR × bound. With a
    `scope` (candidate_scope), only entries within it are read: a superset of the user's."""
    limit = bound * SCAN_FACTOR
    rows: list[Row] = []
    more = True
    for start, stop in ((0, bound + 1), (bound + 1, limit)):
        window = _newest(entries, scope, start, stop, how)
        more = len(window) == stop - start
        for offset in range(0, len(window), SCAN_CHUNK):
            chunk = window[offset : offset + SCAN_CHUNK]
            by_label: dict[str, set[int]] = {}
            for _id, label, _unit, _status, object_id in chunk:
                by_label.setdefault(label, set()).add(object_id)
            allowed = {label: visible_ids(user, label, ids) for label, ids in by_label.items()}
            rows.extend(row[:4] for row in chunk if row[4] in allowed[row[1]])
            if len(rows) > bound:
                return rows[: bound + 1], False
        if not more:
            break
    return rows, more


def _count(rows: Sequence[Row], index: int) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for row in rows:
        if row[index]:
            counts[row[index]] = counts.get(row[index], 0) + 1
    return counts


def _facets(
    user: Any,
    matches: QuerySet[SearchEntry],
    rows: list[Row],
    params: SearchParams,
    bound: int,
    scope: Scope | None = None,
    how: str = WALK,
) -> dict[str, list[FacetValue]]:
    """Counts per type, unit, status and article over the candidates. A facet with a value chosen is
    counted with every filter but its own, so its other values stay on offer with their counts."""
    from eprok.org.models import Unit

    def pool(dimension: str, selected: object) -> list[Row]:
        if not selected:
            return rows[:bound]
        return _candidates(user, matches.filter(_filters(params, dimension)), bound, scope, how)[0][:bound]

    facets: dict[str, list[FacetValue]] = {}
    counts = _count(pool("type", params.types), 1)
    facets["type"] = [
        FacetValue(s.label, str(s.verbose_name), counts[s.label], s.label in params.types)
        for s in sources()
        if counts.get(s.label)
    ]
    unit_counts = sorted(_count(pool("unit", params.unit), 2).items(), key=lambda item: -item[1])[
        :FACET_LIMIT
    ]
    units = Unit.objects.in_bulk([unit for unit, _n in unit_counts])
    facets["unit"] = [
        FacetValue(units[u].code, units[u].name, n, params.unit == u) for u, n in unit_counts if u in units
    ]
    status_rows = pool("status", params.status)
    by_status = _count(status_rows, 3)
    names: dict[str, str] = {}
    for _id, label, _unit, status in status_rows:
        if status and status not in names:
            source = get_source(label)
            name = source.status_labels().get(status) if source else None
            names[status] = str(name or status)
    facets["status"] = [
        FacetValue(value, names[value], n, params.status == value)
        for value, n in sorted(by_status.items(), key=lambda item: -item[1])[:FACET_LIMIT]
    ]
    article_ids = [row[0] for row in pool("article", params.article)]
    article_rows = (
        SearchKey.objects.filter(kind=KeyKind.ARTICLE, entry_id__in=article_ids)
        .values("value")
        .annotate(n=Count("entry_id"))
        .order_by("-n", "value")[:FACET_LIMIT]
    )
    facets["article"] = [
        FacetValue(r["value"], r["value"], r["n"], params.article == r["value"]) for r in article_rows
    ]
    return facets


def search(
    *, user: Any, params: SearchParams, offset: int | None = None, limit: int | None = None
) -> SearchResults:
    """The page of hits, the total and the facets, all over records the user may open. The window is
    `params.page` of PAGE_SIZE hits, or `limit` hits from `offset` (the API)."""
    limit = limit or PAGE_SIZE
    results = SearchResults(params=params, page=max(1, min(params.page, MAX_PAGE)), limit=limit)
    if offset is None:
        offset = (results.page - 1) * limit
    query = plan(params.q)
    if query.empty:
        return results
    results.searched = True
    bound = candidate_limit()
    # Access first: _candidates keeps only entries of records the user may open; nothing below sees others.
    matches = matching(query)
    how = read_plan(query)
    # A rare term or a number reads every match anyway: those few are checked one by one, no scope.
    scope = candidate_scope(user) if how != PLAIN else None
    rows, unread = _candidates(user, matches.filter(_filters(params)), bound, scope, how)
    results.capped = len(rows) > bound or unread
    rows = rows[:bound]
    results.total = len(rows)
    results.pages = (results.total + limit - 1) // limit
    results.offset = offset
    results.facets = _facets(user, matches, rows, params, bound, scope, how)
    page_ids = [row[0] for row in rows[offset : offset + limit]]
    entries = SearchEntry.objects.select_related("unit").in_bulk(page_ids)
    matcher = _Matcher(query)
    results.hits = [_hit(entries[pk], query, matcher) for pk in page_ids if pk in entries]
    return results


def _url(source: Any, key: str) -> str:
    """The record's URL, or "" when the key no longer makes one (an entry older than a key's format)."""
    if source is None:
        return ""
    try:
        return str(source.url(key))
    except NoReverseMatch:
        return ""


def _hit(entry: SearchEntry, query: QueryPlan, matcher: _Matcher) -> Hit:
    source = get_source(entry.label)
    status_label = ""
    if source is not None:
        status_label = str(source.status_labels().get(entry.status) or entry.status)
    return Hit(
        label=entry.label,
        type_name=str(source.verbose_name) if source else entry.label,
        url=_url(source, entry.key),
        title=highlight(entry.title, query, matcher),
        snippet=snippet(entry.text, query, matcher=matcher),
        status=entry.status,
        status_label=status_label,
        date=entry.date,
        unit_name=entry.unit.name if entry.unit_id and entry.unit else "",
        key=entry.key,
    )


# --- highlighting ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+(?:[-/.][^\W_]+)*|\+?\d[\d\s\-().]{5,}\d", re.UNICODE)


_CACHED_TOKEN = 64  # longer tokens (a URL, an encoded blob in a text) are folded each time, not kept


@functools.lru_cache(maxsize=100_000)
def _token_forms(token: str) -> tuple[tuple[str, ...], frozenset[str], str, str]:
    """What a text token can match, whatever the query: its plain forms (for prefixes), those and its
    skeleton terms (for exact terms), its number key and its phone key. Folding is the costly part of
    highlighting and the same words recur across hits and searches, so it is done once per token."""
    plains: list[str] = []
    exact: set[str] = set()
    for word in folding.normalised_words(token):
        forms = folding.variants(word)
        plains.extend(forms)
        exact.update(forms)
        if word.isalpha():
            exact.add(folding.skeleton_term(word))
    exact.discard("")
    has_digit = any(ch.isdigit() for ch in token)
    return (
        tuple(plains),
        frozenset(exact),
        folding.normalise_number(token) if has_digit else "",
        folding.phone_key(token) if has_digit else "",
    )


class _Matcher:
    """Whether a token of a text is one the query matched (one matcher serves every hit of a search)."""

    def __init__(self, query: QueryPlan) -> None:
        self.prefixes = tuple(query.highlight_prefixes)
        self.exact = query.highlight_exact
        self.numbers = set(query.numbers)
        self.cache: dict[str, bool] = {}

    def __call__(self, token: str) -> bool:
        known = self.cache.get(token)
        if known is not None:
            return known
        result = self._match(token)
        self.cache[token] = result
        return result

    def _match(self, token: str) -> bool:
        forms = _token_forms if len(token) <= _CACHED_TOKEN else _token_forms.__wrapped__
        plains, exact, number, phone = forms(token)
        if self.numbers and (number in self.numbers or phone in self.numbers):
            return True
        if self.prefixes and any(form.startswith(self.prefixes) for form in plains):
            return True
        return bool(self.exact) and not self.exact.isdisjoint(exact)


def _marked(text: str, matcher: _Matcher) -> tuple[str, int]:
    out: list[str] = []
    last = 0
    found = 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if not matcher(token.strip()):
            continue
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(token)}</mark>")
        last = match.end()
        found += 1
    out.append(escape(text[last:]))
    return "".join(out), found


def highlight(text: str, query: QueryPlan, matcher: _Matcher | None = None) -> SafeString:
    """The text escaped, with the words the query matched wrapped in <mark>."""
    marked, _found = _marked(text or "", matcher or _Matcher(query))
    return mark_safe(marked)  # noqa: S308 - every piece was escaped above


def snippet(
    text: str, query: QueryPlan, size: int = SNIPPET_CHARS, matcher: _Matcher | None = None
) -> SafeString:
    """About `size` characters of `text` around its first match, escaped, matches in <mark>."""
    text = text or ""
    matcher = matcher or _Matcher(query)
    start = 0
    for match in _TOKEN.finditer(text):
        if matcher(match.group(0).strip()):
            start = max(0, match.start() - size // 3)
            break
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    marked, _found = _marked(text[start:end], matcher)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{marked}{suffix}")  # noqa: S308 - escaped in _marked
