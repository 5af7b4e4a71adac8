"""Settings shared by every environment. Values that vary come from ``config.settings.env``."""

from csp.constants import NONCE, NONE, SELF

from config.csp import style_hashes
from config.settings.env import BASE_DIR, VAR_DIR, env

VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bootstrap",
    "csp",
    "django_zxcvbn_password_validator",
    "accounts",
    "exchanges",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "config.middleware.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1
# The product's name as emails and pages show it.
TRILINK_SITE_NAME = "Trilink"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: an embedded SQLite file unless DATABASE_URL names another server.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'trilink.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server and an in-process task read while another request writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.SecretariatAdminBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn's offline lists of leaked passwords, names and words, keyboard patterns and dates,
    # plus the product's own words.
    {"NAME": "accounts.password_validation.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 2
PASSWORD_EXTRA_DICTIONARY = ["trilink", "exchange", "civic"]
# Reverse proxies whose X-Forwarded-For is believed (config.client_ip); none by default.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login, verification is mandatory, failures are rate limited.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
# The session that changes the password stays signed in; every other one ends (Django's
# session hash; a change of second factor does the same, accounts.signals).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# login_failed: "key" is the (client, account) pair (accounts.adapters), so a stranger cannot
# lock a real user out; "ip" caps one client over every account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_email": "1/m/user",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Trilink] "
# Staff roles (those that need MFA) are signed out after this long idle or in all
# (accounts.middleware.StaffSessionMiddleware).
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=12 * 60 * 60)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Trilink"
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
# Fernet keys that encrypt secrets and health details at rest, newest first (accounts/crypto.py,
# rotated with ``manage.py reencrypt``); empty: derived from SECRET_KEY.
TRILINK_ENCRYPTION_KEYS = env.list("TRILINK_ENCRYPTION_KEYS", default=[])

# Internationalisation: three languages everywhere; dates in the viewer's time zone.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats where Django's read wrong (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "trilink_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIMEZONE_COOKIE_NAME = "trilink_tz"

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Uploads live outside the web root and are served only through permission checks.
        "OPTIONS": {"location": env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "media"))},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAX_UPLOAD_MB = env.int("TRILINK_MAX_UPLOAD_MB", default=10)
FILE_UPLOAD_HANDLERS = [
    "config.upload_handlers.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Email: every message goes through the outbox (exchanges.OutgoingMail); this backend is what
# the sending worker hands it to. Embedded default: console plus one file a message in var/.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "config.email_backends.ConsoleAndFileBackend"
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trilink <noreply@trilink.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run in-process (eager) so the embedded app works
# with nothing else running. With REDIS_URL, a separate worker and beat process run them.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or env.str("CELERY_BROKER_URL", default=""))
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child that still holds more than this much resident memory (KiB) after a task is
# replaced once the task is done: a large matching run (1.4 GiB at 5,000 per country) must
# not leave its memory to every later task of that process.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1024 * 1024
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# A web request must never hang on an unreachable broker: publishing is bounded in time and
# the committed outbox row, not the message, is the source of truth (a sweeper re-dispatches).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # Measured against a SIGSTOPped redis-server: a publish fails after socket_timeout, so 2 s
    # keeps a request that queues mail well under 5 s; the outbox also stops trying to publish
    # for a while after one failure (exchanges.services.mail).
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE: dict = {
    "exchanges.sweep_outbox": {
        "task": "exchanges.sweep_outbox",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=30.0),
    },
    "exchanges.campaigns_tick": {"task": "exchanges.campaigns_tick", "schedule": 60.0},
    "exchanges.sweep_webhooks": {
        "task": "exchanges.sweep_webhooks",
        "schedule": env.float("WEBHOOK_SWEEP_SECONDS", default=30.0),
    },
    "exchanges.send_scheduled_reminders": {
        "task": "exchanges.send_scheduled_reminders",
        "schedule": 15 * 60.0,
    },
    "exchanges.purge_exports": {"task": "exchanges.purge_exports", "schedule": 60 * 60.0},
    "exchanges.sweep_matching_runs": {
        "task": "exchanges.sweep_matching_runs",
        "schedule": 60.0,
    },
    "api.purge_idempotency_records": {"task": "api.purge_idempotency_records", "schedule": 3600.0},
    "exchanges.apply_retention": {"task": "exchanges.apply_retention", "schedule": 24 * 3600.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The outbox (exchanges.services.mail). Transient SMTP failures are retried after
# OUTBOX_RETRY_BASE_SECONDS * 2**(attempt-1), capped at OUTBOX_RETRY_MAX_SECONDS, up to
# OUTBOX_MAX_ATTEMPTS attempts. A row claimed for longer than OUTBOX_CLAIM_TIMEOUT_SECONDS is
# presumed abandoned by a dead worker and sent again (with the same Message-ID); a queued row
# handed to the broker longer than OUTBOX_REDISPATCH_SECONDS ago is handed over again.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=1800.0)
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.float("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=600.0)
OUTBOX_REDISPATCH_SECONDS = env.float("OUTBOX_REDISPATCH_SECONDS", default=900.0)
OUTBOX_SWEEP_BATCH = env.int("OUTBOX_SWEEP_BATCH", default=2000)
OUTBOX_SEND_BATCH = env.int("OUTBOX_SEND_BATCH", default=50)
# Attachments are stored with the message (bytes in the database, sent as MIME parts); their
# total per message is bounded so that a batch of messages stays small in a worker's memory.
OUTBOX_MAX_ATTACHMENT_BYTES = env.int("OUTBOX_MAX_ATTACHMENT_BYTES", default=2 * 1024 * 1024)

# Webhooks (exchanges.services.webhooks). A failed delivery is tried again after
# WEBHOOK_RETRY_BASE_SECONDS * 2**(attempt-1), capped at WEBHOOK_RETRY_MAX_SECONDS, up to
# WEBHOOK_MAX_ATTEMPTS attempts; a subscription is disabled (and its contact emailed) after
# WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row. Each request waits at most
# WEBHOOK_TIMEOUT_SECONDS and reads at most WEBHOOK_MAX_RESPONSE_BYTES of the answer.
# WEBHOOK_ALLOW_LOOPBACK lets a receiver live on this machine (http://127.0.0.1:...), for
# development and tests only: otherwise a receiver must be https and resolve to public
# addresses only (checked when saved and again before each request).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=60.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600.0)
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=20)
# A subscription disabled after failures keeps the events of this many days after its
# disabling (held, and sent when it is enabled again); later events are not recorded for it.
WEBHOOK_KEEP_DISABLED_DAYS = env.int("WEBHOOK_KEEP_DISABLED_DAYS", default=30)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_MAX_RESPONSE_BYTES = env.int("WEBHOOK_MAX_RESPONSE_BYTES", default=4096)
WEBHOOK_CLAIM_TIMEOUT_SECONDS = env.float("WEBHOOK_CLAIM_TIMEOUT_SECONDS", default=120.0)
WEBHOOK_SWEEP_BATCH = env.int("WEBHOOK_SWEEP_BATCH", default=500)
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)

# A running matching whose worker has shown no sign of life for this long is finished with
# the best grouping it saved (exchanges.services.matching.matching_runs_sweep, a beat task).
MATCHING_STALE_SECONDS = env.int("MATCHING_STALE_SECONDS", default=600)

# Application exports (exchanges.services.exports): up to EXPORT_IMMEDIATE_MAX_ROWS rows an
# export is streamed in the request; larger ones are written by a worker and kept for
# EXPORT_RETENTION_HOURS for the person who asked.
EXPORT_IMMEDIATE_MAX_ROWS = env.int("EXPORT_IMMEDIATE_MAX_ROWS", default=2000)
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)

