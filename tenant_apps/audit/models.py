"""The city staff's audit log (city schema). Written by every staff-facing service, of any app,
through audit.services; read by the staff console and the operator's usage figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffAuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_email = models.CharField(_("auteur"), max_length=254, blank=True)  # kept after deletion
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("type d'objet"), max_length=40)
    object_id = models.CharField(_("identifiant"), max_length=64)
    object_label = models.CharField(_("objet"), max_length=200, blank=True)
    diff = models.JSONField(_("modifications"), default=dict, blank=True)  # {field: [old, new]}
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        # The table kept the name it had when the log lived in tenant_apps.staff: moving the
        # model down (below every app that writes to it) changed Django's state only.
        db_table = "staff_staffauditentry"
        ordering = ["-created_at", "-id"]
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des modifications")

    def __str__(self) -> str:
        return f"{self.actor_email} {self.action} {self.object_type} {self.object_id}"
