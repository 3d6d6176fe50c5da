"""Writes for a city's branding (current schema)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from kernel.errors import PermissionDenied, ValidationFailed, from_django_validation_error
from kernel.images import CleanImage, image_reencode

from .colors import AA_CONTRAST, WHITE, contrast_ratio, is_hex_color
from .models import SOCIAL_NETWORKS, Branding, Page, PageSlug

DEFAULT_PRIMARY = "#1D4ED8"
DEFAULT_SECONDARY = "#7C2D12"


@transaction.atomic
def branding_initialize(
    *, display_name: str, primary_color: str | None = None, secondary_color: str | None = None
) -> Branding:
    """Create the city's branding row, or return the existing one untouched."""
    existing = Branding.objects.first()
    if existing is not None:
        return existing
    branding = Branding(
        display_name=display_name,
        primary_color=(primary_color or DEFAULT_PRIMARY).upper(),
        secondary_color=(secondary_color or DEFAULT_SECONDARY).upper(),
        welcome_text=f"Bienvenue sur Tremplin {display_name} : tes droits, des jobs, des "
        "formations et des sorties près de chez toi.",
    )
    try:
        branding.full_clean()
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    branding.save()
    return branding


# Staff edits (the city admin, /staff/branding/). Each one writes the staff audit log.

LOGO_MAX_BYTES = 512 * 1024
# Longest side of the stored logo: the header shows it 32 px high, the staff screen 48.
LOGO_MAX_SIDE = 512


def _require_admin(by) -> None:
    from shared_apps.accounts.models import Role

    if getattr(by, "role", None) != Role.ADMIN:
        raise PermissionDenied("Seul l'administrateur de la ville peut modifier son identité.")


def _logo_clean(logo) -> CleanImage:
    """The upload decoded and re-encoded as PNG (kernel.images): never stored as sent."""
    return image_reencode(logo, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SIDE)


def _social_errors(links: dict) -> list[str]:
    from django.core.validators import URLValidator

    validate = URLValidator(schemes=["https", "http"])
    for key, url in links.items():
        if key not in SOCIAL_NETWORKS:
            return [f"Réseau inconnu : {key}."]
        try:
            validate(url)
        except ValidationError:
            return [f"L'adresse {SOCIAL_NETWORKS[key]} n'est pas un lien valide (https://…)."]
    return []


@transaction.atomic
def branding_update(
    *,
    by,
    display_name: str,
    primary_color: str,
    secondary_color: str,
    welcome_text: str = "",
    social_links: dict[str, str] | None = None,
    logo=None,
    remove_logo: bool = False,
) -> Branding:
    """Change the city's identity; colours too light for white text are refused (WCAG AA)."""
    from tenant_apps.audit.services import audit_record, diff_snapshots, model_snapshot

    _require_admin(by)
    branding = Branding.objects.select_for_update().first()
    if branding is None:
        raise ValidationFailed("L'identité de la ville n'a pas encore été créée.")
    before = model_snapshot(branding)
    branding.display_name = (display_name or "").strip()
    branding.primary_color = (primary_color or "").strip().upper()
    branding.secondary_color = (secondary_color or "").strip().upper()
    branding.welcome_text = (welcome_text or "").strip()
    links = {k: v.strip() for k, v in (social_links or {}).items() if v and v.strip()}
    fields: dict[str, list[str]] = {}
    if errors := _social_errors(links):
        fields["social_links"] = errors
    branding.social_links = links
    clean_logo = None
    if logo is not None:
        try:
            clean_logo = _logo_clean(logo)
        except ValidationFailed as exc:
            fields["logo"] = [exc.message]
    try:
        branding.full_clean(exclude=["logo"])
    except ValidationError as exc:
        fields.update(from_django_validation_error(exc).fields)
    for name in ("primary_color", "secondary_color"):
        color = getattr(branding, name)
        if name not in fields and is_hex_color(color):
            ratio = contrast_ratio(color, WHITE)
            if ratio < AA_CONTRAST:
                fields[name] = [
                    f"Contraste insuffisant avec le texte blanc ({ratio:.1f}:1, il faut "
                    f"{AA_CONTRAST}:1) : choisis une couleur plus foncée."
                ]
    if fields:
        raise ValidationFailed(next(iter(fields.values()))[0], fields=fields)
    old_logo = branding.logo.name if branding.logo else ""
    if remove_logo:
        branding.logo = ""
    if clean_logo is not None:
        # Our name and extension (models.logo_path), never the uploader's.
        branding.logo.save(
            f"logo.{clean_logo.extension}", ContentFile(clean_logo.content), save=False
        )
    branding.save()
    if old_logo and old_logo != (branding.logo.name if branding.logo else ""):
        storage, name = branding.logo.storage, old_logo
        transaction.on_commit(lambda: storage.delete(name))
    audit_record(
        actor=by,
        action="branding.update",
        obj=branding,
        diff=diff_snapshots(before, model_snapshot(branding)),
    )
    return branding


DEFAULT_PAGES = {
    PageSlug.ABOUT: (
        "À propos",
        "Tremplin {city}, c'est l'espace jeunesse de ta ville : tes droits, des jobs, des "
        "formations, des sorties et des personnes pour t'aider, au même endroit.",
    ),
    PageSlug.CONTACT: (
        "Contact",
        "Pour toute question, passe au point information jeunesse de {city} ou écris-nous.",
    ),
    PageSlug.LEGAL: (
        "Mentions légales et conditions d'utilisation",
        "Ce service est édité par la ville de {city} avec Tremplin. Tes données servent "
        "uniquement à te proposer ce qui te correspond ; tu peux les télécharger ou les "
        "supprimer à tout moment depuis « Mes données ».",
    ),
}


def page_default(slug: str, *, city_name: str) -> tuple[str, str]:
    title, body = DEFAULT_PAGES[PageSlug(slug)]
    return title, body.format(city=city_name)


@transaction.atomic
def page_update(*, by, slug: str, title: str, body: str) -> Page:
    """Write one of the city's editable pages."""
    from tenant_apps.audit.services import audit_record, diff_snapshots, model_snapshot

    _require_admin(by)
    if slug not in PageSlug.values:
        raise ValidationFailed("Cette page n'existe pas.", fields={"slug": ["Inconnue."]})
    page = Page.objects.select_for_update().filter(slug=slug).first() or Page(slug=slug)
    before = model_snapshot(page) if page.pk else {}
    page.title = (title or "").strip()
    page.body = (body or "").strip()
    try:
        page.full_clean()
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    page.save()
    audit_record(
        actor=by,
        action="page.update",
        obj=page,
        diff=diff_snapshots(before, model_snapshot(page)),
    )
    return page
