"""Person registry pages, split by what they do: searching, records (card, forms, rows), merging."""

from eprok.persons.views.common import safe_next, with_person
from eprok.persons.views.merging import merge
from eprok.persons.views.records import (
    address_add,
    address_remove,
    create,
    detail,
    document_add,
    document_remove,
    edit,
    phone_add,
    phone_remove,
)
from eprok.persons.views.search import export_csv, export_xlsx, pick, search

__all__ = [
    "address_add",
    "address_remove",
    "create",
    "detail",
    "document_add",
    "document_remove",
    "edit",
    "export_csv",
    "export_xlsx",
    "merge",
    "phone_add",
    "phone_remove",
    "pick",
    "safe_next",
    "search",
    "with_person",
]
