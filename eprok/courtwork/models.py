"""State prosecution in court ("Elektron İttiham"): from the moment a case goes to court.

A court proceeding belongs to a case of the service (`cases.Case`) or to a supervised case investigated by
another body (`supervision.SupervisedCase`), never both. It follows the case through the instances —
first instance, appeal, cassation — with the court and judge, the hearings calendar, the state prosecutor's
positions and motions, the court's decisions (verdict and sentence), the appeals and protests with their
terms from the shared deadline engine (CPC arts. 384 and 410), and the result.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel, TranslatedNameMixin


class CourtLevel(models.TextChoices):
    FIRST = "first", _("First instance")
    APPEAL = "appeal", _("Court of appeal")
    SUPREME = "supreme", _("Supreme Court")


class Court(TranslatedNameMixin, TimeStampedModel):
    """A court; `xroad_code` names it in the e-Court exchange."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    level = models.CharField(_("level"), max_length=8, choices=CourtLevel.choices)
    district = models.CharField(_("district code"), max_length=16, blank=True)
    xroad_code = models.CharField(_("code in the e-Court"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("court")
        verbose_name_plural = _("courts")
        ordering = ["level", "code"]


class Instance(models.TextChoices):
    FIRST = "first", _("First instance")
    APPEAL = "appeal", _("Appeal")
    CASSATION = "cassation", _("Cassation")


class ProceedingStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting the first hearing")
    HEARING = "hearing", _("Being heard")
    DECIDED = "decided", _("Decided; appeal term running")
    APPEALED = "appealed", _("Appealed")
    RETURNED = "returned", _("Returned for additional investigation")
    CLOSED = "closed", _("Closed: decision in force")


# The one table of allowed transitions: status -> statuses a named service may move a proceeding to.
TRANSITIONS: dict[str, frozenset[str]] = {
    ProceedingStatus.AWAITING: frozenset(
        {
            ProceedingStatus.HEARING,
            ProceedingStatus.DECIDED,
            ProceedingStatus.RETURNED,
            ProceedingStatus.CLOSED,
        }
    ),
    ProceedingStatus.HEARING: frozenset(
        {ProceedingStatus.DECIDED, ProceedingStatus.RETURNED, ProceedingStatus.CLOSED}
    ),
    # A decision's term runs: an appeal (protest) is filed, or the decision enters into force.
    ProceedingStatus.DECIDED: frozenset({ProceedingStatus.APPEALED, ProceedingStatus.CLOSED}),
    # At the higher instance: hearings, its decision (a new term, or final at cassation), or a quashed
    # decision sent back for a new hearing.
    ProceedingStatus.APPEALED: frozenset(
        {
            ProceedingStatus.HEARING,
            ProceedingStatus.DECIDED,
            ProceedingStatus.RETURNED,
            ProceedingStatus.CLOSED,
            ProceedingStatus.AWAITING,
        }
    ),
    ProceedingStatus.RETURNED: frozenset(),
    ProceedingStatus.CLOSED: frozenset(),
}
# Where the prosecutor still works on the proceeding (hearings, positions, decisions).
ACTIVE_STATUSES = frozenset(
    {ProceedingStatus.AWAITING, ProceedingStatus.HEARING, ProceedingStatus.DECIDED, ProceedingStatus.APPEALED}
)


class Proceeding(PublicIdModel):
    """One criminal case in court, at its current instance."""

    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="court_proceeding",
        null=True,
        blank=True,
    )
    supervised = models.OneToOneField(
        "supervision.SupervisedCase",
        verbose_name=_("supervised case"),
        on_delete=models.PROTECT,
        related_name="court_proceeding",
        null=True,
        blank=True,
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    prosecutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("state prosecutor"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    judge = models.CharField(_("judge"), max_length=200, blank=True)
    court_number = models.CharField(_("number in the court"), max_length=64, blank=True)
    instance = models.CharField(
        _("instance"), max_length=12, choices=Instance.choices, default=Instance.FIRST
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProceedingStatus.choices, default=ProceedingStatus.AWAITING
    )
    sent_on = models.DateField(_("sent to court on"))
    accused = models.TextField(_("accused"), blank=True)
    articles = models.CharField(_("articles"), max_length=300, blank=True)
    result = models.TextField(_("result"), blank=True)
    closed_on = models.DateField(_("decision in force on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("court proceeding")
        verbose_name_plural = _("court proceedings")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(case__isnull=False, supervised__isnull=True)
                    | Q(case__isnull=True, supervised__isnull=False)
                ),
                name="proceeding_one_owner",
            ),
            models.UniqueConstraint(
                fields=["court", "court_number"],
                condition=~Q(court_number=""),
                name="proceeding_court_number",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="proceeding_unit_status"),
            models.Index(fields=["prosecutor", "status"], name="proceeding_prosecutor_status"),
        ]

    def __str__(self) -> str:
        return self.court_number or self.owner_number or str(self.public_id)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("courtwork:detail", args=[self.public_id])

    @property
    def owner_number(self) -> str:
        """The number of the case in the prosecution (a case of the service or a supervised case)."""
        owner = self.case if self.case_id else self.supervised
        return owner.number if owner is not None else ""

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class Hearing(TimeStampedModel):
    """A court session; from the court's schedule (`external_id` set) or entered by the prosecutor."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("court proceeding"), on_delete=models.CASCADE, related_name="hearings"
    )
    instance = models.CharField(
        _("instance"), max_length=12, choices=Instance.choices, default=Instance.FIRST
    )
    starts_at = models.DateTimeField(_("starts at"))
    courtroom = models.CharField(_("courtroom"), max_length=64, blank=True)
    judge = models.CharField(_("judge"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED
    )
    outcome = models.TextField(_("what happened"), blank=True)
    external_id = models.CharField(_("identifier in the e-Court"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "external_id"],
                condition=~Q(external_id=""),
                name="hearing_external_unique",
            )
        ]
        indexes = [models.Index(fields=["starts_at"], name="hearing_starts_at")]


class PositionKind(models.TextChoices):
    POSITION = "position", _("Position of the prosecution")
    MOTION = "motion", _("Motion")
    SENTENCE_REQUEST = "sentence", _("Sentence requested")
    OBJECTION = "objection", _("Objection")


class MotionOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet decided")
    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Partly granted")
    REFUSED = "refused", _("Refused")


class Position(TimeStampedModel):
    """What the state prosecutor said or asked for in court, and what the court did with a motion."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("court proceeding"), on_delete=models.CASCADE, related_name="positions"
    )
    hearing = models.ForeignKey(
        Hearing, verbose_name=_("hearing"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PositionKind.choices)
    text = models.TextField(_("text"))
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=MotionOutcome.choices, default=MotionOutcome.PENDING
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stated_on = models.DateField(_("stated on"))

    class Meta:
        verbose_name = _("position or motion")
        verbose_name_plural = _("positions and motions")
        ordering = ["stated_on", "id"]


class DecisionKind(models.TextChoices):
    CONVICTION = "conviction", _("Verdict of conviction")
    ACQUITTAL = "acquittal", _("Verdict of acquittal")
    TERMINATION = "termination", _("Termination of the proceedings")
    RETURN = "return", _("Returned to the prosecutor for additional investigation")
    MEDICAL = "medical", _("Compulsory medical measures")
    UPHELD = "upheld", _("Decision of the lower court upheld")
    CHANGED = "changed", _("Decision of the lower court changed")
    QUASHED = "quashed", _("Decision of the lower court quashed")
    OTHER = "other", _("Other decision")


class Decision(TimeStampedModel):
    """A court's decision at one instance; a verdict opens the term of appeal (CPC 384) or cassation (410)."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("court proceeding"), on_delete=models.CASCADE, related_name="decisions"
    )
    instance = models.CharField(_("instance"), max_length=12, choices=Instance.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=DecisionKind.choices)
    decided_on = models.DateField(_("announced on"))
    sentence = models.TextField(_("sentence"), blank=True)
    text = models.TextField(_("summary"), blank=True)
    appeal_rule = models.CharField(_("appeal term rule"), max_length=64, blank=True)
    appeal_due = models.DateField(_("appeal term runs out on"), null=True, blank=True)
    external_id = models.CharField(_("identifier in the e-Court"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("court decision")
        verbose_name_plural = _("court decisions")
        ordering = ["decided_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "external_id"],
                condition=~Q(external_id=""),
                name="decision_external_unique",
            )
        ]


class AppealKind(models.TextChoices):
    APPEAL = "appeal", _("Appeal (apellyasiya)")
    CASSATION = "cassation", _("Cassation")


class AppealParty(models.TextChoices):
    PROSECUTION = "prosecution", _("Prosecution (protest)")
    DEFENCE = "defence", _("Defence")
    VICTIM = "victim", _("Victim")


class AppealOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Partly granted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AppealFiling(TimeStampedModel):
    """An appeal or cassation complaint (or the prosecutor's protest) against a decision."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("court proceeding"), on_delete=models.CASCADE, related_name="appeals"
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision appealed"), on_delete=models.PROTECT, related_name="appeals"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AppealKind.choices)
    party = models.CharField(_("filed by"), max_length=12, choices=AppealParty.choices)
    filed_on = models.DateField(_("filed on"))
    grounds = models.TextField(_("grounds"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("appeal or protest")
        verbose_name_plural = _("appeals and protests")
        ordering = ["filed_on", "id"]


class CalendarFeed(TimeStampedModel):
    """A prosecutor's secret iCal feed address (only the SHA-256 of the token is stored)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="court_calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("hearings calendar feed")
        verbose_name_plural = _("hearings calendar feeds")
