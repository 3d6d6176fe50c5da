"""Writes for young people: sign-up, e-mail verification, profile, consents, erasure,
and the city's neighbourhoods. They act on the current city schema."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from kernel.clock import local_today
from kernel.errors import (
    NotFound,
    PermissionDenied,
    ValidationFailed,
    from_django_validation_error,
)

from shared_apps.accounts.models import Role, User
from shared_apps.accounts.passwords import password_errors
from shared_apps.accounts.services import EmailTaken, user_create
from shared_apps.geo.communes import commune_get
from shared_apps.geo.qpv import qpv_for_commune

from .choices import ANONYMOUS_ANSWERS_KEY, MIN_AGE, TERMS_VERSION, ConsentKind
from .exports import erasure_hooks
from .models import Consent, Neighbourhood, YouthProfile
from .selectors import is_old_enough

logger = logging.getLogger(__name__)

OUTSIDE_QPV_CODE = "hors-qpv"
OUTSIDE_QPV_NAME = "Hors quartier prioritaire"
VERIFY_SALT = "tremplin.youth.verify-email"
VERIFY_MAX_AGE = 7 * 24 * 3600  # seconds a verification link stays valid


class TooYoung(ValidationFailed):
    default_code = "too_young"


TOO_YOUNG_MESSAGE = (
    f"Tremplin est ouvert aux jeunes à partir de {MIN_AGE} ans. Tu peux déjà parcourir "
    "toutes les offres sans compte, et revenir créer ton compte le jour de tes "
    f"{MIN_AGE} ans. Si tu as besoin d'aide maintenant, le point jeunesse de ta ville "
    "peut t'accueillir."
)


def today_local() -> date:
    return local_today()


# Neighbourhoods


@transaction.atomic
def neighbourhoods_seed(*, commune_insee: str = "", communes: list[str] | None = None) -> int:
    """Create the QPV of the city's communes and its "outside QPV" entries if missing; returns
    rows created.

    One commune: one "outside QPV" entry (`hors-qpv`). Several (a territory): one per commune
    (`hors-qpv-<insee>`), so that each commune's young people add up in the diagnostic.
    A QPV spanning several member communes belongs to the first of them it lists.
    Idempotent: existing rows (possibly renamed by staff) are left as they are.
    """
    codes = list(communes or [commune_insee])
    members = set(codes)
    created, position = 0, 0
    seen: set[str] = set()
    for insee in codes:
        for qpv in qpv_for_commune(insee):
            if qpv.code in seen:
                continue
            seen.add(qpv.code)
            position += 1
            home = next((c for c in qpv.communes if c in members), insee)
            _, was_created = Neighbourhood.objects.get_or_create(
                code=qpv.code.lower(),
                defaults={
                    "name": qpv.label,
                    "commune_insee": home,
                    "is_qpv": True,
                    "latitude": qpv.lat,
                    "longitude": qpv.lon,
                    "position": position,
                },
            )
            created += was_created
    if len(codes) == 1:
        outside = [(OUTSIDE_QPV_CODE, OUTSIDE_QPV_NAME, codes[0])]
    else:
        outside = [
            (f"{OUTSIDE_QPV_CODE}-{insee}", f"{_commune_name(insee)} — hors quartier prioritaire",
             insee)
            for insee in codes
        ]  # fmt: skip
    for index, (code, name, insee) in enumerate(outside):
        _, was_created = Neighbourhood.objects.get_or_create(
            code=code, defaults={"name": name, "commune_insee": insee, "position": 1000 + index}
        )
        created += was_created
    return created


def _commune_name(insee: str) -> str:
    commune = commune_get(insee)
    return commune.name if commune else insee


@transaction.atomic
def neighbourhood_create(*, name: str, code: str = "", is_qpv: bool = False) -> Neighbourhood:
    """A quartier added by staff (not a QPV unless they say so)."""
    from django.utils.text import slugify

    neighbourhood = Neighbourhood(
        code=code or slugify(name)[:40], name=name.strip(), is_qpv=is_qpv, position=500
    )
    try:
        neighbourhood.full_clean()
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    neighbourhood.save()
    return neighbourhood


# Sign-up and e-mail verification


def signup_validate(
    *, email: str, password: str, birth_date: date | None, accept_terms: bool
) -> None:
    """Check a sign-up without writing anything; under-15s get TooYoung first of all."""
    if birth_date is not None and not is_old_enough(birth_date, today_local()):
        raise TooYoung(TOO_YOUNG_MESSAGE, fields={"birth_date": [TOO_YOUNG_MESSAGE]})
    fields: dict[str, list[str]] = {}
    if birth_date is None:
        fields["birth_date"] = ["Indique ta date de naissance."]
    elif birth_date.year < 1900 or birth_date > today_local():
        fields["birth_date"] = ["Cette date de naissance n'est pas possible."]
    if not accept_terms:
        fields["accept_terms"] = ["Pour créer ton compte, accepte les conditions d'utilisation."]
    if problems := password_errors(password, User(email=(email or "").strip().lower())):
        fields["password"] = problems
    if fields:
        raise ValidationFailed(next(iter(fields.values()))[0], fields=fields)


@transaction.atomic
def youth_signup(
    *,
    email: str,
    password: str,
    birth_date: date | None,
    accept_terms: bool,
    display_name: str = "",
) -> User:
    """Open a young person's account with its profile and terms consent; sends verification."""
    signup_validate(
        email=email, password=password, birth_date=birth_date, accept_terms=accept_terms
    )
    user = user_create(
        email=email, role=Role.YOUTH, password=password, display_name=(display_name or "").strip()
    )
    YouthProfile.objects.create(user=user, birth_date=birth_date)
    consent_give(user=user, kind=ConsentKind.TERMS)
    transaction.on_commit(lambda: verification_email_send(user_id=user.pk))
    return user


