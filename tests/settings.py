"""Settings for the test suite: the production settings with the few
differences tests need. PostgreSQL when DATABASE_URL is set, else SQLite."""

import os
import tempfile

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="ctcc-test-"))

from portal.settings import *  # noqa: F403
from portal.settings import REDIS_URL

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The live server's thread must not keep a connection that blocks dropping the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Plain HTTP in the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# WhiteNoise serves from the finders in tests; it only needs the folder to exist.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run in the process; emails end in django.core.mail.outbox.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MAILERS = {
    "default": {"BACKEND": "portal.mail.QueuedEmailBackend"},
    "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}

# Page views are written at once; tests/metrics/test_visit_buffer.py turns the Redis buffer on.
VISITS_BUFFER = False

if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEMO_MODE = False
