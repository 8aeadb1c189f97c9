"""`eprok seed`, `eprok createadmin` and `eprok demo --no-serve`."""

from __future__ import annotations

import io

import pyotp
import pytest
from django.core.management import CommandError, call_command

from eprok.accounts.models import TotpDevice
from eprok.audit.models import AuditEvent
from eprok.org.grants import has_role
from eprok.org.models import ClassRank, Employee, Position, RoleAssignment, Unit
from eprok.org.roles import Role
from eprok.org.seeding import DEMO_LOGINS, FIN_ALPHABET, demo_fin, demo_totp_secret, load_fixture
from eprok.org.validators import FIN_RE

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "positions": Position.objects.count(),
        "ranks": ClassRank.objects.count(),
        "employees": Employee.objects.count(),
        "assignments": RoleAssignment.objects.count(),
        "devices": TotpDevice.objects.count(),
    }


def test_seeding_twice_creates_nothing_the_second_time():
    call_command("seed", stdout=io.StringIO())
    first = counts()
    call_command("seed", stdout=io.StringIO())
    assert counts() == first
    assert first["units"] == len(load_fixture("units.json"))
    # The generated staff, the demo logins, and the duty officers the special reports' demo gives the
    # district offices a small staff leaves without anyone (eprok/special/seeding.py).
    duty_officers = Employee.objects.filter(username__startswith="novbe-").count()
    assert first["employees"] == 40 + len(DEMO_LOGINS) + duty_officers


def test_the_seed_builds_the_real_structure():
    call_command("seed", "--structure-only", stdout=io.StringIO())
    gpo = Unit.objects.get(code="gpo")
    assert gpo.parent is None and gpo.path == f"/{gpo.pk}/"
    assert (
        Unit.objects.filter(parent=gpo, kind="department").count()
        + Unit.objects.filter(parent=gpo, kind="division").count()
        == 18
    )
    assert Unit.objects.filter(parent__code="baku").count() == 12
    xetai = Unit.objects.get(code="baku-xetai")
    assert xetai.path.startswith(Unit.objects.get(code="baku").path) and xetai.district_code == "baku-xetai"
    assert getattr(Unit.objects.get(code="military-agdam").parent, "code", None) == "military"
    assert getattr(Unit.objects.get(code="nar-military").parent, "code", None) == "nar"
    assert Unit.objects.filter(code="training-centre", kind="centre").exists()
    assert all(u.name_ru and u.name_en for u in Unit.objects.all())
    assert ClassRank.objects.get(seniority=1).code == "actual-state-counsellor"
    assert Employee.objects.count() == 0
    assert AuditEvent.objects.filter(action="org.unit.created", source="cli").count() == Unit.objects.count()


def test_the_uncertain_departments_are_marked_in_the_fixture():
    departments = [
        u for u in load_fixture("units.json") if u["parent"] == "gpo" and u["code"].startswith("gpo-")
    ]
    assert len(departments) == 18
    assert [bool(u["note"]) for u in departments] == [False] * 9 + [True] * 9


def test_there_is_one_fixed_demo_login_per_role_with_a_fixed_authenticator():
    call_command("seed", stdout=io.StringIO())
    covered = {role for demo in DEMO_LOGINS for role, _unit, _sub in demo.roles}
    assert covered == set(Role.values)
    prokuror = Employee.objects.get(username="prokuror")
    assert getattr(prokuror.unit, "code", None) == "baku-xetai" and prokuror.check_password("demo12345!")
    assert has_role(prokuror, Role.INVESTIGATE, prokuror.unit) and has_role(
        prokuror, Role.SUPERVISE, prokuror.unit
    )
    device = TotpDevice.objects.get(employee=prokuror)
    assert device.confirmed_at is not None and device.secret == demo_totp_secret("prokuror")
    admin = Employee.objects.get(username="admin")
    assert has_role(admin, Role.ADMINISTER_USERS, Unit.objects.get(code="baku-xetai"))


def test_demo_staff_have_valid_unique_fins_and_azerbaijani_patronymics():
    call_command("seed", "--scale=2", stdout=io.StringIO())
    staff = list(Employee.objects.filter(username__startswith="emp"))
    assert len(staff) == 80
    assert all(FIN_RE.match(e.fin or "") for e in staff)
    assert len({e.fin for e in staff}) == 80
    assert all(e.patronymic.endswith((" oğlu", " qızı")) for e in staff)
    assert all(RoleAssignment.objects.filter(employee=e).exists() for e in staff)
    assert set(demo_fin(123)) <= set(FIN_ALPHABET)


def test_createadmin_makes_an_administrator_of_the_whole_tree(monkeypatch):
    call_command("seed", "--structure-only", stdout=io.StringIO())
    monkeypatch.setenv("EPROK_ADMIN_PASSWORD", "Uzun-və-güclü-şifrə-42")
    call_command("createadmin", "--username=boss", "--email=boss@prokurorluq.test", stdout=io.StringIO())
    boss = Employee.objects.get(username="boss")
    assert getattr(boss.unit, "code", None) == "gpo" and boss.check_password("Uzun-və-güclü-şifrə-42")
    anywhere = Unit.objects.get(code="nar-culfa")
    assert has_role(boss, Role.ADMINISTER_USERS, anywhere) and has_role(boss, Role.READ_AUDIT, anywhere)
    assert AuditEvent.objects.filter(
        action="org.employee.created", target_id=str(boss.public_id), source="cli"
    ).exists()
    with pytest.raises(CommandError):
        call_command("createadmin", "--username=boss", stdout=io.StringIO())


def test_createadmin_asks_for_the_password_twice(monkeypatch):
    call_command("seed", "--structure-only", stdout=io.StringIO())
    monkeypatch.delenv("EPROK_ADMIN_PASSWORD", raising=False)
    answers = iter(["Uzun-və-güclü-şifrə-42", "başqa-şifrə-43"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="do not match"):
        call_command("createadmin", "--username=boss", stdout=io.StringIO())
    assert not Employee.objects.filter(username="boss").exists()


def test_createadmin_refuses_a_weak_password_and_an_empty_tree(monkeypatch):
    monkeypatch.setenv("EPROK_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError, match="seed"):
        call_command("createadmin", "--username=boss", stdout=io.StringIO())
    call_command("seed", "--structure-only", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("createadmin", "--username=boss", stdout=io.StringIO())


def test_demo_prints_every_login_with_its_current_code():
    out = io.StringIO()
    call_command("demo", "--no-serve", "--port=8123", stdout=out)
    text = out.getvalue()
    assert "demo12345!" in text and "http://127.0.0.1:8123/" in text
    for demo in DEMO_LOGINS:
        secret = demo_totp_secret(demo.username)
        assert f"{demo.username} " in text and secret in text
        line = next(line for line in text.splitlines() if secret in line)
        code = line.split()[-1]
        assert len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)
