"""Who and where an endpoint serves: the city of the request and the API base classes.

Every API view derives from one of these classes, so which host and which people an endpoint
serves is decided once, here, and never by reaching for a global queryset. Pages get the same
from the guards of tenants/pages.py; tenants/checks.py refuses a city view that has neither.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.views import APIView

# Base classes: every endpoint derives from one of these, so which host and which people an
# endpoint serves is decided once, here, and never by reaching for a global queryset.


def current_city(request):
    """The City serving this request, or None on the platform's own host."""
    from .models import City

    tenant = getattr(request, "tenant", None)
    return tenant if isinstance(tenant, City) else None


def canonical_url(request, path: str) -> str:
    """`path` as an absolute URL on the canonical host of the request's city (the platform's
    own host outside a city), with the scheme and port links carry (tenants.models.build_url):
    never the Host header's, which may be an alias, a proxy's or an internal port."""
    from django.conf import settings

    from .models import build_url

    city = current_city(request)
    return build_url(city.primary_host if city else settings.TREMPLIN_BASE_DOMAIN, path)


class OnCityHost(BasePermission):
    """Only on a city's host."""

    def has_permission(self, request, view) -> bool:
        if current_city(request) is None:
            raise Http404
        return True


class OnPublicHost(BasePermission):
    """Only on the platform's own host."""

    def has_permission(self, request, view) -> bool:
        if current_city(request) is not None:
            raise Http404
        return True


class IsOperator(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_operator)


class IsCityStaff(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_city_staff)


class CityAPIView(APIView):
    """An endpoint on a city host; anonymous unless a subclass asks for more."""

    permission_classes = [OnCityHost, AllowAny]


class CityStaffAPIView(APIView):
    permission_classes = [OnCityHost, IsCityStaff]


class OperatorAPIView(APIView):
    permission_classes = [OnPublicHost, IsOperator]


class AnyHostAPIView(APIView):
    """Endpoints that exist on both kinds of host (authentication)."""

    permission_classes = [AllowAny]
