#!/usr/bin/env python
"""Django's command-line utility for Tremplin.

When DATABASE_URL / REDIS_URL are unset, the embedded PostgreSQL and Redis under ./var/ are
started first (or reused if already running) and stopped again at exit if this process started
them. `manage.py up` manages their lifetime itself.
"""

import atexit
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings.base")
    from tremplin import devstack

    stack = devstack.EmbeddedStack()
    devstack.export_urls(stack)
    if stack.started:
        atexit.register(stack.stop_started)
        if len(sys.argv) > 1 and sys.argv[1] == "up":
            # `up` outlives nothing it started; let it own the servers and stop them itself.
            atexit.unregister(stack.stop_started)
            os.environ["TREMPLIN_STACK_OWNER"] = str(os.getpid())

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
