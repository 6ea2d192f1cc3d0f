"""Claimtrack settings.

Configuration comes only from environment variables. The defaults are the embedded local
setup that `make run` uses: SQLite and a file-system Celery broker that needs no server.
Set DATABASE_URL (PostgreSQL, psycopg 3) and REDIS_URL to run on the full stack.
"""

import datetime as dt
import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CLAIMTRACK_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEV_SECRET_KEY = "django-insecure-claimtrack-development-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key: set SECRET_KEY to a long random value."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
PORT = env_int("PORT", 8000)
# Absolute address of the app, for links in reminder emails.
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
# Public pages (README, "Public pages"): off, everything stays behind the login.
PUBLIC_PAGES = env_bool("PUBLIC_PAGES", False)
# The organisation ClaimReview names as the author of its verdicts.
NEWSROOM_NAME = env("NEWSROOM_NAME", "Claimtrack")
NEWSROOM_URL = env("NEWSROOM_URL", SITE_URL).rstrip("/")
# How long browsers and shared caches keep a public page before revalidating it.
PUBLIC_MAX_AGE_SECONDS = env_int("PUBLIC_MAX_AGE_SECONDS", 300)
# How long a process reuses what a public page depends on (a claim's version, the latest
# change to any claim) before reading it again: a change shows on the public pages this
# much later at most (plus PUBLIC_MAX_AGE_SECONDS in caches in front). 0 reads it on every
# request (one query).
PUBLIC_STATE_SECONDS = env_int("PUBLIC_STATE_SECONDS", 1)
# How often an open dashboard refreshes its counters.
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 60)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, for FORM_RENDERER (config/forms.py)
    "django_htmx",
    "template_partials",
    "axes",
    # django-ninja's templates and static files: the API's documentation page (api.api).
    "ninja",
    "articles",
    "claims",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SessionIdleTimeoutMiddleware",
    # Every view is private unless marked @login_not_required (the health probes, logging in,
    # the unread count): a new view cannot be public by forgetting a decorator. After the
    # idle timeout, so a session it has just ended is asked to log in.
    "config.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Every form field renders through templates/includes/field.html (config/forms.py).
FORM_RENDERER = "config.forms.FormRenderer"

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("CONN_MAX_AGE", 60),
            # A restarted database costs one failed request, not a restart of the app.
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The web app's queries are short index scans: starting parallel workers for them
        # costs more than it saves (2-3x slower counters on 2 cores, bench/README.md).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = env(
            "PG_OPTIONS", "-c max_parallel_workers_per_gather=0"
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "claimtrack.sqlite3"),
            "OPTIONS": {
                # The web app, the worker and beat share the file: WAL lets readers go on
                # while one writes, and IMMEDIATE avoids "database is locked" on upgrade.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Per process, for values kept under keys made of what they depend on, so there is
    # nothing to invalidate across processes: rendered dashboard rows (~2 KB each,
    # claims.views.rows_html) and the dashboard counters (claims.dashboard).
    "local": {
        # Off with DEBUG, so an edited template shows at once; LOCAL_CACHE=false renders
        # and counts on every request (bench_dashboard.py --cold).
        "BACKEND": "django.core.cache.backends."
        + ("locmem.LocMemCache" if env_bool("LOCAL_CACHE", not DEBUG) else "dummy.DummyCache"),
        "LOCATION": "claimtrack-local",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
    # Per process as "local", for the rendered public pages (claims.public.public_page),
    # keyed by their ETag: a page is rendered once per process per state of what it shows.
    # Apart from "local" so a crawler walking every public claim cannot push the dashboard
    # rows out; pages are 5-60 KB, so 1,000 of them stay under ~60 MB per process.
    "public": {
        "BACKEND": "django.core.cache.backends."
        + ("locmem.LocMemCache" if env_bool("LOCAL_CACHE", not DEBUG) else "dummy.DummyCache"),
        "LOCATION": "claimtrack-public",
        "OPTIONS": {"MAX_ENTRIES": env_int("PUBLIC_CACHE_ENTRIES", 1000)},
    },
}

# --- Celery -----------------------------------------------------------------------------
# Every call the web app makes to the broker (queueing a sweep, /healthz) gives up after this
# many seconds: a broker that hangs instead of refusing must not hold a request for longer.
BROKER_TIMEOUT_SECONDS = env_int("BROKER_TIMEOUT_SECONDS", 2)
if BROKER_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured("BROKER_TIMEOUT_SECONDS must be at least 1")
# /healthz answers within this many seconds whatever hangs, saying which part did not answer.
HEALTHZ_TIMEOUT_SECONDS = env_int("HEALTHZ_TIMEOUT_SECONDS", BROKER_TIMEOUT_SECONDS + 1)
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Longer than the longest task (a sweep), so an unacknowledged task is not handed to a
    # second worker while the first still runs it (checked below, once the sweep's is known).
    _visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    # Typed for both branches: each Kombu transport takes options of its own.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, str | int | bool] = {
        "visibility_timeout": _visibility_timeout,
    }
    # Shared by every process (web, worker, beat), for the marker of a pending sweep.
    CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "claimtrack",
        "OPTIONS": {
            "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
            "socket_timeout": BROKER_TIMEOUT_SECONDS,
        },
    }
