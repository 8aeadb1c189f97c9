"""Register a telephony system (or record its new secret) from the environment.

    EPROK_PBX_SECRETS='{"961-main": "..."}' manage.py contact_pbx --code 961-main --centre 961 \
        --unit gpo-documents --extension operator=1001

The secret is read from EPROK_PBX_SECRETS (outside production, the demo secret stands in); only its
SHA-256 is stored. Run it again after rotating the secret in the environment.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from eprok.contact import pbx as signing
from eprok.contact.models import Centre, PbxOperator
from eprok.contact.services import pbx_register
from eprok.core.context import WorkContext, work_context
from eprok.core.errors import ApplicationError
from eprok.org.models import Employee, Unit


class Command(BaseCommand):
    help = "Register a PBX of the 961 call centre or the 161 hotline with the secret the environment holds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", required=True)
        parser.add_argument("--centre", required=True, choices=Centre.values)
        parser.add_argument("--unit", required=True, help="the code of the unit that runs the line")
        parser.add_argument("--name", default="")
        parser.add_argument("--extension", action="append", default=[], help="LOGIN=EXTENSION, repeatable")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = signing.configured_secret(options["code"])
        if not secret:
            raise CommandError(f"No secret for {options['code']}: set it in EPROK_PBX_SECRETS.")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"There is no unit {options['unit']}.")
        with work_context(WorkContext(source="cli")), transaction.atomic():
            try:
                pbx = pbx_register(
                    actor=None,
                    code=options["code"],
                    name=options["name"],
                    centre=options["centre"],
                    unit=unit,
                    secret=secret,
                )
            except ApplicationError as exc:
                raise CommandError(f"{exc.message} {exc.details}") from exc
            for spec in options["extension"]:
                login, _sep, extension = spec.partition("=")
                employee = Employee.objects.filter(username=login).first()
                if employee is None or not extension:
                    raise CommandError(f"--extension {spec}: expected LOGIN=EXTENSION with a known login")
                PbxOperator.objects.update_or_create(
                    pbx=pbx, extension=extension, defaults={"employee": employee}
                )
        self.stdout.write(
            f"PBX {pbx.code} ready ({pbx.centre}, {unit.code}); secret fingerprint {pbx.secret_hash[:12]}"
        )
