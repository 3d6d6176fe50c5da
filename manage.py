#!/usr/bin/env python
"""Django's command-line utility for Tremplin.

When DATABASE_URL / REDIS_URL are unset, the embedded PostgreSQL and Redis under ./var/ are
started first (or reused if already running) and stopped at exit when no other process of the
project still uses them.
"""

import atexit
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings.base")
    from tremplin import devstack

    stack = devstack.EmbeddedStack()
    devstack.export_urls(stack)
    # The last process using the embedded servers stops them on its way out.
    atexit.register(stack.release)

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
