"""Settings, all from the environment (see .env.example). No secret has a production default."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
env = environ.Env()
VAR_DIR = Path(env.str("CONCORDAT_VAR_DIR", default=str(PROJECT_DIR / "var")))
env.read_env(PROJECT_DIR / ".env") if (PROJECT_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# No production default. Without DEBUG=1 an unset SECRET_KEY stays empty: commands that sign nothing (checking
# and loading files) still work, Django refuses anything that would sign with it (sessions, CSRF), and
# `concordat check --deploy` names it (concordat.E001).
SECRET_KEY = env.str("SECRET_KEY", default="") or ("development-only-not-secret-" + "x" * 40 if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'concordat.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue instead of failing half-way. synchronous=NORMAL: in WAL, durable against a crash of
    # the program (a power cut may lose the last commits, never corrupt); a 64 MiB page cache (2 MiB by
    # default) keeps the record's indexes in memory while an import writes into them.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Persistent connections: each worker keeps its PostgreSQL connection for CONN_MAX_AGE seconds instead of
# opening one per request (a connect costs a backend process and a few milliseconds), and checks it still
# works before reusing it (CONN_HEALTH_CHECKS), so a restarted database costs no failed request. SQLite
# opens its file per request (0): it costs next to nothing, and a file replaced under a running server is
# then never written through an old handle. Each worker holds one connection: PostgreSQL's
# max_connections must exceed the workers of every server together.
_conn_max_age = env.str("CONN_MAX_AGE", default="")
if _conn_max_age:
    DATABASES["default"]["CONN_MAX_AGE"] = int(_conn_max_age)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache rendered documents are kept in (concordat/documents/cache.py). By default a directory under
# CONCORDAT_VAR_DIR, shared by the workers of one server; servers that share a database share the cache
# too: CACHE_URL=redis://host:6379/0 (with the redis package) or dbcache://concordat_cache (after
# `concordat createcachetable`).
CACHES = {
    "default": env.cache_url_config(env.str("CACHE_URL", default="") or f"filecache://{VAR_DIR / 'cache'}")
}
# Render an agreement's documents in the background as soon as a change to it commits (on unless 0), so
# the first download after a change does not wait for its rendering.
DOCUMENTS_WARM_AFTER_WRITE = env.bool("DOCUMENTS_WARM_AFTER_WRITE", default=True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "concordat.core",
    "concordat.partnerships",
    "concordat.documents",
    "concordat.pool",
    "concordat.treatment",
    "concordat.commissioning",
    "concordat.performance",
    "concordat.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost, so every response gets them, those the middleware below answer early included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "concordat.core.middleware.NoStore",  # outside ApiProblems, which may replace a response
    "concordat.core.middleware.ApiProblems",  # outside the rest, so it sees their error responses too
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: answered here, before any session
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Each of these answers before any view (or the CSRF check) runs; they need the user and messages.
    "concordat.core.middleware.PageMethods",
    "concordat.core.middleware.SessionTimeouts",
    "concordat.core.middleware.ServicePages",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "concordat.urls"
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
                "concordat.core.context.service",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "core:sign-in"
LOGIN_REDIRECT_URL = "partnerships:list"
LOGOUT_REDIRECT_URL = "core:sign-in"
CSRF_FAILURE_VIEW = "concordat.core.views.csrf_failure"
# Sign-in lock-out (concordat/core/signin.py): ten failures lock one username from one client address
# for 15 minutes. The client address is read through TRUSTED_PROXY_COUNT reverse proxies (1 behind the
# usual TLS proxy); lock-out and sign-in records are removed after LOCKOUT_RETENTION_DAYS.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the time the user is told holds
AXES_CLIENT_IP_CALLABLE = "concordat.core.signin.client_address"
AXES_LOCKOUT_CALLABLE = "concordat.core.signin.lockout_response"
AXES_HANDLER = "concordat.core.signin.SignInRecords"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
AXES_VERBOSE = False  # axes's log lines then carry no user agent; usernames and addresses are masked
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOCKOUT_RETENTION_DAYS = env.int("LOCKOUT_RETENTION_DAYS", default=30)

WSGI_APPLICATION = "concordat.wsgi.application"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise wants it to exist even when it serves from the finders
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project's own assets: vendored GOV.UK Frontend, concordat.css
# Uploaded documents (the signed agreement, appendices, board papers) are kept in the default storage: a
# folder, MEDIA_ROOT (var/documents by default), or any Django storage named by DOCUMENT_STORAGE_BACKEND with
# DOCUMENT_STORAGE_OPTIONS (JSON), such as an S3-compatible store (docs/architecture.md says how). They are
# never served from a URL: downloads go through a view that checks membership and records the download.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="") or VAR_DIR / "documents")
FILE_UPLOAD_PERMISSIONS = 0o640  # stored files are the service's to read, nobody else's on the host
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# The largest document accepted; a bigger upload is dropped as it arrives (documents.files.LimitedUpload).
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=20) * 1024 * 1024
# The largest treatment submission file uploaded through the web (a million rows is about 125 MB).
TREATMENT_UPLOAD_MAX_BYTES = env.int("TREATMENT_UPLOAD_MAX_MB", default=256) * 1024 * 1024
# Requests a minute one provider API token may make (a fixed window in the cache; 429 beyond it).
TREATMENT_API_RATE_PER_MINUTE = env.int("TREATMENT_API_RATE_PER_MINUTE", default=120)
# Days the access log of client records is kept; `concordat treatment prune-access-log` removes older entries.
TREATMENT_ACCESS_LOG_DAYS = env.int("TREATMENT_ACCESS_LOG_DAYS", default=2557)
# Files only the service reads (uploads waiting for or kept by their jobs): mode 0700, never the system's
# temporary folder; uploads being received are written here too (FILE_UPLOAD_TEMP_DIR), then moved.
PRIVATE_DIR = Path(env.str("PRIVATE_DATA_DIR", default="") or VAR_DIR / "private")
PRIVATE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_TEMP_DIR = str(PRIVATE_DIR / "incoming")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, exist_ok=True)
# Background jobs (core/jobs.py): the Django tasks API on the project's own database; `concordat worker`
# runs them. TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs each job at once in the
# process that queues it (the tests do; no worker needed).
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")},
}
# Minutes between a worker's housekeeping (files and superseded records past their keeping).
HOUSEKEEPING_MINUTES = env.float("HOUSEKEEPING_MINUTES", default=10)
# Days a rejected file is kept after its job, so its every problem can be listed again (then only the first
# TREATMENT_KEPT_PROBLEMS problems and the counts remain).
REJECTED_FILE_DAYS = env.int("REJECTED_FILE_DAYS", default=7)
# A submission of at least this many lines is checked in a child process while this one writes
# (treatment/parallel.py); a smaller one in-thread, where the child's start-up would cost more.
TREATMENT_CHILD_CHECK_LINES = env.int("TREATMENT_CHILD_CHECK_LINES", default=50_000)
TREATMENT_KEPT_PROBLEMS = 1000
# Milliseconds a write waits for a lock on PostgreSQL before the page says "try again in a minute" (the
# record's writers take turns per provider; none holds its lock for long).
LOCK_TIMEOUT_MS = env.int("LOCK_TIMEOUT_MS", default=5000)
# Days a superseded submission's rows are kept, so its provider's data officer can restore it.
TREATMENT_RESTORE_DAYS = env.int("TREATMENT_RESTORE_DAYS", default=30)
STORAGES = {
    "default": {
        "BACKEND": env.str("DOCUMENT_STORAGE_BACKEND", default="")
        or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": env.json("DOCUMENT_STORAGE_OPTIONS")
        if env.str("DOCUMENT_STORAGE_OPTIONS", default="")
        else {},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the package, no collectstatic step needed

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security headers. Pages need no inline script; GOV.UK Frontend's JS is a static module.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A session ends after SESSION_IDLE_MINUTES without a request, and 8 hours after signing in whatever the
# activity (concordat/core/sessions.py).
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_IDLE_TIMEOUT = 60 * env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = True  # an IP address is personal data the audit trail does not need
# Entries keep the partnership (indexed), the actor's name and a plain-English summary: concordat/core/models.py
AUDITLOG_LOGENTRY_MODEL = "core.AuditEntry"

# Logs carry no client-identifying data: only the request line's path, never query strings of client
# records (client pages are addressed by opaque ids, not by client_ref).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

SERVICE_NAME = "Concordat"
SERVICE_PHASE = env.str("SERVICE_PHASE", default="Beta")

# Open contracting data (concordat contracts export-ocds): the prefix of every ocid. Register one with the
# Open Contracting Partnership for real publication; the default is OCDS's placeholder for unregistered use.
OCDS_PREFIX = env.str("OCDS_PREFIX", default="ocds-xxxxxx")
