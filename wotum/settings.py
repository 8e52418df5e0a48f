"""Wotum settings: one module, every deploy-time value from the environment.

The embedded default (no variables set) runs on a SQLite file, celery's filesystem
transport and a file outbox under ``var/``; see ``.env.example`` for a real deployment.
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from wotum.logs import mask_log_records

BASE_DIR = Path(__file__).resolve().parent.parent
# Relative paths are taken from the project folder, whatever the working directory.
VAR_DIR = BASE_DIR / os.environ.get("WOTUM_VAR_DIR", "var")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Without SECRET_KEY (and with DEBUG off) the site refuses to sign anything: Django raises
# as soon as a session, a token or a keyed hash needs the key. Commands that need no key,
# such as `manage.py pabulib select`, still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Wotum's apps, listed first so their templates override the libraries'.
    "accounts",
    "organisations",
    "audit",
    "notifications",
    "ballots",
    "intake",
    "evaluation",
    "meetings",
    "council",
    "workflows",
    "reports",
    "demo",
    # Django and libraries.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "anymail",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "viewflow",
    "viewflow.workflow",
]

MIDDLEWARE = [
    # First: an unchanged live state costs no session, user or database read (issue 17).
    "meetings.middleware.LiveStateMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wotum.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "wotum.urls"
WSGI_APPLICATION = "wotum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wotum.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, else a SQLite file. SQLite runs in WAL mode with immediate
# transactions so that the web process and the embedded worker do not trip over each other.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wotum.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a worker process can share the test database.
    # Named per process so that two test runs on one machine do not share a file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_wotum_{os.getpid()}.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DB_POOL"):
    # Django's psycopg pool: for ASGI/threaded servers, where persistent connections would
    # exhaust PostgreSQL's connection limit.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
# DB_PGBOUNCER=1: the connections go through PgBouncer in transaction pooling mode, where
# consecutive transactions of one Django connection may run on different server
# connections: a statement prepared on one is unknown on the next (PgBouncer < 1.21), and
# a server-side cursor would outlive its transaction's server connection.
DB_PREPARE = not env_bool("DB_PGBOUNCER")
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    if DB_PREPARE:
        # Django connects with psycopg's prepare_threshold=None, which turns off even the
        # explicit prepare=True of wotum.db.fetch_one (the voting rush's statements). The
        # ORM's client-side cursors never prepare, so a threshold no query reaches leaves
        # exactly those statements prepared.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold",
                                                                  2**31 - 1)
    else:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "wotum.cache.RedisCache",
                          "LOCATION": CACHE_URL}}
else:
    # Rate limits must be shared by every process: a database table, not process memory.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "wotum_cache"}}

AUTHENTICATION_BACKENDS = [
    "organisations.backends.OrganisationRoleBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail is the login; residents confirm their address before signing in.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
# Failed logins: 10 a minute per address, and 5 per 5 minutes per address AND account
# together (accounts.adapter keys the second limit by both), so that nobody can lock a
# known account out by failing to log in to it from elsewhere.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
# Uploaded files live outside the web root; views serve them after a permission check.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Never routed: no URL pattern serves MEDIA_ROOT (only the test live server maps it).
MEDIA_URL = "/private-media/"
# Uploads (PB-6): a file over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, Django's default) streams
# to a temporary file, never into memory; per-edition size and count limits are checked by
# intake's services. Cap the whole request body at the reverse proxy too (nginx:
# client_max_body_size 60m). Stored files are readable by the application user only.
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail. Every message goes through notifications.services.email_queue and a celery task.
# The embedded default writes messages as files under var/mail (the demo outbox lists
# them); a real deployment names an anymail backend, e.g. anymail.backends.mailgun.EmailBackend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Wotum <noreply@wotum.localhost>")
ANYMAIL = {
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", ""),
    **({"SENDGRID_API_KEY": os.environ["SENDGRID_API_KEY"]}
       if "SENDGRID_API_KEY" in os.environ else {}),
    **({"MAILGUN_API_KEY": os.environ["MAILGUN_API_KEY"]}
       if "MAILGUN_API_KEY" in os.environ else {}),
    # Mailgun signs its webhooks with this key (Sending → Webhooks → HTTP webhook signing
    # key); without it the bounce webhook is not mounted (notifications.webhooks).
    **({"MAILGUN_WEBHOOK_SIGNING_KEY": os.environ["MAILGUN_WEBHOOK_SIGNING_KEY"]}
       if os.environ.get("MAILGUN_WEBHOOK_SIGNING_KEY") else {}),
}
# Keep rendered bodies after sending so that the demo outbox can show them. Off in
# production: bodies carry one-time links and are wiped once the message is sent.
WOTUM_OUTBOX_KEEP_BODIES = env_bool("WOTUM_OUTBOX_KEEP_BODIES", DEBUG)
# The key of the hashes that stand in for PESELs and voters' e-mail addresses (one ballot per
# PESEL, three cards per address). Set it once and keep it: changing it makes earlier
# ballots unrecognisable. Derived from SECRET_KEY if unset.
WOTUM_HASH_KEY = os.environ.get("WOTUM_HASH_KEY") or (f"wotum-hash:{SECRET_KEY}"
                                                       if SECRET_KEY else "")
# With the cache (Redis) down, rate limits let requests through (wotum.cache logs it and
# /healthz reports it) rather than answer with an error.
RATELIMIT_FAIL_OPEN = True
# Voting-link requests per client address (django-ratelimit's rate syntax).
WOTUM_LINK_RATE = os.environ.get("WOTUM_LINK_RATE", "30/10m")
# Unsubmitted proposal drafts one account may keep (a bound on what one account can store).
WOTUM_MAX_DRAFTS_PER_ACCOUNT = int(os.environ.get("WOTUM_MAX_DRAFTS_PER_ACCOUNT", "20"))
# Proposal imports (PB-8): a file over either bound is stored and imported by the worker,
# with a progress page, instead of holding a web worker (and its memory) meanwhile.
WOTUM_IMPORT_IN_REQUEST_BYTES = int(os.environ.get("WOTUM_IMPORT_IN_REQUEST_BYTES",
                                                   "1000000"))
WOTUM_IMPORT_IN_REQUEST_ROWS = int(os.environ.get("WOTUM_IMPORT_IN_REQUEST_ROWS", "2000"))
# The public base URL used in e-mailed links.
WOTUM_BASE_URL = os.environ.get("WOTUM_BASE_URL", "http://127.0.0.1:8000")
# The name e-mails and page titles give the service (allauth's "Hello from …").
WOTUM_SITE_NAME = os.environ.get("WOTUM_SITE_NAME", "Wotum")

# Celery: the filesystem transport with a real worker by default, Redis when configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A worker must outlive a Redis restart: ping idle connections, keep them alive, time
    # out instead of hanging. Workers run with --without-gossip --without-mingle (deploy/):
    # those control channels are where celery/kombu's reconnection used to fail
    # (celery/kombu#582); the supervisor restarts a worker that dies anyway.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "health_check_interval": 10,
        "socket_keepalive": True,
        "socket_connect_timeout": 5,
        # A read on a socket Redis no longer answers ends instead of hanging the worker
        # (the blocking fetch itself waits 1 s at a time).
        "socket_timeout": 30,
        "retry_on_timeout": True,
        "visibility_timeout": 3600,
    }
    # No remote control (celery inspect/control, unused here): its pidbox is a Redis pub/sub
    # subscription, and after a quick Redis restart redis-py reconnects it inside the
    # worker's event loop and then waits on it with no timeout, so the worker stops taking
    # tasks for good (seen in tests/security/test_fault_load.py; kombu 5.6.2, redis 6.4).
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "wotum")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for the broker, forever
# A web request that publishes while the broker is down gives up within a second (the
# message is stored; the beat sweep sends it), instead of holding the voter's answer.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0,
                                    "interval_step": 0.2, "interval_max": 0.5}
CELERY_BEAT_SCHEDULE = {
    # The timetable (phase dates, correction deadlines) moves processes along; a minute is
    # fine-grained enough for a civic calendar.
    "timetable-run": {"task": "workflows.tasks.timetable_run_task", "schedule": 60.0},
    # E-mail is sent on a nudge from the web process; this catches a nudge that was lost.
    "emails-deliver-queued": {"task": "notifications.tasks.email_deliver_queued",
                              "schedule": 60.0},
    # Cast cards' audit rows are chained on a nudge after commit; this bounds the wait of
    # a row whose nudge was lost (broker down) to ten seconds.
    "audit-chain": {"task": "audit.tasks.audit_chain_task", "schedule": 10.0},
    # Council votes and quorum checks end at their time even when no screen is watching
    # (a screen reading the state closes them too, at once).
    "council-close-due": {"task": "council.tasks.session_close_due_task", "schedule": 5.0},
    # Large proposal imports are queued on commit; this starts one whose message was lost.
    "proposal-imports-sweep": {"task": "intake.tasks.proposal_imports_sweep_task",
                               "schedule": 60.0},
}
# The store that writes cast cards (ballots.store); empty: the one that suits the database.
WOTUM_CAST_STORE = os.environ.get("WOTUM_CAST_STORE", "")

# HTTPS: off by default (the demo and the tests speak plain HTTP); a deployment turns each
# on from the environment (.env.example does; `manage.py check --deploy` then stays quiet).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The health check answers the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_HTTPS_PROXY"):
    # Only behind a proxy that sets (and never passes through) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Link tokens, PESELs and e-mail addresses are masked in every log record (wotum/logs.py).
mask_log_records()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

for folder in (VAR_DIR, STATIC_ROOT, CELERY_QUEUE_DIR / "queue", CELERY_QUEUE_DIR / "processed",
               CELERY_QUEUE_DIR / "control",
               MEDIA_ROOT, EMAIL_FILE_PATH):
    Path(folder).mkdir(parents=True, exist_ok=True)
