"""`eprok seed`: the service's structure and demo staff (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = "Load the prosecution service's structure and demo employees (re-running changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="multiply the number of demo employees")
        parser.add_argument(
            "--structure-only", action="store_true", help="only units, positions and class ranks"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from eprok.org.seeding import EMPLOYEES_PER_SCALE, seed

        scale = max(1, int(options["scale"]))
        with work_context(WorkContext(source="cli")):
            report, _logins = seed(scale=scale, structure_only=options["structure_only"])
            from eprok.special.classifiers import load_incident_types

            # The incident types' routing to departments, now that the departments exist.
            load_incident_types()
        self.stdout.write(
            f"units +{report.units_created}, positions +{report.positions_created}, "
            f"class ranks +{report.ranks_created}, employees +{report.employees_created}, "
            f"role assignments +{report.assignments_created}, authenticators +{report.devices_created}"
        )
        if not options["structure_only"]:
            self.stdout.write(
                f"demo staff: {EMPLOYEES_PER_SCALE * scale} generated employees plus the demo logins"
            )
            from eprok.cases.seeding import seed_casework

            with work_context(WorkContext(source="cli")):
                casework = seed_casework()
            if casework.materials is not None:
                self.stdout.write(
                    f"casework: crime reports +{casework.materials.created}, "
                    f"criminal cases +{casework.opened}"
                )
            from eprok.appeals.seeding import seed_appeals

            with work_context(WorkContext(source="cli")):
                appeals = seed_appeals()
            self.stdout.write(f"appeals: +{appeals.created}, reception log +{appeals.receptions}")
            from eprok.contact.seeding import seed_contact

            with work_context(WorkContext(source="cli")):
                contact = seed_contact()
            self.stdout.write(
                f"call centre and hotline: calls +{contact.calls}, hotline reports +{contact.hotline_reports}"
            )
            from eprok.documents.seeding import seed_documents

            with work_context(WorkContext(source="cli")):
                documents = seed_documents()
            self.stdout.write(
                f"documents: +{documents.documents}, letters +{documents.letters}, "
                f"resolutions +{documents.resolutions}"
            )
            from django.core.management import call_command

            from eprok.signing.seeding import seed_signing

            call_command("signing_ca", "init", verbosity=0)
            with work_context(WorkContext(source="cli")):
                signing = seed_signing()
            self.stdout.write(f"signing: keys +{signing.keys}, signed documents +{signing.signed}")
            from eprok.special.seeding import seed_special

            with work_context(WorkContext(source="cli")):
                special = seed_special()
            self.stdout.write(f"special reports: +{special.reports}, follow-ups +{special.follow_ups}")
            from eprok.supervision.seeding import seed_supervision

            with work_context(WorkContext(source="cli")):
                supervision = seed_supervision()
            self.stdout.write(
                f"supervision: cases +{supervision.cases}, acts +{supervision.acts}, "
                f"violations +{supervision.violations}"
            )
            from eprok.courtwork.seeding import seed_courtwork

            with work_context(WorkContext(source="cli")):
                courtwork = seed_courtwork()
            self.stdout.write(f"court proceedings: +{courtwork.proceedings}, hearings +{courtwork.hearings}")
            from eprok.training.seeding import seed_training

            with work_context(WorkContext(source="cli")):
                training = seed_training()
            self.stdout.write(
                f"training: events +{training.events}, evaluations +{training.evaluations}, "
                f"plans +{training.plans}, unit heads +{training.heads}"
            )
            from eprok.learning.seeding import seed_learning

            with work_context(WorkContext(source="cli")):
                learning = seed_learning()
            self.stdout.write(
                f"distance learning: courses +{learning.courses}, enrolments +{learning.enrolments}"
            )
            from eprok.search.services import reindex

            indexed = reindex()  # the search index of everything seeded (manage.py search_reindex)
            self.stdout.write(f"search index: {sum(indexed.values())} records")
