"""Settings for a developer's machine: the embedded defaults with debugging on."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Without an explicit SITE_URL, links built outside a request (emails, private links) follow
# the address the development server is reached at, e.g. `make run PORT=8123`.
if not env.str("SITE_URL", default=""):
    MIDDLEWARE = [*MIDDLEWARE, "config.site.DevelopmentSiteURLMiddleware"]  # noqa: F405

# Without a broker, Celery runs each task in the web process and logs every one at INFO
# (seeding the demo alone runs hundreds); warnings and failures still show.
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}  # noqa: F405

# Development: a webhook receiver may run on this machine (http://127.0.0.1:…).
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=True)