else:
    # Embedded default: a broker in the file system, no server needed.
    BROKER_DIR = VAR_DIR / "broker"
    for sub in ("out", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
    }
    CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "shared-cache"),
    }
# Options of the web app's own broker connections only: on the worker's consuming
# connection a short socket timeout would only cost reconnections.
WEB_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = env("TIME_ZONE", "UTC")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Sweeps -------------------------------------------------------------------------------
SWEEP_EVERY_MINUTES = env_int("SWEEP_EVERY_MINUTES", 15)
if not 1 <= SWEEP_EVERY_MINUTES <= 24 * 60:
    raise ImproperlyConfigured(
        f"SWEEP_EVERY_MINUTES must be from 1 to 1440 (a day), not {SWEEP_EVERY_MINUTES}"
    )
if 60 % SWEEP_EVERY_MINUTES == 0:  # on the clock: every 15 minutes is :00, :15, :30, :45
    _sweep_schedule: object = crontab(minute=f"*/{SWEEP_EVERY_MINUTES}")
elif SWEEP_EVERY_MINUTES % 60 == 0 and 24 % (SWEEP_EVERY_MINUTES // 60) == 0:
    _sweep_schedule = crontab(minute=0, hour=f"*/{SWEEP_EVERY_MINUTES // 60}")
else:
    # Not a divisor of the hour (or the day): "*/45" would fire at :00 and :45, 45 and 15
    # minutes apart. Every N minutes from when beat starts instead.
    _sweep_schedule = dt.timedelta(minutes=SWEEP_EVERY_MINUTES)
# A sweep stops starting new work after this many seconds and leaves the rest to the next
# one; Celery interrupts it 30 s later and kills it 60 s later (prefork pool), so a hung
# sweep gives its worker back long before the broker would hand the task out again.
SWEEP_TIME_LIMIT_SECONDS = env_int("SWEEP_TIME_LIMIT_SECONDS", 600)
# Longest statement (and lock wait) of a sweep on PostgreSQL, whose largest statements take
# a second or two: a stuck query or a row lock held elsewhere ends in an error and a retry
# instead of a held worker slot.
SWEEP_STATEMENT_TIMEOUT_SECONDS = env_int("SWEEP_STATEMENT_TIMEOUT_SECONDS", 60)
# Changes that make a reminder due queue one sweep this many seconds later, which serves
# every change made meanwhile.
SWEEP_COALESCE_SECONDS = env_int("SWEEP_COALESCE_SECONDS", 10)
if (
    SWEEP_TIME_LIMIT_SECONDS < 60
    or SWEEP_STATEMENT_TIMEOUT_SECONDS < 1
    or SWEEP_COALESCE_SECONDS < 0
):
    raise ImproperlyConfigured(
        "SWEEP_TIME_LIMIT_SECONDS must be at least 60, SWEEP_STATEMENT_TIMEOUT_SECONDS at least "
        "1 and SWEEP_COALESCE_SECONDS at least 0"
    )
if REDIS_URL and _visibility_timeout <= SWEEP_TIME_LIMIT_SECONDS + 60:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than SWEEP_TIME_LIMIT_SECONDS + 60, or Redis "
        "hands a sweep that is still running to a second worker"
    )
