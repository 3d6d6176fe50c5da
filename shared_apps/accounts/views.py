"""Sign-in pages on every host (the password, then the second factor of accounts that have
one), two-factor set-up, password reset, and the invitation page that lets new staff choose a
password. Every credential path counts its attempts (limits.py; lockouts in lockout.py)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from kernel.errors import ApplicationError

from tenants.access import canonical_url
from tenants.pages import any_host_page, signed_in_any_host_page

from . import limits
from .clients import normalize_email
from .forms import EmailAuthenticationForm, SetPasswordForm, TwoFactorCodeForm
from .passwords import FriendlySetPasswordForm
from .services import invitation_accept, invitation_get_usable
from .tokens import password_reset_tokens
from .two_factor import (
    WRONG_CODE,
    two_factor_disable,
    two_factor_enabled,
    two_factor_enrolment_confirm,
    two_factor_enrolment_start,
    two_factor_needed,
    two_factor_offered,
    two_factor_recovery_codes_left,
    two_factor_recovery_codes_renew,
    two_factor_required,
    two_factor_verify,
)

# A password checked, its second factor still to come: kept in the session (of this host's
# schema), never a signed-in session until the code is given.
PENDING_KEY = "tremplin_2fa_pending"

# Where city staff start once signed in (a URL name, so no import of the city apps).
STAFF_HOME = "staff:home"


def landing_url(user) -> str:
    """Where `user` lands after signing in or accepting an invitation without a `next`:
    city staff on their back-office, everyone else on the host's home page."""
    if getattr(user, "is_city_staff", False):
        try:
            return reverse(STAFF_HOME)
        except NoReverseMatch:  # the platform host has no back-office
            pass
    return settings.LOGIN_REDIRECT_URL


@any_host_page
class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Per client (spraying many accounts) and per account (many clients on one); the
        # (account, client) lockout is django-axes' (its backend runs in authenticate()).
        limits.limit_hit(request, limits.SIGN_IN_CLIENT)
        limits.limit_check(
            request, limits.SIGN_IN_ACCOUNT_FAILURES, account=request.POST.get("username")
        )
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return landing_url(getattr(self, "signing_in", None) or self.request.user)

    def form_valid(self, form):
        user = self.signing_in = form.get_user()
        if not two_factor_needed(user):
            return super().form_valid(form)
        _pending_begin(self.request, user=user, next_url=self.get_success_url())
        if two_factor_enabled(user):
            return redirect("two_factor_verify")
        messages.info(
            self.request,
            _("Ton compte demande une double authentification : configure-la pour continuer."),
        )
        return redirect("two_factor")


def _pending_begin(request: HttpRequest, *, user, next_url: str) -> None:
    request.session.cycle_key()  # a new session id once the password is known good
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "until": time.time() + settings.TREMPLIN_2FA_PENDING_SECONDS,
    }


def _pending_user(request: HttpRequest):
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        request.session.pop(PENDING_KEY, None)
        return None
    return get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()


def _pending_finish(request: HttpRequest, *, user, device) -> str:
    """Sign the user in, verified by `device`; where the sign-in page was going."""
    pending = request.session.pop(PENDING_KEY)
    login(request, user, backend=pending["backend"])
    otp_login(request, device)
    return pending["next"]


