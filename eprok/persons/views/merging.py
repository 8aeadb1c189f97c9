"""Merging duplicates: choose the other record, compare both side by side, keep one, give a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eprok.core.errors import ApplicationError
from eprok.persons import selectors, services
from eprok.persons.forms import (
    MergeForm,
)
from eprok.persons.models import Person, PersonKind
from eprok.persons.views.common import (
    apply_error,
    persons_view,
    render_page,
)

# --- merging duplicates ----------------------------------------------------------------------------


@dataclass
class CompareRow:
    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return bool(self.left and self.right and self.left != self.right)


def _shown(value: Any) -> str:
    if value in (None, ""):
        return ""
    if hasattr(value, "isoformat"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _compare(left: Person, right: Person) -> list[CompareRow]:
    fields = (
        (
            "last_name",
            "first_name",
            "patronymic",
            "birth_date",
            "sex",
            "citizenship",
            "fin",
            "virtual_pin",
            "voen",
        )
        if left.kind == PersonKind.NATURAL
        else ("legal_name", "voen", "registration_number", "registration_date")
    )
    rows = []
    for name in fields:
        field = Person._meta.get_field(name)
        if name == "sex":
            values = (left.get_sex_display(), right.get_sex_display())
        else:
            values = (_shown(getattr(left, name)), _shown(getattr(right, name)))
        label = str(getattr(field, "verbose_name", name))
        rows.append(CompareRow(label=label, left=values[0], right=values[1]))
    for label, attr in (
        (_("Documents"), "documents"),
        (_("Addresses"), "addresses"),
        (_("Phone numbers"), "phones"),
    ):
        rows.append(
            CompareRow(
                label=label,
                left="; ".join(str(x) for x in getattr(left, attr).all()),
                right="; ".join(str(x) for x in getattr(right, attr).all()),
            )
        )
    return rows


@persons_view
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, public_id: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, public_id=public_id, action="merge")
    other_key = request.POST.get("other") or request.GET.get("other") or ""
    if person.is_merged:
        messages.error(request, str(services.MERGED))
        return redirect("persons:detail", public_id=person.public_id)
    if not other_key:
        q = (request.GET.get("q") or "").strip()[:200]
        found = (
            [
                p
                for p in selectors.person_search(user=request.user, q=q, kind=person.kind)
                if p.pk != person.pk
            ]
            if q
            else []
        )
        return render_page(
            request,
            "persons/merge_choose.html",
            {
                "person": person,
                "q": q,
                "candidates": selectors.duplicate_candidates(person=person, user=request.user),
                "found": found,
            },
        )
    other = selectors.person_get(user=request.user, public_id=other_key, action="merge")
    choices = [
        (str(person.public_id), _("Keep %(name)s (this record)") % {"name": person.display_name}),
        (str(other.public_id), _("Keep %(name)s (the other record)") % {"name": other.display_name}),
    ]
    form = MergeForm(request.POST or None, choices=choices, initial={"keep": str(person.public_id)})
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["keep"]
        survivor, duplicate = (person, other) if keep == str(person.public_id) else (other, person)
        try:
            services.person_merge(
                actor=request.user, duplicate=duplicate, survivor=survivor, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, _("The records were merged; every reference now points to this record.")
            )
            return redirect("persons:detail", public_id=survivor.public_id)
    elif request.method == "GET":
        # The comparison shows both records in full: both reads are audited.
        for shown in (person, other):
            services.person_record_view(actor=request.user, person=shown, purpose="merge")
    rows = _compare(person, other)
    return render_page(
        request,
        "persons/merge.html",
        {
            "person": person,
            "other": other,
            "form": form,
            "rows": rows,
            "differences": [row for row in rows if row.differs],
        },
        status=422 if form.errors else 200,
    )
