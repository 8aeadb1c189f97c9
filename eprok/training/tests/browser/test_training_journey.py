"""The training journey in a real browser, in Azerbaijani: the Science and Training Centre's administrator
enters an online event with a follow-up course, invites a listener by name, publishes it and creates its
video meeting (Jitsi, made by the worker or the scheduler's sweep); the listener confirms the invitation and
joins through the link; the administrator marks them present; the listener takes the follow-up course, passes
its quiz, and downloads the certificate, which the public portal verifies by its code. Axe finds no serious
or critical accessibility problem on the pages on the way."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from eprok.core.testing.browser import AXE_JS, E2EServer, E2EUser, _manage, assert_accessible
from eprok.core.testing.browser import sign_in as browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGE = "az"
TITLE = "Prosessual müddətlərə əməl olunması: onlayn seminar"
COURSE = "Prosessual müddətlər: yekun test"
JITSI_ROOM = re.compile(r"^https://meet\.jit\.si/tt-training-centre-\d{4}-\d{5}-[A-Za-z0-9_-]+$")
SINGLE = "İbtidai araşdırmanın ümumi müddəti neçə aydır?"
TRUE_FALSE = "Prokuror ibtidai araşdırma üzərində prosessual rəhbərliyi həyata keçirir."

# A published follow-up course: one text lesson and a quiz of two questions the listener must both answer
# right (pass mark 100), made directly in the server's database.
COURSE_SETUP = f"""
from decimal import Decimal
from eprok.learning.models import (
    Choice, Course, CourseModule, Lesson, Question, QuestionBank, Quiz,
)
from eprok.org.models import Employee
from eprok.training.models import ThematicArea

admin = Employee.objects.get(username="e2e.training")
course, _ = Course.objects.get_or_create(
    code="e2e-terms",
    defaults=dict(
        title={COURSE!r}, area=ThematicArea.objects.filter(is_active=True).first(), hours=Decimal("2"),
        status="published", created_by=admin,
    ),
)
if not course.modules.exists():
    module = CourseModule.objects.create(course=course, title="Müddətlər", position=1)
    Lesson.objects.create(
        module=module, title="Müddətlərin hesablanması", kind="text", position=1,
        body="İbtidai araşdırmanın ümumi müddəti iki aydır; prokuror onu uzada bilər.",
    )
    quiz_lesson = Lesson.objects.create(module=module, title="Yekun test", kind="quiz", position=2)
    bank = QuestionBank.objects.create(course=course, title="Müddətlər")
    single = Question.objects.create(bank=bank, kind="single", text={SINGLE!r})
    for position, (text, correct) in enumerate([("2 ay", True), ("6 ay", False), ("12 ay", False)]):
        Choice.objects.create(question=single, text=text, is_correct=correct, position=position)
    statement = Question.objects.create(bank=bank, kind="true_false", text={TRUE_FALSE!r})
    Choice.objects.create(question=statement, text="Doğrudur", is_correct=True, position=0)
    Choice.objects.create(question=statement, text="Yanlışdır", is_correct=False, position=1)
    Quiz.objects.create(
        lesson=quiz_lesson, bank=bank, time_limit_minutes=20, max_attempts=3, pass_mark=100,
    )
print(course.public_id)
"""


def t(text: str) -> str:
    """The interface text in Azerbaijani, from the catalogs (so the test does not hard-code them)."""
    with translation.override(LANGUAGE):
        return gettext(text)


def local_minute(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def desk(chromium: Any, e2e_server: E2EServer) -> Iterator[Callable[[str], Any]]:
    """Call with an employee's key to get a page of their own browser context, signed in (password + TOTP)."""
    if "training_admin" not in e2e_server.users:
        pytest.skip("the structure seed did not run: the journey's employees were not created")
    contexts: list[Any] = []

    def sign_in(key: str) -> Any:
        user: E2EUser = e2e_server.users[key]
        context = chromium.new_context(base_url=e2e_server.url, locale="az-AZ", accept_downloads=True)
        context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        browser_sign_in(page, username=user.username, password=user.password, totp_secret=user.totp_secret)
        assert page.get_attribute("html", "lang") == LANGUAGE
        return page

    yield sign_in
    for context in contexts:
        context.close()


