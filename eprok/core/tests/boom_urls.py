"""A URL that fails, to test the 500 page end to end."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure for the test")


urlpatterns = [path("boom/", boom)]
handler500 = "eprok.core.views.server_error"
