"""Distance learning of the Science and Training Centre: courses of modules and lessons, question banks
and quizzes, enrolments with each learner's progress, assignments with due dates, mandatory-training
rules with renewal, and completion certificates.

A course is drafted, published (learners can be enrolled) and archived. A learner's enrolment goes from
enrolled through in progress to completed; a lesson is done when the learner marks it read (or, for a
quiz lesson, passes the quiz). A completed enrolment earns a certificate, a sealed PDF with a public
verification code. A mandatory rule makes a course due for everyone holding a role or position, again
every N months when the rule renews; each renewal is a new enrolment (its `cycle`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel
from eprok.org.roles import Role


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


COURSE_TRANSITIONS: dict[str, frozenset[str]] = {
    CourseStatus.DRAFT: frozenset({CourseStatus.PUBLISHED}),
    CourseStatus.PUBLISHED: frozenset({CourseStatus.ARCHIVED}),
    CourseStatus.ARCHIVED: frozenset({CourseStatus.PUBLISHED}),
}


class Course(PublicIdModel):
    """A self-paced course: its modules hold the lessons and quizzes, in order."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(
        "training.ThematicArea",
        verbose_name=_("thematic area"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    hours = models.DecimalField(_("academic hours"), max_digits=5, decimal_places=1)
    status = models.CharField(
        _("status"), max_length=16, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    # Whether completing the course earns a certificate.
    certificate = models.BooleanField(_("issues a certificate"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CourseStatus.values), name="course_status_valid"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="course_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:course", args=[self.public_id])


class CourseModule(TimeStampedModel):
    """A module of a course: a titled, ordered group of lessons."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    title = models.CharField(_("title"), max_length=255)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    PDF = "pdf", _("PDF document")
    VIDEO_FILE = "video_file", _("Video file")
    VIDEO_LINK = "video_link", _("Video link")
    QUIZ = "quiz", _("Quiz")


class Lesson(PublicIdModel):
    """A lesson of a module. Its text is in `body`; a PDF or video file is a document owned by the lesson
    (eprok.documents, owner type "learning.lesson"); a video link is an https address; a quiz lesson has
    its quiz."""

    module = models.ForeignKey(
        CourseModule, verbose_name=_("module"), on_delete=models.CASCADE, related_name="lessons"
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind of lesson"), max_length=16, choices=LessonKind.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    body = models.TextField(_("text"), blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes to study"), default=10)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LessonKind.values), name="lesson_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionBank(TimeStampedModel):
    """A bank of questions of a course; quizzes draw their questions from it."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="banks"
    )
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT = "short", _("Short answer")


class Question(TimeStampedModel):
    """A question of a bank. Choice questions have their choices; a short-answer question lists the
    accepted answers (compared after folding case, spaces and Azerbaijani letters)."""

    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("question bank"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("kind of question"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    accepted_answers = models.JSONField(_("accepted answers"), default=list, blank=True)
    explanation = models.TextField(_("explanation shown after the attempt"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
            models.CheckConstraint(condition=Q(points__gte=1), name="question_points_positive"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("answer option"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Quiz(TimeStampedModel):
    """The quiz of a quiz lesson: how many questions it draws from its bank, in what order, for how long,
    how many attempts are allowed and the pass mark in percent."""

    lesson = models.OneToOneField(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="quiz"
    )
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("question bank"), on_delete=models.PROTECT, related_name="quizzes"
    )
    # How many questions an attempt draws from the bank; empty: all active questions.
    question_count = models.PositiveSmallIntegerField(_("questions per attempt"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("questions in random order"), default=True)
    shuffle_choices = models.BooleanField(_("answer options in random order"), default=True)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit, minutes"), null=True, blank=True)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark, %"), default=70)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="quiz_pass_mark"),
        ]

    def __str__(self) -> str:
        return str(self.lesson)


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EnrollmentSource(models.TextChoices):
    SELF = "self", _("Enrolled themselves")
    ASSIGNED = "assigned", _("Assigned")
    MANDATORY = "mandatory", _("Mandatory training")
    EVENT = "event", _("Follow-up of a training event")


class CourseAssignment(PublicIdModel):
    """An assignment of a course to a circle of employees (a unit with or without sub-units, a position,
    a rank, or named employees) with a due date computed by the shared deadline engine."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    include_subunits = models.BooleanField(_("with sub-units"), default=False)
    position = models.ForeignKey(
        "org.Position",
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    class_rank = models.ForeignKey(
        "org.ClassRank",
        verbose_name=_("class rank"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    enrolled_count = models.PositiveIntegerField(_("employees enrolled"), default=0)

    class Meta:
        verbose_name = _("assignment of a course")
        verbose_name_plural = _("assignments of courses")
        ordering = ["-created_at", "-id"]


class MandatoryRule(TimeStampedModel):
    """A course required of everyone holding a role (anywhere) or a position, completed within
    `due_days` of becoming due and renewed every `renew_months` months (never, when empty)."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="mandatory_rules"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    position = models.ForeignKey(
        "org.Position",
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    renew_months = models.PositiveSmallIntegerField(_("renew every, months"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(_("days to complete"), default=30)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mandatory-training rule")
        verbose_name_plural = _("mandatory-training rules")
        ordering = ["course__title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(role="") & Q(position__isnull=True)) | (Q(role="") & Q(position__isnull=False)),
                name="mandatoryrule_role_or_position",
            ),
            models.CheckConstraint(condition=Q(due_days__gte=1), name="mandatoryrule_due_days"),
        ]


class Enrollment(PublicIdModel):
    """A learner on a course: one cycle of study, with its progress, due date and completion."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrollments"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED
    )
    source = models.CharField(_("source"), max_length=16, choices=EnrollmentSource.choices)
    assignment = models.ForeignKey(
        CourseAssignment,
        verbose_name=_("assignment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
    )
    rule = models.ForeignKey(
        MandatoryRule,
        verbose_name=_("mandatory-training rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # When a renewing mandatory course must be taken again (completed_at + renew_months).
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["employee", "status"], name="learning_enrol_employee"),
            models.Index(fields=["course", "status"], name="learning_enrol_course"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["course", "employee", "cycle"], name="enrollment_unique_cycle"),
            # At most one open enrolment of a learner on a course.
            models.UniqueConstraint(
                fields=["course", "employee"],
                condition=Q(status__in=["enrolled", "in_progress"]),
                name="enrollment_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrollmentStatus.values), name="enrollment_status_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="enrollment_progress_max"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("learning:enrollment", args=[self.public_id])


class LessonProgress(models.Model):
    """A lesson a learner has done in one enrolment."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="lessons_done"
    )
    lesson = models.ForeignKey(Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("done at"))

    class Meta:
        verbose_name = _("lesson done")
        verbose_name_plural = _("lessons done")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="lessonprogress_unique")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}:{self.lesson_id}"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Time ran out")


