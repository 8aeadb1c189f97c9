"""The e-Court exchange, outbound: building the signed package, queueing a delivery, sending it, retrying.

A delivery (`CourtDelivery`) is an indictment with the case package, a motion for the court's sanction
(custody, search, wire-tap, extension of a term), an appeal or a protest. `delivery_queue` checks access,
builds ONE PDF — a cover page in Azerbaijani with the manifest (each file's name, document, SHA-256, size
and signers) and every file of the package embedded byte for byte as a PDF attachment — seals it as a whole
with the prosecution's e-seal, stores it as a document of the delivery (owner type "gateway.courtdelivery";
the prosecutor of a case in court is not on its investigation team, so the case's own documents panel is
closed to them) and queues the delivery in one transaction; the worker (`tasks.delivery_send_task`) sends
it after commit.

`delivery_send` calls the e-Court outside any transaction, with the same X-Road-Id on every attempt (the
court answers a repeated id with its first answer, so a retry never files twice). A conditional update
claims the delivery first, so two workers never send it at once; the claim is a lease (its next attempt
pushed SEND_LEASE ahead), and "retry now" leaves a delivery alone while that lease may run. An answer 202
is the court's acknowledgement (its reference and time); an unavailable gateway leaves the delivery queued
with its next attempt after 1, 2, 4 … 60 minutes and, after MAX_ATTEMPTS, marks it failed (visible, "retry
now"); a refusal (4xx) marks it rejected with the court's error (the prosecutor corrects it and sends a new
one).
`deliveries_sweep` (manage.py gateway_sweep) sends whatever is due. Every status change is audited.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from eprok.audit.services import audit_record
from eprok.core.errors import ApplicationError, Conflict, ValidationFailed

from . import access, protocol
from .ecourt_package import Owner, owner_resolve, package_build
from .models import CourtDelivery, DeliveryKind, DeliveryStatus

logger = logging.getLogger("eprok.gateway.ecourt")

OWNER_TYPE = "gateway.courtdelivery"  # the documents' owner type of packages, and the audit label
CATEGORY = "ecourt_package"
SEAL = "prosecution"
MAX_ATTEMPTS = 10
MAX_BACKOFF_MINUTES = 60
# While a worker sends, the delivery's next attempt is pushed this far: another worker skips it, and a
# worker that died mid-call leaves it to the sweep after this lease.
SEND_LEASE = dt.timedelta(minutes=5)
MAX_TITLE = 300
MAX_TEXT = 100_000

MOTION_KINDS = frozenset(
    {DeliveryKind.CUSTODY, DeliveryKind.SEARCH, DeliveryKind.WIRETAP, DeliveryKind.EXTENSION}
)
APPEAL_KINDS = frozenset({DeliveryKind.APPEAL, DeliveryKind.PROTEST})
SERVICE_OF = {
    DeliveryKind.INDICTMENT: ("ecourt.indictments", "/indictments"),
    **dict.fromkeys(MOTION_KINDS, ("ecourt.motions", "/motions")),
    **dict.fromkeys(APPEAL_KINDS, ("ecourt.appeals", "/appeals")),
}
# The one table of allowed transitions (a failed delivery is put back in the queue by "retry now").
TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryStatus.QUEUED: frozenset(
        {
            DeliveryStatus.DELIVERED,
            DeliveryStatus.ACKNOWLEDGED,
            DeliveryStatus.REJECTED,
            DeliveryStatus.FAILED,
        }
    ),
    DeliveryStatus.DELIVERED: frozenset({DeliveryStatus.ACKNOWLEDGED}),
    DeliveryStatus.FAILED: frozenset({DeliveryStatus.QUEUED}),
    DeliveryStatus.ACKNOWLEDGED: frozenset(),
    DeliveryStatus.REJECTED: frozenset(),
}


# --- queueing -----------------------------------------------------------------------------------------


def _clean(value: Any, name: str, message: Any, *, required: bool, limit: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(message, code=f"{name}_required", details={name: message})
    if len(text) > limit:
        too_long = _("At most %(limit)d characters.") % {"limit": limit}
        raise ValidationFailed(too_long, code=f"{name}_too_long", details={name: too_long})
    return text


def _check_kind(kind: str, owner: Owner, decision: Any) -> None:
    if kind not in DeliveryKind.values:
        message = _("Choose what to send.")
        raise ValidationFailed(message, code="kind_invalid", details={"kind": message})
    if kind == DeliveryKind.INDICTMENT and owner.status != "sent_to_court":
        raise Conflict(
            _("The indictment goes to the court once the case is sent to court."), code="not_sent_to_court"
        )
    if kind in APPEAL_KINDS:
        if decision is None:
            message = _("Choose the court's decision appealed against.")
            raise ValidationFailed(message, code="decision_required", details={"decision": message})
        if owner.proceeding is None or decision.proceeding_id != owner.proceeding.pk:
            message = _("The decision is not one of this case's court proceeding.")
            raise ValidationFailed(message, code="decision_foreign", details={"decision": message})


def delivery_queue(
    *,
    actor: Any,
    kind: str,
    case: Any = None,
    supervised: Any = None,
    proceeding: Any = None,
    court: Any = None,
    title: str,
    text: str = "",
    documents: Any = (),
    decision: Any = None,
) -> CourtDelivery:
    """Build, seal and store the package and queue its delivery; the worker sends it after commit."""
    from eprok.documents.services import document_add_generated
    from eprok.signing import ca, pdf, seal

    owner = owner_resolve(case=case, supervised=supervised, proceeding=proceeding)
    access.require_ecourt_send(actor, **owner.as_kwargs())
    title = _clean(title, "title", _("Give the title."), required=True, limit=MAX_TITLE)
    required_text = kind in MOTION_KINDS or kind in APPEAL_KINDS
    text = _clean(
        text, "text", _("Write the text of the motion or appeal."), required=required_text, limit=MAX_TEXT
    )
    _check_kind(kind, owner, decision)
    court = court or (owner.proceeding.court if owner.proceeding is not None else None)
    if court is None or not court.is_active:
        message = _("Choose the court.")
        raise ValidationFailed(message, code="court_required", details={"court": message})
    package = package_build(
        actor=actor,
        **owner.as_kwargs(),
        kind=kind,
        title=title,
        text=text,
        documents=documents,
        court=court,
        decision=decision,
    )
    try:
        seal.seal_ensure(SEAL)  # outside the transaction: a new seal's key file and audit event stand alone
        plan = seal.plan_for_new_document()
        sealed = seal.seal_pdf(package.content, plan=plan, seal=SEAL)
    except ca.CaMissing as exc:
        raise Conflict(
            _("The organisation's signing authority has not been set up yet. Ask the administrator."),
            code="ca_missing",
        ) from exc
    except pdf.PdfInvalid as exc:  # pragma: no cover - our own PDF
        raise Conflict(_("The package could not be sealed."), code="package_invalid") from exc
    with transaction.atomic():
        delivery = CourtDelivery.objects.create(
            kind=kind,
            **owner.as_kwargs(),
            court=court,
            unit=owner.unit,
            title=title,
            text=text,
            manifest=package.manifest,
            status=DeliveryStatus.QUEUED,
            next_attempt_at=timezone.now(),
            xroad_id=protocol.new_id(),
            sent_by=actor,
        )
        with override("az"):
            doc_title = f"{DeliveryKind(kind).label} — {owner.number}"[:300]
            reason = str(_("Sealed for the e-Court"))
        document = document_add_generated(
            actor=actor,
            owner_type=OWNER_TYPE,
            owner=delivery,
            content=package.content,
            file_name=package.file_name,
            title=doc_title,
            category=CATEGORY,
        )
        seal.seal_store(actor=actor, document=document, sealed=sealed, reason=reason)
        document.refresh_from_db()
        delivery.package = document
        delivery.save(update_fields=["package", "updated_at"])
        audit_record(
            actor=actor,
            action="gateway.ecourt.queued",
            target=delivery,
            related=owner.record,
            data={
                "kind": kind,
                "case_number": owner.number,
                "court": court.code,
                "xroad_id": delivery.xroad_id,
                "package": str(document.public_id),
                "sha256": document.current_version.sha256,  # type: ignore[union-attr]
                "files": len(package.files),
            },
        )
        pk = delivery.pk
        transaction.on_commit(lambda: queue_send(pk), robust=True)
    return delivery


def queue_send(delivery_pk: int) -> None:
    """Hand the delivery to the worker; if that fails the sweep sends it (it stays queued and due)."""
    from .tasks import delivery_send_task

    try:
        delivery_send_task.enqueue(delivery_pk)
    except Exception:
        logger.exception("could not queue e-Court delivery %s; the sweep will send it", delivery_pk)


def may_be_sending(delivery: CourtDelivery, now: dt.datetime | None = None) -> bool:
    """Whether a worker may hold the delivery's lease (`_claim`): queued, its next attempt at most
    SEND_LEASE ahead. A wait of the backoff that short looks the same; it is due within minutes anyway."""
    if delivery.status != DeliveryStatus.QUEUED or delivery.next_attempt_at is None:
        return False
    now = now or timezone.now()
    return now < delivery.next_attempt_at <= now + SEND_LEASE


def retry_possible(delivery: CourtDelivery, now: dt.datetime | None = None) -> bool:
    """ "Retry now" applies: a failed delivery, or a queued one waiting for its next attempt (not leased)."""
    if delivery.status == DeliveryStatus.FAILED:
        return True
    return delivery.status == DeliveryStatus.QUEUED and not may_be_sending(delivery, now)


def delivery_retry(*, actor: Any, delivery: CourtDelivery) -> CourtDelivery:
    """ "Retry now": a failed delivery back in the queue (attempts from zero), or a queued one due now.

    A queued delivery a worker may be sending (its lease) is left alone: due now, a second worker would
    send it while the first is still waiting for the court's answer."""
    if not access.ecourt_can_retry(actor, delivery):
        access.deny_delivery(actor, delivery, action="retry")
    with transaction.atomic():
        locked = CourtDelivery.objects.select_for_update(of=("self",)).get(pk=delivery.pk)
        if locked.status not in (DeliveryStatus.FAILED, DeliveryStatus.QUEUED):
            raise Conflict(_("Only a failed or queued delivery is sent again."), code="not_retryable")
        now = timezone.now()
        if may_be_sending(locked, now):
            raise Conflict(
                _("The delivery is being sent or will be tried again within minutes."), code="being_sent"
            )
        before = locked.status
        locked.status = DeliveryStatus.QUEUED
        if before == DeliveryStatus.FAILED:
            locked.attempts = 0
        locked.next_attempt_at = now
        locked.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        audit_record(
            actor=actor,
            action="gateway.ecourt.requeued",
            target=locked,
            changes={"before": {"status": before}, "after": {"status": locked.status}},
        )
        pk = locked.pk
        transaction.on_commit(lambda: queue_send(pk), robust=True)
    return locked


