"""The poll store shared by every process: polls, options, ballots and votes.

A participatory-budget vote is a ``BallotBox`` grouping polls (one per pool) with its
casting rules as data; a resolution or a council motion is a ``Poll`` of its own whose
votes belong to named voters. Every vote, whatever the process, is a ``Vote`` for an
``Option`` with a weight; the counting core counts them from one aggregate query.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from . import rules


def _staff(permission: str):
    """A transition permission: ``permission`` held in the organisation of the object (or
    of its box). The system (a scheduled job, the close) runs it as actor None."""

    def check(instance, user) -> bool:
        owner = instance if hasattr(instance, "organisation_id") else instance.box
        return user.has_perm(permission, owner)

    return check


def _system(instance, user) -> bool:
    """A transition only the system runs (actor None): no person may run it by hand."""
    return False


class OpenClosed(models.TextChoices):
    """The life of a box or a poll: prepared, open for votes, closed."""

    DRAFT = "draft", _("prepared")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class BallotBox(models.Model):
    """The polls of one ballot card and the rules for casting it (PB-13 … PB-20)."""

    State = OpenClosed

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    title = models.CharField(_("title"), max_length=200)
    state = FSMField(max_length=10, choices=State.choices, default=State.DRAFT,
                     enforce_initial=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    # When it was actually closed (early or late), which refusals quote, not the plan.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cards_per_email = models.PositiveSmallIntegerField(_("cards per e-mail address"), default=3)
    pesel_required = models.BooleanField(_("check PESEL"), default=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    # The rule whose snapshot is the box's result (until one is published): set by the
    # process that owns the box, e.g. an edition's selection rule.
    result_rule = models.CharField(_("selection rule"), max_length=30,
                                   choices=rules.budget_choices, default="greedy")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")
        permissions = [("enter_paper_ballot", _("Can enter paper ballot cards")),
                       ("view_live_report", _("Can see live voting reports")),
                       ("manage_ballotbox", _("Can open and close ballot boxes"))]

    def __str__(self):
        return self.title

    @state.transition(source=State.DRAFT, target=State.OPEN, custom={"audit": "box.open"},
                      permission=_staff("ballots.manage_ballotbox"))
    def open(self):
        """Open the box: links may be requested and cards cast."""

    @state.transition(source=State.OPEN, target=State.CLOSED, custom={"audit": "box.close"},
                      permission=_staff("ballots.manage_ballotbox"))
    def close(self):
        """Close the box: nothing more is cast."""
        self.closed_at = timezone.now()


class Poll(models.Model):
    """One question: a pool's projects, or a motion voted FOR / AGAINST / ABSTAIN."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("choose projects")
        MOTION = "motion", _("for, against, abstain")

    class Scoring(models.TextChoices):
        VOTES = "votes", _("votes")
        POINTS = "points", _("points")
        RANKS = "ranks", _("rank points")

    State = OpenClosed

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    box = models.ForeignKey(BallotBox, null=True, blank=True, on_delete=models.CASCADE,
                            related_name="polls")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.APPROVAL)
    # Polls of one box sharing a group are alternatives: the voter picks one of them (a
    # district), then options in it. An empty group stands alone (the city-wide pool).
    choice_group = models.CharField(max_length=40, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("choices allowed"), default=1)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)
    allow_change = models.BooleanField(_("votes may change until close"), default=False)
    state = FSMField(max_length=10, choices=State.choices, default=State.DRAFT,
                     enforce_initial=True)
    position = models.PositiveSmallIntegerField(default=0)
    # How the greedy rule ranks projects (PB-21): by votes, or by the votes' weights read
    # as points (cumulative ballots) or as rank points (ordinal ballots, 3/2/1 in Kraków).
    scoring = models.CharField(_("projects ranked by"), max_length=10,
                               choices=Scoring.choices, default=Scoring.VOTES)
    # A project scoring less is never selected; ``greedy_skip`` False stops the greedy
    # count at the first project that does not fit (a city's "no-skip" rule).
    threshold = models.PositiveIntegerField(_("minimum score to win"), null=True, blank=True)
    greedy_skip = models.BooleanField(_("skip a project that does not fit"), default=True)
    # Named votes: who may vote is the roll's business (ballots/rolls.py).
    roll = models.ForeignKey("ballots.Roll", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="polls")

    class Meta:
        ordering = ["box", "position", "id"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self):
        return self.title

    @state.transition(source=State.DRAFT, target=State.OPEN, custom={"audit": "poll.open"},
                      permission=_staff("ballots.manage_ballotbox"))
    def open(self):
        """Open the poll for votes."""

    @state.transition(source=State.OPEN, target=State.CLOSED, custom={"audit": "poll.close"},
                      permission=_staff("ballots.manage_ballotbox"))
    def close(self):
        """Close the poll."""


