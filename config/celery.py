"""The Celery application. Tasks live in each app's ``tasks.py`` and are found automatically."""

import os

from celery import Celery, Task
from celery.signals import worker_init
from django.conf import settings
from django.urls import get_resolver
from django.utils import translation
from django_scopes import scopes_disabled

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


class SystemTask(Task):
    """Every task runs with query scopes off: a task is system work on rows named by id, not a
    person's request (exchanges.scopes). An eager task run inside a partner's request is the
    same work and runs the same way."""

    def __call__(self, *args, **kwargs):
        with scopes_disabled():
            return super().__call__(*args, **kwargs)


app = Celery("trilink", task_cls=SystemTask)
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