# --- sending ------------------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … 60 minutes after the 1st, 2nd, 3rd … failed attempt."""
    return dt.timedelta(minutes=min(MAX_BACKOFF_MINUTES, 2 ** max(0, attempts - 1)))


def _claim(delivery_pk: int, now: dt.datetime) -> bool:
    """Take the delivery for this worker: due (at `now`) and queued; another worker's claim is seen as not
    due. The lease runs from the moment of the claim, not from `now` (a sweep's start, minutes ago)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = CourtDelivery.objects.filter(due, pk=delivery_pk, status=DeliveryStatus.QUEUED).update(
        next_attempt_at=max(now, timezone.now()) + SEND_LEASE
    )
    return claimed == 1


def _body(delivery: CourtDelivery, owner: Owner) -> dict[str, Any]:
    from eprok.documents.selectors import version_read

    package = delivery.package
    if package is None or package.current_version is None:
        raise Conflict(_("The package could not be sealed."), code="package_missing")
    content = version_read(package.current_version)
    encoded = base64.b64encode(content).decode("ascii")
    digest = hashlib.sha256(content).hexdigest()
    court = delivery.court.xroad_code or delivery.court.code
    if delivery.kind == DeliveryKind.INDICTMENT:
        sender = delivery.sent_by
        return {
            "case_number": owner.number,
            "court": court,
            "title": delivery.title,
            "manifest": delivery.manifest,
            "package_pdf": encoded,
            "package_sha256": digest,
            "prosecutor": {
                "name": getattr(sender, "full_name", "") or sender.get_username(),
                "id": protocol.user_id(sender),
            },
        }
    body = {
        "case_number": owner.number,
        "court": court,
        "kind": delivery.kind,
        "title": delivery.title,
        "text": delivery.text,
        "document_pdf": encoded,
        "document_sha256": digest,
    }
    if delivery.kind in APPEAL_KINDS:
        body["court_reference_of_decision"] = _decision_reference(delivery, owner)
    return body


def _decision_reference(delivery: CourtDelivery, owner: Owner) -> str:
    decision = (delivery.manifest or {}).get("decision") or {}
    reference = str(decision.get("external_id") or "")
    if not reference and owner.proceeding is not None:
        reference = owner.proceeding.court_number
    return reference or owner.number


def _audit_status(delivery: CourtDelivery, before: str, action: str, **data: Any) -> None:
    audit_record(
        actor=None,
        action=f"gateway.ecourt.{action}",
        target=delivery,
        changes={"before": {"status": before}, "after": {"status": delivery.status}}
        if before != delivery.status
        else None,
        data={"attempts": delivery.attempts, "xroad_id": delivery.xroad_id, **data},
    )


def _locked_queued(delivery_pk: int) -> CourtDelivery | None:
    locked = CourtDelivery.objects.select_for_update(of=("self",)).get(pk=delivery_pk)
    return locked if locked.status == DeliveryStatus.QUEUED else None


def _received_at(delivery: CourtDelivery, value: Any) -> dt.datetime | None:
    """The court's time of receipt; None (the time of the answer is used) when missing or not a time."""
    if not value:
        return None
    try:
        received = parse_datetime(str(value))
    except ValueError:  # well-formed but impossible, e.g. 30 February
        received = None
    if received is None:
        logger.warning("delivery %s: the court's received_at %r is not a time", delivery.pk, value)
        return None
    if timezone.is_naive(received):
        received = timezone.make_aware(received)
    return received