def youth_signup_request(
    *,
    email: str,
    password: str,
    birth_date: date | None,
    accept_terms: bool,
    display_name: str = "",
) -> User | None:
    """A sign-up from the form or the API, answered the same whether or not the address
    already has an account here: the new account, or None when it had one (its owner is then
    mailed what happened). Invalid input is refused as by youth_signup, for both alike."""
    try:
        return youth_signup(
            email=email,
            password=password,
            birth_date=birth_date,
            accept_terms=accept_terms,
            display_name=display_name,
        )
    except EmailTaken:  # seen before the insert, or by it when two arrive at once
        # The hashing a new account costs, so the time taken tells nothing either.
        make_password(password)
        address = (email or "").strip().lower()
        transaction.on_commit(lambda: signup_existing_email_send(email=address))
        return None


def signup_existing_email_send(*, email: str) -> None:
    """Tell an account's owner that someone tried to sign up again with their address."""
    from tenants.models import build_url

    city = connection.tenant
    send_mail(
        subject=f"Ton compte Tremplin {city.name}",
        message=(
            "Salut,\n\n"
            f"Quelqu'un (toi, peut-être) a voulu créer un compte Tremplin {city.name} avec "
            "cette adresse e-mail. Tu as déjà un compte avec elle : aucun autre n'a été créé.\n\n"
            f"Si c'était toi, connecte-toi : {build_url(city.primary_host, '/connexion/')}\n"
            "Mot de passe oublié ? Choisis-en un nouveau : "
            f"{build_url(city.primary_host, '/mot-de-passe/oublie/')}\n\n"
            "Si ce n'était pas toi, ignore ce message : ton compte ne change pas.\n\n"
            f"L'équipe Tremplin {city.name}"
        ),
        from_email=None,
        recipient_list=[email],
    )


def verification_token(*, user: User) -> str:
    """A signed, expiring token naming this city, this user and this e-mail address."""
    return signing.dumps(
        {"s": connection.schema_name, "u": user.pk, "e": user.email}, salt=VERIFY_SALT
    )


