"""Meetings of an organisation and their agendas of resolution identifiers (BR-1 … BR-8).

A meeting owns a roll of electors (``ballots.Roll``); each resolution on its agenda is a
``ballots.Poll`` on that roll with the options FOR / AGAINST / ABSTAIN. Only identifiers
are stored ("Uchwała nr 3/2026"): the texts reach members by another channel (BR-3), so
no model here has a field for them. Council sessions (CS-*) are meetings of kind
``council_session`` whose roll requires presence.
"""
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

# The options of every resolution, by their code in ``ballots.Option``.
CHOICE_LABELS = {"for": _("For"), "against": _("Against"), "abstain": _("Abstain")}


def _can_run(instance, user) -> bool:
    """The transition permission: running meetings in the meeting's organisation."""
    organisation = getattr(instance, "meeting", instance)
    return user.has_perm("meetings.run_meeting", organisation)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", _("Board meeting")
        SHAREHOLDERS = "shareholders", _("Shareholders' meeting")
        COUNCIL_SESSION = "council_session", _("Council session")

    class State(models.TextChoices):
        DRAFT = "draft", _("in preparation")
        REGISTRATION = "registration", _("registration")
        VOTING = "voting", _("voting")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"), null=True, blank=True)
    state = FSMField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT,
                     enforce_initial=True)
    roll = models.OneToOneField("ballots.Roll", on_delete=models.PROTECT, related_name="meeting")
    # Shareholders: all shares issued, for quorum by capital and each vote's share of it.
    share_capital = models.PositiveBigIntegerField(_("shares issued"), null=True, blank=True)
    # Councils: the statutory number of seats (quorum, absolute majority of members).
    seats = models.PositiveSmallIntegerField(_("statutory seats"), null=True, blank=True)
    # Bumped in the transaction of every change a screen shows: the live state's ETag.
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        permissions = [("run_meeting", _("Can run meetings and their votes"))]

    def __str__(self):
        return self.title

    @property
    def weighted(self) -> bool:
        return self.kind == self.Kind.SHAREHOLDERS

    @state.transition(source=State.DRAFT, target=State.REGISTRATION,
                      label=_("Send invitations"), permission=_can_run,
                      custom={"audit": "meeting.open_registration"})
    def open_registration(self):
        """Invite the members: registration opens."""

    @state.transition(source=State.REGISTRATION, target=State.VOTING,
                      label=_("Start the voting"), permission=_can_run,
                      custom={"audit": "meeting.start_voting"})
    def start_voting(self):
        """Start the meeting's voting; resolutions may now be opened in turn."""

    @state.transition(source=State.VOTING, target=State.CLOSED,
                      label=_("Close the meeting"), permission=_can_run,
                      custom={"audit": "meeting.close"})
    def close(self):
        """Close the meeting: members no longer see results."""


class Resolution(models.Model):
    """One agenda item: an identifier, its majority rule and quorum, and its poll."""

    class Rule(models.TextChoices):
        SIMPLE = "simple", _("simple majority")
        ABSOLUTE = "absolute", _("absolute majority of votes cast")
        ABSOLUTE_OF_MEMBERS = "absolute-of-members", _("absolute majority of all members")
        TWO_THIRDS = "qualified-2/3", _("2/3 majority")
        THREE_QUARTERS = "qualified-3/4", _("3/4 majority")

    class Basis(models.TextChoices):
        HEAD = "head", _("by head")
        WEIGHT = "weight", _("by weight (shares)")

    class Quorum(models.TextChoices):
        NONE = "", _("no quorum")
        HALF = "1/2", _("half")
        THIRD = "1/3", _("one third")
        TWO_THIRDS = "2/3", _("two thirds")

    class State(models.TextChoices):
        DRAFT = "draft", _("not opened")
        OPEN = "open", _("voting")
        CLOSED = "closed", _("closed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    identifier = models.CharField(_("resolution"), max_length=60,
                                  help_text=_("The identifier only, e.g. “Uchwała nr 3/2026”; "
                                              "the text is never stored."))
    position = models.PositiveSmallIntegerField(default=0)
    poll = models.OneToOneField("ballots.Poll", on_delete=models.PROTECT,
                                related_name="resolution")
    rule = models.CharField(_("majority"), max_length=30, choices=Rule.choices,
                            default=Rule.SIMPLE)
    basis = models.CharField(_("counted"), max_length=10, choices=Basis.choices,
                             default=Basis.HEAD)
    quorum = models.CharField(_("quorum"), max_length=5, choices=Quorum.choices, blank=True,
                              default=Quorum.NONE)
    state = FSMField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT,
                     enforce_initial=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "identifier"],
                                    name="resolution_identifier_once_per_meeting"),
            # Resolutions are voted in turn: at most one open per meeting.
            models.UniqueConstraint(fields=["meeting"], condition=models.Q(state="open"),
                                    name="resolution_one_open_per_meeting"),
        ]

    def __str__(self):
        return self.identifier

    @property
    def quorum_share(self) -> Fraction | None:
        return Fraction(self.quorum) if self.quorum else None

    @state.transition(source=State.DRAFT, target=State.OPEN, label=_("Open the vote"),
                      permission=_can_run, custom={"audit": "resolution.open"})
    def open(self):
        """Open the vote on this resolution."""

    @state.transition(source=State.OPEN, target=State.CLOSED, label=_("End the vote"),
                      permission=_can_run, custom={"audit": "resolution.close"})
    def close(self):
        """End the vote on this resolution; the result is computed."""


def _is_invitee(instance, user) -> bool:
    """Only the invited person registers, through their own link."""
    return user.pk == instance.elector.user_id


class Invitation(models.Model):
    """An elector's invitation to register (BR-2): a one-time link, stored as its hash."""

    class State(models.TextChoices):
        PENDING = "pending", _("not registered")
        REGISTERED = "registered", _("registered")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    elector = models.OneToOneField("ballots.Elector", on_delete=models.CASCADE,
                                   related_name="invitation")
    token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    state = FSMField(_("status"), max_length=12, choices=State.choices,
                     default=State.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.meeting} — {self.elector}"

    @property
    def organisation(self):
        return self.meeting.organisation_id

    @state.transition(source=State.PENDING, target=State.REGISTERED, label=_("Register"),
                      permission=_is_invitee, custom={"audit": "meeting.register"})
    def register(self):
        """The invited person followed their link and registered."""