CELERY_BEAT_SCHEDULE = {
    "sweep-overdue": {
        "task": "claims.tasks.sweep_overdue",
        "schedule": _sweep_schedule,
        # A sweep queued while no worker was running is stale once the next one is due;
        # dropping it loses nothing, because what is due lives in the database.
        "options": {"expires": SWEEP_EVERY_MINUTES * 60},
    },
}

CELERY_BEAT_SCHEDULE["webhooks-prune-log"] = {
    "task": "claims.tasks.prune_webhook_log",
    "schedule": crontab(hour=3, minute=17),
}
CELERY_BEAT_SCHEDULE["webhooks-redeliver"] = {
    # Deliveries whose task was lost (the broker restarted empty, a worker died): what is
    # due lives in the outbox, so this picks it up again. Safe beside the tasks themselves:
    # each delivery is claimed with a conditional UPDATE before it is sent.
    "task": "claims.tasks.redeliver_webhooks",
    "schedule": dt.timedelta(seconds=60),
    "options": {"expires": 60},
}

# --- Webhooks (README, "Webhooks") --------------------------------------------------------
# Endpoints on loopback, private, link-local or reserved addresses are refused, when saved
# and again when sent (DNS can change), unless this is on (tests, the bench, a newsroom
# whose CMS is on its own network).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
# Seconds to connect, and then to wait for the answer, of one delivery.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# Attempts of one delivery before it is marked failed; the pause between attempts doubles
# from WEBHOOK_RETRY_BASE_SECONDS (with jitter) up to WEBHOOK_RETRY_MAX_SECONDS.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 1800)
# An endpoint whose deliveries failed for good this many times in a row is paused, and its
# owner told in the app and by email.
WEBHOOK_PAUSE_AFTER_FAILURES = env_int("WEBHOOK_PAUSE_AFTER_FAILURES", 5)
# A pending delivery this many seconds past its time is taken for lost (its task gone with
# a broker restarted empty, or its worker killed mid-send) and queued again by beat.
WEBHOOK_REDELIVER_AFTER_SECONDS = env_int("WEBHOOK_REDELIVER_AFTER_SECONDS", 300)
# Deliveries settled (delivered, or failed for good) longer ago than this are forgotten by a
# daily beat task; pending ones are kept.
WEBHOOK_LOG_DAYS = env_int("WEBHOOK_LOG_DAYS", 30)
if WEBHOOK_LOG_DAYS < 1:
    raise ImproperlyConfigured("WEBHOOK_LOG_DAYS must be at least 1")
if (
    WEBHOOK_TIMEOUT_SECONDS < 1
    or WEBHOOK_MAX_ATTEMPTS < 1
    or WEBHOOK_RETRY_BASE_SECONDS < 1
    or WEBHOOK_RETRY_MAX_SECONDS < WEBHOOK_RETRY_BASE_SECONDS
    or WEBHOOK_PAUSE_AFTER_FAILURES < 1
):
    raise ImproperlyConfigured(
        "WEBHOOK_TIMEOUT_SECONDS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_BASE_SECONDS and "
        "WEBHOOK_PAUSE_AFTER_FAILURES must be at least 1, and WEBHOOK_RETRY_MAX_SECONDS at "
        "least WEBHOOK_RETRY_BASE_SECONDS"
    )
if REDIS_URL and _visibility_timeout <= WEBHOOK_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than WEBHOOK_RETRY_MAX_SECONDS, or Redis "
        "hands a delivery waiting for its retry to a second worker"
    )

