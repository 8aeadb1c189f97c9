"""`eprok createadmin`: an administrator with all rights over the whole service."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from eprok.core.context import WorkContext, work_context
from eprok.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Create an employee in the root unit who administers users and reads the audit log over the whole "
        "tree. The password is asked twice, or read from EPROK_ADMIN_PASSWORD."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--last-name", default="Administrator")
        parser.add_argument("--first-name", default="eprok")

    def handle(self, *args: Any, **options: Any) -> None:
        from eprok.org import services
        from eprok.org.models import Employee, Unit
        from eprok.org.roles import Clearance, Role

        root = Unit.objects.filter(parent__isnull=True, is_active=True).order_by("path").first()
        if root is None:
            raise CommandError("There is no unit yet: run `eprok seed --structure-only` first.")
        username = options["username"].strip()
        if Employee.objects.filter(username=username).exists():
            raise CommandError(f"The login {username!r} is already taken.")
        password = self._password(username)
        with work_context(WorkContext(source="cli")), transaction.atomic():
            try:
                admin = services.employee_create(
                    actor=None,
                    username=username,
                    last_name=options["last_name"],
                    first_name=options["first_name"],
                    email=options["email"],
                    unit=root,
                    clearance=Clearance.TOP_SECRET,
                    password=password,
                )
                for role in (Role.ADMINISTER_USERS, Role.READ_AUDIT):
                    services.role_assignment_grant(
                        actor=None, employee=admin, role=role, unit=root, include_subunits=True
                    )
            except ApplicationError as exc:
                raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc
        self.stdout.write(
            f"Administrator {username!r} created in {root.name_az}; they enrol TOTP at first sign-in."
        )

    def _password(self, username: str) -> str:
        from eprok.org.models import Employee

        password = os.environ.get("EPROK_ADMIN_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            validate_password(password, Employee(username=username))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return password
