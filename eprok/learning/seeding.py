"""Demo distance learning (`eprok demo`, `eprok seed`): three published courses of the Science and Training
Centre, each of two modules of text and video-link lessons ending in a quiz drawn from a bank of questions
of every kind; a mandatory rule (the ethics course for everyone who investigates, renewed yearly); and
enrolments of the demo logins in varied states.

The courses are written through the services by the Centre's administrator (`telim`). Rerunnable: a course
that exists (by code) is left as it is, and enrolments are made only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from eprok.learning import progress, services
from eprok.learning.models import (
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonKind,
    MandatoryRule,
    QuestionKind,
)
from eprok.org.models import Employee
from eprok.org.roles import Role
from eprok.training.models import ThematicArea

ADMIN = "telim"

# (kind, text, choices [(text, correct)], accepted short answers)
QuestionSpec = tuple[str, str, tuple[tuple[str, bool], ...], tuple[str, ...]]
TRUE_FALSE = (("Doğru", True), ("Yanlış", False))
FALSE_TRUE = (("Doğru", False), ("Yanlış", True))


@dataclass(frozen=True)
class CourseSpec:
    code: str
    title: str
    area: str  # ThematicArea code (an active one is used when it is missing)
    hours: str
    description: str
    modules: tuple[
        tuple[str, tuple[tuple[str, str, str], ...]], ...
    ]  # (module, ((title, kind, text/url),...))
    questions: tuple[QuestionSpec, ...]


COURSES: tuple[CourseSpec, ...] = (
    CourseSpec(
        code="cpc-changes",
        title="Cinayət-prosessual qanunvericiliyində son dəyişikliklər",
        area="criminal-procedure",
        hours="6",
        description=(
            "Cinayət-Prosessual Məcəlləsinə edilmiş son dəyişikliklərin icmalı: məhkəməyədək icraat, "
            "qətimkan tədbirləri və sübutların toplanması qaydaları."
        ),
        modules=(
            (
                "Məhkəməyədək icraat",
                (
                    (
                        "Dəyişikliklərin icmalı",
                        LessonKind.TEXT,
                        "Məcəllənin son redaksiyası ibtidai araşdırmanın müddətlərini və prokuror "
                        "nəzarətinin formalarını dəqiqləşdirir.\n\nBu dərsdə əsas dəyişikliklər və "
                        "onların tətbiqi nümunələrlə izah olunur.",
                    ),
                    (
                        "Qətimkan tədbirləri",
                        LessonKind.TEXT,
                        "Həbs qətimkan tədbirinin seçilməsi və uzadılması qaydaları.\n\nMüddətlərin "
                        "hesablanması: saatla və aylarla ölçülən müddətlər.",
                    ),
                ),
            ),
            (
                "Sübutlar",
                (
                    (
                        "Video-mühazirə: sübutların toplanması",
                        LessonKind.VIDEO_LINK,
                        "https://video.prokurorluq.example.az/cpm-subutlar",
                    ),
                ),
            ),
        ),
        questions=(
            (
                QuestionKind.SINGLE,
                "Müddətin başlandığı gün müddətə daxil edilirmi?",
                (("Bəli", False), ("Xeyr", True), ("Yalnız iş günüdürsə", False)),
                (),
            ),
            (
                QuestionKind.SINGLE,
                "Aylarla hesablanan müddət nə vaxt bitir?",
                (
                    ("Son ayın müvafiq günündə", True),
                    ("Son ayın birinci günündə", False),
                    ("30 gündən sonra", False),
                ),
                (),
            ),
            (
                QuestionKind.MULTIPLE,
                "Hansılar qətimkan tədbiridir?",
                (("Həbs", True), ("Ev dustaqlığı", True), ("Cərimə", False), ("Girov", True)),
                (),
            ),
            (
                QuestionKind.TRUE_FALSE,
                "Müddətin son günü qeyri-iş gününə düşürsə, növbəti iş günü bitir.",
                TRUE_FALSE,
                (),
            ),
            (
                QuestionKind.TRUE_FALSE,
                "Saatla hesablanan müddət istirahət günlərində dayanır.",
                FALSE_TRUE,
                (),
            ),
            (QuestionKind.SHORT, "Cinayət-Prosessual Məcəlləsinin qısa adı nədir?", (), ("CPM", "CPM-i")),
            (
                QuestionKind.SINGLE,
                "İbtidai araşdırma üzərində prosessual rəhbərliyi kim həyata keçirir?",
                (("Prokuror", True), ("Hakim", False), ("Vəkil", False)),
                (),
            ),
        ),
    ),
    CourseSpec(
        code="anti-corruption-basics",
        title="Korrupsiyaya qarşı mübarizə: əsas anlayışlar",
        area="anti-corruption",
        hours="4",
        description="Korrupsiya hüquqpozmalarının növləri, maraqlar toqquşması və məlumat vermə qaydaları.",
        modules=(
            (
                "Əsas anlayışlar",
                (
                    (
                        "Korrupsiya nədir",
                        LessonKind.TEXT,
                        "Korrupsiya vəzifəli şəxsin öz statusundan qanunsuz maddi və digər nemətlər əldə "
                        "etmək üçün istifadəsidir.\n\nDərsdə qanunvericilikdəki tərif və nümunələr verilir.",
                    ),
                    (
                        "Maraqlar toqquşması",
                        LessonKind.TEXT,
                        "Şəxsi maraq xidməti vəzifənin qərəzsiz icrasına təsir edə bilərsə, maraqlar "
                        "toqquşması yaranır.\n\nBelə halda rəhbərə yazılı məlumat verilməlidir.",
                    ),
                ),
            ),
            (
                "Təcrübə",
                (
                    (
                        "Video: korrupsiya hallarının aşkarlanması",
                        LessonKind.VIDEO_LINK,
                        "https://video.prokurorluq.example.az/korrupsiya-askarlanma",
                    ),
                ),
            ),
        ),
        questions=(
            (
                QuestionKind.SINGLE,
                "Maraqlar toqquşması yarandıqda işçi nə etməlidir?",
                (("Rəhbərə yazılı məlumat verməlidir", True), ("Heç nə", False), ("İşdən çıxmalıdır", False)),
                (),
            ),
            (
                QuestionKind.MULTIPLE,
                "Hansılar korrupsiya hüquqpozmasıdır?",
                (
                    ("Rüşvət almaq", True),
                    ("Vəzifə səlahiyyətlərindən sui-istifadə", True),
                    ("Məzuniyyət", False),
                ),
                (),
            ),
            (QuestionKind.TRUE_FALSE, "Hədiyyə almaq bütün hallarda qanunidir.", FALSE_TRUE, ()),
            (QuestionKind.TRUE_FALSE, "Korrupsiya hallarını bildirən şəxs qanunla qorunur.", TRUE_FALSE, ()),
            (
                QuestionKind.SHORT,
                "Vəzifəli şəxsə verilən qanunsuz maddi nemət necə adlanır?",
                (),
                ("rüşvət",),
            ),
            (
                QuestionKind.SINGLE,
                "Korrupsiyaya qarşı mübarizə üzrə ixtisaslaşmış qurum hansıdır?",
                (("Korrupsiyaya qarşı mübarizə baş idarəsi", True), ("Vergi orqanı", False)),
                (),
            ),
        ),
    ),
    CourseSpec(
        code="ethics-rules",
        title="Etik davranış qaydaları",
        area="ethics",
        hours="3",
        description=(
            "Prokurorluq işçilərinin etik davranış qaydaları: vətəndaşlarla ünsiyyət, qərəzsizlik, məxfilik."
        ),
        modules=(
            (
                "Ümumi müddəalar",
                (
                    (
                        "Etik davranışın prinsipləri",
                        LessonKind.TEXT,
                        "Qanunçuluq, qərəzsizlik, vicdanlılıq və peşəkarlıq prokurorluq işçisinin "
                        "davranışının əsasıdır.\n\nHər prinsip nümunələrlə izah olunur.",
                    ),
                    (
                        "Vətəndaşlarla ünsiyyət",
                        LessonKind.TEXT,
                        "Vətəndaşa hörmətlə, nəzakətlə və aydın dildə müraciət edilir.\n\nŞikayətlər "
                        "qanunla müəyyən edilmiş müddətdə cavablandırılır.",
                    ),
                ),
            ),
            (
                "Məxfilik",
                (
                    (
                        "Video: xidməti məlumatın qorunması",
                        LessonKind.VIDEO_LINK,
                        "https://video.prokurorluq.example.az/etika-mexfilik",
                    ),
                ),
            ),
        ),
        questions=(
            (
                QuestionKind.SINGLE,
                "Hansı prinsip etik davranış qaydalarına aiddir?",
                (("Qərəzsizlik", True), ("Gizlilik naminə yalan", False), ("Tərəfkeşlik", False)),
                (),
            ),
            (
                QuestionKind.MULTIPLE,
                "Vətəndaşla ünsiyyətdə nələr tələb olunur?",
                (("Hörmət", True), ("Nəzakət", True), ("Səsini qaldırmaq", False)),
                (),
            ),
            (QuestionKind.TRUE_FALSE, "Xidməti məlumatı sosial şəbəkədə paylaşmaq olar.", FALSE_TRUE, ()),
            (
                QuestionKind.TRUE_FALSE,
                "İşçi iş vaxtından kənarda da etik qaydalara əməl edir.",
                TRUE_FALSE,
                (),
            ),
            (QuestionKind.SHORT, "Xidməti məlumatın yayılmaması tələbi necə adlanır?", (), ("məxfilik",)),
            (
                QuestionKind.SINGLE,
                "Etik qaydaların pozulması hansı nəticəyə səbəb ola bilər?",
                (("İntizam məsuliyyəti", True), ("Mükafat", False)),
                (),
            ),
        ),
    ),
)


@dataclass
class LearningSeedReport:
    courses: int = 0
    questions: int = 0
    enrolments: int = 0
    mandatory: int = 0


def _area(code: str) -> ThematicArea:
    area = ThematicArea.objects.filter(code=code, is_active=True).first()
    if area is None:
        area = ThematicArea.objects.filter(is_active=True).order_by("sort_order", "code").first()
    if area is None:
        raise LookupError("no active thematic area")
    return area


def _seed_quiz(
    admin: Employee, course: Course, lesson: Lesson, spec: CourseSpec, report: LearningSeedReport
) -> None:
    """The course's question bank and the final quiz, through the quiz services (eprok.learning.quizzes)."""
    from eprok.learning import quizzes

    bank = quizzes.bank_create(actor=admin, course=course, title=f"{spec.title}: sual bankı")
    for kind, text, choices, accepted in spec.questions:
        data = quizzes.QuestionInput(
            kind=kind,
            text=text,
            choices=tuple(quizzes.ChoiceInput(text=choice, is_correct=correct) for choice, correct in choices)
            if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            else (),
            accepted_answers=accepted,
            true_is_correct=dict(choices).get("Doğru") if kind == QuestionKind.TRUE_FALSE else None,
        )
        quizzes.question_save(actor=admin, bank=bank, data=data)
        report.questions += 1
    quizzes.quiz_save(
        actor=admin,
        lesson=lesson,
        data=quizzes.QuizInput(
            bank=bank, question_count=5, time_limit_minutes=20, max_attempts=3, pass_mark=70
        ),
    )


