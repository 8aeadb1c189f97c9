"""Procedural supervision of investigations conducted by other bodies (police, other investigative bodies).

A supervised case is investigated outside the prosecution service; the supervising prosecutor of the unit
follows it: the investigating body and investigator, the articles and the investigation term, the
prosecutor's instructions, demands and protests with the body's answers, the decision on the indictment,
and violations found (missed terms, unlawful detentions). Cases arrive through the gateway (a message of
the investigating body's system) or are entered by hand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel, TranslatedNameMixin


class BodyKind(models.TextChoices):
    POLICE = "police", _("Police")
    INVESTIGATIVE = "investigative", _("Investigative body")
    SECURITY = "security", _("State security service")
    CUSTOMS = "customs", _("Customs")
    BORDER = "border", _("Border service")
    OTHER = "other", _("Other body")


class InvestigatingBody(TranslatedNameMixin, TimeStampedModel):
    """A body outside the prosecution service that investigates (a district police office, an investigative
    department of a ministry); `xroad_member` is its identifier on the gateway, for cases received from it."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=BodyKind.choices)
    district = models.CharField(_("district code"), max_length=16, blank=True)
    xroad_member = models.CharField(_("gateway member"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("investigating body")
        verbose_name_plural = _("investigating bodies")
        ordering = ["code"]


class SupervisedStatus(models.TextChoices):
    INVESTIGATION = "investigation", _("Under investigation")
    SUSPENDED = "suspended", _("Suspended")
    INDICTMENT = "indictment", _("Indictment with the prosecutor")
    SENT_TO_COURT = "sent_to_court", _("Sent to court")
    TERMINATED = "terminated", _("Terminated")


TRANSITIONS: dict[str, frozenset[str]] = {
    SupervisedStatus.INVESTIGATION: frozenset(
        {SupervisedStatus.SUSPENDED, SupervisedStatus.INDICTMENT, SupervisedStatus.TERMINATED}
    ),
    SupervisedStatus.SUSPENDED: frozenset({SupervisedStatus.INVESTIGATION, SupervisedStatus.TERMINATED}),
    # The prosecutor approves the indictment (the case goes to court) or returns it (CPC art. 290.3).
    SupervisedStatus.INDICTMENT: frozenset({SupervisedStatus.SENT_TO_COURT, SupervisedStatus.INVESTIGATION}),
    SupervisedStatus.SENT_TO_COURT: frozenset({SupervisedStatus.INVESTIGATION}),
    # A termination protested and quashed resumes the investigation.
    SupervisedStatus.TERMINATED: frozenset({SupervisedStatus.INVESTIGATION}),
}


class Source(models.TextChoices):
    GATEWAY = "gateway", _("Received through the gateway")
    MANUAL = "manual", _("Entered by hand")


class SupervisedCase(PublicIdModel):
    """A criminal case investigated by another body under the supervision of a prosecutor of `unit`."""

    number = models.CharField(_("case number"), max_length=40)
    body = models.ForeignKey(
        InvestigatingBody,
        verbose_name=_("investigating body"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    investigator_name = models.CharField(_("investigator"), max_length=200)
    investigator_contact = models.CharField(_("investigator's contact"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("supervising unit"), on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervising prosecutor"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    opened_on = models.DateField(_("opened on"))
    summary = models.TextField(_("summary"))
    articles = models.CharField(_("articles"), max_length=300)
    main_article = models.CharField(_("main article"), max_length=32, blank=True)
    category = models.PositiveSmallIntegerField(_("gravity category"), null=True, blank=True)
    accused = models.TextField(_("suspects and accused"), blank=True)
    in_custody = models.BooleanField(_("person in custody"), default=False)
    custody_until = models.DateTimeField(_("custody runs out at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SupervisedStatus.choices, default=SupervisedStatus.INVESTIGATION
    )
    investigation_due = models.DateField(_("investigation due"), null=True, blank=True)
    indictment_received_at = models.DateTimeField(_("indictment received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    external_id = models.CharField(_("identifier in the body's system"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("supervised case")
        verbose_name_plural = _("supervised cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="supervisedcase_body_number_unique"),
            models.UniqueConstraint(
                fields=["body", "external_id"],
                condition=~Q(external_id=""),
                name="supervisedcase_body_external_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="supervised_unit_status"),
            models.Index(fields=["body", "status"], name="supervised_body_status"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supervision:detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        """Still in the investigating body's or the prosecutor's hands (not sent to court, not terminated)."""
        return self.status in OPEN_STATUSES


OPEN_STATUSES = frozenset(
    {SupervisedStatus.INVESTIGATION, SupervisedStatus.SUSPENDED, SupervisedStatus.INDICTMENT}
)


class ActKind(models.TextChoices):
    INSTRUCTION = "instruction", _("Instruction")
    DEMAND = "demand", _("Demand to remedy a violation")
    PROTEST = "protest", _("Protest")
    INDICTMENT_APPROVED = "approved", _("Indictment approved")
    INDICTMENT_RETURNED = "returned", _("Indictment returned")


# The acts the investigating body must answer (by the act's due date); the decisions on the indictment are
# recorded as acts too, but nobody answers them.
ANSWERED_KINDS = frozenset({ActKind.INSTRUCTION, ActKind.DEMAND, ActKind.PROTEST})


class SupervisoryAct(TimeStampedModel):
    """The supervising prosecutor's written act to the investigating body and, for instructions, demands and
    protests, the body's answer within `due_date`."""

    case = models.ForeignKey(
        SupervisedCase, verbose_name=_("supervised case"), on_delete=models.CASCADE, related_name="acts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActKind.choices)
    text = models.TextField(_("text"))
    due_date = models.DateField(_("answer due"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_accepted = models.BooleanField(_("answer accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervisory act")
        verbose_name_plural = _("supervisory acts")
        ordering = ["-issued_at", "-id"]

    @property
    def awaits_answer(self) -> bool:
        return self.kind in ANSWERED_KINDS and self.answered_at is None

    @property
    def is_overdue(self) -> bool:
        """Unanswered after its due date (the body had until the end of that day)."""
        from django.utils import timezone

        return self.awaits_answer and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def answered_late(self) -> bool:
        if self.answered_at is None or self.due_date is None:
            return False
        from django.utils import timezone

        return timezone.localtime(self.answered_at).date() > self.due_date


class ViolationKind(models.TextChoices):
    MISSED_TERM = "missed_term", _("Investigation term missed")
    UNLAWFUL_DETENTION = "detention", _("Unlawful detention")
    CUSTODY_TERM = "custody_term", _("Custody term missed")
    UNANSWERED = "unanswered", _("Prosecutor's act not answered in time")
    RIGHTS = "rights", _("Violation of a participant's rights")
    OTHER = "other", _("Other violation")


class Violation(TimeStampedModel):
    """A violation of law found in a supervised investigation; `automatic` ones are raised by the sweep
    (missed terms, unanswered acts), the others by the prosecutor."""

    case = models.ForeignKey(
        SupervisedCase, verbose_name=_("supervised case"), on_delete=models.CASCADE, related_name="violations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ViolationKind.choices)
    found_on = models.DateField(_("found on"))
    description = models.TextField(_("description"))
    automatic = models.BooleanField(_("found by the system"), default=False)
    key = models.CharField(_("key"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    remedied_on = models.DateField(_("remedied on"), null=True, blank=True)
    act = models.ForeignKey(
        SupervisoryAct,
        verbose_name=_("act that demanded the remedy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="violations",
    )

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-found_on", "-id"]
        constraints = [
            # One automatic flag per case and key (e.g. "term:2026-05-01"), however often the sweep runs.
            models.UniqueConstraint(
                fields=["case", "key"], condition=~Q(key=""), name="violation_case_key_unique"
            )
        ]
