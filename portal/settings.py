"""Settings of the portal: one file, every environment difference from variables.

Defaults make a first run work on SQLite with no other service (see the README's
table of variables). Production refuses to start without a real SECRET_KEY.
"""

import os
import secrets
from datetime import date
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Runtime files of a first run (SQLite database, mail, broker queue, cache,
# uploaded media) live under one ignored folder.
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 50 or key.startswith("django-insecure"):
            raise ImproperlyConfigured("SECRET_KEY must be a random string of 50 characters or more.")
        return key
    if not DEBUG:
        if env_bool("PORTAL_MANAGEMENT_COMMAND", False):
            # manage.py: Django checks the key when a command first uses it, so
            # commands that never sign anything (makemigrations, check) run without one.
            return ""
        raise ImproperlyConfigured("Set SECRET_KEY: the portal does not start without one unless DEBUG is on.")
    # Local development: a key generated once and kept, so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal",
    "portal.accounts",
    "experts",
    "forum",
    "guidelines",
    "portal.surveys",
    "portal.metrics",
    "portal.audit",
    "portal.jobs",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "bootstrap_italia_template",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages (HTML, JSON); after WhiteNoise, so static files keep their
    # pre-compressed .br/.gz. Django pads the gzip header at random against BREACH
    # and masks CSRF tokens per response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Counts a page view once the response (and the status the middleware below give it) is known.
    "portal.metrics.middleware.CountVisitsMiddleware",
    "portal.accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

FORM_RENDERER = "portal.forms.PortalFormRenderer"

# Database: SQLite under var/ unless DATABASE_URL names PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The first run's web server and worker write to the same file: transactions
    # take the write lock when they begin (two readers upgrading to writers at
    # once would fail at once with "database is locked"), and wait for it.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (rate limits, sessions of the rate limiter): Redis when REDIS_URL is
# set, else files under var/ so that several processes share the counters.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ctcc",
            # Fails open (portal/cache.py): a Redis that does not answer costs a page at most this.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Whole pages of the most read routes are kept this long (portal/pagecache.py;
# a write to the content makes them stale at once). Off while developing, so
# that an edited template shows at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 60)

# Counted page views wait in Redis for the five-minute roll-up instead of
# costing every page an INSERT (portal/metrics/visits.py).
VISITS_BUFFER = env_bool("VISITS_BUFFER", bool(REDIS_URL))

# Sessions are read from the cache (written through to the database), saving a
# query on every signed-in request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Accounts
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, reading the user of each request from the cache.
AUTHENTICATION_BACKENDS = [
    "portal.accounts.backends.ModelBackend",
    "portal.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "portal.accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CTCC] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "change_profile": "10/m/user",
    "ask_question_new_account": "5/h/user",
    "ask_question": "20/h/user",
    "forum_write": "60/h/user",
    "forum_preview": "120/m/user",
    "introduction_request": "10/h/user",
    "guidelines_write": "120/h/user",
    "guidelines_pdf": "20/m/ip",
    "metrics_report": "10/h/user",
    # The clinic contacts' personal links (no account): by address, against guessing.
    "feasibility_answer": "30/10m/ip",
    # Surveys: staff's builder; respondents signed in; personal and public links (by address).
    "survey_write": "120/h/user",
    "survey_respond": "60/h/user",
    "survey_link": "60/10m/ip",
    "survey_public": "20/h/ip",
    "api_token_create": "10/h/user",
    # The read-only metrics API, per token owner.
    "metrics_api": "60/m/user",
    # Personal data (GDPR): the export is heavy, the erasure asks for the password.
    "personal_data_export": "10/h/user",
    "delete_account": "5/15m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CTCC Lombardia"

# Email: the "default" mailer only queues a message; a Celery task delivers it
# through the "delivery" mailer (SMTP when EMAIL_HOST is set, else files under
# var/mail that a developer can open).
_email_host = env_str("EMAIL_HOST")
if _email_host:
    _delivery = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": 30,
        },
    }
else:
    _delivery = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
MAILERS = {
    "default": {"BACKEND": "portal.mail.QueuedEmailBackend"},
    "delivery": _delivery,
}
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Centro di competenza sperimentazioni cliniche <noreply@ctcc.example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    # Fail fast: a request that queues a job must not wait on a broker that
    # is down; the job is in the database and the reaper sends it later.
    # (no retries of kombu's: workers and beat reconnect with Celery's own).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "max_retries": 0}
# Workers and beat wait for a broker that is down as long as it takes.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A job running when the broker goes away finishes; its message, delivered
# again later, finds the job done (portal/jobs).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "Europe/Rome"
# Background jobs (portal/jobs): a job whose run started longer ago than this
# is taken for lost (its worker died) and run again; Celery stops a run well before.
JOBS_STALLED_AFTER = env_int("JOBS_STALLED_AFTER", 180)
CELERY_BEAT_SCHEDULE = {
    "reap-jobs": {
        "task": "portal.jobs.tasks.reap_jobs",
        "schedule": env_int("JOBS_REAP_EVERY", 60),
    },
    "roll-up-visits": {
        "task": "portal.metrics.tasks.roll_up_visits",
        "schedule": crontab(minute="*/5"),
    },
    "notification-digests": {
        "task": "portal.accounts.tasks.send_notification_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Before the digests, so that a reminder is not held back until the next day.
    "assignment-reminders": {
        "task": "forum.tasks.remind_and_escalate",
        "schedule": crontab(hour=6, minute=30),
    },
    # Early, after the night's roll-up of visits: the six-month reports whose period has ended.
    "metrics-due-reports": {
        "task": "portal.metrics.tasks.create_due_reports",
        "schedule": crontab(hour=5, minute=15),
    },
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# Languages: Italian first, English complete.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Europe/Rome"
USE_TZ = True

# Static files: the theme's assets come from its package; WhiteNoise serves
# them compressed with far-future caching in production.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security. Production (DEBUG off) is HTTPS-only with HSTS; TLS is expected
# to end at a proxy that sets X-Forwarded-Proto.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", not DEBUG) else None
# That proxy also appends the client's address to X-Forwarded-For (visit counting hashes it).
BEHIND_TRUSTED_PROXY = env_bool("BEHIND_TLS_PROXY", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The centre: shown in the header, footer, privacy notice and emails.
CENTRE_CONTACT_EMAIL = env_str("CENTRE_CONTACT_EMAIL", "info@ctcc.example.org")
CENTRE_PRIVACY_EMAIL = env_str("CENTRE_PRIVACY_EMAIL", "privacy@ctcc.example.org")
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

# Deadlines of the board count working days: weekends and Italian public
# holidays excluded; a province code (e.g. MI) adds its patron saint's day.
WORKING_CALENDAR_PROVINCE = env_str("WORKING_CALENDAR_PROVINCE") or None
ASSIGNMENT_DUE_WORKING_DAYS = env_int("ASSIGNMENT_DUE_WORKING_DAYS", 5)

# Forum: experts who must co-sign a board answer besides its author.
BOARD_ANSWER_QUORUM = env_int("BOARD_ANSWER_QUORUM", 2)
# Questions an hour: accounts younger than FORUM_NEW_ACCOUNT_DAYS, then the others.
FORUM_NEW_ACCOUNT_DAYS = 30

# Metrics: the first six-month period of the report; each next one starts where the last ended.
METRICS_FIRST_PERIOD_START = date.fromisoformat(env_str("METRICS_FIRST_PERIOD_START") or "2026-01-01")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each layout step of each page at INFO.
    "loggers": {
        "django.request": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
