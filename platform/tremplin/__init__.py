"""Tremplin: the Django project package (settings, URL maps, Celery, embedded dev stack)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
