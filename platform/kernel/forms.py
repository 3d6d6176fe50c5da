"""Form plumbing shared by every page."""

from __future__ import annotations

from django import forms

from .errors import ApplicationError


def add_application_error(
    form: forms.Form, exc: ApplicationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's error on the form: per field where the form has that field (`aliases`
    maps service field names to form field names), otherwise at the top of the form."""
    for field, errors in exc.fields.items():
        field = (aliases or {}).get(field, field)
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.fields:
        form.add_error(None, exc.message)
