"""Django settings for the perinatal safety platform.

One settings module, driven by environment variables so the same code runs the demo,
the tests and production:

- ``DATABASE_URL``: ``sqlite:///path`` (default ``var/perinatal.sqlite3``) or
  ``postgresql://user@host:port/name`` (production).
- ``PERINATAL_ENV``: ``demo`` (default) or ``production`` (HSTS, secure cookies, no
  debug, a real ``SECRET_KEY`` required).
- ``PERINATAL_NOW``: an ISO timestamp that fixes the service clock (demo and tests).
- ``OIDC_RP_CLIENT_ID`` and friends: turn on OpenID Connect sign-in (NHS CIS2), see
  docs/oidc.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
ENVIRONMENT = os.environ.get("PERINATAL_ENV", "demo")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "demo-only-secret-key-never-used-in-production")

DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1" and not PRODUCTION
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

SERVICE_NAME = "Perinatal safety platform"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "perinatal.core",
    "perinatal.organisations",
    "perinatal.accounts",
    "perinatal.notifications",
    "perinatal.dashboard",
    "perinatal.dashboard.pages",
    "perinatal.surveillance",
    "perinatal.equity",
    "perinatal.improvement",
    "perinatal.reports",
    "perinatal.web",
    "perinatal.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are sent compressed to browsers that accept it (issue 12: a dashboard page was 940 KB
    # of HTML; it is about a tenth of that on the wire). Django adds random bytes to each gzip
    # stream against BREACH, and CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    # API requests that are not JSON, too big or hold NUL characters are refused as JSON here
    # (perinatal.api.edge), before anything reads them.
    "perinatal.api.edge.ApiEdgeMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An address holding NUL or another control character is answered 400 before any view
    # looks it up (perinatal.core.middleware; the API refused it as JSON above).
    "perinatal.core.middleware.HostileAddressMiddleware",
    # Signed-in pages are never stored by the browser or a proxy (shared ward computers); a
    # session ends 12 hours after sign-in however active (perinatal.core.middleware).
    "perinatal.core.middleware.NoStoreForSignedInMiddleware",
    "perinatal.core.middleware.AbsoluteSessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "perinatal.accounts.middleware.RequireVerifiedSignInMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "perinatal.urls"
WSGI_APPLICATION = "perinatal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "perinatal.web.jinja.environment",
            "autoescape": True,
            "context_processors": ["perinatal.core.context_processors.csp_nonce"],
        },
    },
    {
        # Django's own templates (e.g. the admin-free error pages of third-party apps).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{REPO_DIR / 'var' / 'perinatal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the background worker use the file at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "web:home"

# Sessions: 15 minutes of inactivity signs the user out (the page warns 2 minutes before).
SESSION_INACTIVITY_SECONDS = int(os.environ.get("SESSION_INACTIVITY_SECONDS", "900"))
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
SESSION_COOKIE_AGE = SESSION_INACTIVITY_SECONDS
# However active, a session ends this long after sign-in (a shift): perinatal.core.middleware.
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp 4): no inline script or style except by nonce.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# django-axes: lock a username+IP pair out after repeated failed sign-ins.
# The proxies trusted to say who the client is and how it connected (X-Forwarded-For and
# -Proto): addresses or networks, comma-separated, or *. gunicorn reads the same setting.
FORWARDED_ALLOW_IPS = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Who an audit event's actor acts for: core asks accounts through this name (core sits below).
PERINATAL_ACTING_ORGANISATION = "perinatal.accounts.scoping.acting_organisation"
# What else ends when someone is suspended or removed: accounts sits below the apps that hold
# other credentials, so it calls these by name (docs/rules/accounts.md §4).
PERINATAL_ACCESS_ENDED_HOOKS = ["perinatal.web.access_ended.revoke_api_tokens_issued_by"]

AXES_LOCKOUT_CALLABLE = "perinatal.accounts.views.locked_out"
AXES_VERBOSE = False
# Behind the load balancer, the person's address, not the proxy's (perinatal.core.client_address).
AXES_CLIENT_IP_CALLABLE = "perinatal.core.client_address.client_address"

# django-otp
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1

# The dashboard's finished page rows and charts (perinatal.dashboard.selectors.row_cache) are kept
# in a table of the database, which every web process and the background worker share: the worker
# builds every page after an import, so the first viewer in any process waits no longer than the
# second (issue 13; ADR 0014). Other caching stays in each process's memory.
DASHBOARD_PAGE_CACHE_TABLE = "dashboard_page_cache"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "dashboard": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": DASHBOARD_PAGE_CACHE_TABLE,
        "TIMEOUT": 24 * 60 * 60,
        # Every organisation's page and the trusts' table for some days of data states.
        "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4},
    },
}

# Background tasks (delivery to national bodies, MOSS runs) use the database backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Daily jobs, queued once per day by `perinatal scheduler` (perinatal.core.schedule).
PERINATAL_DAILY_JOBS = [
    {
        "name": "moss-nightly",
        "at": os.environ.get("MOSS_NIGHTLY_AT", "02:15"),
        "task": "perinatal.surveillance.tasks.run_moss_task",
        "kwargs": {"trigger": "nightly"},
        "description": "MOSS over the births data (docs/rules/surveillance.md §1.4).",
    },
    {
        "name": "equity-programme-notices",
        "at": os.environ.get("EQUITY_PROGRAMME_NOTICES_AT", "07:00"),
        "task": "perinatal.equity.programme.services.notices.send_onboarding_notices_task",
        "description": (
            "Trusts told when their sites join the equity programme: notices not sent yet (docs/rules/equity.md §3)."
        ),
    },
    {
        "name": "improvement-clocks",
        "at": os.environ.get("IMPROVEMENT_CLOCKS_AT", "06:30"),
        "task": "perinatal.improvement.tasks.clock_turns_task",
        "description": "Tell the regional and national teams of improvement clocks that turned "
        "(docs/rules/improvement.md §2).",
    },
    {
        "name": "board-report-drafts",
        "at": os.environ.get("BOARD_REPORT_DRAFTS_AT", "06:00"),
        "task": "perinatal.reports.tasks.board_report_drafts_task",
        "description": "Last month's board report drafts for every live trust from the 5th working day, "
        "authors told (docs/rules/board_report.md §2).",
    },
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or REPO_DIR / "var" / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", REPO_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
]
# The NHS.UK stylesheet is served without its @font-face rules for NHS England's font host
# (perinatal.web.static_finders): no page fetches anything from another host.
STATICFILES_FINDERS = [
    "perinatal.web.static_finders.NhsukStylesheetFinder",
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
WHITENOISE_USE_FINDERS = not PRODUCTION
NHSUK_ASSET_PATH = STATIC_URL + "nhsuk/assets"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if os.environ.get("EMAIL_FILE_PATH"):  # the file backend's folder (the browser tests read the mail there)
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "perinatal-safety@nhs.example")

# Logging: never log identifiable data. The filter scrubs NHS numbers and postcodes
# from any record that slips through (defence in depth; code should not log them).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "perinatal.core.logging.RedactIdentifiersFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint (the board report's PDF) logs every layout step at INFO.
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# OpenID Connect (NHS CIS2 or any OIDC provider): off unless a client id is configured.
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "perinatal.accounts.oidc.CIS2Backend")
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
    OIDC_CREATE_USER = False  # users are authorised locally by their trust first
    LOGIN_REDIRECT_URL_FAILURE = "/sign-in/"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        OIDC_OP_AUTHORIZATION_ENDPOINT.split("/", 3)[:3] and "/".join(OIDC_OP_AUTHORIZATION_ENDPOINT.split("/", 3)[:3])
    )

# Paths of the reference data shipped inside the package.
REFERENCE_DATA_DIR = BASE_DIR / "organisations" / "reference_data"
