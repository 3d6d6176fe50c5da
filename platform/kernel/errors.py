"""The one error hierarchy. Services raise these; the API and pages turn them into answers.

`code` is stable and machine-readable, `message` is French and shown to people, `fields` maps
input field names to lists of messages.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """A failure the caller can understand and act on (never a bug)."""

    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(ApplicationError):
    default_code = "validation_error"


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"


class PermissionDenied(ApplicationError):
    status_code = 403
    default_code = "permission_denied"


class RateLimited(ApplicationError):
    """Too many attempts from this client or on this account: try again in `retry_after`
    seconds (sent as the Retry-After header)."""

    status_code = 429
    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))


def from_django_validation_error(exc) -> ValidationFailed:
    """Convert django.core.exceptions.ValidationError into our error, keeping field messages."""
    if hasattr(exc, "message_dict"):
        fields = {
            ("non_field_errors" if key == "__all__" else key): [str(m) for m in messages]
            for key, messages in exc.message_dict.items()
        }
    else:
        fields = {"non_field_errors": [str(m) for m in exc.messages]}
    first = next(iter(fields.values()))[0] if fields else "Données invalides."
    return ValidationFailed(first, fields=fields)


def full_clean_or_fail(instance) -> None:
    """Run a model's validation; report problems as ValidationFailed (French, per field)."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean()
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
