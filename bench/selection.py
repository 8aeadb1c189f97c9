"""Which optional data sets a selection of scenarios needs. Read by `eprok bench` before Django is set up
(to decide whether a reused database has what the run needs) and by the seeders that skip themselves."""

from __future__ import annotations

from collections.abc import Iterable

# data set -> the scenarios that read it (documents with text and the search index: bench.seeding_search)
OPTIONAL_DATA: dict[str, frozenset[str]] = {
    "search": frozenset({"search", "search_page"}),
}


def needs(data: str, scenarios: Iterable[str] | None) -> bool:
    """Whether the scenarios selected (None: all of them) read the optional data set `data`."""
    return scenarios is None or bool(OPTIONAL_DATA[data] & set(scenarios))


def seeded_for(scenarios: Iterable[str] | None) -> dict[str, bool]:
    """Which optional data sets a seeding for these scenarios loads (kept with a reusable database)."""
    selected = None if scenarios is None else list(scenarios)
    return {data: needs(data, selected) for data in OPTIONAL_DATA}
