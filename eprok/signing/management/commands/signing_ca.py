"""`manage.py signing_ca init | show | trust <name> <pem-file> | crl <file>`: the organisation's signing CA.

`init` creates the CA once (idempotent) in EPROK_SIGNING_DIR, its key encrypted with
EPROK_SIGNING_CA_PASSPHRASE, and the organisation's e-seals (renewing one that expires soon); `trust`
adds another issuer's root (ASAN İmza's CA) to the roots that validation trusts; `crl` writes the
current revocation list (DER).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eprok.audit.services import audit_record
from eprok.core.context import WorkContext, work_context
from eprok.signing import ca


class Command(BaseCommand):
    help = "Create (once) and inspect the organisation's signing CA; trust another issuer's root."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="create the CA if it does not exist")
        sub.add_parser("show", help="print the CA certificate's subject, validity and fingerprint")
        trust = sub.add_parser("trust", help="trust another issuer's root certificate (PEM)")
        trust.add_argument("name", help="a short name, letters/digits/dashes (e.g. asan)")
        trust.add_argument("pem", help="the certificate file")
        crl = sub.add_parser("crl", help="write the current CRL (DER)")
        crl.add_argument("output")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if not settings.EPROK_SIGNING_CA_PASSPHRASE and action in {"init", "crl"}:
            self.stderr.write(
                "EPROK_SIGNING_CA_PASSPHRASE is not set: the CA key uses a passphrase derived from "
                "SECRET_KEY (development and demo only)."
            )
        with work_context(WorkContext(source="cli")):
            if action == "init":
                authority, created = ca.ca_init()
                if created:
                    audit_record(
                        actor=None,
                        action="signing.ca.create",
                        target_type="signing.ca",
                        target_id=ca.fingerprint(authority.certificate)[:64],
                        data={"subject": authority.certificate.subject.rfc4514_string()},
                    )
                self.stdout.write(
                    ("created " if created else "exists ") + self._describe(authority.certificate)
                )
                # The organisation's e-seals (eprok.signing.seal): issued here, renewed when expiring.
                from eprok.signing.seal import SEALS, seal_ensure

                for name in SEALS:
                    sealed, new = seal_ensure(name)
                    self.stdout.write(("created " if new else "exists ") + self._describe(sealed.certificate))
            elif action == "show":
                self.stdout.write(self._describe(ca.ca_certificate()))
                for root in ca.trusted_certificates()[1:]:
                    self.stdout.write("trusted " + self._describe(root))
            elif action == "trust":
                try:
                    path = ca.trust_add(options["name"], Path(options["pem"]).read_bytes())
                except (OSError, ValueError) as exc:
                    raise CommandError(f"cannot trust it: {exc}") from exc
                audit_record(
                    actor=None,
                    action="signing.ca.trust",
                    target_type="signing.ca",
                    target_id=options["name"][:64],
                )
                self.stdout.write(f"trusted {path.name}")
            elif action == "crl":
                from eprok.signing.selectors import crl_der

                Path(options["output"]).write_bytes(crl_der())
                self.stdout.write(f"wrote {options['output']}")

    @staticmethod
    def _describe(certificate: Any) -> str:
        valid = f"{certificate.not_valid_before_utc:%Y-%m-%d} to {certificate.not_valid_after_utc:%Y-%m-%d}"
        digest = certificate.fingerprint(hashes.SHA256()).hex()
        return f"{certificate.subject.rfc4514_string()} valid {valid} sha256 {digest}"
