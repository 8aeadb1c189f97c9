"""Keeping the index current: other apps call `index_later` from their write services.

`index_later(label, pk)` schedules the re-indexing of one object for after the surrounding
transaction commits (at once when there is none); a rolled-back change schedules nothing. The
indexer reads the object fresh, so several calls for one object in a transaction cost one write.
Indexing failures are logged, never raised into the caller's request: the index is derived data that
`manage.py search_reindex` rebuilds.

Some entries show other records: a case's entry holds its parties' names and FINs. A source that is
shown so names its `dependents`; after its objects are indexed, those records are indexed too, in
batches of DEPENDENT_BATCH, and handed to the worker (`index_dependents_task`) when there are more than
DEPENDENT_INLINE_LIMIT, so correcting a person who is a party to thousands of records does not hold up
the request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from eprok.search import backends, folding
from eprok.search.models import KeyKind, SearchEntry, SearchKey, SearchName
from eprok.search.registry import IndexDocument, SearchSource, get_source

if TYPE_CHECKING:
    from eprok.search.selectors import SearchParams, SearchResults

logger = logging.getLogger(__name__)

_TEXT_LIMIT = 20_000  # characters kept for snippets
_TERMS_TEXT_LIMIT = 400_000  # characters of a record's text folded into terms

_pending = threading.local()

DEPENDENT_BATCH = 500  # dependent records indexed per transaction
DEPENDENT_INLINE_LIMIT = 200  # more dependent records than this after one commit: indexed by the worker


def index_later(label: str, pk: int) -> None:
    """Re-index one object after the current transaction commits; a no-op for an unregistered label."""
    if get_source(label) is None or pk is None:
        return
    queue: set[tuple[str, int]] = getattr(_pending, "queue", None) or set()
    _pending.queue = queue
    queue.add((label, int(pk)))
    transaction.on_commit(_flush)


def unindex(label: str, pk: int) -> None:
    """Remove one object from the index now (inside the caller's transaction)."""
    remove_entries(label, [int(pk)])


def _flush() -> None:
    queue: set[tuple[str, int]] = getattr(_pending, "queue", None) or set()
    _pending.queue = set()
    by_label: dict[str, list[int]] = {}
    for label, pk in queue:
        by_label.setdefault(label, []).append(pk)
    for label, pks in sorted(by_label.items()):
        try:
            index_objects(label, pks)
        except Exception:
            logger.exception("search: indexing %s %s failed", label, pks)
        try:
            index_dependents(label, pks)
        except Exception:
            logger.exception("search: indexing the records showing %s %s failed", label, pks)


def dependents_of(label: str, pks: Sequence[int]) -> dict[str, list[int]]:
    """The records of other sources whose entries show these objects: label → sorted pks."""
    source = get_source(label)
    if source is None or source.dependents is None or not pks:
        return {}
    found: dict[str, list[int]] = {}
    for dependent, ids in source.dependents([int(pk) for pk in pks]).items():
        if dependent == label or get_source(dependent) is None:
            continue
        unique = sorted({int(pk) for pk in ids})
        if unique:
            found[dependent] = unique
    return found


def index_dependents(label: str, pks: Sequence[int], *, inline: bool = False) -> int:
    """Index the records showing these objects, in batches; above DEPENDENT_INLINE_LIMIT (unless
    `inline`) the work is handed to the worker. Returns the number indexed here."""
    found = dependents_of(label, pks)
    if not found:
        return 0
    if not inline and sum(len(ids) for ids in found.values()) > DEPENDENT_INLINE_LIMIT:
        from eprok.search.tasks import index_dependents_task

        index_dependents_task.enqueue(label, [int(pk) for pk in pks])
        return 0
    count = 0
    for dependent, ids in sorted(found.items()):
        for start in range(0, len(ids), DEPENDENT_BATCH):
            count += index_objects(dependent, ids[start : start + DEPENDENT_BATCH])
    return count


def index_objects(label: str, pks: Sequence[int]) -> int:
    """Index the objects with these pks now (objects that no longer exist are removed)."""
    source = get_source(label)
    if source is None:
        return 0
    objects = list(source.queryset().filter(pk__in=list(pks)))
    found = {obj.pk for obj in objects}
    gone = [pk for pk in pks if pk not in found]
    with transaction.atomic():
        if gone:
            remove_entries(label, gone)
        return write_batch(source, objects)


def remove_entries(label: str, pks: Sequence[int]) -> None:
    ids = list(SearchEntry.objects.filter(label=label, object_id__in=list(pks)).values_list("id", flat=True))
    if ids:
        backends.delete_terms(ids)
        SearchEntry.objects.filter(id__in=ids).delete()


def build_terms(doc: IndexDocument) -> str:
    terms: dict[str, None] = {}
    for name in doc.names:
        terms.update(dict.fromkeys(folding.index_terms(name, is_name=True)))
    terms.update(dict.fromkeys(folding.index_terms(doc.title)))
    terms.update(dict.fromkeys(folding.index_terms((doc.text or "")[:_TERMS_TEXT_LIMIT])))
    return " ".join(t for t in terms if t)


def build_keys(doc: IndexDocument) -> list[tuple[str, str]]:
    keys: dict[tuple[str, str], None] = {}
    for number in doc.numbers:
        value = folding.normalise_number(str(number or ""))
        if value:
            keys[(KeyKind.NUMBER, value)] = None
    for phone in doc.phones:
        value = folding.phone_key(str(phone or ""))
        if value:
            keys[(KeyKind.NUMBER, value)] = None
    for article in doc.articles:
        value = folding.normalise_number(str(article or ""))
        if value:
            keys[(KeyKind.ARTICLE, value)] = None
    return list(keys)


def scope_columns(source: SearchSource, pk: int, doc: IndexDocument) -> tuple[str, int, int | None, int]:
    """(scope_label, scope_id, scope_unit_id, classification) of an entry: the record whose access rule
    decides (the record itself unless the document names another, e.g. a document's owner) and its unit."""
    if doc.scope_label:
        return doc.scope_label[:64], int(doc.scope_id or 0), doc.scope_unit_id, int(doc.classification or 0)
    return source.label, int(pk), doc.unit_id, int(doc.classification or 0)


def write_batch(source: SearchSource, objects: Iterable[Any]) -> int:
    """Replace the entries of these objects (one bulk delete, one bulk insert per table)."""
    objects = list(objects)
    if not objects:
        return 0
    pairs: list[tuple[Any, IndexDocument]] = []
    skipped: list[int] = []
    for obj in objects:
        doc = source.document(obj)
        if doc is None:
            skipped.append(obj.pk)
        else:
            pairs.append((obj, doc))
    remove_entries(source.label, [obj.pk for obj in objects])
    entries = []
    for obj, doc in pairs:
        scope_label, scope_id, scope_unit_id, classification = scope_columns(source, obj.pk, doc)
        entries.append(
            SearchEntry(
                label=source.label,
                object_id=obj.pk,
                key=str(doc.key)[:64],
                unit_id=doc.unit_id,
                status=(doc.status or "")[:40],
                date=doc.date,
                title=(doc.title or "")[:300],
                text=(doc.text or "")[:_TEXT_LIMIT],
                terms=build_terms(doc),
                scope_label=scope_label,
                scope_id=scope_id,
                scope_unit_id=scope_unit_id,
                classification=classification,
            )
        )
    SearchEntry.objects.bulk_create(entries, batch_size=500)
    keys: list[SearchKey] = []
    vocabulary: dict[str, None] = {}
    for entry, (_obj, doc) in zip(entries, pairs, strict=True):
        keys.extend(SearchKey(entry_id=entry.id, kind=kind, value=value) for kind, value in build_keys(doc))
        for name in doc.names:
            vocabulary.update(dict.fromkeys(folding.name_words(name)))
    SearchKey.objects.bulk_create(keys, batch_size=1000)
    if vocabulary:
        SearchName.objects.bulk_create(
            [SearchName(term=term) for term in vocabulary], batch_size=1000, ignore_conflicts=True
        )
    backends.write_terms((entry.id, entry.terms) for entry in entries)
    return len(entries)


# SQLite refuses an expression deeper than 1,000 terms, and Django prefetches the parties' persons of a
# chunk of records as one OR term per related row: 500 cases with their parties went over it.
SQLITE_READ_CHUNK = 100


def _read_chunk(batch_size: int) -> int:
    return min(batch_size, SQLITE_READ_CHUNK) if connection.vendor == "sqlite" else batch_size


def reindex(label: str | None = None, *, batch_size: int = 500, stdout: Any = None) -> dict[str, int]:
    """Rebuild the index of one source (or all), in batches; returns the count indexed per label."""
    from eprok.search.registry import sources

    counts: dict[str, int] = {}
    for source in sources():
        if label and source.label != label:
            continue
        with transaction.atomic():
            remove_all(source.label)
        total = 0
        batch: list[Any] = []
        for obj in source.queryset().order_by("pk").iterator(chunk_size=_read_chunk(batch_size)):
            batch.append(obj)
            if len(batch) >= batch_size:
                with transaction.atomic():
                    total += write_batch(source, batch)
                batch = []
        if batch:
            with transaction.atomic():
                total += write_batch(source, batch)
        counts[source.label] = total
        if stdout is not None:
            stdout.write(f"{source.label}: {total}")
    return counts


def remove_all(label: str) -> None:
    backends.delete_label_terms(label)
    SearchKey.objects.filter(entry__label=label).delete()
    SearchEntry.objects.filter(label=label).delete()


# --- the audit of a search -------------------------------------------------------------------------

_QUERY_SALT = "eprok.search.query"


def query_fingerprint(q: str) -> str:
    """A keyed hash of the folded query: an auditor holding the server's key can check whether a given
    query (a name, a FIN) was searched, but the log itself never shows what was searched for
    (docs/decisions/0015-search.md)."""
    numbers, words = folding.split_query(q)
    canonical = " ".join([*sorted(numbers), " ".join(folding.plain(w) for w in words)])
    return salted_hmac(_QUERY_SALT, canonical, algorithm="sha256").hexdigest()[:32]


def search_record(*, actor: Any, params: SearchParams, results: SearchResults, channel: str = "web") -> None:
    """One audit event per search: the filters, the count and the records listed, not the query text."""
    from eprok.audit.services import audit_record

    numbers, words = folding.split_query(params.q)
    audit_record(
        actor=actor,
        action="search.query.read",
        target_type="search.query",
        purpose="search",
        data={
            "channel": channel,
            "types": list(params.types),
            "unit": params.unit_code or None,
            "status": params.status or None,
            "article": params.article or None,
            "date_from": params.date_from.isoformat() if params.date_from else None,
            "date_to": params.date_to.isoformat() if params.date_to else None,
            "page": params.page,
            "query": {
                "numbers": len(numbers),
                "words": len(words),
                "fingerprint": query_fingerprint(params.q),
            },
            "count": results.total,
            "capped": results.capped,
            "listed": [f"{hit.label}:{hit.key}" for hit in results.hits],
        },
    )
