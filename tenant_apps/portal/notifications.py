"""E-mails of the portal: a place freed up for you, and the reminder the day before. A young
person who said no to e-mails (tenant_apps.matching's preferences) gets them in the inbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone

from tenant_apps.matching.selectors import email_allowed
from tenant_apps.matching.services import inbox_add
from tenants.models import City, build_url

from .models import Registration, RegistrationStatus


def _when(starts_at: datetime | None) -> str:
    if starts_at is None:
        return ""
    return f" le {timezone.localtime(starts_at):%d/%m à %Hh%M}"


def send_promotion_email(*, registration_id: int) -> bool:
    """Tell someone from the waitlist that they now have a place (after the commit)."""
    registration = (
        Registration.objects.select_related("user", "offer").filter(pk=registration_id).first()
    )
    if registration is None or registration.user is None:
        return False
    if registration.status != RegistrationStatus.REGISTERED:
        return False
    if not email_allowed(user=registration.user):  # the inbox already says it
        return False
    city: City = connection.tenant
    offer = registration.offer
    link = build_url(city.primary_host, "/mes-inscriptions/")
    EmailMessage(
        subject=f"Tremplin {city.name} : une place s'est libérée pour toi",
        body=(
            "Bonne nouvelle !\n\n"
            f"Une place s'est libérée à « {offer.title} »{_when(offer.starts_at)}"
            f" : tu es inscrit·e.\n\nSi tu ne peux plus venir, annule ici pour laisser ta place :"
            f" {link}\n"
        ),
        to=[registration.user.email],
    ).send()
    return True


def send_event_reminders(*, city: City, now: datetime | None = None) -> int:
    """E-mail everyone registered to an event happening tomorrow (once per registration)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = datetime.combine(tomorrow, datetime.min.time(), tz)
    end = start + timedelta(days=1)
    due = (
        Registration.objects.select_related("user", "offer")
        .filter(
            status=RegistrationStatus.REGISTERED,
            user__isnull=False,
            user__is_active=True,
            reminded_at__isnull=True,
            offer__starts_at__gte=start,
            offer__starts_at__lt=end,
        )
        .order_by("pk")
    )
    sent = 0
    for registration in due:
        offer = registration.offer
        where = f"\nOù : {offer.address}" if offer.address else ""
        if not email_allowed(user=registration.user):
            inbox_add(
                user=registration.user,
                title=f"Demain : {offer.title}",
                body=f"Petit rappel : tu es inscrit·e à « {offer.title} »"
                f"{_when(offer.starts_at)}.{where}",
                link=f"/offres/{offer.pk}/",
            )
            Registration.objects.filter(pk=registration.pk).update(reminded_at=now)
            sent += 1
            continue
        link = build_url(city.primary_host, f"/offres/{offer.pk}/")
        EmailMessage(
            subject=f"Demain : {offer.title}",
            body=(
                f"Salut !\n\nPetit rappel : tu es inscrit·e à « {offer.title} »"
                f"{_when(offer.starts_at)}.{where}\n\nLes détails : {link}\n"
                f"Tu ne peux plus venir ? Annule pour laisser ta place : "
                f"{build_url(city.primary_host, '/mes-inscriptions/')}\n"
            ),
            to=[registration.user.email],
        ).send()
        Registration.objects.filter(pk=registration.pk).update(reminded_at=now)
        sent += 1
    return sent
