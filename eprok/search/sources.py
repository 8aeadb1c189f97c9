"""The built-in sources: crime reports, criminal cases, appeals, persons and documents.

Each source reads the owning app's models and its `access.visible_to(user)` (read-only): the search
app never decides who may see a record, it asks the app that owns it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import BigIntegerField, OuterRef, QuerySet, Subquery, When
from django.db.models import Case as CaseWhen
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.search.registry import (
    EVERYTHING,
    NOTHING,
    CandidateScope,
    IndexDocument,
    SearchSource,
    register_source,
)

_ARTICLE = re.compile(r"\d+(?:\.\d+)*")


def split_articles(*texts: str) -> list[str]:
    """The article codes written in free text ("177.2.3, 178.1" → ["177.2.3", "178.1"])."""
    out: dict[str, None] = {}
    for text in texts:
        for code in _ARTICLE.findall(text or ""):
            out.setdefault(code, None)
    return list(out)


def _day(value: Any) -> Any:
    if value is None:
        return None
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


def _person_names(parties: Any) -> list[str]:
    return [party.person.display_name for party in parties if party.person_id]


def _status_labels(choices: Any) -> Any:
    return lambda: {value: label for value, label in choices.choices}


# --- candidate scopes --------------------------------------------------------------------------------
# Each is derived from the owning app's visible_to (read it next to these): the units whose records a
# role shows, as unit ids (org.grants.unit_scope's rule: the grant's unit, or its whole subtree), and the
# records the user sees otherwise (in person, or through another of the record's units) that are held
# by a unit outside those (the others are read by unit anyway): few, each query on an index. A superset
# is enough: search asks visible_to about every candidate afterwards.


def covered_units(user: Any, roles: Iterable[str]) -> frozenset[int] | None:
    """The ids of the units where `user` holds one of `roles` (as unit_scope reads a grant), or None
    when that is every unit."""
    from eprok.org.grants import active_grants
    from eprok.org.models import Unit

    wanted = set(roles)
    grants = [grant for grant in active_grants(user) if grant.role in wanted]
    ids = {grant.unit_id for grant in grants if not grant.include_subunits}
    prefixes = tuple(grant.unit_path for grant in grants if grant.include_subunits)
    if prefixes:
        total = 0
        for pk, path in Unit.objects.values_list("pk", "path"):
            total += 1
            if path.startswith(prefixes):
                ids.add(pk)
        if len(ids) >= total:
            return None
    return frozenset(ids)


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _material_scope(user: Any) -> CandidateScope:
    """materials.access.visible_to: a reader role over the unit or the unit it was transferred to, or
    the assignee."""
    from eprok.materials.access import READER_ROLES
    from eprok.materials.models import Material

    if not _signed_in(user):
        return NOTHING
    units = covered_units(user, READER_ROLES)
    if units is None:
        return EVERYTHING
    outside = Material.objects.exclude(unit_id__in=units).order_by().values_list("pk", flat=True)
    records = set(outside.filter(assignee_id=user.pk))
    if units:  # unit_scope(role, "transferred_to_unit") for the reader roles: the same units
        records |= set(outside.filter(transferred_to_unit_id__in=units))
    return CandidateScope(units=units, records=frozenset(records))


def _case_scope(user: Any) -> CandidateScope:
    """cases.access.visible_to: "Supervise" over the unit ("State prosecution" once sent to court: its
    units are kept whatever the status), the active team and the supervising prosecutor."""
    from eprok.cases.models import Case, TeamMember
    from eprok.org.roles import Role

    if not _signed_in(user):
        return NOTHING
    units = covered_units(user, (Role.SUPERVISE, Role.PROSECUTE))
    if units is None:
        return EVERYTHING
    # The team's cases first, then which of them are held outside, each an index read (a join of the
    # two would scan every case for the unit condition).
    team = TeamMember.objects.filter(employee_id=user.pk, removed_at__isnull=True)
    team_ids = sorted(set(team.order_by().values_list("case_id", flat=True)))
    outside = Case.objects.exclude(unit_id__in=units).order_by().values_list("pk", flat=True)
    records = set(outside.filter(pk__in=team_ids)) if team_ids else set()
    records |= set(outside.filter(supervisor_id=user.pk))
    return CandidateScope(units=units, records=frozenset(records))


def _appeal_scope(user: Any) -> CandidateScope:
    """appeals.access.visible_to: a reader role over the receiving unit (every appeal with one over a
    whole tree), or over the unit it was forwarded to; "Answer appeals" over the executor unit or the
    department it was escalated to; the executor."""
    from eprok.appeals import access
    from eprok.appeals.models import Appeal
    from eprok.org.roles import Role

    if not _signed_in(user):
        return NOTHING
    if access.reads_everything(user):
        return EVERYTHING
    units = covered_units(user, access.READER_ROLES)
    if units is None:
        return EVERYTHING
    answering = covered_units(user, (Role.ANSWER_APPEALS,))
    found = Appeal.objects.exclude(unit_id__in=units).order_by().values_list("pk", flat=True)
    records = set(found.filter(executor_id=user.pk))
    if units:  # unit_scope(role, "forwarded_to_unit") for the reader roles: the same units
        records |= set(found.filter(forwarded_to_unit_id__in=units))
    if answering is None:
        return EVERYTHING
    if answering:
        records |= set(found.filter(executor_unit_id__in=answering))
        records |= set(found.filter(escalated_to_id__in=answering))
    return CandidateScope(units=units, records=frozenset(records))


def _person_scope(user: Any) -> CandidateScope:
    """persons.access.visible_to: the whole registry for its users, nothing for anyone else."""
    from eprok.persons.access import can_use_registry

    return EVERYTHING if can_use_registry(user) else NOTHING


def _stale_documents(label: str) -> Any:
    """The `dependents` of a type that owns documents: its documents whose entries hold another unit
    than the owner's now (the owner was transferred), so that their candidate scope follows the owner."""

    def find(pks: Sequence[int]) -> dict[str, Iterable[int]]:
        from eprok.search.models import SearchEntry
        from eprok.search.registry import get_source

        source = get_source(label)
        if source is None:
            return {}
        units = dict(source.model._default_manager.filter(pk__in=list(pks)).values_list("pk", "unit_id"))
        rows = SearchEntry.objects.filter(
            label=DOCUMENTS, scope_label=label, scope_id__in=list(pks)
        ).values_list("object_id", "scope_id", "scope_unit_id")
        return {DOCUMENTS: [pk for pk, owner, unit in rows if units.get(owner) != unit]}

    return find