def _record_answer(delivery_pk: int, reply: Any) -> CourtDelivery:
    data = reply.data if isinstance(reply.data, dict) else {}
    now = timezone.now()
    with transaction.atomic():
        delivery = _locked_queued(delivery_pk)
        if delivery is None:
            return CourtDelivery.objects.get(pk=delivery_pk)
        before = delivery.status
        reference = str(data.get("court_reference") or "")[:100]
        received = _received_at(delivery, data.get("received_at"))
        delivery.attempts += 1
        delivery.request_hash = reply.message.request_hash
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_error = ""
        delivery.court_reference = reference
        if reference:
            delivery.status = DeliveryStatus.ACKNOWLEDGED
            delivery.acknowledged_at = received or now
        else:
            delivery.status = DeliveryStatus.DELIVERED
        delivery.save()
        _audit_status(
            delivery,
            before,
            "acknowledged" if reference else "delivered",
            court_reference=reference,
            request_hash=delivery.request_hash,
            http_status=reply.status,
        )
        if reference and delivery.kind == DeliveryKind.INDICTMENT and delivery.proceeding_id:
            _number_the_proceeding(delivery, reference)
    return delivery


def _number_the_proceeding(delivery: CourtDelivery, reference: str) -> None:
    """The court's reference of the indictment is the proceeding's number in the court, if it has none."""
    from eprok.courtwork.models import Proceeding
    from eprok.courtwork.services import proceeding_update

    if delivery.proceeding_id is None:
        return
    proceeding = Proceeding.objects.select_related("court", "unit").filter(pk=delivery.proceeding_id).first()
    if proceeding is None or proceeding.court_number:
        return
    try:
        with transaction.atomic():
            proceeding_update(
                actor=None, proceeding=proceeding, judge=proceeding.judge, court_number=reference[:64]
            )
    except ApplicationError as exc:
        logger.warning("delivery %s: the court's reference %s not recorded: %s", delivery.pk, reference, exc)


