"""Application errors: every service raises one of these, mapped once for HTML and once for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A failure a user can understand; `message` is translatable, `code` is stable for clients."""

    code = "application_error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, code: str | None = None, details: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    code = "validation_error"
    status = 422
    default_message = _("Some fields are not valid.")


class NotFound(ApplicationError):
    """Raised both for what does not exist and for what the user may not see."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Forbidden(ApplicationError):
    """The user may see the object but not perform this action on it."""

    code = "forbidden"
    status = 403
    default_message = _("You do not have permission to do this.")


class Conflict(ApplicationError):
    code = "conflict"
    status = 409
    default_message = _("The record was changed in the meantime or the action is not allowed in its state.")


def form_apply_error(
    form: Any, exc: ApplicationError, *, aliases: dict[str, str] | None = None, ignore: tuple[str, ...] = ()
) -> None:
    """Put a service's error on an HTML form: every message of `exc.details` on the field it names
    (through `aliases` from the service's names to the form's), the messages naming no field of the form
    on the form itself. When no detail lands on a field, the error's own message goes on the field a
    "field" detail names, else on the form (or, for a generic message, the details' own messages).
    Keys in `ignore` are data, not messages."""
    details = exc.details if isinstance(exc.details, dict) else {}
    aliases = aliases or {}
    placed = False
    unplaced: list[str] = []
    for key, message in details.items():
        if key == "field" or key in ignore or not isinstance(message, str):
            continue
        name = aliases.get(key, key)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
        else:
            unplaced.append(message)
    if placed:
        for message in unplaced:
            form.add_error(None, message)
        return
    field = details.get("field")
    target = aliases.get(field, field) if isinstance(field, str) else None
    if target in form.fields:
        form.add_error(target, str(exc.message))
    elif unplaced and str(exc.message) == str(exc.default_message):
        form.add_error(None, " ".join(unplaced))
    else:
        form.add_error(None, str(exc.message))
