"""The audit trail (X-4): an append-only log, each row chained to the one before by a hash.

Rows form chains ("streams"); each stream has a head row that holds the last sequence
number and hash. A row is written unchained (no ``seq``, no hash) in the transaction of the
change it records; one chaining step (``audit.services.audit_chain``) later locks the
stream's head and links the committed unchained rows in id order, so rows of one stream are
totally ordered by ``seq`` and a verifier can walk the chain row by row. The database lets
a row be updated once, from unchained to chained, and never again.
"""
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditChainHead(models.Model):
    stream = models.CharField(max_length=100, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # The hash before the last append: what that record links to, for a writer that
    # appends and reads the new head back in one statement.
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self):
        return f"{self.stream} at {self.seq}"


class AuditRecord(models.Model):
    stream = models.CharField(max_length=100, default="global")
    # Empty until the chaining step links the row (see the module's docstring).
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("when"))
    # Indexed only where set (see Meta): most rows, one per cast card, have no actor.
    actor = models.ForeignKey(
        # PROTECT: SET_NULL would UPDATE the append-only rows. Accounts are anonymised
        # instead (accounts.services.user_anonymise).
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("who"), db_index=False,
    )
    actor_label = models.CharField(_("who"), max_length=254)
    # No index of its own: the (organisation, created_at) index below serves lookups by
    # organisation, and every cast card writes one of these rows.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["stream", "seq"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organisation", "created_at"]),
            models.Index(fields=["actor"], condition=models.Q(actor__isnull=False),
                         name="audit_record_actor"),
        ]

    def __str__(self):
        return f"{self.stream}#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records are append-only.")

    def payload(self) -> dict:
        """The fields the hash covers, in a stable form."""
        return {
            "stream": self.stream,
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "details": self.details,
        }

    def canonical(self) -> str:
        return json.dumps(self.payload(), sort_keys=True, cls=DjangoJSONEncoder,
                          ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode()).hexdigest()
