"""Opening a case (on a crime report or directly), its qualification and re-qualification, and the
separation of a new case from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core import numbering
from eprok.core.calendar.deadlines import ExtensionRefused
from eprok.core.errors import Conflict, ValidationFailed
from eprok.criminal_code.references import Reference
from eprok.org.models import Unit
from eprok.org.roles import Role
from eprok.persons.models import PartyRole

from .. import access, terms
from ..models import (
    Case,
    CaseParty,
    PreventiveMeasure,
    Qualification,
    TeamMember,
    TeamRole,
    TermExtension,
)
from ._base import (
    articles_text,
    audit,
    author_of,
    check_day,
    check_employee,
    check_moment,
    decision,
    local_day,
    locked,
    moment_of,
    notify,
    parse_articles,
    require_open,
    require_text,
    save,
    snapshot,
)

# Roles that leave the original case with the person when a case is separated for them.
PERSONAL_ROLES = frozenset({PartyRole.SUSPECT, PartyRole.ACCUSED})


def _create_case(
    *,
    actor: Any,
    unit: Unit,
    references: Sequence[Reference],
    summary: str,
    opening_grounds: str,
    investigator: Any,
    supervisor: Any,
    opened_at: dt.datetime,
    material: Any = None,
    separated_from: Case | None = None,
) -> Case:
    """The rows of a new case: number, qualification, lead team member and the decision to open it."""
    on = local_day(opened_at)
    number = numbering.next_number(register="cases", unit_code=unit.code, on=on)
    main = references[0]
    case = Case.objects.create(
        number=number,
        material=material,
        unit=unit,
        investigator=investigator,
        supervisor=supervisor,
        opened_at=opened_at,
        opened_by=actor if getattr(actor, "is_authenticated", False) else investigator,
        opening_grounds=opening_grounds,
        summary=summary,
        category=main.article.category,
        main_article=str(main),
        articles=articles_text(str(r) for r in references),
        separated_from=separated_from,
    )
    author = author_of(actor, case)
    Qualification.objects.bulk_create(
        Qualification(
            case=case,
            article=reference.article,
            reference=str(reference),
            is_main=index == 0,
            valid_from=on,
            recorded_by=author,
        )
        for index, reference in enumerate(references)
    )
    TeamMember.objects.create(case=case, employee=investigator, role=TeamRole.LEAD)
    title = (
        _("Decision to open a criminal case (separated from case %(number)s)")
        % {"number": separated_from.number}
        if separated_from is not None
        else _("Decision to open a criminal case")
    )
    decision(case, title=title, act_date=on, author=author, event="case.opened", body=opening_grounds)
    return case


def case_open(
    *,
    actor: Any,
    unit: Unit,
    material: Any = None,
    articles: str | Iterable[str],
    summary: str,
    opening_grounds: str,
    investigator: Any,
    supervisor: Any,
    opened_at: dt.datetime | None = None,
) -> Case:
    """Open a criminal case in `unit`, on the crime report `material` or directly (CPC art. 46).

    The number is taken from the "cases" register; the first article is the main one and its gravity
    category chooses the investigation term. On a report, the report is marked decided in the same
    transaction (eprok.materials.services.material_mark_case_opened enforces its own rules).
    """
    if actor is not None:
        if not access.can_open_in(actor, unit):
            access.deny_unit(actor, unit, action="open")
        if material is not None:
            from eprok.materials import access as material_access

            if not material_access.can_open_case(actor, material):
                access.deny_material(actor, material)
    summary = require_text(summary, "summary", _("Write what the case is about."))
    opening_grounds = require_text(
        opening_grounds,
        "opening_grounds",
        _("State the reasons and grounds for opening the case (CPC art. 46)."),
    )
    opened_at = check_moment(opened_at, "opened_at")
    if not unit.is_active:
        raise Conflict(_("A case cannot be opened in an inactive unit."), code="inactive_unit")
    references = parse_articles(articles, on=local_day(opened_at))
    check_employee(investigator, Role.INVESTIGATE, unit, "investigator")
    check_employee(supervisor, Role.SUPERVISE, unit, "supervisor")
    with transaction.atomic():
        case = _create_case(
            actor=actor,
            unit=unit,
            references=references,
            summary=summary,
            opening_grounds=opening_grounds,
            investigator=investigator,
            supervisor=supervisor,
            opened_at=opened_at,
            material=material,
        )
        if material is not None:
            from eprok.materials.services import material_mark_case_opened

            material_mark_case_opened(
                actor=actor, material=material, case_number=case.number, grounds=opening_grounds
            )
        terms.refresh(case)
        audit(
            actor,
            "case",
            "opened",
            case,
            {},
            data={"material": material.number if material is not None else None},
        )
        notify(
            investigator,
            title=_("Criminal case %(number)s was assigned to you"),
            case=case,
            actor=actor,
            number=case.number,
        )
        notify(
            supervisor,
            title=_("You supervise criminal case %(number)s"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return case


# --- qualification --------------------------------------------------------------------------------------


def _apply_qualification(
    case: Case, references: Sequence[Reference], *, on: dt.date, reason: str, author: Any
) -> tuple[list[str], list[str]]:
    """Make `references` (first = main) the current qualification: end the rows that change, add the new.

    Returns (before, after) as lists of references. Conflict when nothing would change.
    """
    current = list(Qualification.objects.filter(case=case, ended_on__isnull=True).order_by("-is_main", "pk"))
    latest = max((row.valid_from for row in current), default=None)
    if latest is not None and on < latest:
        message = _("The re-qualification cannot be dated before the previous one (%(date)s).") % {
            "date": latest.isoformat()
        }
        raise ValidationFailed(message, details={"on": str(message)})
    wanted = [(str(reference), index == 0) for index, reference in enumerate(references)]
    kept = [row for row in current if (row.reference, row.is_main) in wanted]
    kept_keys = {(row.reference, row.is_main) for row in kept}
    ended = [row for row in current if row not in kept]
    added = [
        (ref, main)
        for ref, main in zip(references, (w[1] for w in wanted), strict=True)
        if (str(ref), main) not in kept_keys
    ]
    if not ended and not added:
        raise Conflict(_("The qualification is unchanged."), code="qualification_unchanged")
    Qualification.objects.filter(pk__in=[row.pk for row in ended]).update(
        ended_on=on, updated_at=timezone.now()
    )
    Qualification.objects.bulk_create(
        Qualification(
            case=case,
            article=reference.article,
            reference=str(reference),
            is_main=main,
            valid_from=on,
            reason=reason,
            recorded_by=author,
        )
        for reference, main in added
    )
    main = references[0]
    case.main_article = str(main)
    case.category = main.article.category
    case.articles = articles_text(str(r) for r in references)
    return [row.reference for row in current], [str(r) for r in references]


def _refresh_after_requalification(case: Case) -> None:
    try:
        terms.refresh(case)
    except ExtensionRefused as exc:
        raise Conflict(
            _(
                "With the new gravity category the extensions already granted exceed the legal maximum "
                "of the investigation term: %(reason)s"
            )
            % {"reason": exc.message},
            code="requalification_exceeds_term",
        ) from exc


def _current_references(case: Case) -> list[Reference]:
    """The current qualification as references (main first), without checking the Code again."""
    rows = (
        Qualification.objects.filter(case=case, ended_on__isnull=True)
        .select_related("article")
        .order_by("-is_main", "pk")
    )
    return [Reference(article=row.article, parts=row.reference.split(".")[1:]) for row in rows]


def case_qualify(
    *,
    actor: Any,
    case: Case,
    reference: str,
    is_main: bool = False,
    on: dt.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Add an article to the qualification (as the new main article when `is_main`).

    The new article must be in force on the date of the decision; the articles already there stay as
    they were qualified.
    """
    access.require(actor, case, "edit")
    reason = (reason or "").strip()[:2000]
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        before = snapshot(case)
        day = check_day(on, case, "on")
        new = parse_articles([reference], on=day, field="reference")[0]
        current = _current_references(case)
        if any(str(ref) == str(new) for ref in current) and not is_main:
            raise Conflict(
                _("The case is already qualified under %(reference)s.") % {"reference": str(new)},
                code="qualification_unchanged",
                details={"reference": str(new)},
            )
        others = [ref for ref in current if str(ref) != str(new)]
        references = [new, *others] if is_main else [*others, new]
        if references[0].article.category is None:
            message = _(
                "Article %(number)s has no gravity category in the catalogue, so it cannot be the "
                "main article."
            ) % {"number": references[0].number}
            raise ValidationFailed(message, details={"reference": str(message)})
        author = author_of(actor, case)
        _apply_qualification(case, references, on=day, reason=reason, author=author)
        decision(
            case,
            title=_("Decision to add article %(reference)s to the qualification") % {"reference": str(new)},
            act_date=day,
            author=author,
            event="case.qualified",
            body=reason,
        )
        save(case, "main_article", "category", "articles")
        _refresh_after_requalification(case)
        audit(actor, "case", "qualified", case, before, data={"reference": str(new), "is_main": is_main})
    return case


