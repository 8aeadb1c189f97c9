"""`manage.py registers_dataset var/registers.json`: the register simulators' dataset from the persons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eprok.gateway.sim_data import write_dataset


class Command(BaseCommand):
    help = (
        "Write the dataset of the state-register simulators (python -m simulators.xroad --data FILE) from "
        "the persons and companies in the database: the same database and date give the same file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the JSON file to write, e.g. var/registers.json")
        parser.add_argument(
            "--today", default=None, help="the date the border crossings end at (YYYY-MM-DD; default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError("--today is a date YYYY-MM-DD") from None
        data = write_dataset(options["path"], today=today)
        self.stdout.write(
            f"{options['path']}: {len(data['persons'])} persons, {len(data['taxpayers'])} taxpayers, "
            f"{len(data['vehicles'])} vehicles, {len(data['properties'])} properties, "
            f"{sum(1 for r in data['records'].values() if r['convictions'])} with convictions"
        )
