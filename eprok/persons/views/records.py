"""Registering and correcting a person, the person card, and its documents, addresses and phones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eprok.core.errors import ApplicationError, NotFound
from eprok.gateway import selectors_registers as gateway_registers
from eprok.persons import access, selectors, services
from eprok.persons.forms import (
    PERSON_FORMS,
    AddressForm,
    DocumentForm,
    PhoneForm,
)
from eprok.persons.models import Person, PersonAddress, PersonDocument, PersonKind, PersonPhone
from eprok.persons.views.common import (
    apply_error,
    is_htmx,
    persons_view,
    render_page,
    safe_next,
    with_person,
)

# --- registering and correcting --------------------------------------------------------------------


def _person_fields(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    own = services.NATURAL_FIELDS if kind == PersonKind.NATURAL else services.LEGAL_FIELDS
    return {name: data.get(name) for name in own if name in data}


def _creation_candidates(kind: str, data: dict[str, Any], user: Any) -> list[Person]:
    probe = Person(
        kind=kind, **{k: v for k, v in _person_fields(kind, data).items() if k not in ("fin", "voen")}
    )
    return selectors.candidates_for(
        kind=kind,
        name_key=services.compute_name_key(probe),
        birth_date=data.get("birth_date"),
        registration_number=(data.get("registration_number") or "").strip(),
        user=user,
        limit=10,
    )


@persons_view
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    access.require_registry(request.user, "create")
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in PersonKind.values:
        # Step 1: natural person or legal entity (two forms, no script needed to switch).
        choices = [
            (
                value,
                label,
                reverse("persons:create")
                + "?"
                + urlencode({"kind": value, **({"next": next_url} if next_url else {})}),
            )
            for value, label in PersonKind.choices
        ]
        return render_page(request, "persons/kind_choice.html", {"choices": choices, "next": next_url})
    form_class = PERSON_FORMS[kind]
    form = form_class(request.POST or None)
    candidates: list[Person] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidates = _creation_candidates(kind, data, request.user)
        if candidates and not data.get("confirm_new"):
            form.add_error(
                None,
                _(
                    "Records that may be the same person are already in the registry. Open them to check; "
                    "if none is, tick the box below and save again."
                ),
            )
        else:
            try:
                person = services.person_create(actor=request.user, kind=kind, **_person_fields(kind, data))
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("The person was registered."))
                if next_url:
                    return redirect(with_person(next_url, person))
                return redirect("persons:detail", public_id=person.public_id)
    return render_page(
        request,
        "persons/person_form.html",
        {
            "form": form,
            "person": None,
            "kind": kind,
            "kind_label": PersonKind(kind).label,
            "next": next_url,
            "candidates": candidates,
        },
        status=422 if form.errors else 200,
    )


@persons_view
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, public_id: str) -> HttpResponse:
    person = access.get_person_for(request.user, public_id, action="change")
    form_class = PERSON_FORMS[person.kind]
    initial = {name: getattr(person, name) for name in form_class.base_fields if hasattr(person, name)}
    initial["version"] = person.version
    form = form_class(request.POST or None, initial=initial, editing=True)  # type: ignore[call-arg]
    if person.is_merged:
        form.add_error(None, str(services.MERGED))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(
                actor=request.user,
                person=person,
                expected_version=data.get("version"),
                **_person_fields(person.kind, data),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("persons:detail", public_id=person.public_id)
    return render_page(
        request,
        "persons/person_form.html",
        {"form": form, "person": person, "kind": person.kind, "kind_label": person.get_kind_display()},
        status=422 if form.errors else 200,
    )


# --- the person card -------------------------------------------------------------------------------


def _card_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    can_change = access.can_change(request.user, person) and not person.is_merged
    return {
        "person": person,
        "documents": list(person.documents.all()),
        "addresses": list(person.addresses.all()),
        "phones": list(person.phones.all()),
        "can_change": can_change,
        "can_merge": access.can_merge(request.user) and not person.is_merged,
    }


@persons_view
@require_GET
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    person = selectors.person_get(user=request.user, public_id=public_id)
    services.person_record_view(actor=request.user, person=person)
    context = _card_context(request, person)
    context.update(
        roles=selectors.person_roles(user=request.user, person=person),
        merges=selectors.merge_history(person=person),
        candidates=selectors.duplicate_candidates(person=person, user=request.user),
        register_copies=gateway_registers.confirmed_copies(person=person),
        registers_url=gateway_registers.browser_url(user=request.user, subject=person),
    )
    return render_page(request, "persons/detail.html", context)


@dataclass(frozen=True)
class SubTable:
    """A kind of row on the person card (documents, addresses, phones) and how it is added or removed."""

    name: str
    model: type[Any]
    form: Callable[..., Form]
    add: Callable[..., Any]
    remove: Callable[..., Any]
    partial: str
    title: Any
    added: Any
    removed: Any


def _documents_form(data: Any, person: Person) -> Form:
    return DocumentForm(data)


def _addresses_form(data: Any, person: Person) -> Form:
    return AddressForm(data, person_kind=person.kind)


def _phones_form(data: Any, person: Person) -> Form:
    return PhoneForm(data)


SUBTABLES: dict[str, SubTable] = {
    "documents": SubTable(
        name="documents",
        model=PersonDocument,
        form=_documents_form,
        add=services.person_add_document,
        remove=lambda actor, row: services.person_remove_document(actor=actor, document=row),
        partial="persons/_documents.html",
        title=gettext_lazy("Add an identity document"),
        added=gettext_lazy("The document was added."),
        removed=gettext_lazy("The document was removed."),
    ),
    "addresses": SubTable(
        name="addresses",
        model=PersonAddress,
        form=_addresses_form,
        add=services.person_add_address,
        remove=lambda actor, row: services.person_remove_address(actor=actor, address=row),
        partial="persons/_addresses.html",
        title=gettext_lazy("Add an address"),
        added=gettext_lazy("The address was added."),
        removed=gettext_lazy("The address was removed."),
    ),
    "phones": SubTable(
        name="phones",
        model=PersonPhone,
        form=_phones_form,
        add=services.person_add_phone,
        remove=lambda actor, row: services.person_remove_phone(actor=actor, phone=row),
        partial="persons/_phones.html",
        title=gettext_lazy("Add a phone number"),
        added=gettext_lazy("The phone number was added."),
        removed=gettext_lazy("The phone number was removed."),
    ),
}


def _partial_response(request: HttpRequest, person: Person, spec: SubTable, error: str = "") -> HttpResponse:
    prefetched = selectors.person_get(user=request.user, public_id=person.public_id)
    return render_page(request, spec.partial, {**_card_context(request, prefetched), "error": error})


def _sub_add(request: HttpRequest, public_id: str, table: str) -> HttpResponse:
    """GET: the form (a fragment for htmx, else a page); POST: add the row and go back to the card.

    The form posts without htmx, so a refused entry comes back as a whole page with status 422.
    """
    spec = SUBTABLES[table]
    person = access.get_person_for(request.user, public_id, action="change")
    form = spec.form(request.POST or None, person)
    if person.is_merged:
        form.add_error(None, str(services.MERGED))
    elif request.method == "POST" and form.is_valid():
        try:
            spec.add(actor=request.user, person=person, **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, str(spec.added))
            return redirect(reverse("persons:detail", kwargs={"public_id": person.public_id}) + f"#{table}")
    template = (
        "persons/_subform.html" if is_htmx(request) and request.method == "GET" else "persons/subform.html"
    )
    return render_page(
        request,
        template,
        {"form": form, "person": person, "table": table, "title": str(spec.title)},
        status=422 if form.errors else 200,
    )


def _sub_remove(request: HttpRequest, public_id: str, table: str, pk: int) -> HttpResponse:
    """Remove a row; htmx gets the section back, a plain form goes back to the card."""
    spec = SUBTABLES[table]
    person = access.get_person_for(request.user, public_id, action="change")
    row = spec.model.objects.filter(pk=pk, person=person).select_related("person").first()
    if row is None:
        raise NotFound()
    error = ""
    try:
        spec.remove(request.user, row)
    except ApplicationError as exc:
        error = str(exc.message)
    if is_htmx(request):
        return _partial_response(request, person, spec, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, str(spec.removed))
    return redirect(reverse("persons:detail", kwargs={"public_id": person.public_id}) + f"#{table}")


@persons_view
@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest, public_id: str) -> HttpResponse:
    return _sub_add(request, public_id, "documents")


@persons_view
@require_POST
def document_remove(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    return _sub_remove(request, public_id, "documents", pk)


@persons_view
@require_http_methods(["GET", "POST"])
def address_add(request: HttpRequest, public_id: str) -> HttpResponse:
    return _sub_add(request, public_id, "addresses")


@persons_view
@require_POST
def address_remove(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    return _sub_remove(request, public_id, "addresses", pk)


@persons_view
@require_http_methods(["GET", "POST"])
def phone_add(request: HttpRequest, public_id: str) -> HttpResponse:
    return _sub_add(request, public_id, "phones")


@persons_view
@require_POST
def phone_remove(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    return _sub_remove(request, public_id, "phones", pk)
