"""System checks that keep tenancy by construction: `manage.py check` (and the suite) fail when
a view of the city URL map wears no guard, or when the default cache forgets the schema.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.urls import URLPattern, URLResolver, get_resolver

from .access import AnyHostAPIView, CityAPIView, CityStaffAPIView, OperatorAPIView
from .pages import page_access

API_BASES = (CityAPIView, CityStaffAPIView, OperatorAPIView, AnyHostAPIView)

# Third-party views that serve no city data: static files in development, the OpenAPI schema
# and its Swagger page (generated from the API views, each of which is checked here).
UNGUARDED_ALLOWED = frozenset(
    {
        "django.views.static.serve",
        "drf_spectacular.views.SpectacularAPIView",
        "drf_spectacular.views.SpectacularSwaggerView",
    }
)

SCHEMA_KEY_FUNCTION = "django_tenants.cache.make_key"


def dotted_name(obj) -> str:
    module = getattr(obj, "__module__", None) or type(obj).__module__
    return f"{module}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"


def url_patterns_of(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns_of(entry, route)
        else:
            yield route, entry


def is_guarded(callback) -> bool:
    """Does this URL callback wear a page guard, or derive from an API base class?"""
    if page_access(callback) is not None:
        return True
    api_class = getattr(callback, "cls", None)  # DRF's as_view()
    if isinstance(api_class, type) and issubclass(api_class, API_BASES):
        return True
    view_class = getattr(callback, "view_class", None) or api_class
    return dotted_name(view_class or callback) in UNGUARDED_ALLOWED


def unguarded_views(urlconf: str) -> list[Error]:
    """One Error per view of `urlconf` that says neither where nor to whom it serves."""
    errors = []
    for route, pattern in url_patterns_of(get_resolver(urlconf)):
        callback = pattern.callback
        if is_guarded(callback):
            continue
        target = getattr(callback, "view_class", None) or callback
        errors.append(
            Error(
                f"The view at '/{route}' of {urlconf} wears no page guard.",
                hint=(
                    "Decorate it with city_page, signed_in_page, youth_page, staff_page(...) "
                    "or any_host_page (tenants/pages.py), or derive it from an API base class "
                    "of tenants/access.py."
                ),
                obj=dotted_name(target),
                id="tenants.E001",
            )
        )
    return errors


@register(Tags.urls)
def check_city_pages(app_configs=None, **kwargs) -> list[Error]:
    return unguarded_views(settings.ROOT_URLCONF)


@register(Tags.caches)
def check_cache_keys(app_configs=None, **kwargs) -> list[Error]:
    caches = settings.CACHES
    errors = []
    if caches.get("default", {}).get("KEY_FUNCTION") != SCHEMA_KEY_FUNCTION:
        errors.append(
            Error(
                "The default cache's keys do not include the schema.",
                hint=f'Set CACHES["default"]["KEY_FUNCTION"] = "{SCHEMA_KEY_FUNCTION}".',
                id="tenants.E002",
            )
        )
    if "platform" not in caches or caches["platform"].get("KEY_FUNCTION"):
        errors.append(
            Error(
                'CACHES["platform"] (keys shared by every schema) is missing or schema-scoped.',
                hint="Add it next to the default cache, same server, without KEY_FUNCTION.",
                id="tenants.E003",
            )
        )
    return errors
