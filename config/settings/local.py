"""Settings for a developer's machine: the embedded defaults with debugging on."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
