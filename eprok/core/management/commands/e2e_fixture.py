"""Prepare a database for the browser tests: one employee who can sign in with a known TOTP secret.

    E2E_PASSWORD=... E2E_TOTP_SECRET=... manage.py e2e_fixture --username e2e.auditor

The employee holds read_audit over the root unit (with sub-units) and a confirmed authenticator;
`--role ROLE:UNIT` (repeatable) grants more roles, e.g. `--role investigate:baku-xetai`, and
`--unit CODE` places the employee in that unit.
The password and secret come from the environment, so they never show in a process list. A root
unit is created when the database has none (when `seed --structure-only` has not run). Refused in
production: a known password on a privileged account is exactly what production must not have.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from eprok.accounts.services import password_change, totp_provision_demo
from eprok.core.context import WorkContext, work_context
from eprok.org import services as org_services
from eprok.org.models import Employee, Unit, UnitKind
from eprok.org.roles import Role


class Command(BaseCommand):
    help = "Create the browser tests' employee (read_audit, confirmed TOTP). Not for production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="e2e.auditor")
        parser.add_argument("--unit", default="", help="the employee's unit (default: the root)")
        parser.add_argument("--role", action="append", default=[], help="ROLE:UNIT_CODE, repeatable")
        parser.add_argument("--last-name", default="Babayeva")
        parser.add_argument("--first-name", default="Aygün")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) or os.environ.get("EPROK_ENV") == "production":
            raise CommandError("e2e_fixture refuses to run in production.")
        password = os.environ.get("E2E_PASSWORD", "")
        secret = os.environ.get("E2E_TOTP_SECRET", "")
        if len(password) < 12 or len(secret) < 16:
            raise CommandError(
                "Set E2E_PASSWORD (12+ characters) and E2E_TOTP_SECRET (Base32, 16+ characters)."
            )
        with work_context(WorkContext(source="cli")), transaction.atomic():
            root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
            if root is None:
                root = org_services.unit_create(
                    actor=None,
                    code="gpo",
                    kind=UnitKind.GENERAL_OFFICE,
                    name_az="Baş Prokurorluq",
                    name_en="General Prosecutor's Office of the Republic of Azerbaijan",
                    name_ru="Генеральная прокуратура Азербайджанской Республики",
                )
            home = Unit.objects.get(code=options["unit"]) if options["unit"] else root
            grants = []
            for spec in options["role"]:
                role, _sep, code = spec.partition(":")
                if role not in Role.values or not Unit.objects.filter(code=code).exists():
                    raise CommandError(f"--role {spec}: expected ROLE:UNIT with a known role and unit code")
                grants.append((role, Unit.objects.get(code=code)))
            employee = Employee.objects.filter(username=options["username"]).first()
            if employee is None:
                employee = org_services.employee_create(
                    actor=None,
                    username=options["username"],
                    last_name=options["last_name"],
                    first_name=options["first_name"],
                    unit=home,
                    password=password,
                )
            else:
                password_change(employee=employee, new_password=password, actor=None, via="e2e_fixture")
            if not employee.role_assignments.filter(role=Role.READ_AUDIT, unit=root).exists():
                org_services.role_assignment_grant(
                    actor=None, employee=employee, role=Role.READ_AUDIT, unit=root, include_subunits=True
                )
            for role, unit in grants:
                if not employee.role_assignments.filter(role=role, unit=unit, ended_at__isnull=True).exists():
                    org_services.role_assignment_grant(actor=None, employee=employee, role=role, unit=unit)
            # Confirmed without a used time step, so the test's first code is accepted.
            totp_provision_demo(employee=employee, secret=secret, actor=None)
        self.stdout.write(f"e2e employee {employee.username} ready in unit {root.code}")