@any_host_page
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """The sign-in's second step: a code of the authenticator app, or a recovery code."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Ta connexion a expiré : saisis à nouveau ton mot de passe."))
        return redirect("login")
    if not two_factor_enabled(user):
        return redirect("two_factor")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limits.limit_hit(request, limits.TWO_FACTOR_CLIENT)
        limits.limit_hit(request, limits.TWO_FACTOR_ACCOUNT, account=user.email)
        device = two_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            next_url = _pending_finish(request, user=user, device=device)
            if isinstance(device, StaticDevice):
                left = two_factor_recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "Tu as utilisé un code de secours (il ne servira plus) ; il t'en reste "
                        "%(left)s. Tu peux en générer de nouveaux depuis la page de double "
                        "authentification."
                    )
                    % {"left": left},
                )
            return redirect(next_url)
        form.add_error("code", WRONG_CODE)
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@any_host_page
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app (during a sign-in that requires it, or signed in, for an
    account that may have it), or, once on, see its state, renew recovery codes, turn it off."""
    # Not the signed-in guard: during a sign-in that requires it, nobody is signed in yet.
    pending = _pending_user(request) if not request.user.is_authenticated else None
    user = request.user if request.user.is_authenticated else pending
    if user is None:
        return redirect("login")
    if not two_factor_offered(user):
        return render(request, "accounts/two_factor_not_offered.html", status=403)
    if pending is None and two_factor_enabled(user):
        return render(
            request,
            "accounts/two_factor_manage.html",
            {
                "codes_left": two_factor_recovery_codes_left(user),
                "can_disable": not two_factor_required(user),
                "form": TwoFactorCodeForm(),
            },
        )
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limits.limit_hit(request, limits.TWO_FACTOR_CLIENT)
        limits.limit_hit(request, limits.TWO_FACTOR_ACCOUNT, account=user.email)
        try:
            device, codes = two_factor_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            if pending is not None:
                next_url = _pending_finish(request, user=user, device=device)
            else:
                otp_login(request, device)  # this session has just given a code
                next_url = "/"
            return render(
                request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url}
            )
    enrolment = two_factor_enrolment_start(user=user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "enrolment": enrolment, "during_sign_in": pending is not None},
    )


def _signed_in_with_two_factor(request: HttpRequest):
    """(user, None) when the second factor is on; else (None, the page to set it up)."""
    if not two_factor_enabled(request.user):
        return None, redirect("two_factor")
    return request.user, None


def _code_confirmed(request: HttpRequest, user) -> bool:
    """A current code (or a recovery code) confirms a change to the second factor itself."""
    form = TwoFactorCodeForm(request.POST)
    if not form.is_valid():
        return False
    limits.limit_hit(request, limits.TWO_FACTOR_CLIENT)
    limits.limit_hit(request, limits.TWO_FACTOR_ACCOUNT, account=user.email)
    return two_factor_verify(user=user, code=form.cleaned_data["code"]) is not None


@require_POST
@signed_in_any_host_page
def two_factor_codes_renew_view(request: HttpRequest) -> HttpResponse:
    user, refused = _signed_in_with_two_factor(request)
    if refused is not None:
        return refused
    if not _code_confirmed(request, user):
        messages.error(request, WRONG_CODE)
        return redirect("two_factor")
    codes = two_factor_recovery_codes_renew(user=user)
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": "/"})


@require_POST
@signed_in_any_host_page
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    """City admins turn it off for themselves (operators cannot: it is required for them)."""
    user, refused = _signed_in_with_two_factor(request)
    if refused is not None:
        return refused
    if two_factor_required(user):
        messages.error(request, _("La double authentification est obligatoire pour ton compte."))
        return redirect("two_factor")
    if not _code_confirmed(request, user):
        messages.error(request, WRONG_CODE)
        return redirect("two_factor")
    two_factor_disable(user=user)
    messages.success(request, _("La double authentification est désactivée pour ton compte."))
    return redirect("two_factor")


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

    def post(self, request, *args, **kwargs):
        limits.limit_hit(request, limits.PASSWORD_RESET_CLIENT)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Past a few mails to one address, the same answer and no mail: the page never tells
        # whether an account exists, nor that someone keeps asking.
        email = normalize_email(form.cleaned_data["email"])
        if not limits.limit_allows(self.request, limits.PASSWORD_RESET_MAILS, account=email):
            return HttpResponseRedirect(self.get_success_url())
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

    def dispatch(self, *args, **kwargs):
        limits.limit_hit(self.request, limits.PASSWORD_RESET_CONFIRM_CLIENT)
        return super().dispatch(*args, **kwargs)


@any_host_page
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@any_host_page
def invitation_view(request: HttpRequest, secret: str) -> HttpResponse:
    limits.limit_hit(request, limits.INVITATION_CLIENT)
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
            return redirect(landing_url(user))
    return render(request, "accounts/invitation.html", {"form": form, "invited": invitation.user})
