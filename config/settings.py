"""Settings for eprok: one file, driven by environment variables.

SQLite is the embedded default; set DATABASE_URL for PostgreSQL. EPROK_ENV=production turns on
the production checks (a secret key and allowed hosts are then mandatory).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("EPROK_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
# The test suite sets EPROK_TESTING (and runs under pytest): fast hashing, immediate tasks, local mail.
TESTING = envbool("EPROK_TESTING") or "pytest" in sys.modules

DEBUG = envbool("DEBUG", "False" if PRODUCTION else "True")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
if PRODUCTION:
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("EPROK_ENV=production requires SECRET_KEY (at least 50 characters).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("EPROK_ENV=production requires ALLOWED_HOSTS.")
else:
    # A development-only key; production refuses to start without its own.
    SECRET_KEY = SECRET_KEY or "dev-insecure-key-for-local-use-only-0123456789abcdefghijklmnop"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver", "[::1]"]

CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "eprok.core",
    "eprok.org",
    "eprok.audit",
    "eprok.accounts",
    "eprok.notifications",
    "eprok.criminal_code",
    "eprok.persons",
    "eprok.materials",
    "eprok.cases",
    "eprok.appeals",
    "eprok.contact",
    "eprok.portal",
    "eprok.documents",
    "eprok.signing",
    "eprok.search",
    "eprok.drafting",
    "eprok.special",
    "eprok.training",
    "eprok.learning",
    "eprok.supervision",
    "eprok.courtwork",
    "eprok.stats",
    "eprok.gateway",
]

MIDDLEWARE = [
    "eprok.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "eprok.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "eprok.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "eprok.accounts.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eprok.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eprok.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "eprok.sqlite3")))
    # The embedded default must work on a fresh clone, where var/ does not exist yet.
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so the audit hash chain never races.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                    " PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "org.Employee"
# ModelBackend that loads the signed-in employee with their unit in one query (eprok/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["eprok.accounts.backends.EmployeeBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:my_work"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not what the suite tests; Argon2 stays the production hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout after repeated failures and idle session expiry (minutes).
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = envint("SESSION_MAX_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "eprok")
CSRF_FAILURE_VIEW = "eprok.accounts.views.csrf_failure"

# --- Security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Strict CSP: no inline script or style, nothing from outside the origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "az"
LANGUAGES = [("az", "Azərbaycanca"), ("en", "English"), ("ru", "Русский")]
LANGUAGE_COOKIE_NAME = "eprok_language"
# Each app keeps its own catalog in eprok/<app>/locale/.
LOCALE_PATHS: list[Path] = []
USE_I18N = True
TIME_ZONE = "Asia/Baku"
USE_TZ = True

# --- Static and media files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded and generated files: local disk under MEDIA_ROOT by default. At scale, an S3-compatible object
# store: EPROK_FILE_STORAGE=storages.backends.s3.S3Storage (install django-storages[s3]) with its options
# as JSON in EPROK_FILE_STORAGE_OPTIONS (bucket_name, endpoint_url, ...; credentials from its own env).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("EPROK_FILE_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("EPROK_FILE_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Background tasks ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "eprok@localhost")
# SMTP (production): host, port, login and TLS from the environment; the file backend uses EMAIL_FILE_PATH.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# --- Outbound messages to citizens (eprok.notifications.outbound) ----------------------------
# SMS backend: console (development), file (JSON lines in EPROK_SMS_FILE_PATH), http (a JSON gateway), locmem.
EPROK_SMS_BACKEND = "locmem" if TESTING else os.environ.get("EPROK_SMS_BACKEND", "console")
EPROK_SMS_URL = os.environ.get("EPROK_SMS_URL", "")
EPROK_SMS_API_KEY = os.environ.get("EPROK_SMS_API_KEY", "")
EPROK_SMS_SENDER = os.environ.get("EPROK_SMS_SENDER", "eprok")
EPROK_SMS_TIMEOUT = envint("EPROK_SMS_TIMEOUT", 10)
EPROK_SMS_FILE_PATH = os.environ.get("EPROK_SMS_FILE_PATH", str(BASE_DIR / "var" / "sms"))
# `send_outbound --retry` tries a failed message at most this many times in all.
EPROK_OUTBOUND_MAX_ATTEMPTS = envint("EPROK_OUTBOUND_MAX_ATTEMPTS", 5)
# Where citizens check their appeal or hotline report; messages link here.
EPROK_PORTAL_URL = os.environ.get("EPROK_PORTAL_URL", SITE_URL.rstrip("/") + "/portal/")

# --- Electronic signature (eprok.signing; docs/operations.md) ----------------------------------
# The organisation's CA (key encrypted with EPROK_SIGNING_CA_PASSPHRASE) and trusted roots live here,
# never in the database. Back this directory up; keep it outside the web root.
EPROK_SIGNING_DIR = os.environ.get("EPROK_SIGNING_DIR", str(BASE_DIR / "var" / "signing"))
# Required in production; elsewhere a passphrase derived from SECRET_KEY is used (demo only).
EPROK_SIGNING_CA_PASSPHRASE = os.environ.get("EPROK_SIGNING_CA_PASSPHRASE", "")
# The organisation's e-seals' keys (eprok.signing.seal), kept in EPROK_SIGNING_DIR: the same rule.
EPROK_SIGNING_SEAL_PASSPHRASE = os.environ.get("EPROK_SIGNING_SEAL_PASSPHRASE", "")
EPROK_SIGNING_ORGANISATION = os.environ.get(
    "EPROK_SIGNING_ORGANISATION", "Prosecutor General's Office (eprok)"
)
EPROK_SIGNING_CERT_DAYS = envint("EPROK_SIGNING_CERT_DAYS", 730)
EPROK_SIGNING_MIN_PASSPHRASE = envint("EPROK_SIGNING_MIN_PASSPHRASE", 10)
# ASAN İmza mobile signature service (simulators/asan.py in the demo and tests); EPROK_ASAN_URL is set
# below, next to the simulators' ports.
EPROK_ASAN_CLIENT_ID = os.environ.get("EPROK_ASAN_CLIENT_ID", "eprok")
EPROK_ASAN_CLIENT_SECRET = os.environ.get("EPROK_ASAN_CLIENT_SECRET", "")
EPROK_ASAN_TIMEOUT = envint("EPROK_ASAN_TIMEOUT", 10)
# Video meetings of training events (eprok.training.meetings): Jitsi needs no account; Zoom is used only
# when EPROK_ZOOM_URL (the API base, e.g. https://api.zoom.us/v2) is set. The secret is never logged.
EPROK_JITSI_BASE_URL = os.environ.get("EPROK_JITSI_BASE_URL", "https://meet.jit.si")
EPROK_ZOOM_URL = os.environ.get("EPROK_ZOOM_URL", "")
EPROK_ZOOM_OAUTH_URL = os.environ.get("EPROK_ZOOM_OAUTH_URL", "https://zoom.us/oauth/token")
EPROK_ZOOM_ACCOUNT_ID = os.environ.get("EPROK_ZOOM_ACCOUNT_ID", "")
EPROK_ZOOM_CLIENT_ID = os.environ.get("EPROK_ZOOM_CLIENT_ID", "")
EPROK_ZOOM_CLIENT_SECRET = os.environ.get("EPROK_ZOOM_CLIENT_SECRET", "")
EPROK_ZOOM_TIMEOUT = envint("EPROK_ZOOM_TIMEOUT", 10)
# Public verification page of signed documents (the QR code leads to <this>verify/<code>/).
EPROK_VERIFY_URL = os.environ.get("EPROK_VERIFY_URL", EPROK_PORTAL_URL.rstrip("/") + "/verify/")

# --- Uploads (eprok.core.uploads) ------------------------------------------------------------
EPROK_UPLOAD_MAX_BYTES = envint("EPROK_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
EPROK_UPLOAD_MAX_FILES = envint("EPROK_UPLOAD_MAX_FILES", 10)
# clamd for virus scanning: a Unix socket path or host:port; empty skips scanning. When it is set but
# clamd cannot be reached, uploads are refused unless EPROK_CLAMAV_FAIL_OPEN is on.
EPROK_CLAMAV_SOCKET = os.environ.get("EPROK_CLAMAV_SOCKET", "")
EPROK_CLAMAV_TIMEOUT = envint("EPROK_CLAMAV_TIMEOUT", 30)
EPROK_CLAMAV_FAIL_OPEN = envbool("EPROK_CLAMAV_FAIL_OPEN")
# Stored uploads are readable by the service account only.
# The first handler refuses a multipart body larger than every allowed file together before reading it
# (EPROK_REQUEST_MAX_BYTES; default EPROK_UPLOAD_MAX_BYTES × EPROK_UPLOAD_MAX_FILES + 1 MB).
FILE_UPLOAD_HANDLERS = [
    "eprok.core.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
EPROK_REQUEST_MAX_BYTES = envint("EPROK_REQUEST_MAX_BYTES", 0)
# Documents: OCR (OCRmyPDF + Tesseract; off or missing programs → "unavailable"), the sweep's grace period.
EPROK_OCR_ENABLED = os.environ.get("EPROK_OCR_ENABLED", "1") != "0"
EPROK_OCR_LANGUAGES = os.environ.get("EPROK_OCR_LANGUAGES", "aze+rus+eng")
EPROK_OCR_TIMEOUT = envint("EPROK_OCR_TIMEOUT", 600)
EPROK_DOCUMENTS_SWEEP_GRACE_HOURS = envint("EPROK_DOCUMENTS_SWEEP_GRACE_HOURS", 24)
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Demo and simulators ---------------------------------------------------------------------
DEMO_HOST = os.environ.get("DEMO_HOST", "127.0.0.1")
DEMO_PORT = envint("PORT", 8000)
# Later modules start their simulators on ports counted up from this base.
SIMULATOR_BASE_PORT = envint("SIMULATOR_BASE_PORT", DEMO_PORT + 100)
# The ASAN İmza service; the demo runs its simulator on the first simulator port.
EPROK_ASAN_URL = os.environ.get("EPROK_ASAN_URL", f"http://{DEMO_HOST}:{SIMULATOR_BASE_PORT}")

# The e-Government gateway (eprok.gateway): the security server every outbound X-Road call goes to, and
# per-provider overrides (JSON {"AZ/GOV/1900000051/ecourt": "http://host:port"}) — the demo runs the
# registers' simulator on the third simulator port and the e-Court's on the fourth. EPROK_XROAD_CLIENT is
# eprok's own subsystem: the X-Road-Client of its calls and the provider the inbound services answer as.
EPROK_XROAD_URL = os.environ.get("EPROK_XROAD_URL", f"http://{DEMO_HOST}:{SIMULATOR_BASE_PORT + 2}")
EPROK_XROAD_MEMBER_URLS: dict[str, str] = json.loads(
    os.environ.get("EPROK_XROAD_MEMBER_URLS")
    or json.dumps({"AZ/GOV/1900000051/ecourt": f"http://{DEMO_HOST}:{SIMULATOR_BASE_PORT + 3}"})
)
EPROK_XROAD_CLIENT = os.environ.get("EPROK_XROAD_CLIENT", "AZ/GOV/1500000061/eprok")
# Seconds before the first retry of a failed call; doubled for each further retry (at most 10 s).
EPROK_XROAD_BACKOFF = float(os.environ.get("EPROK_XROAD_BACKOFF", "0.5"))
# The bearer token eprok's security server adds to the inbound X-Road messages it forwards (empty: not
# checked; the allow-list still is). See docs/decisions/0018-gateway-x-road.md.
EPROK_XROAD_INBOUND_TOKEN = os.environ.get("EPROK_XROAD_INBOUND_TOKEN", "")

# `eprok bench` sets this on the server it starts: routes the bare baseline views under /_bench/.
BENCH_BASELINE = envbool("EPROK_BENCH_BASELINE")

# Register numbers (eprok.core.numbering): register -> pattern with {prefix} {unit} {year} {yy} {seq};
# e.g. EPROK_REGISTER_PATTERNS='{"materials": "{prefix}-{unit}-{year}-{seq:05d}"}'. Defaults in numbering.py.
EPROK_REGISTER_PATTERNS: dict[str, str] = json.loads(os.environ.get("EPROK_REGISTER_PATTERNS") or "{}")
EPROK_REGISTER_PREFIXES: dict[str, str] = json.loads(os.environ.get("EPROK_REGISTER_PREFIXES") or "{}")
# Deadline alerts (eprok.core.calendar.tracking): a term is "approaching" this many days before it runs out.
EPROK_DEADLINE_WARNING_DAYS = envint("EPROK_DEADLINE_WARNING_DAYS", 2)
# Search: the newest matching records a user may open that are counted, faceted and paged (decision 0015).
SEARCH_CANDIDATE_LIMIT = envint("EPROK_SEARCH_CANDIDATE_LIMIT", 500)
# Special reports (eprok.special): the unit whose duty prosecutor receives every report.
EPROK_SPECIAL_DUTY_UNIT = os.environ.get("EPROK_SPECIAL_DUTY_UNIT", "gpo")
# Generated documents (eprok.drafting): the place printed under their number and date.
EPROK_DRAFTING_PLACE = os.environ.get("EPROK_DRAFTING_PLACE", "Bakı şəhəri")
# The 961/161 telephony systems' signing secrets, {"<pbx code>": "<secret>"} (never in the database; see
# eprok/contact/pbx.py). Outside production a PBX without one uses EPROK_PBX_DEMO_SECRET (or a derived one).
EPROK_PBX_SECRETS: dict[str, str] = json.loads(os.environ.get("EPROK_PBX_SECRETS") or "{}")
EPROK_PBX_DEMO_SECRET = os.environ.get("EPROK_PBX_DEMO_SECRET", "")
# The units that run the call centre and the hotline (the portal's hotline reports go to the latter).
EPROK_CONTACT_UNITS: dict[str, str] = json.loads(
    os.environ.get("EPROK_CONTACT_UNITS") or '{"961": "gpo-documents", "161": "acgd-organisation"}'
)
# The e-Government portal's clients of POST /api/v1/appeals/egov/inbound until the X-Road gateway exists:
# {"<X-Road member id>": "<sha256 hex of its bearer secret>"} (docs/operations.md), and the receiving unit.
EPROK_EGOV_CLIENTS: dict[str, str] = json.loads(os.environ.get("EPROK_EGOV_CLIENTS") or "{}")
EPROK_EGOV_APPEALS_UNIT = os.environ.get("EPROK_EGOV_APPEALS_UNIT", "gpo-documents")
# The largest request body Django reads (JSON with base64 attachments from the e-Government portal is
# about 4/3 of the files); larger bodies are answered 413. Django's default is 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

# --- Public portal (eprok.portal; docs/decisions/0011-public-portal-abuse-protection.md) ----------
# The unit whose register receives the appeals citizens send through the portal.
EPROK_PORTAL_APPEALS_UNIT = os.environ.get("EPROK_PORTAL_APPEALS_UNIT", "gpo-documents")
# Proof-of-work: leading zero bits of sha256(challenge + counter) the visitor's browser must find
# (16 bits: ~65,000 hashes, well under a second on a current phone), and how long a challenge lasts.
EPROK_PORTAL_POW_DIFFICULTY = envint("EPROK_PORTAL_POW_DIFFICULTY", 16 if PRODUCTION else 10)
EPROK_PORTAL_POW_MAX_AGE = envint("EPROK_PORTAL_POW_MAX_AGE", 2 * 3600)
# Requests per client address (kept only as a keyed hash in the cache): "count/period", period s/m/h/d.
EPROK_PORTAL_RATE_APPEAL = os.environ.get("EPROK_PORTAL_RATE_APPEAL", "10/h")
EPROK_PORTAL_RATE_REPORT = os.environ.get("EPROK_PORTAL_RATE_REPORT", "10/h")
EPROK_PORTAL_RATE_LOOKUP = os.environ.get("EPROK_PORTAL_RATE_LOOKUP", "30/h")
EPROK_PORTAL_RATE_MESSAGE = os.environ.get("EPROK_PORTAL_RATE_MESSAGE", "30/h")
# Look-ups of signed documents by verification code (page and API; QR scans count too).
EPROK_PORTAL_RATE_VERIFY = os.environ.get("EPROK_PORTAL_RATE_VERIFY", "120/h")
# Wrong receipt codes: after this many for one register number (three times as many for one client
# address), look-ups are locked for the lockout period.
EPROK_PORTAL_LOOKUP_MAX_FAILURES = envint("EPROK_PORTAL_LOOKUP_MAX_FAILURES", 5)
EPROK_PORTAL_LOOKUP_LOCKOUT_MINUTES = envint("EPROK_PORTAL_LOOKUP_LOCKOUT_MINUTES", 15)
# Attachments of a portal appeal: how many, and the size of each.
EPROK_PORTAL_MAX_ATTACHMENTS = envint("EPROK_PORTAL_MAX_ATTACHMENTS", 5)
EPROK_PORTAL_MAX_ATTACHMENT_MB = envint("EPROK_PORTAL_MAX_ATTACHMENT_MB", 10)
# A reporter who entered their receipt code reads the conversation for this long without re-entering it.
EPROK_PORTAL_THREAD_MINUTES = envint("EPROK_PORTAL_THREAD_MINUTES", 15)
# The cache alias holding the counters and spent challenges; with several app servers, point it at a
# cache they share (CACHES), or each server counts on its own.
EPROK_PORTAL_CACHE = os.environ.get("EPROK_PORTAL_CACHE", "default")

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "eprok.core.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # PDF rendering and font subsetting log every step at INFO: one line per glyph list per document.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},
    },
}

EPROK_TITLE = _("Electronic Prosecution")

# Statistics (eprok.stats): open data hides counts below this threshold (and what would reveal them);
# report exports with more rows than EPROK_STATS_INTERACTIVE_ROWS are built by the worker, and their
# files are kept EPROK_STATS_EXPORT_DAYS days.
EPROK_OPEN_DATA_THRESHOLD = envint("EPROK_OPEN_DATA_THRESHOLD", 5)
# A year of open data is published, and frozen, this many days after it ends.
EPROK_OPEN_DATA_CUTOFF_DAYS = envint("EPROK_OPEN_DATA_CUTOFF_DAYS", 90)
EPROK_STATS_INTERACTIVE_ROWS = envint("EPROK_STATS_INTERACTIVE_ROWS", 5000)
EPROK_STATS_EXPORT_DAYS = envint("EPROK_STATS_EXPORT_DAYS", 7)
