"""Council sessions (CS-1 … CS-8), on top of ``meetings``.

A session is a ``meetings.Meeting`` of kind ``council_session`` whose roll requires
presence; its agenda items are ``meetings.Resolution`` rows (each a poll on that roll).
What only councils have lives here: the council's statutory seats, the timed quorum
checks, each vote's duration and secrecy, and documents.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField


def _can_run(instance, user) -> bool:
    return user.has_perm("meetings.run_meeting", instance.meeting)


def _can_manage(instance, user) -> bool:
    return user.has_perm("council.manage_councillors", instance.council)


def _is_self(instance, user) -> bool:
    return user.pk == instance.user_id


class Council(models.Model):
    """A council (an organisation of kind council) and its statutory number of seats."""

    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.CASCADE,
                                        related_name="council")
    seats = models.PositiveSmallIntegerField(_("statutory seats"))

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [models.CheckConstraint(condition=models.Q(seats__gt=0),
                                              name="council_seats_positive")]

    def __str__(self):
        return str(self.organisation)


class Councillor(models.Model):
    """A councillor's term and the credentials the council office issues (CS-1): an
    invitation whose one-time link (only its hash kept) lets them set a password, then the
    end of the term. The councillor role itself is a ``Membership``; a former councillor
    loses it and keeps every past vote (votes point at the roll, not at the role)."""

    class State(models.TextChoices):
        INVITED = "invited", _("not activated")
        ACTIVE = "active", _("activated")
        FORMER = "former", _("no longer serving")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="councillors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    state = FSMField(_("status"), max_length=10, choices=State.choices,
                     default=State.INVITED)
    token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    invited_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    ended_at = models.DateTimeField(_("term ended"), null=True, blank=True)

    class Meta:
        ordering = ["council", "user__last_name", "user__first_name", "id"]
        verbose_name = _("councillor")
        verbose_name_plural = _("councillors")
        permissions = [("manage_councillors", _("Can issue councillors' credentials"))]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"],
                                    condition=~models.Q(state="former"),
                                    name="councillor_serving_once"),
        ]

    def __str__(self):
        return f"{self.user.first_name} {self.user.last_name}".strip() or self.user.email

    @property
    def organisation(self):
        return self.council.organisation_id

    @state.transition(source=State.INVITED, target=State.ACTIVE, label=_("Activate"),
                      permission=_is_self, custom={"audit": "councillor.activate"})
    def activate(self):
        """The councillor set their password through the invitation link."""

    @state.transition(source=[State.INVITED, State.ACTIVE], target=State.FORMER,
                      label=_("No longer serving"), permission=_can_manage,
                      custom={"audit": "councillor.end"})
    def end(self):
        """The term ended: no new sessions; past votes stay as they were."""


class QuorumCheck(models.Model):
    """A timed presence check (CS-2): councillors confirm until ``ends_at``; then it closes
    with the number present and whether the quorum was met."""

    class State(models.TextChoices):
        OPEN = "open", _("in progress")
        CLOSED = "closed", _("finished")

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE,
                                related_name="quorum_checks")
    state = FSMField(_("status"), max_length=10, choices=State.choices, default=State.OPEN)
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    seats = models.PositiveSmallIntegerField()
    present = models.PositiveSmallIntegerField(null=True, blank=True)
    met = models.BooleanField(null=True)

    class Meta:
        ordering = ["meeting", "started_at", "id"]
        verbose_name = _("quorum check")
        verbose_name_plural = _("quorum checks")
        constraints = [
            models.UniqueConstraint(fields=["meeting"], condition=models.Q(state="open"),
                                    name="quorum_check_one_open_per_meeting"),
        ]

    def __str__(self):
        return f"{self.meeting} — {self.started_at:%H:%M:%S}"

    @state.transition(source=State.OPEN, target=State.CLOSED, label=_("End the quorum check"),
                      permission=_can_run, custom={"audit": "quorumcheck.close"})
    def close(self):
        """End the check; the number present is recorded."""


class SessionItem(models.Model):
    """What a council vote adds to an agenda item: its title, secrecy and time limit."""

    resolution = models.OneToOneField("meetings.Resolution", on_delete=models.CASCADE,
                                      related_name="session_item")
    title = models.CharField(_("subject"), max_length=300, blank=True)
    secret = models.BooleanField(_("secret vote"), default=False)
    duration = models.PositiveIntegerField(_("duration (seconds)"), default=60)
    closes_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title or self.resolution.identifier


def _session_upload(instance, filename):
    return f"council/sessions/{instance.meeting_id}/{filename}"


def _private_upload(instance, filename):
    return f"council/private/{instance.owner_id}/{filename}"


class SessionDocument(models.Model):
    """A document of a session (draft resolutions, reports): every councillor reads it;
    the public reads the ones marked public."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE,
                                related_name="session_documents")
    resolution = models.ForeignKey("meetings.Resolution", on_delete=models.CASCADE,
                                   null=True, blank=True, related_name="session_documents",
                                   verbose_name=_("agenda item"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_session_upload)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    public = models.BooleanField(_("public"), default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("session document")
        verbose_name_plural = _("session documents")

    def __str__(self):
        return self.title


class PrivateDocument(models.Model):
    """A councillor's own upload, seen by nobody else."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_private_upload)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("private document")
        verbose_name_plural = _("private documents")

    def __str__(self):
        return self.title
