"""The appeal (müraciət) and its states, under the Law "On citizens' appeals" (No. 1308-IVQ, 2015).

An appeal is registered on receipt whatever its channel (acceptance is never refused), resolved by a
superior to an executor (dərkənar), answered within 15 working days (30 where verification is needed,
art. 10.1; extendable once by at most 30, art. 10.2) or forwarded to the competent body within 3
working days (art. 7.10), and never routed or forwarded to the body or official it complains about.
An anonymous written appeal is registered and left unconsidered (art. 6.4); a repeat answered on the
merits three times within a year with nothing new is left unconsidered (art. 8.1.4).
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from eprok.appeals.models.classifiers import Escalation
from eprok.core.models import PublicIdModel


class Channel(models.TextChoices):
    """How the appeal reached the service."""

    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    RECEPTION = "reception", _("Personal reception")
    PORTAL = "portal", _("Public portal")
    EGOV = "egov", _("e-Government portal")
    CALL_961 = "call_961", _("961 call centre")
    HOTLINE_161 = "hotline_161", _("161 anti-corruption hotline")
    MEDIA = "media", _("Mass media")


# Written appeals: the anonymity rule of art. 6.4 applies to them (an oral appeal is made in person or
# by telephone, under Cabinet of Ministers decision No. 339 of 1 Sep 2016).
WRITTEN_CHANNELS = frozenset(
    {Channel.LETTER, Channel.EMAIL, Channel.FAX, Channel.PORTAL, Channel.EGOV, Channel.MEDIA}
)
# Channels that arrive without a clerk (registered_by is empty) and carry the sender's message id.
AUTOMATIC_CHANNELS = frozenset({Channel.PORTAL, Channel.EGOV})


class AppealKind(models.TextChoices):
    """The kinds of appeal by the Law (art. 1): ərizə, təklif, şikayət."""

    APPLICATION = "application", _("Application")
    PROPOSAL = "proposal", _("Proposal")
    COMPLAINT = "complaint", _("Complaint")


class AppealStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_WORK = "in_work", _("In work")
    ANSWERED = "answered", _("Answered")
    FORWARDED = "forwarded", _("Forwarded to the competent body")
    LEFT_UNCONSIDERED = "left_unconsidered", _("Left unconsidered")


OPEN_STATUSES = frozenset({AppealStatus.REGISTERED, AppealStatus.IN_WORK})
CLOSED_STATUSES = frozenset(set(AppealStatus.values) - set(OPEN_STATUSES))

# The one table of allowed transitions: state -> states a named service may move it to.
TRANSITIONS: dict[str, frozenset[str]] = {
    # appeal_route -> in work; appeal_answer_send -> answered (a short matter answered at once);
    # appeal_forward -> forwarded; the anonymity and repeat rules -> left unconsidered.
    AppealStatus.REGISTERED: frozenset(
        {
            AppealStatus.IN_WORK,
            AppealStatus.ANSWERED,
            AppealStatus.FORWARDED,
            AppealStatus.LEFT_UNCONSIDERED,
        }
    ),
    AppealStatus.IN_WORK: frozenset(
        {AppealStatus.ANSWERED, AppealStatus.FORWARDED, AppealStatus.LEFT_UNCONSIDERED}
    ),
    AppealStatus.ANSWERED: frozenset(),
    AppealStatus.FORWARDED: frozenset(),
    AppealStatus.LEFT_UNCONSIDERED: frozenset(),
}


class Outcome(models.TextChoices):
    """The result of considering an appeal."""

    SATISFIED = "satisfied", _("Satisfied")
    PARTLY_SATISFIED = "partly_satisfied", _("Partly satisfied")
    REFUSED = "refused", _("Refused")
    EXPLAINED = "explained", _("Explained")
    LEFT_UNCONSIDERED = "left_unconsidered", _("Left unconsidered")


# Outcomes that answer the appeal on its merits (they count towards the three-answers rule, art. 8.1.4).
MERIT_OUTCOMES = frozenset({Outcome.SATISFIED, Outcome.PARTLY_SATISFIED, Outcome.REFUSED, Outcome.EXPLAINED})


class UnconsideredGround(models.TextChoices):
    """The legal ground on which an appeal is left without consideration."""

    ANONYMOUS = "6.4", _("Anonymous written appeal (Appeals Law art. 6.4)")
    REPEAT = (
        "8.1.4",
        _("Repeat appeal answered on the merits three times within a year (Appeals Law art. 8.1.4)"),
    )


class AnswerRule(models.TextChoices):
    """The deadline rules (eprok.core.models.DeadlineRule codes) of the answer term (art. 10.1)."""

    STANDARD = "appeals.10.answer", _("15 working days")
    VERIFICATION = "appeals.10.answer.verification", _("30 working days (additional study needed)")


FORWARD_RULE = "appeals.7.10.forward"


class Language(models.TextChoices):
    AZ = "az", "Azərbaycanca"
    EN = "en", "English"
    RU = "ru", "Русский"


# The card's URL with a placeholder, reversed once per process (per script prefix and URLconf).
_NUMBER = "appealnumberplaceholder"
TEXT_PREVIEW = 120
_DETAIL_URLS: dict[tuple[str, Any], str] = {}


def _detail_url(number: str) -> str:
    key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    pattern = _DETAIL_URLS.get(key)
    if pattern is None:
        try:
            pattern = _DETAIL_URLS[key] = reverse("appeals:detail", kwargs={"number": _NUMBER})
        except NoReverseMatch:
            # The pages are mounted by the appeals URLconf; until then the tracked URL is the documented one.
            return f"{get_script_prefix()}appeals/{quote(number)}/"
    if not number or "/" in number:
        raise NoReverseMatch(f"appeals:detail: {number!r} is not an appeal number")
    return pattern.replace(_NUMBER, quote(number, safe="!$&'()*+,;=/~:@"))


class Appeal(PublicIdModel):
    """One citizen's appeal, from registration to its answer, forwarding or closing."""

    number = models.CharField(_("register number"), max_length=40, unique=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=AppealKind.choices)
    is_collective = models.BooleanField(_("collective"), default=False)
    signatories = models.PositiveIntegerField(_("number of signatories"), default=1)
    # The applicant as written on the appeal (a snapshot); `person` links the person registry.
    applicant_last_name = models.CharField(_("applicant's surname"), max_length=100, blank=True)
    applicant_first_name = models.CharField(_("applicant's name"), max_length=100, blank=True)
    applicant_patronymic = models.CharField(_("applicant's patronymic"), max_length=100, blank=True)
    applicant_fin = models.CharField(_("applicant's FIN"), max_length=7, blank=True, db_index=True)
    applicant_address = models.CharField(_("applicant's address"), max_length=300, blank=True)
    applicant_email = models.CharField(_("applicant's e-mail"), max_length=254, blank=True)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=20, blank=True)
    # The folded name (eprok.persons.names.name_key): finds the applicant in any spelling and links repeats.
    applicant_name_key = models.CharField(
        _("applicant's search key"), max_length=310, blank=True, editable=False, db_index=True
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=300,
        blank=True,
        help_text=_("The legal entity on whose letterhead the appeal is written."),
    )
    person = models.ForeignKey(
        "persons.Person",
        verbose_name=_("person in the registry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    notify_email = models.EmailField(_("notices by e-mail to"), blank=True)
    notify_sms = models.CharField(_("notices by SMS to"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.AZ)
    received_at = models.DateTimeField(_("received at"))
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for appeals submitted on the public portal or through the e-Government portal."),
    )
    text = models.TextField(_("text of the appeal"))
    topic = models.ForeignKey(
        "appeals.AppealTopic",
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    concerned_body = models.ForeignKey(
        "appeals.Sector",
        verbose_name=_("sector or agency concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    # The body or official whose acts are complained of: never routed or forwarded to (art. 7.10, A6).
    complained_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit complained about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complained_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official complained about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complained_text = models.CharField(
        _("body or official complained about"),
        max_length=300,
        blank=True,
        help_text=_("As the applicant names them, e.g. a police station outside the prosecution service."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.REGISTERED
    )
    # The current executor, set by the latest resolution (dərkənar).
    executor_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("executor unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_executed",
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_to_answer",
    )
    answer_rule = models.CharField(
        _("answer term"), max_length=40, choices=AnswerRule.choices, default=AnswerRule.STANDARD
    )
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    forward_due = models.DateField(_("forwarding due"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    unconsidered_ground = models.CharField(
        _("ground for leaving unconsidered"), max_length=8, choices=UnconsideredGround.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        help_text=_("The applicant's latest earlier appeal on the same topic within 12 months."),
    )
    nothing_new = models.BooleanField(
        _("nothing new"), default=False, help_text=_("The repeat appeal brings no new information.")
    )
    escalation = models.CharField(_("escalation"), max_length=32, choices=Escalation.choices, blank=True)
    escalated_to = models.ForeignKey(
        "org.Unit",
        verbose_name=_("escalated to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_escalated",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    forwarded_to_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("forwarded to unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_forwarded",
        help_text=_("When the competent body is a unit of the prosecution service, it sees the appeal."),
    )
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("A written appeal without the applicant's identification or any contact (art. 6.4)."),
    )
    external_id = models.CharField(
        _("message identifier"),
        max_length=100,
        blank=True,
        help_text=_("The portal's or the e-Government portal's message id; unique per channel."),
    )
    access_code_hash = models.CharField(_("access code (hash)"), max_length=64, blank=True, editable=False)
    # Optimistic locking: every write bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="appeal_channel_valid"),
            models.CheckConstraint(condition=Q(kind__in=AppealKind.values), name="appeal_kind_valid"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="appeal_outcome_valid"
            ),
            models.CheckConstraint(condition=Q(signatories__gte=1), name="appeal_signatories_positive"),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="appeal_external_id_unique",
            ),
        ]
        indexes = [
            # The register of a unit, newest first, and its filters by status and due date.
            models.Index(fields=["unit", "-registered_at", "-id"], name="appeal_unit_registered"),
            models.Index(fields=["unit", "status", "answer_due"], name="appeal_unit_status_due"),
            models.Index(fields=["executor_unit", "status", "answer_due"], name="appeal_exunit_status_due"),
            models.Index(fields=["executor", "status", "answer_due"], name="appeal_executor_status_due"),
            models.Index(fields=["escalated_to", "status"], name="appeal_escalated_status"),
            models.Index(fields=["-registered_at", "-id"], name="appeal_registered"),
            models.Index(fields=["status", "answer_due"], name="appeal_status_due"),
            models.Index(fields=["topic", "registered_at"], name="appeal_topic_registered"),
            # The appeals an executor (or executor unit) answers that another unit received: a search's
            # candidate scope (eprok.search.sources) reads them from the index alone.
            models.Index(fields=["executor_unit", "unit", "id"], name="appeal_exunit_unit"),
            models.Index(fields=["executor", "unit", "id"], name="appeal_executor_unit"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return _detail_url(self.number)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        try:
            return str(AppealStatus(self.status).label)
        except ValueError:
            return self.status

    @property
    def applicant_name(self) -> str:
        """The applicant as a list shows them: the person's name, else the organisation."""
        name = " ".join(
            p for p in (self.applicant_last_name, self.applicant_first_name, self.applicant_patronymic) if p
        )
        return name or self.organisation

    @property
    def text_preview(self) -> str:
        text = unicodedata.normalize("NFC", self.text)
        return text if len(text) <= TEXT_PREVIEW else Truncator(self.text).chars(TEXT_PREVIEW)

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    def excludes_unit(self, unit: Any) -> bool:
        """Whether `unit` is the unit complained about or lies within it (never routed or forwarded to)."""
        complained = self.complained_unit
        return bool(complained is not None and unit is not None and unit.path.startswith(complained.path))
