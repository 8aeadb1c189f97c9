"""Fixtures shared by the whole suite: personas, an audit helper, signed-in clients."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("EPROK_TESTING", "1")
# Files the tests write (uploads, generated PDFs, the CA and e-seal keys of a completion hook) go to a scratch
# directory of this test process, never to the demo's var/.
_SCRATCH = tempfile.mkdtemp(prefix="eprok-tests-")
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
os.environ.setdefault("MEDIA_ROOT", os.path.join(_SCRATCH, "media"))
os.environ.setdefault("EPROK_SIGNING_DIR", os.path.join(_SCRATCH, "signing"))

import pytest  # noqa: E402 (after the environment above)

from eprok.core.testing.access_matrix import login_as  # noqa: E402
from eprok.core.testing.personas import Personas, make_personas  # noqa: E402

# The browser journeys' shared server and Chromium (one per session).
pytest_plugins = ["eprok.core.testing.browser", "eprok.gateway.testing"]


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


@pytest.fixture
def audit_events(db):
    """Call to get the audit events written since the test began, oldest first."""
    from eprok.audit.models import AuditEvent

    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def events(action: str | None = None):
        qs = AuditEvent.objects.filter(id__gt=start).order_by("id")
        return list(qs.filter(action=action) if action else qs)

    return events


@pytest.fixture
def signed_in(client):
    """Call with a user to sign the test client in (two-factor passed)."""

    def sign_in(user):
        login_as(client, user)
        return client

    return sign_in


@pytest.fixture
def english(client, settings):
    """Pages and messages in English, for tests that read the source strings (`usefixtures("english")`)."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


WHITENOISE_SETTINGS = (
    "WHITENOISE_ALLOW_ALL_ORIGINS",
    "WHITENOISE_CHARSET",
    "WHITENOISE_MIMETYPES",
    "WHITENOISE_ADD_HEADERS_FUNCTION",
    "WHITENOISE_INDEX_FILE",
    "WHITENOISE_IMMUTABLE_FILE_TEST",
)


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """WhiteNoise lists the static files of every finder when its middleware starts, and the test client
    starts the middleware anew for each client (each test): a few thousand files each time, a good part of
    a view test's time. Here a middleware configured like an earlier one takes that earlier listing (the
    same StaticFile entries, which only read their file when served); the files do not change during a
    run. Requests are served by the same code as before.
    """
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    listings: dict[str, dict] = {}
    scan = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self) -> None:
        # What the listing depends on: the prefix, the finders and how the middleware builds its headers.
        key = repr(
            (
                self.static_prefix,
                self.max_age,
                [getattr(settings, name, None) for name in WHITENOISE_SETTINGS],
                settings.STATICFILES_DIRS,
                settings.STATICFILES_FINDERS,
                settings.INSTALLED_APPS,
                settings.STORAGES.get("staticfiles"),
            )
        )
        listed = listings.get(key)
        if listed is None:
            before = dict(self.files)
            scan(self)
            listed = listings[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(listed)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield
