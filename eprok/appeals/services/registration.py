"""Registration of an appeal from any channel, its classification, escalation, repeat link and access code.

Acceptance is never refused (Appeals Law; refusing a lawful appeal is an administrative offence, A11):
any non-empty text is registered. An anonymous written appeal is registered and at once left
unconsidered on the ground of art. 6.4. A message id (`external_id`) already registered on the same
channel returns the appeal registered the first time, writing nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.appeals import terms
from eprok.appeals.models import (
    MERIT_OUTCOMES,
    WRITTEN_CHANNELS,
    Appeal,
    AppealAttachment,
    AppealKind,
    AppealStatus,
    AppealTopic,
    Channel,
    Escalation,
    Language,
    Outcome,
    Sector,
    UnconsideredGround,
)
from eprok.appeals.services.base import (
    _audit,
    _locked,
    _require_open,
    _save,
    _snapshot,
    notify_applicant,
    notify_staff,
)
from eprok.audit.services import audit_record
from eprok.core import numbering
from eprok.core.errors import ValidationFailed
from eprok.org.models import Unit
from eprok.persons import names
from eprok.persons.validators import normalise_fin, normalise_phone
from eprok.search.services import index_later

# A clock a few minutes ahead of the server's is not a receipt "in the future".
CLOCK_SKEW = dt.timedelta(minutes=5)
# "Within one year" (art. 8.1.4) and the window in which a repeat is linked.
REPEAT_WINDOW = dt.timedelta(days=365)
REPEAT_ANSWERS = 3
MAX_SIGNATORIES = 1_000_000

# The access code the portal shows once: 12 characters of an alphabet without look-alikes (60 bits).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


@dataclass(frozen=True)
class ApplicantData:
    """The applicant as written on the appeal (every field optional); `person` links the person registry."""

    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    fin: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    organisation: str = ""
    person: Any = field(default=None)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p.strip())


def _clean_applicant(applicant: ApplicantData | None, errors: dict[str, str]) -> dict[str, Any]:
    """The applicant's snapshot fields as stored, with every field's problem added to `errors`."""
    if applicant is None:
        return {}
    limits = {"last_name": 100, "first_name": 100, "patronymic": 100, "address": 300, "organisation": 300}
    data: dict[str, Any] = {}
    for name, limit in limits.items():
        value = " ".join(str(getattr(applicant, name) or "").split())
        if len(value) > limit:
            errors[name] = str(_("At most %(limit)d characters.") % {"limit": limit})
        data[name] = value[:limit]
    try:
        data["fin"] = normalise_fin(applicant.fin) or ""
    except ValidationFailed as exc:
        errors["fin"] = str(exc.message)
    email = (applicant.email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = str(_("Enter a valid e-mail address."))
    data["email"] = email[:254]
    data["phone"] = ""
    if (applicant.phone or "").strip():
        try:
            data["phone"] = normalise_phone(applicant.phone, field="phone")
        except ValidationFailed as exc:
            errors["phone"] = str(exc.message)
    data["person"] = applicant.person
    return data


def _is_anonymous(data: dict[str, Any], notify_email: str, notify_sms: str) -> bool:
    """Art. 6.3-6.4: anonymous unless the applicant is identified by the registry, writes on a legal
    entity's letterhead, or gives at least one contact (address, e-mail, phone)."""
    if data.get("person") is not None or data.get("organisation"):
        return False
    return not any((data.get("address"), data.get("email"), data.get("phone"), notify_email, notify_sms))


