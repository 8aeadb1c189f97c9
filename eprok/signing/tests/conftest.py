"""Fixtures of the signing tests: a CA in a temporary directory, small PDFs made with WeasyPrint, pdfsig."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PDFSIG = shutil.which("pdfsig")
CERTUTIL = shutil.which("certutil")


@pytest.fixture(autouse=True)
def clean_cache(settings) -> Iterator[None]:
    """Rate limits and lockouts of the portal live in the cache: each test starts without any."""
    from django.core.cache import caches

    caches[settings.EPROK_PORTAL_CACHE].clear()
    yield
    caches[settings.EPROK_PORTAL_CACHE].clear()


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages in English, so the tests read the source strings (the catalogs are tested elsewhere)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def signing_dir(settings, tmp_path: Path) -> Path:
    """Every signing test gets its own CA directory; the CA is created on first use."""
    directory = tmp_path / "signing"
    settings.EPROK_SIGNING_DIR = str(directory)
    settings.EPROK_SIGNING_CA_PASSPHRASE = "test CA passphrase"
    return directory


@pytest.fixture
def ca(signing_dir: Path):
    from eprok.signing import ca as ca_module

    authority, _created = ca_module.ca_init()
    return authority


def make_pdf(text: str = "Qərar: cinayət işinin başlanması barədə", pages: int = 1) -> bytes:
    from weasyprint import HTML

    body = "".join(
        f'<section style="page-break-after: always"><h1>{text}</h1><p>Səhifə {n + 1}</p></section>'
        for n in range(pages)
    )
    return bytes(HTML(string=f"<html><body>{body}</body></html>").write_pdf())


@pytest.fixture
def pdf_bytes() -> bytes:
    return make_pdf()


def pdfsig_required() -> None:
    """Skip where poppler's pdfsig is missing, except in CI, where a skip would hide a failure."""
    if PDFSIG and CERTUTIL:
        return
    reason = "poppler's pdfsig and NSS certutil are needed (apt install poppler-utils libnss3-tools)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"pdfsig tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class PdfSig:
    nssdir: Path

    def __call__(self, content: bytes, tmp_path: Path) -> str:
        path = tmp_path / "checked.pdf"
        path.write_bytes(content)
        result = subprocess.run(  # noqa: S603 - fixed program, a file of our own
            [str(PDFSIG), "-nssdir", f"sql:{self.nssdir}", str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        return result.stdout + result.stderr


@pytest.fixture
def pdfsig(tmp_path: Path, ca) -> Iterator[PdfSig]:
    """pdfsig with an NSS database that trusts the organisation's CA (and nothing else)."""
    pdfsig_required()
    from cryptography.hazmat.primitives import serialization

    nssdir = tmp_path / "nss"
    nssdir.mkdir()
    subprocess.run([str(CERTUTIL), "-N", "-d", f"sql:{nssdir}", "--empty-password"], check=True)  # noqa: S603
    ca_file = tmp_path / "org-ca.pem"
    ca_file.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    subprocess.run(  # noqa: S603
        [str(CERTUTIL), "-A", "-d", f"sql:{nssdir}", "-n", "eprok-ca", "-t", "CT,C,C", "-i", str(ca_file)],
        check=True,
    )
    yield PdfSig(nssdir=nssdir)


# --- documents to sign ---------------------------------------------------------------------------

PASSPHRASE = "my signing passphrase"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EPROK_CLAMAV_SOCKET = ""
    settings.EPROK_VERIFY_URL = "https://portal.example.az/portal/verify/"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(personas):
    """investigator: the case's investigator (signs as author); superior: supervises the city (approves);
    colleague: same office, no access to the case; outsider: another office; admin: administers users."""
    from eprok.core.calendar import workdays
    from eprok.org.roles import Role
    from eprok.org.tests.factories import RoleAssignmentFactory

    workdays.invalidate()
    RoleAssignmentFactory(employee=personas.colleague, role=Role.INVESTIGATE, unit=personas.unit)
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )
    return personas


@pytest.fixture
def case(people):
    from eprok.cases.tests.factories import make_case

    return make_case(actor=people.investigator, unit=people.unit, supervisor=people.superior)


@pytest.fixture
def document(case, people):
    from eprok.documents.services import document_add_generated

    return document_add_generated(
        actor=people.investigator,
        owner_type="cases.case",
        owner=case,
        content=make_pdf(),
        file_name="qərar.pdf",
        title="Cinayət işinin başlanması haqqında qərar (məxfi mətn)",
        category="",
    )


@pytest.fixture
def keys(ca, people):
    """The investigator and the superior with signing keys (passphrase PASSPHRASE)."""
    from eprok.signing.services import certificate_issue

    return {
        "investigator": certificate_issue(actor=people.investigator, passphrase=PASSPHRASE),
        "superior": certificate_issue(actor=people.superior, passphrase=PASSPHRASE),
    }


# --- the ASAN İmza simulator, a separate process over real HTTP ---------------------------------


@dataclass
class AsanSim:
    url: str
    process: subprocess.Popen

    def post(self, path: str, body: dict | None = None) -> dict:
        import json
        import urllib.request

        request = urllib.request.Request(  # noqa: S310 - the local simulator
            self.url + path,
            data=json.dumps(body or {}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def confirm(self, transaction_id: str) -> dict:
        return self.post(f"/phone/{transaction_id}/confirm")

    def cancel(self, transaction_id: str) -> dict:
        return self.post(f"/phone/{transaction_id}/cancel")

    def enrol(self, phone: str, asan_id: str, name: str, fin: str = "") -> dict:
        """Give this phone + ASAN ID a card in the holder's name and FIN (the subject's serialNumber)."""
        return self.post(
            "/control/users", {"phoneNumber": phone, "userId": asan_id, "name": name, "fin": fin}
        )

    def enrol_employee(self, phone: str, asan_id: str, employee) -> dict:
        return self.enrol(phone, asan_id, employee.full_name, employee.fin or "")

    def faults(self, **kwargs) -> dict:
        return self.post("/control/faults", kwargs)


ASAN_SECRET = "simulator client secret"


@pytest.fixture
def asan_sim(settings, tmp_path: Path, ca) -> Iterator[AsanSim]:
    """simulators/asan.py on a socket bound here (no port race, no sleeping); its CA trusted by eprok."""
    import socket
    import sys
    import urllib.request

    from django.conf import settings as django_settings

    from eprok.signing import ca as ca_module

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    log = (tmp_path / "asan-sim.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "simulators.asan",
            "--fd",
            str(listener.fileno()),
            "--state",
            str(tmp_path / "asan"),
        ],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "ASAN_SIM_CLIENT_SECRET": ASAN_SECRET},
        pass_fds=(listener.fileno(),),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with urllib.request.urlopen(f"{url}/ca.pem", timeout=60) as response:  # noqa: S310
            ca_module.trust_add("asan", response.read())
        settings.EPROK_ASAN_URL = url
        settings.EPROK_ASAN_CLIENT_ID = "eprok"
        settings.EPROK_ASAN_CLIENT_SECRET = ASAN_SECRET
        yield AsanSim(url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        listener.close()
        log.close()
