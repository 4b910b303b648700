"""Django settings for paicha.

One settings module: the embedded SQLite database by default, PostgreSQL when DATABASE_URL
points at it. Everything is served from this process; nothing is fetched from outside.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PAICHA_DATA_DIR", BASE_DIR.parent / "var"))
# The data (database, uploaded scans and rosters, backups) is personal data: only the account
# that runs the service may read it.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    # A key generated once per installation and kept beside the data, never in the repository.
    if key := os.environ.get("PAICHA_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Off unless asked for: a debug page shows settings and file paths to whoever gets an error.
DEBUG = os.environ.get("PAICHA_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("PAICHA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
# Behind a TLS reverse proxy (docs/DEPLOYMENT.md): PAICHA_HTTPS=1 makes cookies Secure, sends
# HSTS and redirects plain HTTP; the proxy says the request came over https.
HTTPS = os.environ.get("PAICHA_HTTPS", "0") == "1"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "paicha.core",
    "paicha.organizations",
    "paicha.accounts",
    "paicha.audit",
    "paicha.members",
    "paicha.evidence",
    "paicha.transfers",
    "paicha.cases",
    "paicha.campaigns",
    "paicha.reports",
    "paicha.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "paicha.workspace.middleware.FirstRunMiddleware",
    "paicha.accounts.middleware.LoginRequiredMiddleware",
    "paicha.accounts.middleware.IdleSessionMiddleware",
    "paicha.audit.middleware.AuditContextMiddleware",
    "paicha.organizations.picking.RememberChosenOrgMiddleware",
    # Axes must come last so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "paicha.urls"
WSGI_APPLICATION = "paicha.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "paicha.accounts.context_processors.shell",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'paicha.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_sqlite)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while an import writes; IMMEDIATE avoids "database is locked"
        # upgrades from read to write transactions under concurrent requests.
        # A 64 MiB page cache (the default is 2 MiB) keeps the member indexes in memory while a
        # big import inserts into them.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PAICHA_TEST_SQLITE", "")}
    _sqlite_file = Path(DATABASES["default"]["NAME"])
    if not _sqlite_file.exists():
        # Created readable by the service's account only; SQLite gives its -wal and -shm files
        # the database file's permissions.
        _sqlite_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(_sqlite_file, os.O_CREAT | os.O_WRONLY, 0o600))
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's JIT compiled a 367 ms query for 24 s; the product's queries never gain by it.
    # Random reads cost about what sequential ones do on SSD and in cache (1.1, not the default
    # 4 of spinning disks): otherwise the 失联 count of a province reads every member row instead
    # of the ~3 % it needs by key (bench/evidence_pages.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c random_page_cost=" + os.environ.get("PAICHA_PG_RANDOM_PAGE_COST", "1.1")
    )
    # Each server thread keeps its connection (checked before reuse) instead of starting a
    # PostgreSQL backend for every request (bench/crowd.py: 19.3 → 21.2 requests/s).
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("PAICHA_PG_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id with measured parameters (see accounts/hashers.py).
PASSWORD_HASHERS = [
    "paicha.accounts.hashers.PaichaArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 8 idle hours, and when the browser closes. The session is written at login
# and then at most once every PAICHA_SESSION_REFRESH_SECONDS (accounts.middleware), never on every
# request: a reader must not need SQLite's write lock while an import holds it.
SESSION_COOKIE_AGE = int(os.environ.get("PAICHA_SESSION_SECONDS", 8 * 3600))
SESSION_REFRESH_SECONDS = int(os.environ.get("PAICHA_SESSION_REFRESH_SECONDS", 15 * 60))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Lockout after repeated failures (django-axes), per user name, for half an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("PAICHA_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "paicha.accounts.apps.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Locking by address would lock a whole intranet office behind one NAT; lock the account instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Chinese whatever the browser asks for: there is no LocaleMiddleware and one language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served by the application itself (whitenoise): the product runs on an intranet without a CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = DATA_DIR / "files"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploaded import files (rosters, dues, meetings, transfers) are kept this many days for
# checking, then purged by the worker (the job's result and summary stay).
IMPORT_FILES_KEEP_DAYS = int(os.environ.get("PAICHA_IMPORT_FILES_KEEP_DAYS", 30))
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("PAICHA_IMPORT_MAX_MB", "50")) * 1024 * 1024
# A dues ledger, attendance sheet or transfers' history bigger than this is checked and
# written by the worker, followed on its job page (the roster always is).
IMPORT_IN_BACKGROUND_ABOVE_BYTES = (
    int(os.environ.get("PAICHA_IMPORT_IN_BACKGROUND_ABOVE_KB", "256")) * 1024
)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

CSRF_FAILURE_VIEW = "paicha.core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The proxy's and the monitor's plain-HTTP probe of the service itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("PAICHA_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host]

# Every script comes from a static file of the product (no inline script, no eval); styles
# may be inline (Bootstrap's and ECharts' element styles); nothing is loaded from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Background work (imports, large exports, the evidence catch-up) runs in `paicha worker`,
# which takes tasks from a table of the database (django-tasks' database backend).
# PAICHA_TASKS_INLINE=1 (the tests) runs each task at once, in the caller's process.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TASKS_INLINE = os.environ.get("PAICHA_TASKS_INLINE", "0") == "1"
# An export (an official form, a working list) of an organization whose subtree has more members
# than this is prepared by the worker: the user follows its progress and downloads it when
# ready. Smaller ones are sent at once.
EXPORT_IN_BACKGROUND_ABOVE = int(os.environ.get("PAICHA_EXPORT_IN_BACKGROUND_ABOVE", 5000))
# /healthz fails when the worker has not reported for this long.
WORKER_HEARTBEAT_STALE_SECONDS = 60

LOG_DIR = Path(os.environ["PAICHA_LOG_DIR"]) if os.environ.get("PAICHA_LOG_DIR") else None
_log_handler = (
    {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": str(LOG_DIR / "paicha.log"),
        "formatter": "plain",
    }
    if LOG_DIR
    else {"class": "logging.StreamHandler", "formatter": "plain"}
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}
    },
    "handlers": {"main": _log_handler},
    "root": {"handlers": ["main"], "level": "WARNING"},
    "loggers": {
        "paicha": {"level": "INFO"},
        "django_tasks_db": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
    },
}
