"""Organisations (cities, companies, councils) and the roles their staff hold in them."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("City or municipality")
        COMPANY = "company", _("Company")
        COUNCIL = "council", _("Council")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role within one organisation; the scope of everything staff see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.RESIDENT), name="membership_not_resident"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
