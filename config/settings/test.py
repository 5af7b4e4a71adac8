"""Settings for the test suite: fast hashing, in-memory mail, eager tasks, an N+1 guard."""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, INSTALLED_APPS, MIDDLEWARE
from config.settings.env import VAR_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = not env.bool("TRILINK_TEST_REAL_BROKER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ACCOUNT_RATE_LIMITS = {"login_failed": "20/5m/ip,5/5m/key"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# django-zeal raises on any N+1 query pattern met while a test runs.
INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
MIDDLEWARE = [*MIDDLEWARE, "zeal.middleware.zeal_middleware"]
ZEAL_RAISE = True
# allauth's email confirmation looks the user's primary address up with .get() more than once
# in one request (verify_email -> set_as_primary); a fixed number of queries, not a loop.
# (A bulk selection decision's deliberate lock and re-read of each application is allowed in
# ``exchanges.services.selection`` itself, around that loop only.)
ZEAL_ALLOWLIST: list = [
    {"model": "account.EmailAddress", "field": "get()"},
]
TRILINK_ENVIRONMENT = "test"

# A file database, not SQLite's shared in-memory one: browser tests and real Celery workers run
# in other threads and processes, and a file database waits on locks (busy timeout) instead of
# failing at once with "database table is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-trilink.sqlite3")}

# Tests run real receivers on loopback; the SSRF tests turn this off.
WEBHOOK_ALLOW_LOOPBACK = True
