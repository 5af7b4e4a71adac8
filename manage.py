#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

from django.core.management import execute_from_command_line
from django_scopes import scopes_disabled


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

    # Commands (migrations, the demo, retention, shell) are operators' work across every
    # country: query scopes are off (exchanges.scopes). A web request served by runserver
    # still passes through ScopeMiddleware, which sets the person's scope for it.
    with scopes_disabled():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