class Option(models.Model):
    """A project on the ballot (numbered), or FOR / AGAINST / ABSTAIN."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("number"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True,
                               blank=True)
    position = models.PositiveIntegerField(default=0)
    source_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["poll", "position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["poll", "code"],
                                               name="option_unique_code")]

    def __str__(self):
        return f"{self.code} {self.label}".strip()


class EmailQuota(models.Model):
    """How many cards one e-mail address was sent in one box (PB-16)."""

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="+")
    email_digest = models.CharField(max_length=64)
    issued = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["box", "email_digest"], name="quota_unique_email"),
        ]

    def __str__(self):
        return f"{self.email_digest[:8]}… {self.issued}"


class BallotLink(models.Model):
    """A single-use, expiring link to a ballot card; only the token's hash is kept."""

    class State(models.TextChoices):
        ISSUED = "issued", _("sent")
        USED = "used", _("used")

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="links")
    token_digest = models.CharField(max_length=64, unique=True)
    email_digest = models.CharField(max_length=64, db_index=True)
    # Kept only until the card is cast, to send the receipt; then blanked.
    email = models.EmailField(blank=True)
    state = FSMField(max_length=10, choices=State.choices, default=State.ISSUED,
                     enforce_initial=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ballot link")
        verbose_name_plural = _("ballot links")

    def __str__(self):
        return f"{self.box_id}:{self.token_digest[:8]}…"

    # Recorded by the card's own "ballot.cast" row, written in the same statement.
    @state.transition(source=State.ISSUED, target=State.USED, custom={"audit": "ballot.cast"},
                      permission=_system)
    def use(self):
        """Consume the link when its card is cast."""


class Ballot(models.Model):
    """One ballot card as cast, valid or not; an invalid card is kept with its reason."""

    class State(models.TextChoices):
        RECEIVED = "received", _("received")
        CAST = "cast", _("valid")
        COUNTED = "counted", _("counted")
        INVALID = "invalid", _("invalid")

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail link")
        PAPER = "paper", _("paper card")

    class InvalidReason(models.TextChoices):
        PESEL_ALREADY_VOTED = "pesel_already_voted", _("PESEL already voted")
        ANNULLED = "annulled", _("annulled by the commission")

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="ballots")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Not enforce_initial: the service runs accept() or invalidate() in memory and writes the
    # card once, so a card never sits in the database as "received".
    state = FSMField(_("status"), max_length=10, choices=State.choices,
                     default=State.RECEIVED)
    invalid_reason = models.CharField(_("why invalid"), max_length=40, blank=True,
                                      choices=InvalidReason.choices)
    pesel_digest = models.CharField(max_length=64, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    link = models.OneToOneField(BallotLink, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="ballot")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    receipt_code = models.CharField(_("receipt"), max_length=16, unique=True)
    cast_at = models.DateTimeField(_("cast"), auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            # One valid ballot per PESEL per box, whatever the channel (PB-17).
            models.UniqueConstraint(
                fields=["box", "pesel_digest"],
                condition=models.Q(state__in=["cast", "counted"]) & ~models.Q(pesel_digest=""),
                name="ballot_one_valid_per_pesel"),
        ]
        indexes = [models.Index(fields=["box", "state"])]

    def __str__(self):
        return self.receipt_code

    # A card is born cast or invalid: ballot_cast runs the transition in memory and its
    # store writes the card with its "ballot.cast" row. A clerk enters paper cards.
    @state.transition(source=State.RECEIVED, target=State.CAST, custom={"audit": "ballot.cast"},
                      permission=_staff("ballots.enter_paper_ballot"))
    def accept(self):
        """Accept a received card as valid."""

    @state.transition(source=State.RECEIVED, target=State.INVALID,
                      custom={"audit": "ballot.cast"},
                      permission=_staff("ballots.enter_paper_ballot"))
    @state.transition(source=State.CAST, target=State.INVALID,
                      custom={"audit": "ballot.invalidate"},
                      permission=_staff("ballots.enter_paper_ballot"))
    def invalidate(self, reason: str):
        """Keep the card, but not in the count, with the reason why."""
        self.invalid_reason = reason

    # The close counts a box's cards together (transition_audit_many writes the rows).
    @state.transition(source=State.CAST, target=State.COUNTED,
                      custom={"audit": "ballot.count"}, permission=_system)
    def count(self):
        """Mark a valid card as counted in the final result."""


class Vote(models.Model):
    """A vote for one option, with a weight: 1 for a resident or councillor, shares for a
    shareholder. ``counts`` is False for the votes of an invalid card and for a named
    voter's superseded votes, which are kept for the audit."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="votes")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="votes")
    ballot = models.ForeignKey(Ballot, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="votes")
    # The user who cast it; for a named vote ``elector`` is whom it counts for (the same
    # person, or the principal of a proxy).
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    elector = models.ForeignKey("ballots.Elector", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="votes")
    weight = models.PositiveBigIntegerField(default=1)
    counts = models.BooleanField(default=True)
    cast_at = models.DateTimeField(auto_now_add=True)
    # A named vote's confirmation of receipt (SRD art. 3c); PB cards have their receipt.
    receipt_code = models.CharField(_("confirmation id"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            # One live vote per elector per poll; a proxy casts one for each principal.
            models.UniqueConstraint(fields=["poll", "elector"],
                                    condition=models.Q(counts=True, elector__isnull=False),
                                    name="vote_one_live_per_elector"),
            models.CheckConstraint(condition=models.Q(elector__isnull=True)
                                   | models.Q(ballot__isnull=True),
                                   name="vote_named_or_on_a_card"),
            models.UniqueConstraint(fields=["ballot", "option"],
                                    condition=models.Q(ballot__isnull=False),
                                    name="vote_one_per_option_per_ballot"),
        ]
        # The tally (ballots.selectors) reads poll, counts, option and weight only, so with
        # weight in the index it never visits the wide vote rows. In the key, not INCLUDE:
        # the key keeps PostgreSQL's deduplication (a few distinct tuples per option) and
        # SQLite has no INCLUDE.
        indexes = [models.Index(fields=["poll", "counts", "option", "weight"],
                                name="vote_tally")]

    def __str__(self):
        return f"{self.poll_id}:{self.option_id}×{self.weight}"


class ResultSnapshot(models.Model):
    """A poll's result as computed once: immutable, with its rule, time and digest (PB-21).

    Recomputing from the same votes with the same rule gives the same ``digest``; a
    changed digest means the votes changed.
    """

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="results")
    rule = models.CharField(_("rule"), max_length=30)
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    ballots = models.PositiveIntegerField(_("ballots counted"))
    data = models.JSONField()
    digest = models.CharField(max_length=64)
    # Set once, when the result goes public; the published snapshot stays the result
    # whatever is computed after it.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["poll", "-computed_at", "-id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return f"{self.poll} ({self.rule}, {self.computed_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("A result snapshot is immutable; compute a new one.")
        super().save(*args, **kwargs)


class ResultRun(models.Model):
    """One (re)computation of a box's results in the background, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("computing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="result_runs")
    rule = models.CharField(_("rule"), max_length=30, choices=rules.budget_choices)
    # Moved by audit.transitions.transition_claim: one conditional UPDATE per step, so of
    # two workers given the same run exactly one starts it.
    state = FSMField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    polls_total = models.PositiveIntegerField(default=0)
    polls_done = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    snapshots = models.ManyToManyField(ResultSnapshot, blank=True, related_name="+")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("results computation")
        verbose_name_plural = _("results computations")

    def __str__(self):
        return f"{self.box} {self.rule} {self.polls_done}/{self.polls_total}"

    @state.transition(source=State.QUEUED, target=State.RUNNING,
                      custom={"audit": "resultrun.start"}, permission=_system)
    def start(self):
        """A worker takes the queued run."""

    @state.transition(source=State.RUNNING, target=State.DONE,
                      custom={"audit": "resultrun.finish"}, permission=_system)
    def finish(self):
        """Every poll is counted."""

    @state.transition(source=[State.QUEUED, State.RUNNING], target=State.FAILED,
                      custom={"audit": "resultrun.fail"}, permission=_system)
    def fail(self):
        """The computation failed; the error is kept."""

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        return 100 * self.polls_done // self.polls_total if self.polls_total else 0


from .rolls import Elector, Roll  # noqa: E402,F401  (models of this app, in their own module)
