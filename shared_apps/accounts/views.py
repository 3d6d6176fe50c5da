"""Sign-in pages on every host, and the invitation page that lets new staff choose a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from kernel.errors import ApplicationError

from tenants.access import canonical_url
from tenants.pages import any_host_page

from .forms import EmailAuthenticationForm, SetPasswordForm
from .passwords import FriendlySetPasswordForm
from .services import invitation_accept, invitation_get_usable
from .tokens import password_reset_tokens


@any_host_page
class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@any_host_page
class SignOutView(LogoutView):
    pass


# Password reset: Django's views, tokens bound to the user's password hash, e-mail and last login
# and to the city's schema (tokens.py: a link from one city, or from the city a copy was imported
# from, never works for an account of another), our templates.


@any_host_page
class PasswordResetView(auth_views.PasswordResetView):
    token_generator = password_reset_tokens
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def form_valid(self, form):
        # The link names the city's canonical host and the port links carry, not the Host
        # header the form was posted to.
        self.extra_email_context = {"base_url": canonical_url(self.request, "")}
        return super().form_valid(form)


@any_host_page
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@any_host_page
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    token_generator = password_reset_tokens
    template_name = "accounts/password_reset_confirm.html"
    form_class = FriendlySetPasswordForm


@any_host_page
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@any_host_page
def invitation_view(request: HttpRequest, secret: str) -> HttpResponse:
    try:
        invitation = invitation_get_usable(secret=secret)
    except ApplicationError as exc:
        return render(
            request, "accounts/invitation_invalid.html", {"message": exc.message}, status=404
        )
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(secret=secret, password=form.cleaned_data["password"])
        except ApplicationError as exc:
            form.add_error("password", exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Ton mot de passe est enregistré. Bienvenue !"))
            return redirect("/")
    return render(request, "accounts/invitation.html", {"form": form, "invited": invitation.user})
