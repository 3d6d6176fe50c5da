from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    # The sign-in page speaks to young people: "tu", never Django's "Saisissez…".
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Indique ton adresse e-mail."),
            "invalid": _("Indique une adresse e-mail valide, comme prenom@exemple.fr."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = _("Indique ton mot de passe.")

    error_messages = {
        "invalid_login": _("E-mail ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé."),
    }


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Choisis ton mot de passe (10 caractères au moins)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code de ton application d'authentification (ou un code de secours)"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )
