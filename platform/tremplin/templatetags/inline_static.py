"""`{% inline_static "tremplin/base.css" %}`: a small static file's text, to inline in a page.

The one stylesheet every page needs is inlined in base.html (about 2 kB gzipped): on a slow
phone network a separate, render-blocking request costs a full round trip before the first
paint (tests/bench/bench_pages.py measures it). Read once per process, or at every render when
DEBUG is on so that an edited file shows at once.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe

register = template.Library()


def _read(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"inline_static: no static file {path!r}")
    with open(found, encoding="utf-8") as f:
        # A stylesheet cannot close its own <style> element.
        return f.read().replace("</", "<\\/")


_read_once = lru_cache(maxsize=8)(_read)


@register.simple_tag
def inline_static(path: str) -> str:
    return mark_safe(_read(path) if settings.DEBUG else _read_once(path))  # noqa: S308 (our file)