class QuizAttempt(PublicIdModel):
    """One attempt at a quiz: the questions drawn (ids and the order of their options, fixed when the
    attempt starts), the deadline, and the score when submitted."""

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts")
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    status = models.CharField(
        _("status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    # [{"question": id, "choices": [id, ...]}, ...] in the order shown.
    layout = models.JSONField(_("questions drawn"), default=list)
    started_at = models.DateTimeField(_("started at"))
    deadline_at = models.DateTimeField(_("must be submitted by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(_("points scored"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.PositiveIntegerField(_("points possible"), default=0)
    percent = models.DecimalField(_("result, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "enrollment", "number"], name="quizattempt_unique"),
            models.UniqueConstraint(
                fields=["quiz", "enrollment"], condition=Q(status="in_progress"), name="quizattempt_one_open"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttemptStatus.values), name="quizattempt_status_valid"
            ),
        ]


class AttemptAnswer(models.Model):
    """A learner's answer to one question of an attempt, and its marking."""

    attempt = models.ForeignKey(
        QuizAttempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    choices = models.JSONField(_("options chosen"), default=list, blank=True)
    text = models.CharField(_("answer"), max_length=500, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=0)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="attemptanswer_unique")]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.question_id}"


class Certificate(PublicIdModel):
    """The certificate of a completed enrolment: a PDF sealed by the Centre (a document owned by the
    certificate, owner type "learning.certificate") whose verification code the public portal checks."""

    number = models.CharField(_("number"), max_length=64, unique=True)
    enrollment = models.OneToOneField(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="certificate_issued"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verification_code = models.CharField(_("verification code"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number
