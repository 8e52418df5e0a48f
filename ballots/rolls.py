"""The roll of electors: who may vote on a poll (or a group of polls), with what weight,
whether present, and through whom (a proxy).

A resolution or a council motion is a ``Poll`` with ``roll`` set. Its votes are named: a
``Vote`` records the ``elector`` it counts for and, in ``voter``, the user who cast it (the
elector, or their proxy). The database itself refuses a named vote from anyone not on the
poll's roll, from an absent elector where presence is required, with another weight than
the elector's, or on a poll that is not open (migration ``0005``'s trigger); and it keeps
one live vote per elector per poll (a partial unique index), so a change marks the old
vote ``counts=False`` and it stays for the audit.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField


class Roll(models.Model):
    """The electors of one or more polls: a meeting's members, a council's councillors."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    title = models.CharField(_("title"), max_length=200)
    # Council votes: only councillors present may vote (CS-3). Meetings voting remotely
    # leave it off and gate on registration instead.
    presence_required = models.BooleanField(_("only electors present may vote"),
                                            default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roll of electors")
        verbose_name_plural = _("rolls of electors")

    def __str__(self):
        return self.title


def _may_attend(instance, user) -> bool:
    """Presence: the elector confirms their own, or someone recording the roll's attendance."""
    return user.pk == instance.user_id or user.has_perm("ballots.record_attendance",
                                                        instance.roll)


def _may_record_attendance(instance, user) -> bool:
    return user.has_perm("ballots.record_attendance", instance.roll)


class Elector(models.Model):
    """One person on a roll: their weight (1, or their shares), presence and proxy.

    Presence changes only through the ``attendance`` transitions. ``present`` is the column
    the vote guard reads; a check constraint keeps it equal to ``attendance``, so no
    update can move one without the other.
    """

    class Attendance(models.TextChoices):
        ABSENT = "absent", _("absent")
        PRESENT = "present", _("present")

    roll = models.ForeignKey(Roll, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="electorships")
    weight = models.PositiveBigIntegerField(_("weight"), default=1)
    present = models.BooleanField(_("present"), default=False)
    attendance = FSMField(_("attendance"), max_length=10, choices=Attendance.choices,
                          default=Attendance.ABSENT)
    # Who votes on the elector's behalf (a registered person), and the document the
    # secretary saw: "pełnomocnictwo z 3.03.2026, notarialne". The elector may still vote.
    proxy = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="proxies_held")
    proxy_document = models.CharField(_("proxy document"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["roll", "position", "id"]
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        constraints = [
            models.UniqueConstraint(fields=["roll", "user"], name="elector_once_per_roll"),
            models.CheckConstraint(condition=~models.Q(proxy=models.F("user")),
                                   name="elector_not_own_proxy"),
            models.CheckConstraint(condition=models.Q(proxy__isnull=True)
                                   | ~models.Q(proxy_document=""),
                                   name="elector_proxy_has_document"),
            models.CheckConstraint(condition=models.Q(attendance="present", present=True)
                                   | models.Q(attendance="absent", present=False),
                                   name="elector_present_is_attendance"),
        ]
        permissions = [("record_attendance", _("Can record electors' attendance"))]

    def __str__(self):
        return str(self.user)

    @attendance.transition(source=Attendance.ABSENT, target=Attendance.PRESENT,
                           label=_("Present"), permission=_may_attend,
                           custom={"audit": "elector.present"})
    def arrive(self):
        """The elector is present (confirmed it, or was registered as such)."""
        self.present = True

    @attendance.transition(source=Attendance.PRESENT, target=Attendance.ABSENT,
                           label=_("Absent"), permission=_may_record_attendance,
                           custom={"audit": "elector.absent"})
    def leave(self):
        """The elector left, or a new presence check begins: they vote no more."""
        self.present = False

    @property
    def organisation(self):
        """The roll's organisation: whose audit log presence changes belong to."""
        return self.roll.organisation_id

    def may_be_cast_by(self, user) -> bool:
        return user is not None and user.pk in (self.user_id, self.proxy_id)