def _seed_course(admin: Employee, spec: CourseSpec, report: LearningSeedReport) -> Course:
    existing = Course.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        course = services.course_create(
            actor=admin,
            data=services.CourseInput(
                code=spec.code,
                title=spec.title,
                area=_area(spec.area),
                hours=Decimal(spec.hours),
                description=spec.description,
            ),
        )
        module = None
        for module_title, lessons in spec.modules:
            module = services.module_add(actor=admin, course=course, title=module_title)
            for title, kind, content in lessons:
                services.lesson_add(
                    actor=admin,
                    module=module,
                    data=services.LessonInput(
                        title=title,
                        kind=kind,
                        body=content if kind == LessonKind.TEXT else "",
                        video_url=content if kind == LessonKind.VIDEO_LINK else "",
                        minutes=15,
                    ),
                )
        assert module is not None
        quiz_lesson = services.lesson_add(
            actor=admin,
            module=module,
            data=services.LessonInput(title="Yekun test", kind=LessonKind.QUIZ, minutes=20),
        )
        _seed_quiz(admin, course, quiz_lesson, spec, report)
        course = services.course_publish(actor=admin, course=course)
    report.courses += 1
    return course


def _study(enrollment: Enrollment, *, lessons: int, pass_quiz: bool = False) -> None:
    """Mark the first `lessons` non-quiz lessons done; with `pass_quiz`, the quiz too (as if passed)."""
    rows = list(
        Lesson.objects.filter(module__course=enrollment.course).order_by(
            "module__position", "module_id", "position", "id"
        )
    )
    for lesson in [row for row in rows if row.kind != LessonKind.QUIZ][:lessons]:
        services.lesson_complete(actor=enrollment.employee, enrollment=enrollment, lesson=lesson)
    if pass_quiz:
        with transaction.atomic():
            locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
            for lesson in rows:
                if lesson.kind == LessonKind.QUIZ:
                    progress.lesson_done(enrollment=locked, lesson=lesson)
            if locked.status == "completed":
                services.close_due(locked)


