"""The electronic criminal case ("İstintaq"): from opening to indictment, suspension or closure.

A case has its qualification by articles of the Criminal Code (with every re-qualification kept),
an investigating unit and team, a supervising prosecutor, parties, a typed timeline of procedural
acts, preventive measures with their own clocks, the investigation term (CPC art. 218) with its
extensions and suspensions, instructions from superiors, and transfers between units.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.cases.links import case_url
from eprok.core.models import PublicIdModel, TimeStampedModel
from eprok.persons.models import PartyRole


class CaseStatus(models.TextChoices):
    INVESTIGATION = "investigation", _("Under investigation")
    SUSPENDED = "suspended", _("Suspended")
    # The investigator has sent the case with the indictment (ittiham aktı) to the supervising prosecutor,
    # who decides within 5 days (CPC art. 290.3).
    INDICTMENT = "indictment", _("Indictment with the supervising prosecutor")
    SENT_TO_COURT = "sent_to_court", _("Sent to court with an indictment")
    TERMINATED = "terminated", _("Terminated")
    REFERRED = "referred", _("Referred to another body")
    JOINED = "joined", _("Joined to another case")


OPEN_STATUSES = frozenset({CaseStatus.INVESTIGATION, CaseStatus.SUSPENDED})
# Statuses in which preventive measures keep running (the court takes over a case sent to it, but the
# custody clock still runs and the prosecutor answers for it: CPC 292.1-1).
MEASURE_STATUSES = frozenset(
    {CaseStatus.INVESTIGATION, CaseStatus.SUSPENDED, CaseStatus.INDICTMENT, CaseStatus.SENT_TO_COURT}
)

# The one table of allowed transitions: state -> states a named service may move it to.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.INVESTIGATION: frozenset(
        {
            CaseStatus.SUSPENDED,
            CaseStatus.INDICTMENT,
            CaseStatus.TERMINATED,
            CaseStatus.REFERRED,
            CaseStatus.JOINED,
        }
    ),
    CaseStatus.SUSPENDED: frozenset({CaseStatus.INVESTIGATION, CaseStatus.TERMINATED, CaseStatus.JOINED}),
    # The supervising prosecutor approves the indictment and sends the case to court, or returns it for
    # additional investigation (CPC 290.3).
    CaseStatus.INDICTMENT: frozenset({CaseStatus.SENT_TO_COURT, CaseStatus.INVESTIGATION}),
    # A case returned by the court for additional investigation reopens.
    CaseStatus.SENT_TO_COURT: frozenset({CaseStatus.INVESTIGATION}),
    # A termination quashed by the supervising prosecutor or the court resumes the investigation.
    CaseStatus.TERMINATED: frozenset({CaseStatus.INVESTIGATION}),
    CaseStatus.REFERRED: frozenset(),
    CaseStatus.JOINED: frozenset(),
}


class SuspensionGround(models.TextChoices):
    """Grounds to suspend a preliminary investigation (CPC art. 53.1)."""

    ACCUSED_UNKNOWN = "53.1.1", _("The person to be charged is not identified (CPC 53.1.1)")
    ACCUSED_HIDING = "53.1.2", _("The accused is hiding or his whereabouts are unknown (CPC 53.1.2)")
    ACCUSED_ILL = "53.1.3", _("Serious illness of the accused (CPC 53.1.3)")
    ACCUSED_ABROAD = "53.1.4", _("The accused is abroad and cannot be brought (CPC 53.1.4)")


class TerminationGround(models.TextChoices):
    """Grounds to terminate a case (CPC arts. 39-41)."""

    NO_EVENT = "39.1.1", _("No event of a crime (CPC 39.1.1)")
    NO_CORPUS = "39.1.2", _("No corpus delicti in the act (CPC 39.1.2)")
    AMNESTY = "39.1.3", _("Amnesty act (CPC 39.1.3)")
    LIMITATION = "39.1.4", _("Limitation period expired (CPC 39.1.4)")
    DEATH = "39.1.5", _("Death of the accused (CPC 39.1.5)")
    RECONCILIATION = "40.2", _("Reconciliation with the victim (CPC 40.2)")
    REMORSE = "40.2.1", _("Active remorse (CPC 40.2)")
    NOT_PROVEN = "41.1", _("Participation of the accused not proven (CPC 41)")


class Case(PublicIdModel):
    """One criminal case (cinayət işi)."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    material = models.ForeignKey(
        "materials.Material",
        verbose_name=_("opened on the crime report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("investigating unit"), on_delete=models.PROTECT, related_name="cases"
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("investigator in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_led",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervising prosecutor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_supervised",
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opening_grounds = models.TextField(_("grounds for opening"))
    summary = models.TextField(_("summary"))
    # Derived from the main article in force: drives the investigation and custody terms.
    category = models.PositiveSmallIntegerField(_("gravity category"), null=True, blank=True)
    main_article = models.CharField(_("main article"), max_length=32, blank=True)
    # Derived: the current qualification as written ("177.2.3, 178.1"), for lists and the card's header.
    articles = models.CharField(_("articles"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.INVESTIGATION
    )
    investigation_due = models.DateField(_("investigation due"), null=True, blank=True)
    # Derived from the running terms (investigation, measures, instructions, the indictment's review):
    # the soonest one, so lists filter and sort on a column; rewritten by every service that moves a term.
    next_due_at = models.DateTimeField(_("next term runs out at"), null=True, blank=True)
    next_due_key = models.CharField(_("next term"), max_length=32, blank=True)
    # Derived: someone is detained or arrested in the case right now.
    in_custody = models.BooleanField(_("person in custody"), default=False)
    indictment_submitted_at = models.DateTimeField(_("indictment submitted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_grounds = models.TextField(_("grounds of completion"), blank=True)
    termination_ground = models.CharField(
        _("legal ground of termination"), max_length=8, choices=TerminationGround.choices, blank=True
    )
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    joined_into = models.ForeignKey(
        "self",
        verbose_name=_("joined into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joined_cases",
    )
    separated_from = models.ForeignKey(
        "self",
        verbose_name=_("separated from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="separated_cases",
    )
    # Optimistic locking: every write bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("criminal case")
        verbose_name_plural = _("criminal cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(category__gte=1, category__lte=4),
                name="case_category_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "investigation_due"], name="case_unit_status_due"),
            models.Index(fields=["investigator", "status"], name="case_investigator_status"),
            models.Index(fields=["supervisor", "status"], name="case_supervisor_status"),
            models.Index(fields=["unit", "-opened_at"], name="case_unit_opened"),
            models.Index(fields=["status", "next_due_at"], name="case_status_next_due"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return case_url("cases:detail", self.number)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        """get_status_display() without rebuilding (and translating) the whole list of choices."""
        try:
            return str(CaseStatus(self.status).label)
        except ValueError:
            return self.status


class Qualification(TimeStampedModel):
    """An article (with parts) the case is qualified under; a re-qualification ends rows and adds new ones."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="qualifications"
    )
    article = models.ForeignKey(
        "criminal_code.Article", verbose_name=_("article"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(
        _("reference"), max_length=32, help_text=_("Article with parts, e.g. 177.2.3.")
    )
    is_main = models.BooleanField(_("main article"), default=False)
    valid_from = models.DateField(_("qualified on"))
    ended_on = models.DateField(_("re-qualified on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["case", "-is_main", "valid_from", "pk"]
        indexes = [models.Index(fields=["article", "ended_on"], name="qualification_article")]

    def __str__(self) -> str:
        return self.reference


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Investigator in charge")
    MEMBER = "member", _("Member of the investigation team")


class TeamMember(TimeStampedModel):
    """An employee on the investigation team; removal keeps the row with its end time."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="team")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="case_teams",
    )
    role = models.CharField(_("role"), max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["case", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "employee"],
                condition=Q(removed_at__isnull=True),
                name="teammember_active_unique",
            )
        ]
        indexes = [models.Index(fields=["employee", "removed_at"], name="teammember_employee")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.employee_id}"


class CaseParty(TimeStampedModel):
    """A person's procedural status in a case; a change of status (suspect -> accused) adds a row."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(
        "persons.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="case_roles"
    )
    role = models.CharField(_("role"), max_length=24, choices=PartyRole.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("party to a case")
        verbose_name_plural = _("parties to cases")
        ordering = ["case", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "role"],
                condition=Q(until__isnull=True),
                name="caseparty_active_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.person_id} ({self.role})"

    @property
    def role_label(self) -> str:
        """get_role_display() without rebuilding (and translating) the whole list of choices."""
        try:
            return str(PartyRole(self.role).label)
        except ValueError:
            return self.role


class ActKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    PROTOCOL = "protocol", _("Protocol")
    MOTION = "motion", _("Motion")
    CHARGE = "charge", _("Charge")
    MEASURE = "measure", _("Preventive measure")
    INDICTMENT = "indictment", _("Indictment")
    OTHER = "other", _("Other act")


class ProceduralAct(TimeStampedModel):
    """One dated procedural act of the case timeline (decisions, protocols, motions, charges, ...)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="acts")
    kind = models.CharField(_("kind"), max_length=16, choices=ActKind.choices)
    title = models.CharField(_("title"), max_length=300)
    act_date = models.DateField(_("date of the act"))
    body = models.TextField(_("content"), blank=True)
    party = models.ForeignKey(
        CaseParty,
        verbose_name=_("concerns"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    # Acts written by the system itself on a transition (opening, suspension, ...) name it here.
    event = models.CharField(_("event"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("procedural act")
        verbose_name_plural = _("procedural acts")
        ordering = ["case", "act_date", "pk"]
        indexes = [models.Index(fields=["case", "act_date"], name="act_case_date")]

    def __str__(self) -> str:
        return self.title


class MeasureKind(models.TextChoices):
    """Detention (tutma, CPC 148) and preventive measures (qətimkan tədbirləri, CPC 154)."""

    DETENTION = "detention", _("Detention of a suspect")
    ARREST = "arrest", _("Arrest (custody)")
    HOUSE_ARREST = "house_arrest", _("House arrest")
    BAIL = "bail", _("Bail")
    POLICE_SUPERVISION = "police_supervision", _("Police supervision")
    UNDERTAKING = "undertaking", _("Written undertaking not to leave")
    PERSONAL_GUARANTEE = "personal_guarantee", _("Personal guarantee")


class PreventiveMeasure(TimeStampedModel):
    """A measure applied to a party, with its own clock when the law sets one."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="measures")
    party = models.ForeignKey(
        CaseParty, verbose_name=_("applied to"), on_delete=models.PROTECT, related_name="measures"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MeasureKind.choices)
    started_at = models.DateTimeField(_("started at"))
    # Time already spent in detention counts into the arrest term (CPC 158.2): the term may start earlier.
    term_started_at = models.DateTimeField(_("term counted from"), null=True, blank=True)
    rule_code = models.CharField(_("deadline rule"), max_length=64, blank=True)
    due_at = models.DateTimeField(_("runs out at"), null=True, blank=True)
    court_decision = models.CharField(_("court decision"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("preventive measure")
        verbose_name_plural = _("preventive measures")
        ordering = ["case", "started_at", "pk"]
        indexes = [models.Index(fields=["case", "ended_at"], name="measure_case_active")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.started_at:%Y-%m-%d})"


class TermExtension(TimeStampedModel):
    """An extension of the investigation term or of a measure's term, under a step of its rule."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    measure = models.ForeignKey(
        PreventiveMeasure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="extensions",
        help_text=_("Empty for the investigation term."),
    )
    step = models.CharField(_("extension step"), max_length=32)
    length = models.PositiveSmallIntegerField(_("length"))
    reason = models.TextField(_("reason"))
    decision_reference = models.CharField(_("decision"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("extension of a term")
        verbose_name_plural = _("extensions of terms")
        ordering = ["case", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} +{self.length}"


class Suspension(TimeStampedModel):
    """A period during which the investigation was suspended (not counted into its term, CPC 218.5)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="suspensions"
    )
    ground = models.CharField(_("ground"), max_length=8, choices=SuspensionGround.choices)
    started_on = models.DateField(_("suspended on"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["case", "started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.started_on} - {self.ended_on or ''}"


class Transfer(TimeStampedModel):
    """A move of the case from one investigating unit to another."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("transferred by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["case", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_unit_id} -> {self.to_unit_id}"


class Instruction(TimeStampedModel):
    """A superior's written instruction (göstəriş) on the case, with its due date and acknowledgement."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="instructions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("instruction"))
    due_date = models.DateField(_("due date"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    report = models.TextField(_("report on execution"), blank=True)

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["case", "-created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
