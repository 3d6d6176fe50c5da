"""Password checks with messages in plain French and tutoiement (Django's own say "vous")."""

from __future__ import annotations

from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MESSAGES = {
    "password_too_short": "Ton mot de passe est trop court : 10 caractères au moins.",
    "password_too_common": "Ce mot de passe est trop courant : choisis-en un plus difficile.",
    "password_entirely_numeric": "Ton mot de passe ne peut pas contenir que des chiffres.",
    "password_too_similar": "Ton mot de passe ressemble trop à ton adresse e-mail.",
}


def password_errors(password: str, user=None) -> list[str]:
    """The problems with `password` (empty when it is acceptable)."""
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        return [MESSAGES.get(error.code, error.messages[0]) for error in exc.error_list]
    return []


class FriendlySetPasswordForm(SetPasswordForm):
    """Django's password reset form, speaking to a young person."""

    error_messages = {"password_mismatch": _("Les deux mots de passe ne sont pas identiques.")}

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Nouveau mot de passe (10 caractères au moins)")
        self.fields["new_password1"].help_text = ""
        self.fields["new_password2"].label = _("Répète ton nouveau mot de passe")

    def validate_password_for_user(self, user, password_field_name="password2"):  # noqa: S107
        for message in password_errors(self.cleaned_data.get(password_field_name), user):
            self.add_error(password_field_name, message)
