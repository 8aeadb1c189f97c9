"""An ApplicationError escaping an HTML view becomes its translated error page, never a 500."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from eprok.core.errors import Conflict, Forbidden, NotFound
from eprok.core.middleware import ApplicationErrorMiddleware


def _render(exc, path="/org/units/x/", user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    middleware = ApplicationErrorMiddleware(lambda r: HttpResponse())
    return middleware.process_exception(request, exc)


def test_not_found_becomes_a_404_page(db):
    response = _render(NotFound())
    assert response.status_code == 404


def test_forbidden_becomes_a_403_page_with_the_message(db):
    with translation.override("en"):
        response = _render(Forbidden("You may not end this assignment."))
    assert response.status_code == 403
    assert "You may not end this assignment." in response.content.decode()


def test_a_conflict_is_shown_in_azerbaijani_by_default(db):
    with translation.override("az"):
        response = _render(Conflict())
    assert response.status_code == 409
    assert "<html" in response.content.decode()


def test_api_paths_are_left_to_the_api_error_handlers(db):
    assert _render(NotFound(), path="/api/v1/org/units/x") is None


def test_other_exceptions_are_not_swallowed(db):
    assert _render(ValueError("boom")) is None
