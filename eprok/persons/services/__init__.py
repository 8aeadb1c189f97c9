"""Writes to the person registry: persons, their documents, addresses and phones, and merges.

Every function takes keyword arguments and an `actor`, checks its guard before writing anything,
changes rows in one transaction and records one audit event. Who may call which function is decided
by eprok.persons.access in the views and the API. The package is split by sub-entity: `records`
(the person itself), `details` (documents, addresses, phones) and `merging` (duplicates).
"""

from __future__ import annotations

from eprok.persons.services.details import (
    person_add_address,
    person_add_document,
    person_add_phone,
    person_remove_address,
    person_remove_document,
    person_remove_phone,
)
from eprok.persons.services.merging import person_merge
from eprok.persons.services.records import (
    ALL_FIELDS,
    LEGAL_FIELDS,
    MERGED,
    NATURAL_FIELDS,
    STALE,
    compute_name_key,
    person_create,
    person_record_export,
    person_record_view,
    person_update,
    snapshot,
)

__all__ = [
    "ALL_FIELDS",
    "LEGAL_FIELDS",
    "MERGED",
    "NATURAL_FIELDS",
    "STALE",
    "compute_name_key",
    "person_add_address",
    "person_add_document",
    "person_add_phone",
    "person_create",
    "person_merge",
    "person_record_export",
    "person_record_view",
    "person_remove_address",
    "person_remove_document",
    "person_remove_phone",
    "person_update",
    "snapshot",
]
