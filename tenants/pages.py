"""Who and where a page serves: the one family of guards every page of the city URL map wears.

In the spirit of PostHog's TeamAndOrgViewSetMixin: a page says what it is, and its guard
resolves the city once (404 on the platform's own host), checks who is asking, puts the city on
`request.city`, and only then runs the view. Nothing below a guard looks the city up again.

    @city_page                      any visitor on a city host
    @signed_in_page                 … signed in (else the sign-in page, back here afterwards)
    @youth_page                     … signed in with a young person's account (else a 403 page)
    @staff_page(allow)              … signed in with a staff role `allow(user)` accepts (else 403)
    @any_host_page                  served on every host, the platform's too (sign-in, health)
    @signed_in_any_host_page        … signed in (else the sign-in page, back here afterwards)

API views get the same from the base classes of tenants/access.py. The `tenants.E001` system
check (tenants/checks.py) reports any view of the city URL map that wears neither, so a new
city page cannot be written without one.

Rows of a city live in its schema, which the middleware has already selected: an object lookup
goes through `city_object_or_404`, which refuses to run anywhere but in the request's city.
A `next` (or `back`) target goes through `safe_next`: only this host's own URLs are followed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from .access import current_city

# The attribute a guard leaves on its view; tenants/checks.py looks for it.
MARK = "tenancy_page"

STAFF_FORBIDDEN_TEMPLATE = "tenants/staff_forbidden.html"
YOUTH_FORBIDDEN_TEMPLATE = "tenants/not_youth.html"

Predicate = Callable[[Any], bool]


# Role predicates, read from the user model's own role properties
# (shared_apps.accounts.models.User): apps add finer ones (tenant_apps.catalogue.permissions).


def is_city_staff(user) -> bool:
    """Admin, editor, viewer or partner of this city."""
    return bool(getattr(user, "is_authenticated", False) and user.is_city_staff)


def is_city_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_city_admin)


def is_youth(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_youth)


@dataclass(frozen=True)
class PageAccess:
    """What a guard lets through, left on the guarded view for the system check."""

    kind: str  # "city" | "signed_in" | "youth" | "staff" | "any_host"
    city_host: bool = True
    sign_in: bool = False
    allow: Predicate | None = None
    forbidden_template: str = STAFF_FORBIDDEN_TEMPLATE

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        """None when the request may go on; else the response that stops it here."""
        city = current_city(request)
        if city is None and self.city_host:
            raise Http404
        request.city = city
        if self.sign_in and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.allow is not None and not self.allow(request.user):
            return render(request, self.forbidden_template, status=403)
        return None


def page_access(view) -> PageAccess | None:
    """The guard a URL callback wears (function or class-based view), or None."""
    access = getattr(view, MARK, None)
    if access is None:
        access = getattr(getattr(view, "view_class", None), MARK, None)
    return access if isinstance(access, PageAccess) else None


def _guard(access: PageAccess):
    def wrap_function(view):
        if page_access(view) is not None:
            name = getattr(view, "__qualname__", view)
            raise ImproperlyConfigured(f"{name} already wears a page guard.")

        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            refused = access.refusal(request)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        setattr(guarded, MARK, access)
        return guarded

    def decorator(view):
        if isinstance(view, type) and issubclass(view, View):
            # A class-based view: guard dispatch(), so every method of it goes through.
            view.dispatch = method_decorator(wrap_function)(view.dispatch)
            setattr(view, MARK, access)
            return view
        return wrap_function(view)

    return decorator


def city_page(view):
    """Any visitor, on a city host only."""
    return _guard(PageAccess("city"))(view)


def signed_in_page(view):
    """Signed-in people of any role, on a city host."""
    return _guard(PageAccess("signed_in", sign_in=True))(view)


def youth_page(view):
    """Signed-in young people; staff get a short explanation (403) instead."""
    access = PageAccess(
        "youth", sign_in=True, allow=is_youth, forbidden_template=YOUTH_FORBIDDEN_TEMPLATE
    )
    return _guard(access)(view)


def staff_page(allow: Predicate = is_city_staff, *, forbidden_template: str | None = None):
    """City staff whose role `allow(user)` accepts; anyone else signed in gets the 403 page."""
    access = PageAccess(
        "staff",
        sign_in=True,
        allow=allow,
        forbidden_template=forbidden_template or STAFF_FORBIDDEN_TEMPLATE,
    )
    return _guard(access)


def any_host_page(view):
    """Served on every host, the platform's own included; `request.city` may be None."""
    return _guard(PageAccess("any_host", city_host=False))(view)


def signed_in_any_host_page(view):
    """Signed-in people of any role, on every host (their own account's settings)."""
    return _guard(PageAccess("any_host", city_host=False, sign_in=True))(view)


def city_object_or_404(request: HttpRequest, model_or_queryset, **lookup):
    """One row of the request's city, or 404.

    The city's rows are the ones its schema holds: the lookup only runs on a guarded page whose
    connection is still in that schema (a view that switched schema gets an error, not a row of
    another city)."""
    city = getattr(request, "city", None)
    if city is None:
        raise ImproperlyConfigured("city_object_or_404 needs a city page (tenants.pages).")
    if connection.schema_name != city.schema_name:
        raise ImproperlyConfigured(
            f"city_object_or_404 in schema {connection.schema_name!r} for {city.schema_name!r}."
        )
    return get_object_or_404(model_or_queryset, **lookup)


def safe_next(request: HttpRequest, target: str | None) -> str | None:
    """`target` when it is a URL of this request's own host (a path, usually); else None."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def redirect_back(request: HttpRequest, default: str, *, field: str = "next", **kwargs):
    """Redirect to the POSTed `field` when it stays on this host, else to `default`
    (a URL name, with `kwargs` for it, or a path)."""
    target = safe_next(request, request.POST.get(field))
    if target is not None:
        return redirect(target)
    return redirect(default, **kwargs)