def case_requalify(
    *,
    actor: Any,
    case: Case,
    articles: str | Iterable[str],
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Replace the qualification (re-qualification, CPC art. 225): the first article is the main one.

    Each article must be in force on the date of the decision; rows that change are ended on that date
    and kept as history. A change of the gravity category changes the investigation term's rule.
    """
    access.require(actor, case, "edit")
    reason = require_text(reason, "reason", _("State why the act is re-qualified."))
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        before = snapshot(case)
        day = check_day(on, case, "on")
        references = parse_articles(articles, on=day)
        author = author_of(actor, case)
        old, new = _apply_qualification(case, references, on=day, reason=reason, author=author)
        decision(
            case,
            title=_("Decision to re-qualify the act under %(articles)s") % {"articles": ", ".join(new)},
            act_date=day,
            author=author,
            event="case.requalified",
            body=reason,
        )
        save(case, "main_article", "category", "articles")
        _refresh_after_requalification(case)
        audit(actor, "case", "requalified", case, before, data={"from": old, "to": new})
    return case


# --- separation -----------------------------------------------------------------------------------------


def _move_measures(measures: Iterable[PreventiveMeasure], *, into: Case, party: CaseParty) -> list[int]:
    """Move running measures (with their extensions) to the party's row in another case."""
    moved = []
    for measure in measures:
        measure.case = into
        measure.party = party
        measure.save(update_fields=["case", "party", "updated_at"])
        TermExtension.objects.filter(measure=measure).update(case=into)
        moved.append(measure.pk)
    return moved


def case_separate(
    *,
    actor: Any,
    case: Case,
    parties: Sequence[CaseParty],
    articles: str | Iterable[str],
    summary: str,
    grounds: str,
    on: dt.date | None = None,
    investigator: Any = None,
    expected_version: int | None = None,
) -> Case:
    """Separate a new case from `case` (CPC art. 50) for the chosen parties and articles.

    The new case takes a new number and points to its origin (`separated_from`). Suspects and accused
    leave the original case with their running measures; other parties are copied.
    """
    access.require(actor, case, "edit")
    summary = require_text(summary, "summary", _("Write what the new case is about."))
    grounds = require_text(grounds, "grounds", _("State the grounds for separating the case (CPC art. 50)."))
    if any(party.case_id != case.pk for party in parties):
        message = _("Choose parties of this case.")
        raise ValidationFailed(message, details={"parties": str(message)})
    investigator = investigator or case.investigator
    check_employee(investigator, Role.INVESTIGATE, case.unit, "investigator")
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        before = snapshot(case)
        day = check_day(on, case, "on")
        references = parse_articles(articles, on=day)
        chosen = list(
            CaseParty.objects.select_related("person").filter(pk__in=[p.pk for p in parties], case=case)
        )
        if any(party.until is not None for party in chosen):
            message = _("A party who no longer takes part in the case cannot be separated.")
            raise ValidationFailed(message, details={"parties": str(message)})
        new = _create_case(
            actor=actor,
            unit=case.unit,
            references=references,
            summary=summary,
            opening_grounds=grounds,
            investigator=investigator,
            supervisor=case.supervisor,
            opened_at=moment_of(day),
            separated_from=case,
        )
        moved: list[int] = []
        for party in chosen:
            copy = CaseParty.objects.create(
                case=new, person=party.person, role=party.role, since=day, note=party.note
            )
            if party.role in PERSONAL_ROLES:
                party.until = day
                party.save(update_fields=["until", "updated_at"])
                moved += _move_measures(
                    PreventiveMeasure.objects.filter(party=party, ended_at__isnull=True), into=new, party=copy
                )
        author = author_of(actor, case)
        decision(
            case,
            title=_("Decision to separate criminal case %(number)s") % {"number": new.number},
            act_date=day,
            author=author,
            event="case.separated",
            body=grounds,
        )
        save(case)
        terms.refresh(case)
        terms.refresh(new)
        audit(
            actor,
            "case",
            "separated",
            case,
            before,
            data={"new_case": new.number, "parties": [p.pk for p in chosen], "measures": moved},
        )
        audit(actor, "case", "opened", new, {}, data={"separated_from": case.number})
        notify(
            investigator,
            title=_("Criminal case %(number)s was assigned to you"),
            case=new,
            actor=actor,
            number=new.number,
        )
    return new