def verification_email_send(*, user_id: int) -> None:
    """E-mail the verification link to the user (no-op if gone or already verified)."""
    from tenants.models import build_url

    user = User.objects.filter(pk=user_id).select_related("youth_profile").first()
    profile = getattr(user, "youth_profile", None) if user else None
    if user is None or profile is None or profile.email_verified_at:
        return
    city = connection.tenant
    link = build_url(city.primary_host, f"/compte/verifier/{verification_token(user=user)}/")
    send_mail(
        subject=f"Confirme ton adresse e-mail · Tremplin {city.name}",
        message=(
            "Salut,\n\n"
            f"Bienvenue sur Tremplin {city.name} ! Pour confirmer ton adresse e-mail, "
            f"ouvre ce lien (valable 7 jours) :\n\n{link}\n\n"
            "Si tu n'as pas créé de compte, ignore simplement ce message.\n\n"
            f"L'équipe Tremplin {city.name}"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def verification_resend(*, user: User) -> bool:
    """Send the link again; False when the address is already verified."""
    profile = YouthProfile.objects.filter(user=user).first()
    if profile is None or profile.email_verified_at:
        return False
    transaction.on_commit(lambda: verification_email_send(user_id=user.pk))
    return True


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address in the token as verified, if the token is genuine, fresh and for here."""
    invalid = NotFound(
        "Ce lien de confirmation n'est plus valable. Connecte-toi et demande un nouveau lien.",
        code="verification_invalid",
    )
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise invalid from exc
    if not isinstance(payload, dict) or payload.get("s") != connection.schema_name:
        raise invalid
    user = User.objects.filter(pk=payload.get("u"), email=payload.get("e")).first()
    profile = YouthProfile.objects.filter(user=user).first() if user else None
    if profile is None:
        raise invalid
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at", "updated_at"])
    return user


# Profile


def profile_ensure(*, user: User) -> YouthProfile:
    if user.role != Role.YOUTH:
        raise PermissionDenied("Le profil est réservé aux comptes jeunes.", code="not_youth")
    profile, _ = YouthProfile.objects.select_related("neighbourhood").get_or_create(user=user)
    return profile


# Answers stored as given, None meaning "not said" (the others store "" for no answer).
NULLABLE_ANSWERS = frozenset(
    {
        "has_driving_licence", "boursier", "birth_date", "net_income_monthly", "rent_monthly",
        "lives_with_partner",
    }
)  # fmt: skip


@transaction.atomic
def profile_update(*, user: User, data: dict[str, Any]) -> YouthProfile:
    """Apply the given answers (absent keys unchanged; None or empty clears an answer).

    `data` uses the API shape (already type-checked): `neighbourhood` is a code; a postal code
    without a commune fills the commune when only one commune has it.
    """
    from .validation import profile_errors

    profile = profile_ensure(user=user)
    if errors := profile_errors(data, today=today_local()):
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    for name, value in data.items():
        if name == "display_name":
            user.display_name = (value or "").strip()
            user.save(update_fields=["display_name"])
        elif name == "neighbourhood":
            profile.neighbourhood = Neighbourhood.objects.get(code=value) if value else None
        elif name in ("interests", "freins", "looking_for"):
            setattr(profile, name, sorted(set(value or [])))
        elif name == "facts":
            profile.facts = dict(value or {})
        elif name in NULLABLE_ANSWERS:
            setattr(profile, name, value)
        else:
            setattr(profile, name, value or "")
    if "postal_code" in data and "commune_insee" not in data:
        profile.commune_insee = _commune_of_postal_code(profile.postal_code) or ""
    if "neighbourhood" in data and not profile.commune_insee and _is_territory():
        # In a territory, the quartier says which member commune they live in.
        neighbourhood = profile.neighbourhood
        profile.commune_insee = neighbourhood.commune_insee if neighbourhood else ""
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    profile.save()
    return profile


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _yes_no(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _euros(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _codes(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


def _facts(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


# The answers a visitor can give before having an account (the DESIGN.md profile shape), each
# with what turns its session (JSON) form back into the one profile_update takes, or None.
# birth_date is not among them: the one given at sign-up wins.
_ANONYMOUS_ANSWERS = {
    "situation": _text, "diploma_level": _text, "commune_insee": _text, "postal_code": _text,
    "neighbourhood": _text, "housing_status": _text, "boursier": _yes_no,
    "has_driving_licence": _yes_no, "lives_with_partner": _yes_no, "net_income_monthly": _euros,
    "rent_monthly": _euros, "interests": _codes, "freins": _codes, "looking_for": _codes,
    "facts": _facts,
}  # fmt: skip


def profile_adopt_session_answers(
    *, user: User, session: MutableMapping[str, Any]
) -> YouthProfile | None:
    """Carry the answers given anonymously on « Mes droits » into a new account's profile and
    forget them from the session. An answer that does not pass validation is dropped: it never
    fails the sign-up. Returns the profile, or None when there was nothing to carry."""
    raw = session.pop(ANONYMOUS_ANSWERS_KEY, None)
    if not isinstance(raw, dict):
        return None
    from .validation import profile_errors

    today = today_local()
    coerced = {
        name: coerce(raw[name]) for name, coerce in _ANONYMOUS_ANSWERS.items() if name in raw
    }
    answers = {
        name: value
        for name, value in coerced.items()
        if value is not None and not profile_errors({name: value}, today=today)
    }
    while answers:  # each failed try drops at least one answer
        try:
            return profile_update(user=user, data=answers)
        except ValidationFailed as exc:
            # What only the model refuses (a code too long…) is dropped, the rest kept.
            logger.info("anonymous answers dropped at sign-up: %s", sorted(exc.fields))
            if not set(exc.fields) & set(answers):
                return None
            answers = {k: v for k, v in answers.items() if k not in exc.fields}
    return None


def _commune_of_postal_code(postal_code: str) -> str | None:
    from shared_apps.geo.communes import commune_search

    if not postal_code:
        return None
    city = connection.tenant
    if postal_code in (getattr(city, "postal_codes", None) or []):
        # One of the city's own: the member commune with it (None when several share it).
        members = territory_communes()
        if len(members) == 1:
            return members[0].insee
        owners = [c.insee for c in members if postal_code in c.postal_codes]
        return owners[0] if len(owners) == 1 else None
    matches = [c for c in commune_search(postal_code, limit=50) if postal_code in c.postal_codes]
    return matches[0].insee if len(matches) == 1 else None


def territory_communes() -> list:
    """The current city's communes (reference rows), its default first."""
    codes = getattr(connection.tenant, "commune_codes", None) or []
    return [c for c in map(commune_get, codes) if c is not None]


def _is_territory() -> bool:
    return bool(getattr(connection.tenant, "is_territory", False))


def commune_is_known(insee: str) -> bool:
    return commune_get(insee) is not None


# Consents


@transaction.atomic
def consent_give(*, user: User, kind: str) -> Consent:
    """Record a consent (returns the active one if already given)."""
    if kind not in ConsentKind.values:
        raise ValidationFailed("Ce consentement n'existe pas.", fields={"kind": ["Inconnu."]})
    existing = Consent.objects.select_for_update().filter(user=user, kind=kind, withdrawn_at=None)
    if consent := existing.first():
        return consent
    version = TERMS_VERSION if kind == ConsentKind.TERMS else "1"
    return Consent.objects.create(user=user, kind=kind, version=version, given_at=timezone.now())


@transaction.atomic
def consent_withdraw(*, user: User, kind: str) -> Consent:
    """Withdraw an active consent. The terms can only be withdrawn by deleting the account."""
    if kind == ConsentKind.TERMS:
        raise ValidationFailed(
            "Les conditions d'utilisation sont nécessaires pour garder ton compte. Pour les "
            "retirer, supprime ton compte depuis « Mes données ».",
            code="terms_required",
        )
    consent = Consent.objects.filter(user=user, kind=kind, withdrawn_at=None).first()
    if consent is None:
        raise NotFound("Tu n'as pas donné ce consentement.", code="consent_not_found")
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    return consent


# Erasure


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase a young person's account at once: other apps' hooks first, then the user row
    (profile, consents, tokens and invitations go with it by cascade)."""
    if user.role != Role.YOUTH:
        raise PermissionDenied(
            "Les comptes des agents sont supprimés par l'administrateur de la ville.",
            code="not_youth",
        )
    for hook in erasure_hooks().values():
        hook(user)
    User.objects.filter(pk=user.pk).delete()
