"""The Celery application. Tasks live in each app's ``tasks.py`` and are found automatically."""

import os

from celery import Celery
from celery.signals import worker_init
from django.conf import settings
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("trilink")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _load_urlconf(**_kwargs) -> None:
    """Load the URLconf (and all it imports) in the worker's parent process, before the pool
    forks: every pool process then has it from the start instead of paying seconds for it on
    its first task that reverses a URL (every mail with a link does)."""
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            _ = resolver.reverse_dict
