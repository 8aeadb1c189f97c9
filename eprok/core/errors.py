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
