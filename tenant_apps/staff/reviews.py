"""The review queue's answer reaches the person who sent the offer for review: a message in
their staff inbox (/staff/messages/) and an e-mail, whether it was published or sent back with
a reason. Registered as a catalogue review hook (tenant_apps.catalogue.publication), so every
way of deciding (review page, offer page, API) tells them; runs after the decision committed.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import connection
from django.urls import reverse

from shared_apps.accounts.models import STAFF_ROLES, User
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.catalogue import publication
from tenant_apps.catalogue.models import Offer
from tenant_apps.matching.models import InboxMessage
from tenants.models import City, build_url


def offer_submitter(offer_id) -> User | None:
    """Who last sent this offer for review (the audit log is the record of it)."""
    entry = (
        StaffAuditEntry.objects.filter(
            object_type="offer", object_id=str(offer_id), action="offer.submit"
        )
        .exclude(actor=None)
        .select_related("actor")
        .first()
    )
    return entry.actor if entry is not None else None


def review_message(offer: Offer, review: publication.Review) -> tuple[str, str]:
    """(title, body) of what the author reads, in French."""
    if review.approved:
        return (
            f"« {offer.title} » est publiée",
            "Ton offre a été relue et publiée : les jeunes la voient maintenant.",
        )
    return (
        f"« {offer.title} » est à reprendre",
        f"Ton offre est revenue en brouillon. Motif de la relecture : {review.reason}\n"
        "Corrige-la puis renvoie-la en relecture.",
    )


def offer_reviewed_tell(review: publication.Review) -> None:
    """Tell the person who sent the offer for review (not the reviewer themselves)."""
    offer = Offer.objects.filter(pk=review.offer_id).first()
    author = offer_submitter(review.offer_id) if offer is not None else None
    if author is None or not author.is_active or author.role not in STAFF_ROLES:
        return
    if author.pk == review.reviewer_id:
        return
    title, body = review_message(offer, review)
    path = reverse("staff:offer-edit", kwargs={"offer_id": offer.pk})
    InboxMessage.objects.create(user=author, title=title[:160], body=body, link=path)
    city: City = connection.tenant
    send_mail(
        subject=f"Tremplin {city.name} : {title}",
        message=f"Bonjour,\n\n{body}\n\n{build_url(city.primary_host, path)}\n\nL'équipe Tremplin",
        from_email=None,
        recipient_list=[author.email],
    )


def register() -> None:
    publication.offer_reviewed.register("staff.review", offer_reviewed_tell)