def _clean_notices(notify_email: str, notify_sms: str, errors: dict[str, str]) -> tuple[str, str]:
    email = (notify_email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["notify_email"] = str(_("Enter a valid e-mail address for the notices."))
    phone = ""
    if (notify_sms or "").strip():
        try:
            phone = normalise_phone(notify_sms, field="notify_sms")
        except ValidationFailed as exc:
            errors["notify_sms"] = str(exc.message)
    return email, phone


# --- attachments ---------------------------------------------------------------------------------------


def _validate_files(files: Sequence[Any], errors: dict[str, str]) -> list[Any]:
    """What each file really is (eprok.core.uploads sniffs the content); the first refusal in `errors`."""
    from eprok.core.uploads import validate_uploads

    try:
        return validate_uploads(files)
    except ValidationFailed as exc:
        errors["attachments"] = str(exc.message)
        return []


def _store_files(
    appeal: Appeal, files: Sequence[Any], sniffed: Sequence[Any], actor: Any, stored: list[str]
) -> list[AppealAttachment]:
    """Store the validated files and their rows; `stored` collects the storage names, so the caller
    deletes them if the transaction rolls back."""
    from eprok.core.uploads import store_upload

    rows = []
    for upload, kind in zip(files, sniffed, strict=True):
        saved = store_upload(upload, prefix="appeals", sniffed=kind)
        stored.append(saved.name)
        rows.append(
            AppealAttachment(
                appeal=appeal,
                storage_name=saved.name,
                original_name=(saved.original_name or "file")[:255],
                sha256=saved.sha256,
                size=saved.size,
                content_type=saved.content_type[:100],
                uploaded_by=actor if _signed(actor) else None,
            )
        )
    return AppealAttachment.objects.bulk_create(rows)


def _discard(stored: list[str]) -> None:
    from eprok.core.uploads import delete_upload

    for name in stored:
        with contextlib.suppress(OSError):
            delete_upload(name)


def _signed(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


# --- repeats and escalation ----------------------------------------------------------------------------


def same_applicant(appeal: Appeal) -> Q | None:
    """Appeals of the same applicant: the same FIN, the same registry person, or the same name (in any
    spelling) with the same phone or e-mail. None when the appeal does not identify anybody."""
    condition = Q(pk__in=[])
    found = False
    if appeal.applicant_fin:
        condition |= Q(applicant_fin=appeal.applicant_fin)
        found = True
    if appeal.person_id:
        condition |= Q(person_id=appeal.person_id)
        found = True
    if appeal.applicant_name_key and (appeal.applicant_phone or appeal.applicant_email):
        contact = Q(pk__in=[])
        if appeal.applicant_phone:
            contact |= Q(applicant_phone=appeal.applicant_phone)
        if appeal.applicant_email:
            contact |= Q(applicant_email=appeal.applicant_email)
        # Surname and name (the patronymic is often left out): the key's first two tokens.
        short = " ".join(appeal.applicant_name_key.split()[:2])
        same_name = Q(applicant_name_key=short) | Q(applicant_name_key__startswith=f"{short} ")
        condition |= same_name & contact
        found = True
    return condition if found else None


def earlier_on_same_subject(appeal: Appeal) -> Any:
    """The applicant's other appeals on the same topic received within the year before this one."""
    who = same_applicant(appeal)
    if who is None or appeal.topic_id is None:
        return Appeal.objects.none()
    return (
        Appeal.objects.filter(who, topic_id=appeal.topic_id)
        .filter(
            registered_at__gte=appeal.registered_at - REPEAT_WINDOW, registered_at__lte=appeal.registered_at
        )
        .exclude(pk=appeal.pk)
    )


def find_repeat_of(appeal: Appeal) -> Appeal | None:
    """The applicant's latest earlier appeal on the same topic within 12 months (linked as `repeat_of`)."""
    return earlier_on_same_subject(appeal).order_by("-registered_at", "-pk").first()


def merit_answers(appeal: Appeal) -> int:
    """How many of the applicant's appeals on the same topic were answered on the merits within the
    year before this appeal (art. 8.1.4)."""
    since = appeal.registered_at - REPEAT_WINDOW
    return (
        earlier_on_same_subject(appeal)
        .filter(
            status=AppealStatus.ANSWERED,
            outcome__in=MERIT_OUTCOMES,
            answer__sent_at__gte=since,
            answer__sent_at__lte=appeal.registered_at,
        )
        .count()
    )


def _escalation_target(topic: AppealTopic | None, flagged: str) -> tuple[str, Unit | None]:
    """(kind, department) of an escalation: the topic's own, else the department of the first active
    topic escalating that kind (the classifier is the one place that maps kinds to departments)."""
    if topic is not None and topic.escalate_to_id is not None:
        return topic.escalation or flagged, topic.escalate_to
    if not flagged:
        return "", None
    source = (
        AppealTopic.objects.filter(escalation=flagged, escalate_to__isnull=False, is_active=True)
        .select_related("escalate_to")
        .order_by("sort_order", "code")
        .first()
    )
    return flagged, source.escalate_to if source is not None else None


def _escalate(appeal: Appeal, kind: str, unit: Unit | None, actor: Any) -> bool:
    """Record the escalation on the (locked or new) row and tell the department; True when it changed."""
    if not kind or (appeal.escalation == kind and appeal.escalated_to_id == (unit.pk if unit else None)):
        return False
    appeal.escalation = kind
    appeal.escalated_to = unit
    appeal.escalated_at = timezone.now()
    if unit is not None:
        from eprok.appeals.selectors import answer_holders

        notify_staff(
            answer_holders(unit=unit),
            title=str(
                _("An appeal about %(kind)s was escalated to your department: %(number)s")
                % {"kind": Escalation(kind).label, "number": appeal.number}
            ),
            appeal=appeal,
            actor=actor,
        )
    return True


# --- registration --------------------------------------------------------------------------------------


def _check(
    *,
    unit: Unit,
    channel: str,
    kind: str,
    text: str,
    is_collective: bool,
    signatories: int,
    received_at: dt.datetime,
    registered_at: dt.datetime,
    escalation: str,
    topic: AppealTopic | None,
    concerned_body: Sector | None,
    complained_text: str,
    external_id: str,
    errors: dict[str, str],
) -> None:
    if channel not in Channel.values:
        errors["channel"] = str(_("Choose the channel from the list."))
    if kind not in AppealKind.values:
        errors["kind"] = str(_("Choose the kind of appeal from the list."))
    if not text:
        errors["text"] = str(_("Write (or copy) the text of the appeal."))
    elif len(text) > 50_000:
        errors["text"] = str(_("The text is too long."))
    if signatories < 1 or signatories > MAX_SIGNATORIES:
        errors["signatories"] = str(_("Enter the number of signatories (at least one)."))
    elif not is_collective and signatories != 1:
        errors["signatories"] = str(_("An individual appeal has one signatory; mark it collective."))
    if received_at > registered_at + CLOCK_SKEW:
        errors["received_at"] = str(_("An appeal cannot be received after it was registered."))
    if registered_at > timezone.now() + CLOCK_SKEW:
        errors["registered_at"] = str(_("An appeal cannot be registered in the future."))
    if escalation and escalation not in Escalation.values:
        errors["escalation"] = str(_("Choose the kind of escalation from the list."))
    if topic is not None and not topic.is_active:
        errors["topic"] = str(_("This topic is no longer in use; choose another."))
    if concerned_body is not None and not concerned_body.is_active:
        errors["concerned_body"] = str(_("This sector is no longer in use; choose another."))
    if len(complained_text) > 300:
        errors["complained_text"] = str(_("At most %(limit)d characters.") % {"limit": 300})
    if len(external_id) > 100 or not external_id.isprintable():
        errors["external_id"] = str(
            _("The message identifier must be printable text of at most 100 characters.")
        )
    if not unit.is_active:
        errors["unit"] = str(_("Appeals cannot be registered in an inactive unit."))


def appeal_register(
    *,
    actor: Any,
    unit: Unit,
    channel: str,
    kind: str,
    text: str,
    applicant: ApplicantData | None = None,
    is_collective: bool = False,
    signatories: int = 1,
    topic: AppealTopic | None = None,
    concerned_body: Sector | None = None,
    complained_unit: Unit | None = None,
    complained_official: Any = None,
    complained_text: str = "",
    received_at: dt.datetime | None = None,
    external_id: str = "",
    language: str = "az",
    notify_email: str = "",
    notify_sms: str = "",
    attachments: Sequence[Any] = (),
    needs_verification: bool = False,
    escalation: str = "",
    registered_at: dt.datetime | None = None,
) -> Appeal:
    """Register an appeal on receipt: number it, start its terms, link a repeat, escalate, notify.

    `actor` is None for the public portal and the e-Government inbound API (then `registered_by` is
    empty and the audit actor is the system). With `external_id` a message registered before on the
    same channel returns that appeal and writes nothing. `needs_verification` starts the 30-day term;
    `escalation` flags a complaint as torture, corruption or misconduct (an Escalation value).
    """
    return appeal_register_once(
        actor=actor,
        unit=unit,
        channel=channel,
        kind=kind,
        text=text,
        applicant=applicant,
        is_collective=is_collective,
        signatories=signatories,
        topic=topic,
        concerned_body=concerned_body,
        complained_unit=complained_unit,
        complained_official=complained_official,
        complained_text=complained_text,
        received_at=received_at,
        external_id=external_id,
        language=language,
        notify_email=notify_email,
        notify_sms=notify_sms,
        attachments=attachments,
        needs_verification=needs_verification,
        escalation=escalation,
        registered_at=registered_at,
    )[0]


def appeal_register_once(
    *,
    actor: Any,
    unit: Unit,
    channel: str,
    kind: str,
    text: str,
    applicant: ApplicantData | None = None,
    is_collective: bool = False,
    signatories: int = 1,
    topic: AppealTopic | None = None,
    concerned_body: Sector | None = None,
    complained_unit: Unit | None = None,
    complained_official: Any = None,
    complained_text: str = "",
    received_at: dt.datetime | None = None,
    external_id: str = "",
    language: str = "az",
    notify_email: str = "",
    notify_sms: str = "",
    attachments: Sequence[Any] = (),
    needs_verification: bool = False,
    escalation: str = "",
    registered_at: dt.datetime | None = None,
) -> tuple[Appeal, bool]:
    """appeal_register, and whether this call created the appeal (False: the message id was known)."""
    external_id = (external_id or "").strip()
    if external_id:
        existing = Appeal.objects.filter(channel=channel, external_id=external_id).first()
        if existing is not None:
            return existing, False
    registered_at = registered_at or timezone.now()
    received_at = received_at or registered_at
    text = (text or "").strip()
    complained_text = " ".join((complained_text or "").split())
    attachments = list(attachments or ())
    errors: dict[str, str] = {}
    _check(
        unit=unit,
        channel=channel,
        kind=kind,
        text=text,
        is_collective=is_collective,
        signatories=int(signatories or 0),
        received_at=received_at,
        registered_at=registered_at,
        escalation=escalation,
        topic=topic,
        concerned_body=concerned_body,
        complained_text=complained_text,
        external_id=external_id,
        errors=errors,
    )
    data = _clean_applicant(applicant, errors)
    notify_email, notify_sms = _clean_notices(notify_email, notify_sms, errors)
    sniffed = _validate_files(attachments, errors) if attachments else []
    if errors:
        raise ValidationFailed(details=errors)
    if language not in Language.values:
        language = Language.AZ
    stored: list[str] = []
    try:
        with transaction.atomic():
            appeal = _create(
                actor=actor,
                unit=unit,
                channel=channel,
                kind=kind,
                text=text,
                data=data,
                is_collective=is_collective,
                signatories=int(signatories),
                topic=topic,
                concerned_body=concerned_body,
                complained_unit=complained_unit,
                complained_official=complained_official,
                complained_text=complained_text,
                received_at=received_at,
                registered_at=registered_at,
                external_id=external_id,
                language=language,
                notify_email=notify_email,
                notify_sms=notify_sms,
                needs_verification=needs_verification,
                escalation=escalation,
                attachments=attachments,
                sniffed=sniffed,
                stored=stored,
            )
    except IntegrityError:
        _discard(stored)
        if external_id:
            # Another request registered the same message first (the unique constraint): return that one.
            existing = Appeal.objects.filter(channel=channel, external_id=external_id).first()
            if existing is not None:
                return existing, False
        raise
    except BaseException:
        _discard(stored)
        raise
    return appeal, True


def _create(
    *,
    actor: Any,
    unit: Unit,
    channel: str,
    kind: str,
    text: str,
    data: dict[str, Any],
    is_collective: bool,
    signatories: int,
    topic: AppealTopic | None,
    concerned_body: Sector | None,
    complained_unit: Unit | None,
    complained_official: Any,
    complained_text: str,
    received_at: dt.datetime,
    registered_at: dt.datetime,
    external_id: str,
    language: str,
    notify_email: str,
    notify_sms: str,
    needs_verification: bool,
    escalation: str,
    attachments: list[Any],
    sniffed: list[Any],
    stored: list[str],
) -> Appeal:
    from eprok.appeals.models import AnswerRule

    number = numbering.next_number(
        register="appeals", unit_code=unit.code, on=timezone.localtime(registered_at).date()
    )
    full_name = " ".join(
        p for p in (data.get("last_name"), data.get("first_name"), data.get("patronymic")) if p
    )
    anonymous = _is_anonymous(data, notify_email, notify_sms)
    appeal = Appeal(
        number=number,
        unit=unit,
        channel=channel,
        kind=kind,
        is_collective=is_collective,
        signatories=signatories,
        applicant_last_name=data.get("last_name", ""),
        applicant_first_name=data.get("first_name", ""),
        applicant_patronymic=data.get("patronymic", ""),
        applicant_fin=data.get("fin", ""),
        applicant_address=data.get("address", ""),
        applicant_email=data.get("email", ""),
        applicant_phone=data.get("phone", ""),
        applicant_name_key=names.name_key(full_name, max_length=310) if full_name else "",
        organisation=data.get("organisation", ""),
        person=data.get("person"),
        notify_email=notify_email,
        notify_sms=notify_sms,
        language=language,
        received_at=received_at,
        registered_at=registered_at,
        registered_by=actor if _signed(actor) else None,
        text=text,
        topic=topic,
        concerned_body=concerned_body,
        complained_unit=complained_unit,
        complained_official=complained_official,
        complained_text=complained_text,
        answer_rule=AnswerRule.VERIFICATION if needs_verification else AnswerRule.STANDARD,
        is_anonymous=anonymous,
        external_id=external_id,
    )
    closed = anonymous and channel in WRITTEN_CHANNELS
    answer = forward = None
    if closed:
        # Art. 6.4: registered (acceptance is never refused) and left unconsidered at once.
        appeal.status = AppealStatus.LEFT_UNCONSIDERED
        appeal.unconsidered_ground = UnconsideredGround.ANONYMOUS
        appeal.outcome = Outcome.LEFT_UNCONSIDERED
        appeal.closed_at = registered_at
    else:
        answer = terms.answer_deadline(appeal, extensions=[])
        forward = terms.forward_deadline(appeal)
        appeal.answer_due = answer.due
        appeal.forward_due = forward.due
        appeal.repeat_of = find_repeat_of(appeal) if topic is not None else None
    kind_flag, department = _escalation_target(topic, escalation)
    _escalate(appeal, kind_flag, department, actor)
    appeal.save(force_insert=True)
    if answer is not None and forward is not None:
        terms.track_answer(appeal, answer, new=True)
        terms.track_forward(appeal, forward, new=True)
    files = _store_files(appeal, attachments, sniffed, actor, stored) if attachments else []
    index_later("appeals.appeal", appeal.pk)
    audit_record(
        actor=actor,
        action="appeals.appeal.registered",
        target=appeal,
        changes={
            "after": {
                "number": number,
                "unit": unit.code,
                "channel": channel,
                "kind": kind,
                "is_anonymous": anonymous,
                "is_collective": is_collective,
                "received_at": received_at.isoformat(),
                "registered_at": registered_at.isoformat(),
                "topic": topic.code if topic else None,
                "complained_unit": complained_unit.code if complained_unit else None,
                "answer_due": appeal.answer_due.isoformat() if appeal.answer_due else None,
                "forward_due": appeal.forward_due.isoformat() if appeal.forward_due else None,
                "status": appeal.status,
                "unconsidered_ground": appeal.unconsidered_ground or None,
                "repeat_of": appeal.repeat_of.number if appeal.repeat_of else None,
                "escalated_to": appeal.escalated_to.code if appeal.escalated_to else None,
                "external_id": external_id or None,
                "attachments": [f.sha256 for f in files] or None,
            }
        },
    )
    notify_applicant(appeal, "appeal_received", received_at=received_at)
    return appeal


# --- after registration --------------------------------------------------------------------------------


@transaction.atomic
def appeal_classify(
    *,
    actor: Any,
    appeal: Appeal,
    topic: AppealTopic | None,
    concerned_body: Sector | None = None,
    complained_unit: Unit | None = None,
    complained_official: Any = None,
    complained_text: str = "",
    escalation: str = "",
    expected_version: int | None = None,
) -> Appeal:
    """Set the topic, the sector and the body or official complained about; link a repeat and escalate
    if the new classification asks for it. The body complained about cannot be the current executor."""
    appeal = _locked(appeal, expected_version)
    _require_open(appeal)
    complained_text = " ".join((complained_text or "").split())
    errors: dict[str, str] = {}
    if topic is not None and not topic.is_active and topic.pk != appeal.topic_id:
        errors["topic"] = str(_("This topic is no longer in use; choose another."))
    if (
        concerned_body is not None
        and not concerned_body.is_active
        and concerned_body.pk != appeal.concerned_body_id
    ):
        errors["concerned_body"] = str(_("This sector is no longer in use; choose another."))
    if escalation and escalation not in Escalation.values:
        errors["escalation"] = str(_("Choose the kind of escalation from the list."))
    if len(complained_text) > 300:
        errors["complained_text"] = str(_("At most %(limit)d characters.") % {"limit": 300})
    if errors:
        raise ValidationFailed(details=errors)
    before = _snapshot(appeal)
    appeal.topic = topic
    appeal.concerned_body = concerned_body
    appeal.complained_unit = complained_unit
    appeal.complained_official = complained_official
    appeal.complained_text = complained_text
    from eprok.appeals.services.workflow import check_not_complained

    if appeal.executor_unit_id is not None:
        check_not_complained(
            appeal, unit=appeal.executor_unit, employee=appeal.executor, field="complained_unit"
        )
    fields = ["topic", "concerned_body", "complained_unit", "complained_official", "complained_text"]
    if appeal.repeat_of_id is None and topic is not None:
        appeal.repeat_of = find_repeat_of(appeal)
        fields.append("repeat_of")
    kind, department = _escalation_target(topic, escalation or appeal.escalation)
    if _escalate(appeal, kind, department, actor):
        fields += ["escalation", "escalated_to", "escalated_at"]
    _save(appeal, *fields)
    _audit(actor, "classified", appeal, before)
    return appeal


def _hash_code(code: str) -> str:
    normal = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return hashlib.sha256(f"eprok-appeal-access:{normal}".encode()).hexdigest()


def new_access_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@transaction.atomic
def appeal_issue_access_code(*, appeal: Appeal, actor: Any = None) -> str:
    """A fresh secret access code for the applicant (shown once; only its hash is kept). A new code
    replaces the old one, which stops working."""
    appeal = _locked(appeal, None)
    code = new_access_code()
    appeal.access_code_hash = _hash_code(code)
    _save(appeal, "access_code_hash")
    audit_record(actor=actor, action="appeals.appeal.access_code_issued", target=appeal)
    return code