def _record_failure(delivery_pk: int, error: Any, *, refused: bool, request_hash: str = "") -> CourtDelivery:
    now = timezone.now()
    with transaction.atomic():
        delivery = _locked_queued(delivery_pk)
        if delivery is None:
            return CourtDelivery.objects.get(pk=delivery_pk)
        before = delivery.status
        delivery.attempts += 1
        delivery.last_error = str(error)[:500]
        if request_hash:
            delivery.request_hash = request_hash
        if refused:
            delivery.status = DeliveryStatus.REJECTED
            delivery.next_attempt_at = None
            action = "rejected"
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            action = "failed"
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            action = "attempt_failed"
        delivery.save()
        _audit_status(
            delivery,
            before,
            action,
            error=delivery.last_error,
            next_attempt_at=delivery.next_attempt_at.isoformat() if delivery.next_attempt_at else None,
        )
    return delivery


def delivery_send(delivery: CourtDelivery, *, now: dt.datetime | None = None) -> CourtDelivery:
    """One attempt to deliver (the worker and the sweep); a no-op unless the delivery is queued and due."""
    from .client import GatewayError, GatewayRefused, call

    now = now or timezone.now()
    if not _claim(delivery.pk, now):
        return CourtDelivery.objects.get(pk=delivery.pk)
    delivery = CourtDelivery.objects.select_related(*access.DELIVERY_RELATED).get(pk=delivery.pk)
    owner = owner_resolve(
        **{"case": delivery.case, "supervised": delivery.supervised, "proceeding": delivery.proceeding}
    )
    service, path = SERVICE_OF[DeliveryKind(delivery.kind)]
    try:
        body = _body(delivery, owner)
        reply = call(
            service,
            method="POST",
            path=path,
            body=body,
            actor=delivery.sent_by,
            purpose=f"e-Court: {delivery.kind}",
            issue=owner.number,
            xroad_id=delivery.xroad_id,
            log_bodies=False,  # the package is a document of its own; the log keeps the request hash
        )
    except GatewayRefused as exc:
        return _record_failure(
            delivery.pk,
            exc.error or exc.message,
            refused=True,
            request_hash=getattr(exc.log, "request_hash", ""),
        )
    except GatewayError as exc:
        return _record_failure(
            delivery.pk, exc.message, refused=False, request_hash=getattr(exc.log, "request_hash", "")
        )
    except Exception as exc:  # the package unreadable, a bug: the delivery stays queued and visible
        logger.exception("e-Court delivery %s failed", delivery.pk)
        return _record_failure(delivery.pk, f"{type(exc).__name__}: {exc}", refused=False)
    if reply.status == 404 or not 200 <= reply.status < 300:
        detail = reply.data.get("message", "") if isinstance(reply.data, dict) else ""
        return _record_failure(
            delivery.pk,
            f"HTTP {reply.status}: {detail}",
            refused=True,
            request_hash=reply.message.request_hash,
        )
    return _record_answer(delivery.pk, reply)