def _enrol(employee: Any, course: Course, report: LearningSeedReport) -> Enrollment | None:
    if employee is None or Enrollment.objects.filter(course=course, employee=employee).exists():
        return None
    report.enrolments += 1
    return services.enrol_self(actor=employee, course=course)


def seed_learning() -> LearningSeedReport:
    report = LearningSeedReport()
    admin = Employee.objects.filter(username=ADMIN).first()
    if admin is None:
        return report
    courses = {spec.code: _seed_course(admin, spec, report) for spec in COURSES}
    ethics = courses["ethics-rules"]
    if ethics.status == CourseStatus.PUBLISHED and not MandatoryRule.objects.filter(course=ethics).exists():
        services.mandatory_rule_save(
            actor=admin,
            data=services.MandatoryRuleInput(
                course=ethics, role=Role.INVESTIGATE, renew_months=12, due_days=30
            ),
        )
    logins = {
        e.username: e for e in Employee.objects.filter(username__in=("prokuror", "mustentiq", "nezaretci"))
    }
    # prokuror: the anti-corruption course completed, criminal procedure under way.
    done = _enrol(logins.get("prokuror"), courses["anti-corruption-basics"], report)
    if done is not None:
        _study(done, lessons=3, pass_quiz=True)
    started = _enrol(logins.get("prokuror"), courses["cpc-changes"], report)
    if started is not None:
        _study(started, lessons=1)
    # nezaretci: enrolled in criminal procedure, not started yet.
    _enrol(logins.get("nezaretci"), courses["cpc-changes"], report)
    # Everyone who investigates (prokuror, mustentiq, ...) gets the ethics course as mandatory training.
    report.mandatory = services.mandatory_sweep().enrolled
    return report