def test_the_centre_runs_an_online_event_and_its_listener_earns_a_verified_certificate(
    chromium: Any, desk: Callable[[str], Any], e2e_server: E2EServer
) -> None:
    from playwright.sync_api import expect

    _manage(e2e_server.env, "shell", "-c", COURSE_SETUP)
    listener = e2e_server.users["listener"]

    # --- The Centre's administrator enters the online event with its follow-up course. ----------------
    centre = desk("training_admin")
    centre.goto(reverse("training:new"))
    centre.get_by_label(t("Title"), exact=True).fill(TITLE)
    centre.get_by_label(t("Kind of event"), exact=True).select_option("seminar")
    centre.get_by_label(t("Thematic area"), exact=True).select_option(index=1)
    centre.get_by_label(t("Organiser unit"), exact=True).select_option(index=1)
    centre.get_by_label(t("Academic hours"), exact=True).fill("2")
    starts = timezone.now() - dt.timedelta(minutes=10)
    centre.get_by_label(t("Starts at"), exact=True).fill(local_minute(starts))
    centre.get_by_label(t("Ends at"), exact=True).fill(local_minute(starts + dt.timedelta(hours=2)))
    centre.get_by_label(t("Format"), exact=True).select_option("online")
    centre.get_by_label(t("Follow-up course")).select_option(label=COURSE)
    assert_accessible(centre, "the event form")
    centre.get_by_role("button", name=t("Save"), exact=True).click()
    expect(centre).to_have_url(re.compile(r"/training/[0-9a-f-]{36}/$"))
    event_url = centre.url
    expect(centre.get_by_role("heading", level=1)).to_contain_text(TITLE)

    # --- Invites the listener by name and publishes the event. ----------------------------------------
    centre.get_by_role("link", name=t("Invite listeners"), exact=True).click()
    centre.get_by_label(t("Listeners by name")).fill(listener.username)
    centre.get_by_role("button", name=t("Invite"), exact=True).click()
    expect(centre).to_have_url(event_url)
    centre.get_by_role("button", name=t("Publish"), exact=True).click()
    expect(centre.locator("main")).to_contain_text(t("Published"))

    # --- Creates the video meeting; the worker (or the sweep) makes the Jitsi room. --------------------
    centre.get_by_label(t("Video meeting service"), exact=True).select_option("jitsi")
    centre.get_by_role("button", name=t("Create the video meeting"), exact=True).click()
    expect(centre).to_have_url(event_url)
    _manage(e2e_server.env, "training_sweep")
    centre.reload()
    join = centre.get_by_role("link", name=t("Join the meeting"), exact=True)
    expect(join).to_be_visible()
    room = join.get_attribute("href") or ""
    assert JITSI_ROOM.match(room), room
    assert_accessible(centre, "the event page with its meeting")

    # --- The listener confirms the invitation and joins the meeting. ----------------------------------
    desk_of_listener = desk("listener")
    desk_of_listener.goto(reverse("training:my"))
    invitation = desk_of_listener.locator("main tr").filter(has_text=TITLE)
    invitation.get_by_role("button", name=t("Confirm"), exact=True).click()
    expect(desk_of_listener.locator("main tr").filter(has_text=TITLE)).to_contain_text(t("Confirmed"))
    desk_of_listener.goto(event_url)
    # The meeting service is on the internet; the browser is served a stand-in page for the room.
    desk_of_listener.context.route(
        "https://meet.jit.si/**",
        lambda route: route.fulfill(body="<title>Jitsi</title>", content_type="text/html"),
    )
    with desk_of_listener.context.expect_page() as opened:
        desk_of_listener.get_by_role("link", name=t("Join the meeting"), exact=True).click()
    assert opened.value.url == room

    # --- The administrator marks the listener present. ------------------------------------------------
    centre.goto(event_url)
    row = centre.locator("tr").filter(has_text=listener.full_name)
    row.get_by_role("button", name=t("Mark present"), exact=True).click()
    expect(centre.locator("tr").filter(has_text=listener.full_name)).to_contain_text(
        t("Marked by the organiser")
    )

    # --- The listener takes the follow-up course: the lesson, then the quiz. --------------------------
    desk_of_listener.goto(event_url)
    desk_of_listener.get_by_role("link", name=COURSE).click()
    desk_of_listener.get_by_role("button", name=t("Enrol"), exact=True).click()
    desk_of_listener.get_by_role("link", name="Müddətlərin hesablanması").first.click()
    # Marking the lesson done leads on to the next one: the quiz.
    desk_of_listener.get_by_role("button", name=t("Mark as done"), exact=True).click()
    expect(desk_of_listener.get_by_role("heading", level=1)).to_contain_text("Yekun test")
    desk_of_listener.get_by_role("link", name=t("Take the quiz")).click()
    desk_of_listener.get_by_role("button", name=t("Begin the quiz")).click()
    expect(desk_of_listener.locator("[data-quiz-clock]")).to_be_visible()
    assert_accessible(desk_of_listener, "the quiz attempt")
    # The design system's radio buttons are drawn by their labels: the listener clicks the label.
    desk_of_listener.get_by_role("group", name=re.compile(re.escape(SINGLE))).get_by_text(
        "2 ay", exact=True
    ).click()
    with translation.override(LANGUAGE):
        true_label = pgettext("quiz option", "True")
    desk_of_listener.get_by_role("group", name=re.compile(re.escape(TRUE_FALSE))).get_by_text(
        true_label, exact=True
    ).click()
    desk_of_listener.get_by_role("button", name=t("Submit the answers"), exact=True).click()
    expect(desk_of_listener.locator("main")).to_contain_text("100")

    # --- The certificate: issued after completion (the scheduler's sweep issues it if the worker has not),
    # downloaded as a PDF, verified on the public portal by its code. ---------------------------------
    _manage(e2e_server.env, "learning_sweep")
    desk_of_listener.goto(reverse("learning:my"))
    desk_of_listener.get_by_role("link", name=COURSE).last.click()
    expect(desk_of_listener).to_have_url(re.compile(r"/learning/certificates/SRT-[^/]+/$"))
    code = desk_of_listener.get_by_test_id("certificate-code").inner_text().strip()
    with desk_of_listener.expect_download() as download_info:
        desk_of_listener.get_by_role("link", name=t("Download the certificate (PDF)")).click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/ByteRange" in pdf
    # A visitor of the portal checks the code: genuine, the same checksum, the Centre's seal, and nothing of
    # the certificate's content (neither the learner nor the course).
    visitor = chromium.new_context(base_url=e2e_server.url, locale="az-AZ")
    visitor.add_init_script(path=str(AXE_JS))
    public = visitor.new_page()
    public.goto(reverse("portal:portal_verify_code", args=[code]))
    expect(public.get_by_test_id("verify-status")).to_contain_text(
        t("The document is genuine and its signatures are valid")
    )
    expect(public.locator("code.eprok-hash")).to_have_text(hashlib.sha256(pdf).hexdigest())
    body = public.locator("main").inner_text()
    assert t("Certificate of completion") in body
    assert listener.full_name not in body and COURSE not in body
    assert_accessible(public, "the public verification of the certificate")
    visitor.close()