def deliveries_due(*, now: dt.datetime | None = None) -> QuerySet[CourtDelivery]:
    now = now or timezone.now()
    return CourtDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), status=DeliveryStatus.QUEUED
    ).order_by("next_attempt_at", "pk")


def deliveries_sweep(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send every queued delivery that is due (manage.py gateway_sweep); returns the statuses reached
    ("error" for a delivery whose attempt raised: logged, and the others are still sent)."""
    counts: dict[str, int] = {}
    for pk in list(deliveries_due(now=now).values_list("pk", flat=True)[:limit]):
        try:
            status = delivery_send(CourtDelivery(pk=pk), now=now).status
        except Exception:  # one delivery's bug does not hold up the others; its lease brings it back
            logger.exception("e-Court delivery %s: the sweep could not send it", pk)
            status = "error"
        counts[status] = counts.get(status, 0) + 1
    return counts


# --- reads --------------------------------------------------------------------------------------------


def deliveries_of(
    *, user: Any, case: Any = None, supervised: Any = None, proceeding: Any = None
) -> QuerySet[CourtDelivery]:
    """The deliveries of one owner (the caller has checked the user sees the owner)."""
    owner = owner_resolve(case=case, supervised=supervised, proceeding=proceeding)
    condition = Q(pk__in=[])
    if owner.case is not None:
        condition |= Q(case=owner.case)
    if owner.supervised is not None:
        condition |= Q(supervised=owner.supervised)
    if owner.proceeding is not None:
        condition |= Q(proceeding=owner.proceeding)
    return (
        CourtDelivery.objects.filter(condition)
        .select_related("court", "sent_by", "package", "package__current_version")
        .order_by("-created_at", "-pk")
    )


STATUS_ORDER = {
    DeliveryStatus.FAILED: 0,
    DeliveryStatus.QUEUED: 1,
    DeliveryStatus.REJECTED: 2,
    DeliveryStatus.DELIVERED: 3,
    DeliveryStatus.ACKNOWLEDGED: 4,
}


def delivery_list(*, user: Any, status: str = "") -> QuerySet[CourtDelivery]:
    """The register: deliveries the user may see, failed and queued first, then the newest."""
    from django.db.models import Case, IntegerField, Value, When

    rows = access.deliveries_visible_to(user)
    if status:
        rows = rows.filter(status=status)
    rank = Case(
        *(When(status=key, then=Value(value)) for key, value in STATUS_ORDER.items()),
        default=Value(9),
        output_field=IntegerField(),
    )
    return (
        rows.select_related("case", "supervised", "proceeding", "court", "unit", "sent_by")
        .annotate(status_rank=rank)
        .order_by("status_rank", "-created_at", "-pk")
    )


def deliveries_record_listed(*, actor: Any, keys: list[str], purpose: str = "list") -> None:
    audit_record(
        actor=actor,
        action="gateway.ecourt.listed",
        target_type=OWNER_TYPE,
        target_id="",
        data={"count": len(keys), "deliveries": keys[:100]},
        purpose=purpose,
    )


def delivery_record_view(*, actor: Any, delivery: CourtDelivery, purpose: str = "review") -> None:
    audit_record(actor=actor, action="gateway.ecourt.viewed", target=delivery, purpose=purpose)


def manifest_json(delivery: CourtDelivery) -> str:
    return json.dumps(delivery.manifest, ensure_ascii=False, indent=2)


# --- the package as a document's owner ----------------------------------------------------------------


def _can_attach(user: Any, delivery: CourtDelivery) -> bool:
    """Only while the package is being stored (by the sender); afterwards nobody adds to it."""
    return delivery.package_id is None and delivery.sent_by_id == getattr(user, "pk", None)


def _visible(user: Any) -> QuerySet[CourtDelivery]:
    return access.deliveries_visible_to(user)


def register() -> None:
    """The delivery as an owner of documents (its sealed package)."""
    from django.urls import reverse

    from eprok.documents import owners

    if owners.is_owner_type(OWNER_TYPE):
        return
    owners.register_owner(
        owners.OwnerType(
            label=OWNER_TYPE,
            verbose_name=CourtDelivery._meta.verbose_name,
            model=CourtDelivery,
            key_field="public_id",
            get_for=lambda user, key, action: access.get_delivery_for(user, key, "view"),
            can_attach=_can_attach,
            visible_to=_visible,
            unit_of=lambda delivery: delivery.unit,
            url_of=lambda delivery: reverse("gateway:ecourt:detail", args=[delivery.public_id]),
        )
    )
