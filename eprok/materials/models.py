"""The crime-report register ("Cinayət xarakterli materiallar"): reports, their checks and decisions.

A report is registered on receipt (CPC art. 207.1.1) with a register number, checked within the
statutory term (3 days, extendable to 10 or 30: art. 207.1.2) and decided (art. 207.5): a criminal
case is opened, opening is refused, the report is transferred by jurisdiction, or joined to another.
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

from eprok.core.models import PublicIdModel, TimeStampedModel
from eprok.persons.models import PartyRole


class MaterialSource(models.TextChoices):
    APPLICANT_STATEMENT = "applicant_statement", _("Statement of an applicant")
    OFFICIAL_REPORT = "official_report", _("Report of an official")
    TRANSFER = "transfer", _("Transferred from another body")
    MEDIA = "media", _("Mass media")
    HOTLINE = "hotline", _("Hotline referral")
    APPEAL = "appeal", _("Citizen's appeal")
    SELF_DETECTION = "self_detection", _("Detected by the prosecution service")
    SURRENDER = "surrender", _("Confession (surrender)")


class MaterialStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_CHECK = "in_check", _("Under check")
    CASE_OPENED = "case_opened", _("Criminal case opened")
    REFUSED = "refused", _("Opening refused")
    TRANSFERRED = "transferred", _("Transferred by jurisdiction")
    JOINED = "joined", _("Joined to another material")


OPEN_STATUSES = frozenset({MaterialStatus.REGISTERED, MaterialStatus.IN_CHECK})

# The one table of allowed transitions: state -> states a named service may move it to.
TRANSITIONS: dict[str, frozenset[str]] = {
    MaterialStatus.REGISTERED: frozenset(
        {
            MaterialStatus.IN_CHECK,
            MaterialStatus.CASE_OPENED,
            MaterialStatus.REFUSED,
            MaterialStatus.TRANSFERRED,
            MaterialStatus.JOINED,
        }
    ),
    MaterialStatus.IN_CHECK: frozenset(
        {
            MaterialStatus.CASE_OPENED,
            MaterialStatus.REFUSED,
            MaterialStatus.TRANSFERRED,
            MaterialStatus.JOINED,
        }
    ),
    MaterialStatus.CASE_OPENED: frozenset(),
    # A refusal quashed by the supervising prosecutor or the court sends the report back to check.
    MaterialStatus.REFUSED: frozenset({MaterialStatus.IN_CHECK}),
    MaterialStatus.TRANSFERRED: frozenset(),
    MaterialStatus.JOINED: frozenset(),
}


class RefusalGround(models.TextChoices):
    """Grounds that exclude criminal proceedings (CPC art. 39.1), cited in a refusal to open a case."""

    NO_EVENT = "39.1.1", _("No event of a crime (CPC 39.1.1)")
    NO_CORPUS = "39.1.2", _("No corpus delicti in the act (CPC 39.1.2)")
    AMNESTY = "39.1.3", _("Amnesty act (CPC 39.1.3)")
    LIMITATION = "39.1.4", _("Limitation period expired (CPC 39.1.4)")
    DEATH = "39.1.5", _("Death of the person (CPC 39.1.5)")
    UNDER_AGE = "39.1.6", _("Person under the age of criminal responsibility (CPC 39.1.6)")
    NO_COMPLAINT = "39.1.7", _("No complaint of the victim in private prosecution (CPC 39.1.7)")
    OTHER = "other", _("Other ground under the law")


# The card's URL with a placeholder, reversed once per process (per script prefix and URLconf): a list
# page links every row to its card, and reverse() walks the URLconf each time.
_NUMBER = "materialnumberplaceholder"
# The characters of a summary a list shows.
SUMMARY_PREVIEW = 120
_DETAIL_URLS: dict[tuple[str, Any], str] = {}


def _detail_url(number: str) -> str:
    key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    pattern = _DETAIL_URLS.get(key)
    if pattern is None:
        pattern = _DETAIL_URLS[key] = reverse("materials:detail", kwargs={"number": _NUMBER})
    if not number or "/" in number:
        raise NoReverseMatch(f"materials:detail: {number!r} is not a report number")
    return pattern.replace(_NUMBER, quote(number, safe="!$&'()*+,;=/~:@"))


class Material(PublicIdModel):
    """One crime report and its check, from registration to the decision."""

    number = models.CharField(_("register number"), max_length=40, unique=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="materials"
    )
    source = models.CharField(_("source"), max_length=24, choices=MaterialSource.choices)
    received_at = models.DateTimeField(_("received at"))
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("The author of the report is not identified.")
    )
    source_reference = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("The sender's number and date, the publication, ..."),
    )
    summary = models.TextField(_("summary"))
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    incident_place = models.CharField(_("place of the incident"), max_length=300, blank=True)
    articles = models.CharField(
        _("preliminary qualification"),
        max_length=200,
        blank=True,
        help_text=_("Articles, e.g. 177.2.3, 178.1."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_materials",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MaterialStatus.choices, default=MaterialStatus.REGISTERED
    )
    check_due = models.DateField(_("check due"), null=True, blank=True)
    # A quashed refusal sends the report back to check with a new term: each round has its own start
    # and its own extensions.
    check_round = models.PositiveSmallIntegerField(_("round of the check"), default=1)
    check_started_at = models.DateTimeField(_("check started at"), null=True, blank=True)
    # The decision (qərar) that ends the check.
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_grounds = models.TextField(_("grounds of the decision"), blank=True)
    case_number = models.CharField(
        _("criminal case number"),
        max_length=40,
        blank=True,
        help_text=_("The case opened on this report (set by the criminal cases register)."),
    )
    refusal_ground = models.CharField(
        _("legal ground of refusal"), max_length=8, choices=RefusalGround.choices, blank=True
    )
    transferred_to_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("transferred to unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="materials_received",
    )
    transferred_to_body = models.CharField(_("transferred to body"), max_length=200, blank=True)
    joined_to = models.ForeignKey(
        "self",
        verbose_name=_("joined to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joined_materials",
    )
    # Optimistic locking: every write bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("crime report")
        verbose_name_plural = _("crime reports")
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MaterialStatus.values), name="material_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=MaterialSource.values), name="material_source_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "check_due"], name="material_unit_status_due"),
            models.Index(fields=["assignee", "status"], name="material_assignee_status"),
            models.Index(fields=["unit", "-registered_at"], name="material_unit_registered"),
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
        """get_status_display() without rebuilding (and translating) the whole list of choices."""
        try:
            return str(MaterialStatus(self.status).label)
        except ValueError:
            return self.status

    @property
    def summary_preview(self) -> str:
        """The summary as `truncatechars:120` shows it, without its per-character walk for a short one."""
        text = unicodedata.normalize("NFC", self.summary)
        return text if len(text) <= SUMMARY_PREVIEW else Truncator(self.summary).chars(SUMMARY_PREVIEW)


class MaterialParty(TimeStampedModel):
    """A person's role in a crime report (applicant, victim, suspect, witness, ...)."""

    material = models.ForeignKey(
        Material, verbose_name=_("crime report"), on_delete=models.CASCADE, related_name="parties"
    )
    person = models.ForeignKey(
        "persons.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="material_roles"
    )
    role = models.CharField(_("role"), max_length=24, choices=PartyRole.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("party to a crime report")
        verbose_name_plural = _("parties to crime reports")
        ordering = ["material", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["material", "person", "role"], name="materialparty_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.material_id}: {self.person_id} ({self.role})"


class CheckActionKind(models.TextChoices):
    """Acts allowed before a case is opened (CPC art. 207.4) and other steps of the check."""

    SCENE_EXAMINATION = "scene_examination", _("Examination of the scene")
    EXPERT_EXAMINATION = "expert_examination", _("Expert examination ordered")
    AUDIT = "audit", _("Audit or inspection (CPC 207.3)")
    EXPLANATION = "explanation", _("Explanation taken")
    REQUEST = "request", _("Request for documents or information")
    DETENTION = "detention", _("Detention before a case is opened")
    OTHER = "other", _("Other step")


# Steps that establish facts independently of the report's author: one of them must be recorded before
# an anonymous report can be the ground of opening a case (an anonymous report alone never is).
INDEPENDENT_ACTION_KINDS: frozenset[str] = frozenset(
    {
        CheckActionKind.SCENE_EXAMINATION,
        CheckActionKind.EXPERT_EXAMINATION,
        CheckActionKind.AUDIT,
        CheckActionKind.EXPLANATION,
    }
)


class CheckAction(TimeStampedModel):
    """A step taken during the check of a report."""

    material = models.ForeignKey(
        Material, verbose_name=_("crime report"), on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=CheckActionKind.choices)
    performed_on = models.DateField(_("date"))
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("step of the check")
        verbose_name_plural = _("steps of the check")
        ordering = ["material", "performed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.performed_on}"


class CheckExtension(TimeStampedModel):
    """An extension of the check term under a step of rule cpc.207.check, with who granted it."""

    material = models.ForeignKey(
        Material, verbose_name=_("crime report"), on_delete=models.CASCADE, related_name="extensions"
    )
    step = models.CharField(_("extension step"), max_length=32)
    check_round = models.PositiveSmallIntegerField(_("round of the check"), default=1)
    length = models.PositiveSmallIntegerField(_("length (days)"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("extension of the check")
        verbose_name_plural = _("extensions of the check")
        ordering = ["material", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} +{self.length}"
