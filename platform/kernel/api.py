"""API plumbing shared by every endpoint: the one JSON error shape."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError, RateLimited, from_django_validation_error

DRF_MESSAGES = {
    "not_authenticated": "Authentification requise.",
    "authentication_failed": "Identifiants invalides.",
    "permission_denied": "Tu n'as pas accès à cette ressource.",
    "not_found": "Introuvable.",
    "method_not_allowed": "Méthode non autorisée.",
    "parse_error": "Le corps de la requête n'est pas un JSON valide.",
    "unsupported_media_type": "Type de contenu non pris en charge.",
}


RATE_LIMITED_MESSAGE = "Trop de tentatives : réessaie dans quelques minutes."


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            key: [str(item) for item in (value if isinstance(value, list) else [value])]
            if not isinstance(value, dict)
            else [str(v) for v in _flatten(value).values()]
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {}


def exception_handler(exc, context):
    """Turn every error into `{"error": {"code", "message", "fields"}}` with a 4xx status."""
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
        return Response(exc.as_dict(), status=exc.status_code, headers=headers)
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        error = from_django_validation_error(exc)
        return Response(error.as_dict(), status=error.status_code)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, drf_exceptions.APIException):
        return response
    if isinstance(exc, drf_exceptions.ValidationError):
        fields = _flatten(exc.detail)
        code, message = "validation_error", "Certaines données sont invalides."
    elif isinstance(exc, drf_exceptions.Throttled):  # DRF set Retry-After already
        fields, code = {}, RateLimited.default_code
        message = RATE_LIMITED_MESSAGE
    else:
        fields = {}
        code = exc.default_code
        message = DRF_MESSAGES.get(code, str(exc.detail))
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