DOCUMENTS = "documents.document"


# --- crime reports ---------------------------------------------------------------------------------


def _material_queryset() -> QuerySet[Any]:
    from eprok.materials.models import Material

    return Material.objects.select_related("unit").prefetch_related("parties__person")


def _material_document(material: Any) -> IndexDocument:
    parties = list(material.parties.all())
    return IndexDocument(
        title=f"{material.number} — {material.summary[:200]}",
        key=material.number,
        text="\n".join(
            t
            for t in (
                ", ".join(_person_names(parties)),
                material.summary,
                material.incident_place,
                material.source_reference,
                material.decision_grounds,
                material.transferred_to_body,
            )
            if t
        ),
        names=_person_names(parties),
        numbers=[material.number, material.case_number, *[p.person.fin or "" for p in parties]],
        articles=split_articles(material.articles),
        unit_id=material.unit_id,
        status=material.status,
        date=_day(material.registered_at),
    )


def _material_visible(user: Any) -> QuerySet[Any]:
    from eprok.materials.access import visible_to

    return visible_to(user)


def _material_url(key: str) -> str:
    from eprok.materials.models import _detail_url

    return _detail_url(key)


# --- criminal cases --------------------------------------------------------------------------------


def _case_queryset() -> QuerySet[Any]:
    from eprok.cases.models import Case

    return Case.objects.select_related("unit", "material").prefetch_related("parties__person")