# --- Auth -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses logins from a locked-out username/address before checking passwords.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login rate limit: after AXES_FAILURE_LIMIT failures for a username from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Failures during a lockout do not extend it: else an attacker keeps a user locked for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address, from X-Forwarded-For only when a trusted proxy sent the request:
# behind a proxy, every login would otherwise come from the proxy's address, and five bad
# passwords would lock a username out for everyone.
AXES_CLIENT_IP_CALLABLE = "config.auth.client_ip"
try:
    TRUSTED_PROXIES = [
        ipaddress.ip_network(item, strict=False) for item in env_list("TRUSTED_PROXIES", "")
    ]
except ValueError as error:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXIES must be addresses or networks separated by commas: {error}"
    ) from None
# A session with no activity for this long is logged out (0: never); what an open page
# polls by itself does not count as activity (config.middleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 8 * 60)
AXES_USERNAME_CALLABLE = "config.auth.axes_username"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- API ---------------------------------------------------------------------------------
# Requests a minute per API token and per person (README, "API"); past it, 429 with
# Retry-After. 0: no limit.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The newsroom's time zone: "overdue" means due before today in this zone.
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Claimtrack <claimtrack@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Import -------------------------------------------------------------------------------
# Largest article body accepted, in characters; larger files are refused as a whole.
ARTICLE_MAX_BODY_CHARS = env_int("ARTICLE_MAX_BODY_CHARS", 500_000)
# Largest file accepted, uploaded or imported, in bytes: refused before it is read.
ARTICLE_MAX_UPLOAD_BYTES = env_int("ARTICLE_MAX_UPLOAD_BYTES", 5 * 2**20)
# Limits of one saved page's extraction (articles/extraction.py), so that no page can hold a
# web worker past its timeout or take the machine's memory.
ARTICLE_EXTRACT_SECONDS = env_int("ARTICLE_EXTRACT_SECONDS", 10)
ARTICLE_EXTRACT_MEMORY_MB = env_int("ARTICLE_EXTRACT_MEMORY_MB", 512)

# --- Security -----------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "filters": {"forbidden_one_line": {"()": "config.logs.ForbiddenWithoutTraceback"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs every successful login at INFO; keep its warnings (lockouts).
        "axes": {"level": "WARNING"},
        # Django's own handlers (a console one with DEBUG) printed every record a second
        # time on its way to the root handler: named here, the logger keeps none.
        "django": {"level": "INFO"},
        "django.request": {"filters": ["forbidden_one_line"]},
    },
}

# --- Reminders ----------------------------------------------------------------------------
# Cadence of claims.sweep.sweep_overdue: the first reminder goes out on the first sweep
# after the due date has passed in TIME_ZONE, follow-ups this many days after the due date,
# then the claim is escalated to the editors REMINDER_ESCALATE_AFTER_DAYS after it.
try:
    REMINDER_FOLLOW_UP_DAYS = [int(d) for d in env_list("REMINDER_FOLLOW_UP_DAYS", "3,7")]
except ValueError:
    raise ImproperlyConfigured(
        "REMINDER_FOLLOW_UP_DAYS must be whole numbers of days separated by commas, e.g. 3,7"
    ) from None
REMINDER_ESCALATE_AFTER_DAYS = env_int("REMINDER_ESCALATE_AFTER_DAYS", 14)
_reminder_days = [1, *REMINDER_FOLLOW_UP_DAYS, REMINDER_ESCALATE_AFTER_DAYS]
if _reminder_days != sorted(set(_reminder_days)):  # each step strictly after the one before
    raise ImproperlyConfigured(
        "REMINDER_FOLLOW_UP_DAYS must rise from 2 days on, and REMINDER_ESCALATE_AFTER_DAYS "
        f"must come after the last follow-up; got {_reminder_days[1:]}"
    )
# A digest lists this many claims, most overdue first, and links to the dashboard for the rest.
REMINDER_DIGEST_MAX_CLAIMS = env_int("REMINDER_DIGEST_MAX_CLAIMS", 50)
# How often an open page asks for the unread count in the navigation.
NOTIFICATIONS_REFRESH_SECONDS = env_int("NOTIFICATIONS_REFRESH_SECONDS", 60)
