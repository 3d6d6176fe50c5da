"""WSGI entry point (gunicorn tremplin.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings.production")

application = get_wsgi_application()