def _case_document(case: Any) -> IndexDocument:
    parties = list(case.parties.all())
    return IndexDocument(
        title=f"{case.number} — {case.summary[:200]}",
        key=case.number,
        text="\n".join(
            t
            for t in (
                ", ".join(_person_names(parties)),
                case.summary,
                case.opening_grounds,
                case.completion_grounds,
            )
            if t
        ),
        names=_person_names(parties),
        numbers=[
            case.number,
            case.material.number if case.material_id else "",
            *[p.person.fin or "" for p in parties],
        ],
        articles=split_articles(case.main_article, case.articles),
        unit_id=case.unit_id,
        status=case.status,
        date=_day(case.opened_at),
    )


def _case_visible(user: Any) -> QuerySet[Any]:
    from eprok.cases.access import visible_to

    return visible_to(user)


def _case_url(key: str) -> str:
    from eprok.cases.links import case_url

    return case_url("cases:detail", key)


# --- appeals ---------------------------------------------------------------------------------------


def _appeal_queryset() -> QuerySet[Any]:
    from eprok.appeals.models import Appeal

    return Appeal.objects.select_related("unit", "person")


def _appeal_document(appeal: Any) -> IndexDocument:
    applicant = " ".join(
        p for p in (appeal.applicant_last_name, appeal.applicant_first_name, appeal.applicant_patronymic) if p
    )
    names = [n for n in (applicant, appeal.organisation) if n]
    if appeal.person_id:
        names.append(appeal.person.display_name)
    return IndexDocument(
        title=f"{appeal.number} — {applicant or appeal.organisation}",
        key=appeal.number,
        text="\n".join(t for t in (appeal.text, appeal.complained_text, appeal.applicant_address) if t),
        names=names,
        numbers=[appeal.number, appeal.applicant_fin],
        phones=[appeal.applicant_phone, appeal.notify_sms],
        unit_id=appeal.unit_id,
        status=appeal.status,
        date=_day(appeal.registered_at),
    )


def _appeal_visible(user: Any) -> QuerySet[Any]:
    from eprok.appeals.access import visible_to

    return visible_to(user)


def _appeal_url(key: str) -> str:
    from eprok.appeals.models.appeal import _detail_url

    return _detail_url(key)


# --- persons ---------------------------------------------------------------------------------------


def _person_queryset() -> QuerySet[Any]:
    from eprok.persons.models import Person

    return Person.objects.prefetch_related("documents", "phones", "addresses")


def _person_document(person: Any) -> IndexDocument:
    documents = list(person.documents.all())
    return IndexDocument(
        title=person.display_name or str(person.public_id),
        key=str(person.public_id),
        text="\n".join([person.note, *[a.text for a in person.addresses.all()]]).strip(),
        names=[person.display_name],
        numbers=[
            person.fin or "",
            person.voen or "",
            person.virtual_pin,
            person.registration_number,
            *[f"{d.series}{d.number}" for d in documents],
            *[d.number for d in documents],
        ],
        phones=[p.number for p in person.phones.all()],
        date=_day(person.created_at),
        status="merged" if person.merged_into_id else "active",
    )


def _person_visible(user: Any) -> QuerySet[Any]:
    from eprok.persons.access import visible_to

    return visible_to(user)


def _person_dependents(pks: Sequence[int]) -> dict[str, Iterable[int]]:
    """The reports, cases and appeals whose entries show these persons' names and FINs (read-only)."""
    from eprok.appeals.models import Appeal
    from eprok.cases.models import CaseParty
    from eprok.materials.models import MaterialParty

    return {
        "materials.material": MaterialParty.objects.filter(person_id__in=pks)
        .values_list("material_id", flat=True)
        .distinct(),
        "cases.case": CaseParty.objects.filter(person_id__in=pks)
        .values_list("case_id", flat=True)
        .distinct(),
        "appeals.appeal": Appeal.objects.filter(person_id__in=pks).values_list("pk", flat=True),
    }


def _person_url(key: str) -> str:
    return reverse("persons:detail", kwargs={"public_id": key})


def _person_statuses() -> dict[str, Any]:
    return {"active": _("Active record"), "merged": _("Merged duplicate")}


# --- documents -------------------------------------------------------------------------------------


