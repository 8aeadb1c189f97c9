"""The register browser: one form asking the registers the user's roles allow, the answers side by side,
"try again" for a failed register, copying a population answer into a person record, and the history of
the user's own look-ups. Plain forms and redirects; no script needed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error
from eprok.gateway import access, lookups, selectors_registers
from eprok.gateway.forms_registers import CopyForm, RegisterBrowserForm
from eprok.gateway.models import Lookup, LookupStatus, Outcome, Register

HELP = {"help_page": "registers"}
PAGE_SIZE = 50
QUERY_PARAMS = ("fin", "voen", "plate", "vin")


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def results_url(lookups_: list[Lookup]) -> str:
    keys = ".".join(lookup.public_id.hex for lookup in lookups_)
    return reverse("gateway:registers:results", kwargs={"keys": keys})


def _register_options(form: RegisterBrowserForm, allowed: list[str]) -> list[dict[str, Any]]:
    """The registers offered on the page (only the allowed ones), with what each can be searched by."""
    chosen = set(form["registers"].value() or [])
    return [
        {
            "value": register,
            "label": Register(register).label,
            "checked": register in chosen,
            "kinds": ", ".join(
                str(lookups.QueryKind(kind).label) for kind in lookups.REGISTER_KINDS[register]
            ),
            "id": f"id_registers_{register}",
        }
        for register in allowed
    ]


def _initial(request: HttpRequest, allowed: list[str]) -> dict[str, Any]:
    initial: dict[str, Any] = {"registers": allowed}
    for kind in QUERY_PARAMS:
        value = request.GET.get(kind, "").strip()
        if value:
            initial.update(query_kind=kind, query=value[:40])
            break
    if request.GET.get("purpose"):
        initial["purpose"] = request.GET["purpose"][: lookups.PURPOSE_MAX]
    if request.GET.get("issue"):
        initial["issue"] = request.GET["issue"][: lookups.ISSUE_MAX]
    return initial


@staff_view
@require_http_methods(["GET", "POST"])
def browser(request: HttpRequest) -> HttpResponse:
    access.require_registers(request.user)
    allowed = access.allowed_registers(request.user)
    subject_text = (
        request.POST.get("subject") if request.method == "POST" else request.GET.get("subject")
    ) or ""
    subject = selectors_registers.resolve_subject(user=request.user, text=subject_text)
    if request.method == "POST":
        form = RegisterBrowserForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = lookups.lookup_run_many(
                    actor=request.user,
                    registers=data["registers"],
                    query_kind=data["query_kind"],
                    query=data["query"],
                    purpose=data["purpose"],
                    subject=subject,
                    issue=data.get("issue") or "",
                )
            except (NotFound, Forbidden):
                raise
            except ApplicationError as exc:
                form_apply_error(form, exc)
            else:
                return redirect(results_url(done))
    else:
        initial = _initial(request, allowed)
        if subject is not None:
            initial["subject"] = selectors_registers.subject_reference(subject)
            if hasattr(subject, "number"):
                initial["issue"] = subject.number
            elif getattr(subject, "fin", None) and "query" not in initial:
                initial.update(query_kind=lookups.QueryKind.FIN, query=subject.fin)
            elif getattr(subject, "voen", None) and "query" not in initial:
                initial.update(query_kind=lookups.QueryKind.VOEN, query=subject.voen)
        form = RegisterBrowserForm(initial=initial)
    return _page(
        request,
        "gateway/registers/browser.html",
        {
            "form": form,
            "options": _register_options(form, allowed),
            "subject": subject,
        },
        status=422 if form.errors else 200,
    )


# --- the answers ------------------------------------------------------------------------------------------


def _date(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    try:
        return dt.date.fromisoformat(value[:10]) if len(value) <= 10 else (parse_datetime(value) or value)
    except ValueError:
        return value


FAILURE_LABELS: dict[str, str] = {
    Outcome.TIMEOUT: "timeout",
    Outcome.UNREACHABLE: "unavailable",
    Outcome.ERROR: "unavailable",
    Outcome.CIRCUIT_OPEN: "unavailable",
    Outcome.REFUSED: "refused",
    Outcome.BAD_ANSWER: "bad_answer",
    Outcome.HASH_MISMATCH: "bad_answer",
}


def _present(lookup: Lookup) -> dict[str, Any]:
    """The stored answer made ready for the template: dates parsed, lists guaranteed."""
    data = dict(lookup.result or {})
    shown: dict[str, Any] = {"data": data}
    if lookup.status == LookupStatus.FAILED:
        shown["failure"] = FAILURE_LABELS.get(str(data.get("outcome", "")), "unavailable")
        return shown
    if lookup.status != LookupStatus.FOUND:
        return shown
    for key in ("birth_date", "registered_on", "wanted_since"):
        if key in data:
            data[key] = _date(data[key])
    if lookup.register in lookups.LIST_REGISTERS:
        items = []
        for item in data.get("items") or []:
            row = dict(item)
            for key in ("registered_on", "acquired_on", "at"):
                if key in row:
                    row[key] = _date(row[key])
            items.append(row)
        shown["items"] = items
    if lookup.register == Register.RECORDS:
        shown["convictions"] = [
            {**item, "decided_on": _date(item.get("decided_on"))} if isinstance(item, dict) else {}
            for item in data.get("convictions") or []
        ]
    if lookup.register == Register.POPULATION:
        shown["family"] = [item for item in data.get("family") or [] if isinstance(item, dict)]
        shown["address"] = data.get("address") if isinstance(data.get("address"), dict) else {}
    return shown


@staff_view
@require_http_methods(["GET"])
def results(request: HttpRequest, keys: str) -> HttpResponse:
    found = selectors_registers.lookups_get(user=request.user, keys=keys.split("."))
    allowed = access.allowed_registers(request.user)
    lookups.lookup_record_view(actor=request.user, lookups=found)
    first = found[0]
    # Named only while the user may still see it (access can change after the look-up).
    subject = lookups.subject_of(first) if selectors_registers.subject_visible(request.user, first) else None
    keep_subject = subject if first.subject_type in ("materials.material", "cases.case") else None
    cards = [
        {
            "lookup": lookup,
            "shown": _present(lookup),
            "offer": selectors_registers.copy_offer(user=request.user, lookup=lookup),
        }
        for lookup in found
    ]
    return _page(
        request,
        "gateway/registers/results.html",
        {
            "cards": cards,
            "first": first,
            "subject": subject,
            "keys": keys,
            "rerun": {
                "purpose": first.purpose,
                "issue": first.issue,
                "subject": selectors_registers.subject_reference(keep_subject),
                "fin_registers": [
                    register
                    for register in lookups.registers_for(lookups.QueryKind.FIN)
                    if register in allowed
                ],
            },
            "allowed": allowed,
        },
    )


def _back(request: HttpRequest, lookup: Lookup) -> str:
    batch = [key for key in (request.POST.get("batch") or "").split(".") if key]
    if lookup.public_id.hex not in batch:
        batch = [lookup.public_id.hex]
    return reverse(
        "gateway:registers:results", kwargs={"keys": ".".join(batch[: selectors_registers.MAX_BATCH])}
    )


@staff_view
@require_POST
def retry(request: HttpRequest, key: str) -> HttpResponse:
    """Ask the register of a stored look-up again, with the same query and purpose."""
    old = selectors_registers.lookup_get(user=request.user, key=key)
    subject = lookups.subject_of(old)
    try:
        new = lookups.lookup_run(
            actor=request.user,
            register=old.register,
            query_kind=old.query_kind,
            query=old.query,
            purpose=old.purpose,
            subject=subject,
            issue=old.issue,
        )
    except (NotFound, Forbidden):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(request, old))
    batch = [key for key in (request.POST.get("batch") or "").split(".") if key] or [old.public_id.hex]
    batch = [new.public_id.hex if part == old.public_id.hex else part for part in batch]
    if new.public_id.hex not in batch:
        batch = [new.public_id.hex]
    return redirect(reverse("gateway:registers:results", kwargs={"keys": ".".join(batch)}))


@staff_view
@require_POST
def copy(request: HttpRequest, key: str) -> HttpResponse:
    """Copy the chosen fields of a population answer into the person record."""
    from eprok.persons import access as persons_access

    lookup = selectors_registers.lookup_get(user=request.user, key=key)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the data to copy."))
        return redirect(_back(request, lookup))
    person = persons_access.get_person_for(request.user, form.cleaned_data["person"], action="change")
    try:
        lookups.lookup_copy(
            actor=request.user,
            lookup=lookup,
            person=person,
            fields=form.cleaned_data["chosen"],
            expected_version=form.cleaned_data.get("version"),
        )
    except (NotFound, Forbidden):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(request, lookup))
    messages.success(request, _("The data confirmed by the register were copied into the person record."))
    return redirect("persons:detail", public_id=person.public_id)


@staff_view
@require_POST
def create_person(request: HttpRequest, key: str) -> HttpResponse:
    """Register a person from a population answer (no record with this FIN yet)."""
    lookup = selectors_registers.lookup_get(user=request.user, key=key)
    try:
        copied = lookups.lookup_create_person(actor=request.user, lookup=lookup)
    except (NotFound, Forbidden):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(request, lookup))
    messages.success(request, _("The person was registered from the population register."))
    return redirect("persons:detail", public_id=copied.person.public_id)


@staff_view
@require_http_methods(["GET"])
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors_registers.lookup_history(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    if rows:
        lookups.lookups_record_listed(actor=request.user, keys=[str(lookup.public_id) for lookup in rows])
    return _page(
        request,
        "gateway/registers/history.html",
        {"page": page, "rows": rows, "can_browse": access.can_use_registers(request.user)},
    )