# Privacy (exchanges.services.privacy): an erasure request is answered within this many days
# (GDPR art. 12(3): one month; APPI and PIPA ask for no delay beyond it).
PRIVACY_REQUEST_DAYS = env.int("PRIVACY_REQUEST_DAYS", default=30)
# Surveys (exchanges.services.surveys): a private survey link works this many days after the
# email that carried it (the invitation, or a reminder), and never after the survey closes.
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=30)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiKeyRateThrottle"],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "STRICT_JSON": True,
}
# A request body above this is refused with 413 before it is parsed, one nesting arrays and
# objects deeper than API_MAX_JSON_DEPTH with 400 (no request nests more than two levels); a
# page never holds more rows than API_MAX_PAGE_SIZE, whatever ?page_size= asks.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="1000/hour")
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)
API_MAX_JSON_DEPTH = 32
API_MAX_PAGE_SIZE = 100
# Idempotency-Key records are kept this long; a beat task deletes older ones.
API_IDEMPOTENCY_HOURS = 24
SPECTACULAR_SETTINGS = {
    "TITLE": "Trilink partner API",
    "DESCRIPTION": "Versioned REST API for partner organisations of Trilink exchanges.",
    "VERSION": "1.4.0",
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.forbid_unknown_request_fields",
        "api.schema.add_parameter_examples",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "exchanges.enums.Country",
        "LanguageEnum": "exchanges.enums.Language",
        "ApplicationStatusEnum": "exchanges.enums.ApplicationStatus",
        "CohortStatusEnum": "exchanges.enums.CohortStatus",
        "NominationStatusEnum": "exchanges.enums.NominationStatus",
        "WebhookEventEnum": "exchanges.enums.WebhookEvent",
        "WebhookDeliveryStatusEnum": "exchanges.enums.WebhookDeliveryStatus",
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): scripts only from this origin, never inline or eval'd;
# JavaScript lives in static/ files. Styles likewise come from static/ files: no style
# attribute and no inline <style>, except the email layout's stylesheet, allowed by its hash
# (email previews are sandboxed srcdoc frames, which inherit this policy; config/csp.py), and
# the pygal charts' <style>, marked with the request's nonce (`nonce_styles` in
# exchanges/templatetags/csp_styles.py; the nonce is in the header only on pages that use
# it). ReDoc injects its styles at run time, so its page alone allows inline styles
# (api/urls.py). Workers from blob: are ReDoc's schema parser.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [
            SELF,
            NONCE,
            *style_hashes(BASE_DIR / "templates" / "emails" / "layout.html"),
        ],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page uses a device or sensor API.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# Every handler redacts private links (config.logging); "django" and "django.server" lose
# Django's default handlers, which would print them unfiltered, and reach the root's.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"private_links": {"()": "config.logging.RedactPrivateLinks"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["private_links"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}

ADMINS: list[tuple[str, str]] = []
TRILINK_DEMO_PASSWORD = env.str("TRILINK_DEMO_PASSWORD", default="trilink-demo-2027")

FORM_RENDERER = "config.forms.TrilinkFormRenderer"
TRILINK_ENVIRONMENT = "local"
# Outside production, WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
