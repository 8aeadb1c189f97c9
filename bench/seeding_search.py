"""Seeding documents and the search index at a scale factor (issue 5).

Two seeders, after the appeals (bench.seeding.SEEDERS):

- `seed_documents`: `BASE_DOCUMENTS × scale` documents (eprok.documents.Document) on the seeded crime
  reports, criminal cases and appeals, with Azerbaijani text (the procedural act's heading, the office,
  the people concerned with their FIN, body sentences drawn from a pool), a classification (a tenth
  above "for official use", so the reader's clearance matters), a status and an author. Loaded by
  `bench.seeding.insert_model_rows` (COPY / executemany). No files: search reads the extracted text.
- `seed_search_index`: the search index (search.SearchEntry, SearchKey, SearchName and, on SQLite, the
  FTS5 table) for every registered source — crime reports, cases, appeals, persons, documents — built
  with the search app's own code per object (`source.document(obj)`, `services.build_keys`, the
  folding of `services.build_terms`) and written in bulk instead of through `bulk_create`. The folding
  of a text is memoised per line (folding is line-local), which makes it about ten times faster; a
  sample of every type is then re-indexed with the search app's own `services.write_batch` inside a
  rolled-back transaction and compared column by column with the bulk rows (`verify_index_sample`,
  the candidate scope's columns included): any difference stops the seeding.

The two seeders only run when a scenario that reads them is selected (`bench.selection`).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.seeding import (
    SeedPlan,
    _pg_drop_secondary_indexes,
    _sqlite_drop_secondary_indexes,
    bulk_insert,
    insert_model_rows,
    next_id,
)
from bench.selection import needs

BASE_DOCUMENTS = 560_000  # with the 480,000 other indexed records at scale 1: 1.04M index entries
SEED = 2026
GPO_READER = "bench.gpo"

# Rare words, each in about RARE_SHARE of the documents: the "rare term" of the search scenario.
RARE_WORD = "kriptovalyuta"
RARE_SHARE = 0.0005
# Shares of documents by owner type (the rest on appeals).
MATERIAL_SHARE = 0.40
CASE_SHARE = 0.33

# (category, title) of generated procedural acts and letters, by owner type (the drafting library's codes).
ACTS = {
    "materials.material": (
        ("case_open", "Cinayət işinin başlanması haqqında qərar"),
        ("case_open_refusal", "Cinayət işinin başlanmasının rədd edilməsi haqqında qərar"),
        ("jurisdiction_transfer", "Aidiyyəti üzrə göndərilməsi haqqında qərar"),
        ("information_request", "Məlumat sorğusu"),
        ("decision_notice", "Qəbul edilmiş qərar barədə bildiriş"),
    ),
    "cases.case": (
        ("victim_recognition", "Zərərçəkmiş qismində tanınma haqqında qərar"),
        ("suspect_notice", "Şübhəli şəxs qismində tutulma barədə bildiriş"),
        ("charge_decision", "Təqsirləndirilən şəxs qismində cəlb etmə haqqında qərar"),
        ("arrest_motion", "Qətimkan tədbiri seçilməsi barədə vəsatət"),
        ("investigation_extension_motion", "İstintaq müddətinin uzadılması barədə vəsatət"),
        ("case_suspension", "Cinayət işi üzrə icraatın dayandırılması haqqında qərar"),
        ("case_resumption", "Cinayət işi üzrə icraatın bərpa edilməsi haqqında qərar"),
        ("case_termination", "Cinayət işinə xitam verilməsi haqqında qərar"),
        ("indictment", "İttiham aktı"),
        ("prosecutor_instruction", "Prosessual rəhbərliyi həyata keçirən prokurorun göstərişi"),
        ("summons", "Çağırış vərəqəsi"),
    ),
    "appeals.appeal": (
        ("appeal_answer", "Müraciətə cavab məktubu"),
        ("appeal_forwarding", "Müraciətin aidiyyəti üzrə göndərilməsi barədə məktub"),
        ("applicant_receipt", "Müraciətin qəbulu barədə arayış"),
        ("forwarding_notice", "Müşayiət məktubu"),
    ),
}
UPLOADS = (
    "İzahat",
    "Ərizə",
    "Baxış protokolu",
    "Ekspert rəyi",
    "Dindirmə protokolu",
    "Şikayət ərizəsi",
    "Xasiyyətnamə",
    "Tibbi arayış",
)

# Body sentences; a document takes 4-10 of them. "cinayət" and "qərar" are in most documents, every
# document carries the heading with "Azərbaycan Respublikası" and a prosecutor's office.
SENTENCES = (
    "Cinayət işinin materiallarını araşdıraraq müəyyən etdim ki, hadisə {place} ünvanında baş vermişdir.",
    "Toplanmış sübutlar cinayət əməlinin tərkibinin olduğunu göstərir.",
    "Azərbaycan Respublikası Cinayət-Prosessual Məcəlləsinin {cpc} maddəsini rəhbər tutaraq qərara aldım:",
    "Qərarın surəti aidiyyəti üzrə göndərilsin və maraqlı şəxslərə bildirilsin.",
    "Şikayətçi ərizəsində bildirmişdir ki, ona məxsus əmlak naməlum şəxs tərəfindən oğurlanmışdır.",
    "Hadisə yerinə baxış keçirilmiş, protokol tərtib edilmiş və fotoşəkillər əlavə olunmuşdur.",
    "Məhkəmə-tibbi ekspertizanın rəyinə əsasən xəsarətlər orta ağırlıqlı hesab edilmişdir.",
    "Şahid qismində dindirilən şəxs ifadəsində hadisənin təfərrüatlarını təsdiq etmişdir.",
    "Təqsirləndirilən şəxsin barəsində həbs qətimkan tədbiri seçilməsi zəruridir.",
    "İstintaq hərəkətlərinin yerinə yetirilməsi üçün əlavə müddət tələb olunur.",
    "Müraciətdə qaldırılan məsələlər prokurorluq tərəfindən hərtərəfli araşdırılmışdır.",
    "Araşdırma nəticəsində müraciətdə göstərilən hallar öz təsdiqini tapmamışdır.",
    "Qərardan yuxarı prokurora və ya məhkəməyə şikayət verilə bilər.",
    "Zərərçəkmişə dəymiş maddi ziyanın məbləği {amount} manat müəyyən edilmişdir.",
    "Cinayət Məcəlləsinin {article} maddəsi ilə nəzərdə tutulmuş cinayətin əlamətləri mövcuddur.",
    "Daxili İşlər Nazirliyinin rayon polis idarəsindən əlavə məlumat sorğulanmışdır.",
    "Bank hesabından vəsaitin köçürülməsi barədə çıxarış işə əlavə edilmişdir.",
    "Şübhəli şəxsin yaşadığı ünvanda axtarış aparılmış, əşyalar götürülmüşdür.",
    "Qərarın icrası prosessual rəhbərliyi həyata keçirən prokurora tapşırılsın.",
    "Vətəndaşın hüquqları və vəzifələri ona izah edilmişdir.",
)
RARE_SENTENCE = "Vəsaitin " + RARE_WORD + " vasitəsilə xaricə köçürülməsi ehtimalı yoxlanılmışdır."
CPC_ARTICLES = ("39.1.1", "39.1.2", "46", "87", "102", "207", "212", "217", "281", "289")


def needed(plan: SeedPlan) -> bool:
    """Whether a selected scenario reads documents or the search index (all are selected by default);
    `eprok bench --scenario my_work` does not pay for them (bench.selection)."""
    return needs("search", plan.state.get("scenarios"))


# --- documents -------------------------------------------------------------------------------------


def _owners(label: str) -> list[tuple[int, str, int, dt.datetime]]:
    """(id, key, unit id, moment) of every seeded owner of one type."""
    if label == "materials.material":
        from eprok.materials.models import Material

        return list(Material.objects.order_by("pk").values_list("pk", "number", "unit_id", "registered_at"))
    if label == "cases.case":
        from eprok.cases.models import Case

        return list(Case.objects.order_by("pk").values_list("pk", "number", "unit_id", "opened_at"))
    from eprok.appeals.models import Appeal

    return list(Appeal.objects.order_by("pk").values_list("pk", "number", "unit_id", "registered_at"))


def _people(limit: int = 20_000) -> list[tuple[str, str]]:
    """(full name, FIN) of seeded persons, for the people a document names."""
    from eprok.persons.models import Person

    rows = Person.objects.order_by("pk").values_list("last_name", "first_name", "patronymic", "fin")[:limit]
    return [(" ".join(p for p in (last, first, father) if p), fin or "") for last, first, father, fin in rows]


def document_text(rng: random.Random, unit_name: str, people: Sequence[tuple[str, str]], key: str) -> str:
    """The extracted text of one document: heading, office, people, body sentences (one per line)."""
    from bench.seeding_casework import COMMON_ARTICLES, PLACES

    lines = ["AZƏRBAYCAN RESPUBLİKASI", unit_name, f"№ {key}"]
    for name, fin in people:
        lines.append(f"{name}, FİN {fin}" if fin else name)
    for sentence in rng.sample(SENTENCES, rng.randint(4, 10)):
        lines.append(
            sentence.format(
                place=rng.choice(PLACES),
                cpc=rng.choice(CPC_ARTICLES),
                amount=rng.randrange(200, 50_000),
                article=rng.choice(COMMON_ARTICLES),
            )
        )
    if rng.random() < RARE_SHARE:
        lines.append(RARE_SENTENCE)
    return "\n".join(lines)


def seed_documents(plan: SeedPlan) -> None:
    from eprok.documents.models import Document, DocumentKind, DocumentStatus, OcrStatus
    from eprok.org.models import Employee, Unit
    from eprok.org.roles import Clearance

    if not needed(plan):
        return
    started = time.perf_counter()
    count = plan.count(BASE_DOCUMENTS)
    rng = random.Random(SEED)  # benchmark data, not secrets
    units = dict(Unit.objects.values_list("pk", "name_az"))
    authors = list(Employee.objects.order_by("pk").values_list("pk", flat=True)[:2_000])
    people = _people()
    shares = (
        ("materials.material", MATERIAL_SHARE),
        ("cases.case", CASE_SHARE),
        ("appeals.appeal", 1 - MATERIAL_SHARE - CASE_SHARE),
    )
    owners = {label: _owners(label) for label, _share in shares}
    now = timezone.now()
    first = next_id(Document)
    statuses = (
        (DocumentStatus.DRAFT, 20),
        (DocumentStatus.FINAL, 25),
        (DocumentStatus.SIGNED, 50),
        (DocumentStatus.WITHDRAWN, 5),
    )
    status_values = [s for s, _w in statuses]
    status_weights = [w for _s, w in statuses]

    def rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for label, share in shares:
            pool = owners[label]
            if not pool:
                continue
            acts = ACTS[label]
            for _ in range(round(count * share)):
                owner_id, key, unit_id, moment = pool[rng.randrange(len(pool))]
                if rng.random() < 0.7:
                    category, title = rng.choice(acts)
                    kind = DocumentKind.GENERATED
                else:
                    category, title = "", rng.choice(UPLOADS)
                    kind = DocumentKind.UPLOADED
                named = [people[rng.randrange(len(people))] for _ in range(rng.randint(0, 2))]
                created = min(
                    now, moment + dt.timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 600))
                )
                status = rng.choices(status_values, status_weights)[0]
                code = f"B{first + n:09d}" if status == DocumentStatus.SIGNED else None
                classification = Clearance.SECRET if rng.random() < 0.1 else Clearance.OFFICIAL
                yield (
                    first + n,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    created,
                    created,
                    label,
                    owner_id,
                    key,
                    unit_id,
                    f"{title} — {key}"[:300],
                    kind,
                    category,
                    classification,
                    status,
                    code,
                    document_text(rng, units.get(unit_id, ""), named, key),
                    OcrStatus.NONE,
                    0,
                    authors[rng.randrange(len(authors))],
                )
                n += 1

    columns = (
        "id", "public_id", "created_at", "updated_at", "owner_type", "owner_id", "owner_key", "unit_id",
        "title", "kind", "category", "classification", "status", "verification_code", "text", "ocr_status",
        "ocr_progress", "created_by_id",
    )  # fmt: skip
    plan.progress(f"documents: generating and inserting {count:,}")
    figures = insert_model_rows(Document, columns, rows(), progress=plan.progress, total=count)
    plan.report["documents"] = {**figures, "seconds_total": round(time.perf_counter() - started, 2)}
    plan.progress(f"documents: {figures['rows']:,} in {figures['seconds']} s ({figures['method']})")


# --- the search index ------------------------------------------------------------------------------


class TermFolder:
    """`eprok.search.services.build_terms` and the name vocabulary, with the folding memoised per word.

    `folding.index_terms` works word by word on a normalisation that is character-local and keeps
    whitespace, so the terms of a text are the terms of its whitespace-separated tokens, concatenated
    and de-duplicated in order; each distinct token is folded once, by `folding.index_terms` itself.
    The result is checked against build_terms itself (verify_index_sample, and the bench tests)."""

    def __init__(self, limit: int = 1_000_000) -> None:
        from eprok.search import folding, services

        self.index_terms = folding.index_terms
        self.name_words = folding.name_words
        self.text_limit = services._TERMS_TEXT_LIMIT
        self.words: dict[str, list[str]] = {}
        self.name_tokens: dict[str, list[str]] = {}
        self.names: dict[str, list[str]] = {}
        self.limit = limit

    def _add(self, text: str, is_name: bool, out: dict[str, None]) -> None:
        cache = self.name_tokens if is_name else self.words
        if len(cache) >= self.limit:
            cache.clear()
        for token in text.split():
            found = cache.get(token)
            if found is None:
                found = cache[token] = self.index_terms(token, is_name=is_name)
            for term in found:
                out[term] = None

    def build_terms(self, doc: Any) -> str:
        terms: dict[str, None] = {}
        for name in doc.names:
            self._add(name, True, terms)
        self._add(doc.title, False, terms)
        self._add((doc.text or "")[: self.text_limit], False, terms)
        return " ".join(t for t in terms if t)

    def vocabulary(self, name: str) -> list[str]:
        """folding.name_words(name), memoised per name."""
        found = self.names.get(name)
        if found is None:
            if len(self.names) >= self.limit:
                self.names.clear()
            found = self.names[name] = self.name_words(name)
        return found


ENTRY_COLUMNS = (
    "id",
    "label",
    "object_id",
    '"key"',
    "unit_id",
    "status",
    "date",
    "title",
    "text",
    "terms",
    "scope_label",
    "scope_id",
    "scope_unit_id",
    "classification",
    "indexed_at",
)
CHUNK = 20_000  # objects read per query on PostgreSQL
# On SQLite, Django 5.2 prefetches a forward foreign key (parties__person) with one OR term per
# related row, and SQLite refuses an expression deeper than 1,000: 300 cases have about 700 parties.
SQLITE_CHUNK = 300


def _entry_rows(
    source: Any, objects: Sequence[Any], first_id: int, folder: TermFolder, now: dt.datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], set[str]]:
    """(entry rows, key rows, name words) for a chunk of objects, as services.write_batch builds them."""
    from eprok.search import services

    entries: list[tuple[Any, ...]] = []
    keys: list[tuple[Any, ...]] = []
    vocabulary: set[str] = set()
    next_entry = first_id
    for obj in objects:
        doc = source.document(obj)
        if doc is None:
            continue
        entry_id = next_entry
        next_entry += 1
        scope_label, scope_id, scope_unit_id, classification = services.scope_columns(source, obj.pk, doc)
        entries.append(
            (
                entry_id,
                source.label,
                obj.pk,
                str(doc.key)[:64],
                doc.unit_id,
                (doc.status or "")[:40],
                doc.date,
                (doc.title or "")[:300],
                (doc.text or "")[: services._TEXT_LIMIT],
                folder.build_terms(doc),
                scope_label,
                scope_id,
                scope_unit_id,
                classification,
                now,
            )
        )
        keys.extend((entry_id, str(kind), value) for kind, value in services.build_keys(doc))
        for name in doc.names:
            vocabulary.update(folder.vocabulary(name))
    return entries, keys, vocabulary


def _drop_indexes(table: str) -> list[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _pg_drop_secondary_indexes(cursor, table)
        return _sqlite_drop_secondary_indexes(cursor, table)


def _rebuild_indexes(statements: Sequence[str], tables: Sequence[str]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Deferred foreign-key checks of the rows just written (inside one test transaction) would
            # otherwise make PostgreSQL refuse the ALTER TABLE of a re-added constraint.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def seed_search_index(plan: SeedPlan) -> None:
    """The index of every registered source, written in bulk (see the module docstring)."""
    from eprok.search.backends import FTS_TABLE
    from eprok.search.models import SearchEntry, SearchKey, SearchName
    from eprok.search.registry import sources

    if not needed(plan):
        return
    started = time.perf_counter()
    if SearchEntry.objects.exists():
        # Indexed by the services while the structure was seeded: start from an empty index.
        from eprok.search.services import remove_all

        for source in sources():
            remove_all(source.label)
        SearchName.objects.all().delete()
    entry_table, key_table = SearchEntry._meta.db_table, SearchKey._meta.db_table
    recreate = _drop_indexes(entry_table) + _drop_indexes(key_table)
    folder = TermFolder()
    now = timezone.now()
    next_entry = next_id(SearchEntry)
    vocabulary: set[str] = set()
    counts: dict[str, int] = {}
    key_count = 0
    try:
        for source in sources():
            label_started = time.perf_counter()
            total = 0
            pks = list(source.queryset().order_by("pk").values_list("pk", flat=True))
            chunk = SQLITE_CHUNK if connection.vendor == "sqlite" else CHUNK
            for at in range(0, len(pks), chunk):
                window = pks[at : at + chunk]
                objects = list(source.queryset().filter(pk__gte=window[0], pk__lte=window[-1]).order_by("pk"))
                entries, keys, words = _entry_rows(source, objects, next_entry, folder, now)
                next_entry += len(entries)
                vocabulary |= words
                bulk_insert(entry_table, ENTRY_COLUMNS, entries, analyze=False)
                bulk_insert(key_table, ("entry_id", "kind", "value"), keys, analyze=False)
                if connection.vendor == "sqlite":
                    bulk_insert(
                        FTS_TABLE, ("rowid", "terms"), [(row[0], row[9]) for row in entries], analyze=False
                    )
                total += len(entries)
                key_count += len(keys)
                if (at // chunk) % (100_000 // chunk) == (100_000 // chunk) - 1:
                    plan.progress(f"search index: {source.label} {total:,} / {len(pks):,}")
            counts[source.label] = total
            seconds = time.perf_counter() - label_started
            plan.progress(f"search index: {source.label} {total:,} entries in {seconds:.1f} s")
    except BaseException:
        # Put the indexes back as they were before failing: the database outlives the run (--reuse).
        _rebuild_indexes(recreate, ())
        raise
    plan.progress(f"search index: rebuilding {len(recreate)} indexes")
    _rebuild_indexes(recreate, (entry_table, key_table))
    existing = set(SearchName.objects.values_list("term", flat=True))
    names = sorted(vocabulary - existing)
    bulk_insert(SearchName._meta.db_table, ("term",), [(t,) for t in names])
    from bench.seeding import reset_sequences

    reset_sequences(SearchEntry, SearchKey, SearchName)
    checked = verify_index_sample()
    entries_total = sum(counts.values())
    plan.report["search_index"] = {
        "entries": entries_total,
        "per_type": counts,
        "keys": key_count,
        "name_terms": len(names),
        "verified_sample": checked,
        "seconds": round(time.perf_counter() - started, 2),
    }
    plan.progress(
        f"search index: {entries_total:,} entries, {key_count:,} keys, {len(names):,} name terms in "
        f"{time.perf_counter() - started:.1f} s; {checked} sampled entries equal what write_batch writes"
    )


class IndexMismatch(RuntimeError):
    pass


def _entry_snapshot(label: str, pks: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    from eprok.search.backends import FTS_TABLE
    from eprok.search.models import SearchEntry, SearchKey

    rows = SearchEntry.objects.filter(label=label, object_id__in=list(pks)).values_list(
        "id",
        "object_id",
        "key",
        "unit_id",
        "status",
        "date",
        "title",
        "text",
        "terms",
        "scope_label",
        "scope_id",
        "scope_unit_id",
        "classification",
    )
    out: dict[int, tuple[Any, ...]] = {}
    for entry_id, object_id, *rest in rows:
        keys = sorted(SearchKey.objects.filter(entry_id=entry_id).values_list("kind", "value"))
        fts: Any = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT terms FROM {FTS_TABLE} WHERE rowid = %s", [entry_id])  # noqa: S608
                fts = [row[0] for row in cursor.fetchall()]
        out[object_id] = (*rest, tuple(keys), fts)
    return out


def verify_index_sample(per_type: int = 40) -> int:
    """Re-index a sample of each type with services.write_batch in a rolled-back transaction and compare
    every column (but the ids and the time) with the bulk rows; raises IndexMismatch on a difference."""
    from eprok.search.registry import sources
    from eprok.search.services import write_batch

    rng = random.Random(SEED)  # benchmark sampling, not secrets
    checked = 0
    for source in sources():
        pks = list(source.queryset().order_by("pk").values_list("pk", flat=True))
        if not pks:
            continue
        sample = sorted(rng.sample(pks, min(per_type, len(pks))))
        bulk = _entry_snapshot(source.label, sample)
        with transaction.atomic():
            write_batch(source, list(source.queryset().filter(pk__in=sample)))
            own = _entry_snapshot(source.label, sample)
            transaction.set_rollback(True)
        for pk in sample:
            if bulk.get(pk) != own.get(pk):
                raise IndexMismatch(
                    f"{source.label} #{pk}: the bulk index row differs from what write_batch writes:\n"
                    f"bulk:  {bulk.get(pk)!r}\nindex: {own.get(pk)!r}"
                )
            checked += 1
    return checked


# --- the readers the search scenario signs in as ---------------------------------------------------


def gpo_reader(*, create: bool = False) -> Any:
    """A reader at the General Prosecutor's Office: Supervise, Register crime reports and Answer appeals
    over the whole tree (every record of the seeded data set is visible to it, at its clearance)."""
    from eprok.org.models import Employee, RoleAssignment, Unit
    from eprok.org.roles import Clearance

    user = Employee.objects.filter(username=GPO_READER).first()
    if user is not None or not create:
        return user
    root = Unit.objects.order_by("depth", "path").first()
    if root is None:
        return None
    user = Employee.objects.create_user(
        GPO_READER,
        None,
        last_name="Quliyeva",
        first_name="Səbinə",
        patronymic="Arif qızı",
        email="bench.gpo@prokurorluq.test",
        unit=root,
        fin="BENCH02",
        clearance=Clearance.SECRET,
    )
    since = dt.date.today() - dt.timedelta(days=365)
    for role in ("supervise", "register_materials", "answer_appeals"):
        RoleAssignment.objects.create(
            employee=user, role=role, unit=root, include_subunits=True, valid_from=since
        )
    return user