def _document_queryset() -> QuerySet[Any]:
    """Documents with their owner's unit now (`owner_unit_id`): the candidate scope follows the owner."""
    from eprok.documents import owners
    from eprok.documents.models import Document

    whens = []
    for owner in owners.owner_types():
        if "unit" not in {f.name for f in owner.model._meta.concrete_fields}:
            continue
        unit = owner.model._default_manager.filter(pk=OuterRef("owner_id")).values("unit_id")[:1]
        whens.append(When(owner_type=owner.label, then=Subquery(unit)))
    if not whens:
        return Document.objects.all()
    return Document.objects.annotate(
        owner_unit_id=CaseWhen(*whens, default=None, output_field=BigIntegerField())
    )


def _document_document(document: Any) -> IndexDocument:
    return IndexDocument(
        title=document.title,
        key=str(document.public_id),
        text=document.text or "",
        numbers=[document.owner_key, document.verification_code or ""],
        unit_id=document.unit_id,
        status=document.status,
        date=_day(document.created_at),
        scope_label=document.owner_type,
        scope_id=document.owner_id,
        scope_unit_id=getattr(document, "owner_unit_id", None),
        classification=int(document.classification or 0),
    )


def _document_owner_types() -> list[str]:
    from eprok.documents import owners

    return [owner.label for owner in owners.owner_types()]


def _document_clearance(user: Any) -> int:
    from eprok.documents.access import clearance_of

    return clearance_of(user)


def _document_visible(user: Any) -> QuerySet[Any]:
    from eprok.documents.access import visible_to

    return visible_to(user)


def _document_visible_among(user: Any, pks: set[int]) -> set[int]:
    from eprok.documents.access import visible_among

    return visible_among(user, pks)


def _document_url(key: str) -> str:
    return reverse("documents:detail", kwargs={"public_id": key})


def register_builtin_sources() -> None:
    from eprok.appeals.models import AppealStatus
    from eprok.cases.models import Case, CaseStatus
    from eprok.documents.models import Document, DocumentStatus
    from eprok.materials.models import Material, MaterialStatus
    from eprok.persons.models import Person

    register_source(
        SearchSource(
            label="cases.case",
            verbose_name=_("Criminal cases"),
            model=Case,
            document=_case_document,
            queryset=_case_queryset,
            visible_to=_case_visible,
            url=_case_url,
            status_labels=_status_labels(CaseStatus),
            order=10,
            dependents=_stale_documents("cases.case"),
            candidate_scope=_case_scope,
        )
    )
    register_source(
        SearchSource(
            label="materials.material",
            verbose_name=_("Crime reports"),
            model=Material,
            document=_material_document,
            queryset=_material_queryset,
            visible_to=_material_visible,
            url=_material_url,
            status_labels=_status_labels(MaterialStatus),
            order=20,
            dependents=_stale_documents("materials.material"),
            candidate_scope=_material_scope,
        )
    )
    from eprok.appeals.models import Appeal

    register_source(
        SearchSource(
            label="appeals.appeal",
            verbose_name=_("Appeals"),
            model=Appeal,
            document=_appeal_document,
            queryset=_appeal_queryset,
            visible_to=_appeal_visible,
            url=_appeal_url,
            status_labels=_status_labels(AppealStatus),
            order=30,
            dependents=_stale_documents("appeals.appeal"),
            candidate_scope=_appeal_scope,
        )
    )
    register_source(
        SearchSource(
            label="persons.person",
            verbose_name=_("Persons"),
            model=Person,
            document=_person_document,
            queryset=_person_queryset,
            visible_to=_person_visible,
            url=_person_url,
            status_labels=_person_statuses,
            order=40,
            dependents=_person_dependents,
            candidate_scope=_person_scope,
        )
    )
    register_source(
        SearchSource(
            label="documents.document",
            verbose_name=_("Documents"),
            model=Document,
            document=_document_document,
            queryset=_document_queryset,
            visible_to=_document_visible,
            visible_among=_document_visible_among,
            url=_document_url,
            status_labels=_status_labels(DocumentStatus),
            order=50,
            scope_labels=_document_owner_types,
            clearance=_document_clearance,
        )
    )
