"""Writes of the poll store: voting links, ballot cards, votes."""
import secrets
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed

from audit.services import audit_append, audit_append_sql, audit_entry, audit_record
from notifications.services import delivery_nudge, email_build_template, email_store
from wotum.sql import fetch_one, insert_select, row_to_instance, select_columns

from .card import CardOption, card_of
from .hashing import keyed_digest, token_digest
from .models import Ballot, BallotBox, BallotLink, EmailQuota, Vote
from .pesel import PeselFacts
from .windows import format_moment, window_closed_reason

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
AUDIT_SHARDS = 8  # audit chains per box: casting is not serialised on one chain head


class BallotRefused(Exception):
    """A link or card refused; ``code`` says why, ``message`` says it to the voter."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def email_normalise(address: str) -> str:
    return (address or "").strip().lower()


def box_refusal(box: BallotBox, now=None) -> str | None:
    """Why cards cannot be requested or cast in ``box`` now; None while voting is open."""
    closed = window_closed_reason(is_open_state=box.state == BallotBox.State.OPEN,
                                  is_past_state=box.state == BallotBox.State.CLOSED,
                                  starts=box.opens_at, ends=box.closes_at, now=now,
                                  closed_at=box.closed_at)
    if closed is None:
        return None
    reason, moment = closed
    sentences = {"closed_on": _("%(phase)s closed on %(date)s."),
                 "closed": _("%(phase)s is closed."),
                 "opens_on": _("%(phase)s opens on %(date)s."),
                 "not_open": _("%(phase)s has not opened yet.")}
    return sentences[reason] % {"phase": _("Voting"),
                                "date": format_moment(moment) if moment else ""}


def ballot_link_request(*, box: BallotBox, email: str, base_url: str) -> BallotLink:
    """Send a single-use link to a ballot card, at most ``cards_per_email`` per address.

    The cap is a conditional UPDATE on the address's quota row: concurrent requests queue
    on the row lock and re-check the condition, so exactly the allowed number pass.
    """
    address = email_normalise(email)
    refusal = box_refusal(box)
    if refusal:
        raise BallotRefused("closed", refusal)
    digest = keyed_digest("email", address)
    token = secrets.token_urlsafe(32)
    link = BallotLink(box=box, token_digest=token_digest(token), email_digest=digest,
                      email=address, expires_at=box.closes_at)
    # Rendered by the worker; the link waits in the row as it would in a rendered body,
    # and is wiped with it once sent.
    message = email_build_template(
        to=address, template="ballots/email/link", kind="ballot_link",
        organisation=box.organisation_id, forget_recipient=True, render_later=True,
        context={"title": box.title,
                 "url": base_url.rstrip("/") + reverse("ballots:card", args=[token]),
                 "closes": format_moment(box.closes_at) if box.closes_at else ""})
    issue = _link_issue_in_one_statement if connection.vendor == "postgresql" else _link_issue
    if box.cards_per_email < 1 or not issue(box, digest, link, message):
        raise BallotRefused("quota", _("The maximum number of forms has been sent for "
                                       "address %(address)s.") % {"address": address})
    return link


def _quota_take_sql(box: BallotBox, digest: str) -> tuple[str, list]:
    """Count one more card for the address, unless it has had its share; a row if counted.

    One statement, the same on PostgreSQL and SQLite: the first request inserts the row,
    later ones raise its count only while it is under the cap. Simultaneous requests
    queue on the row and each re-checks the condition, so the cap cannot be passed.
    """
    table = connection.ops.quote_name(EmailQuota._meta.db_table)
    return (f"INSERT INTO {table} (box_id, email_digest, issued) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (box_id, email_digest) DO UPDATE SET issued = {table}.issued + 1 "
            f"WHERE {table}.issued < %s RETURNING issued",
            [box.pk, digest, box.cards_per_email])


def _link_issue(box, digest, link, message) -> bool:
    """Take the address's quota, store the link and its e-mail: one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*_quota_take_sql(box, digest))
        if cursor.fetchone() is None:
            return False
        link.save(force_insert=True)
        email_store(message)
    return True


def _link_issue_in_one_statement(box, digest, link, message) -> bool:
    """``_link_issue``'s writes as one PostgreSQL statement: nothing unless the quota
    was taken."""
    quota_sql, params = _quota_take_sql(box, digest)
    link_sql, link_params = insert_select(link, where="EXISTS (SELECT 1 FROM quota)",
                                          returning="id")
    message_sql, message_params = insert_select(message, where="EXISTS (SELECT 1 FROM link)")
    row = _one_statement([f"quota AS ({quota_sql})", f"link AS ({link_sql})",
                          f"message AS ({message_sql})"],
                         [*params, *link_params, *message_params], "SELECT id FROM link")
    if row is None:
        return False
    link.pk = row[0]
    link._state.adding = False
    transaction.on_commit(delivery_nudge)
    return True


def ballot_link_resolve(token: str, now=None) -> BallotLink:
    """The link behind ``token``, or a refusal that tells the voter what happened."""
    link = _link_with_box(token_digest(token or ""))
    if link is None:
        raise BallotRefused("forged", _("This link is not valid. Check that you opened the "
                                        "whole link from the e-mail, or request a new one."))
    if link.state == BallotLink.State.USED:
        raise BallotRefused("used", _("This link has already been used to cast a ballot. "
                                      "Each link works once."))
    now = now or timezone.now()
    refusal = box_refusal(link.box, now)
    if refusal:
        raise BallotRefused("closed", refusal)
    if link.expires_at is not None and now >= link.expires_at:
        raise BallotRefused("expired", _("This link has expired."))
    return link


def _link_with_box(digest: str) -> BallotLink | None:
    """The link with ``digest`` and its box, in one query.

    What ``select_related("box")`` does, without building the query anew for each of the
    thousands of voters who open a card each minute at the start of a vote.
    """
    links = connection.ops.quote_name(BallotLink._meta.db_table)
    boxes = connection.ops.quote_name(BallotBox._meta.db_table)
    row = fetch_one(
        f"SELECT {select_columns(BallotLink, 'l')}, {select_columns(BallotBox, 'b')} "  # noqa: S608
        f"FROM {links} l JOIN {boxes} b ON b.id = l.box_id WHERE l.token_digest = %s",
        [digest])
    if row is None:
        return None
    width = len(BallotLink._meta.concrete_fields)
    link = row_to_instance(BallotLink, row[:width])
    link.box = row_to_instance(BallotBox, row[width:])
    return link


@dataclass
class CardChoices:
    """What a voter marked: option ids per poll id (an empty list: did not vote there)."""

    by_poll: dict[int, list[int]] = field(default_factory=dict)


def _checked_options(box: BallotBox, choices: CardChoices) -> list[CardOption]:
    card = card_of(box)
    wanted = [pk for pks in choices.by_poll.values() for pk in pks]
    groups_used: set[str] = set()
    for poll_id, option_ids in choices.by_poll.items():
        poll = card.polls.get(poll_id)
        if poll is None or any(card.options.get(pk) is None
                               or card.options[pk].poll_id != poll_id for pk in option_ids):
            raise BallotRefused("choices", _("The card lists a project that is not on it."))
        if len(option_ids) > poll.max_choices:
            raise BallotRefused("choices", _("Too many projects chosen in “%(poll)s”.")
                                % {"poll": poll.title})
        if option_ids and poll.choice_group:
            if poll.choice_group in groups_used:
                raise BallotRefused("choices", _("Projects may be chosen in one district only."))
            groups_used.add(poll.choice_group)
    return [card.options[pk] for pk in wanted]


def _receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def ballot_cast(*, box: BallotBox, choices: CardChoices, pesel: PeselFacts | None,
                channel: str, link: BallotLink | None = None, entered_by=None) -> Ballot:
    """Record a card: valid, or — its PESEL having voted already — invalid with the reason.

    One transaction: the link is consumed, the card and its votes stored, the audit row
    written. The partial unique index on (box, PESEL digest) of valid cards decides which
    of two simultaneous cards with one PESEL is valid: the loser's transaction is rolled
    back whole and run again, storing its card as invalid. The common case, a first card,
    costs no savepoint and no second write of the card.
    """
    refusal = box_refusal(box)
    if refusal:
        raise BallotRefused("closed", refusal)
    options = _checked_options(box, choices)
    try:
        return _cast(box, options, pesel, channel, link, entered_by, valid=True)
    except IntegrityError:
        if pesel is None or not _pesel_has_voted(box, pesel.digest):
            raise
    if link is not None:
        link.refresh_from_db()
    return _cast(box, options, pesel, channel, link, entered_by, valid=False)


def _pesel_has_voted(box: BallotBox, digest: str) -> bool:
    return Ballot.objects.filter(box=box, pesel_digest=digest,
                                 state__in=[Ballot.State.CAST, Ballot.State.COUNTED]).exists()


def _cast(box, options, pesel, channel, link, entered_by, *, valid: bool) -> Ballot:
    receipt_code = _receipt_code()
    ballot = Ballot(box=box, channel=channel, link=link, entered_by=entered_by,
                    receipt_code=receipt_code,
                    pesel_digest=pesel.digest if pesel else "",
                    birth_date=pesel.birth_date if pesel else None,
                    sex=pesel.sex if pesel else "")
    # The transition runs before the row is written: a card is born cast or invalid.
    if valid:
        ballot.accept()
    else:
        ballot.invalidate(reason=Ballot.InvalidReason.PESEL_ALREADY_VOTED)
    if link is not None:
        try:
            link.use()  # the state machine's check, in memory; the stores' UPDATE guards it
        except TransitionNotAllowed:
            raise _link_used() from None
    votes = [Vote(poll_id=o.poll_id, option_id=o.pk, counts=valid) for o in options]
    # Spread over AUDIT_SHARDS chains by the receipt code, which is random and known now.
    audit = audit_entry(action="ballot.cast", actor=entered_by, obj=ballot,
                        organisation=box.organisation_id, from_state=Ballot.State.RECEIVED,
                        to_state=ballot.state, details={"channel": channel,
                                                        "reason": ballot.invalid_reason},
                        stream=f"box:{box.pk}:"
                               f"{RECEIPT_ALPHABET.index(receipt_code[0]) % AUDIT_SHARDS}")
    receipt = None
    if link is not None and link.email:  # read when the link was opened; blanked on use
        receipt = email_build_template(
            to=link.email, template="ballots/email/receipt", kind="ballot_receipt",
            organisation=box.organisation_id, forget_recipient=True, render_later=True,
            context={"title": box.title, "receipt_code": receipt_code})
    store = _store_in_one_statement if connection.vendor == "postgresql" else _store
    store(ballot, votes, link, audit, receipt)
    return ballot


def _store(ballot, votes, link, audit, receipt) -> None:
    """The card's writes through the ORM, in one transaction."""
    with transaction.atomic():
        if link is not None and not BallotLink.objects.filter(
                pk=link.pk, state=BallotLink.State.ISSUED).update(
                state=link.state, used_at=timezone.now(), email=""):
            raise _link_used()
        ballot.save(force_insert=True)
        for vote in votes:
            vote.ballot = ballot
        Vote.objects.bulk_create(votes)
        audit.object_id = str(ballot.pk)
        audit_append(audit)
        if receipt is not None:
            email_store(receipt)


def _store_in_one_statement(ballot, votes, link, audit, receipt) -> None:
    """The same writes as ``_store``, as one PostgreSQL statement: one round trip.

    Each part of the ``WITH`` query takes its rows from the one before, so nothing is
    written unless the link was still unused; the statement is its own transaction (or a
    savepoint inside the caller's), all or nothing, like ``_store``'s.
    """
    parts, params = [], []
    if link is not None:
        links = connection.ops.quote_name(BallotLink._meta.db_table)
        parts.append(f"used AS (UPDATE {links} SET state = %s, used_at = %s, "  # noqa: S608
                     "email = '' WHERE id = %s AND state = %s RETURNING id)")
        params += [link.state, timezone.now(), link.pk, BallotLink.State.ISSUED]
    sql, sql_params = insert_select(ballot, returning="id",
                                    where="EXISTS (SELECT 1 FROM used)" if link else "")
    parts.append(f"ballot AS ({sql})")
    params += sql_params
    if votes:
        sql, sql_params = insert_select(
            votes[0], source="ballot, unnest(%s::bigint[], %s::bigint[]) AS chosen(poll, option)",
            exprs={"poll_id": ("chosen.poll", []), "option_id": ("chosen.option", []),
                   "ballot_id": ("ballot.id", [])})
        # The FROM list's parameters come after the SELECT list's in the SQL text.
        parts.append(f"votes AS ({sql})")
        params += [*sql_params, [v.poll_id for v in votes], [v.option_id for v in votes]]
    audit_parts, audit_params = audit_append_sql(
        audit, object_id_sql="(SELECT id FROM ballot)", when_sql="EXISTS (SELECT 1 FROM ballot)")
    parts += audit_parts
    params += audit_params
    if receipt is not None:
        sql, sql_params = insert_select(receipt, where="EXISTS (SELECT 1 FROM ballot)")
        parts.append(f"receipt AS ({sql})")
        params += sql_params
    row = _one_statement(parts, params, "SELECT id FROM ballot")
    if row is None:
        raise _link_used()
    ballot.pk = row[0]
    ballot._state.adding = False
    if receipt is not None:
        transaction.on_commit(delivery_nudge)


def _one_statement(parts: list[str], params: list, select: str):
    """Run ``WITH <parts> <select>`` (PostgreSQL) and return its first row.

    In autocommit the statement is its own transaction; inside the caller's, a savepoint
    keeps a failure (a PESEL that has voted) from spoiling it. Either way all or nothing.
    Its text is the same for every card, so it is prepared: planned once per connection.
    """
    query = "WITH " + ", ".join(parts) + " " + select  # noqa: S608
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        return fetch_one(query, params)


def _link_used() -> BallotRefused:
    return BallotRefused("used", _("This link has already been used to cast a ballot. "
                                   "Each link works once."))


def box_open(*, box: BallotBox, actor) -> BallotBox:
    """Open a prepared box and its polls."""
    with transaction.atomic():
        box = BallotBox.objects.select_for_update().get(pk=box.pk)
        box.open()
        box.save(update_fields=["state"])
        for poll in box.polls.filter(state="draft"):
            poll.open()
            poll.save(update_fields=["state"])
        audit_record(action="box.open", actor=actor, obj=box, organisation=box.organisation,
                     from_state=BallotBox.State.DRAFT, to_state=box.state)
    return box


def box_close(*, box: BallotBox, actor) -> int:
    """Close the box and its polls; mark its valid cards counted. Return how many.

    One set-based UPDATE rather than a transition per card: a city's million cards are
    counted in one statement, and one audit row records how many.
    """
    with transaction.atomic():
        box = BallotBox.objects.select_for_update().get(pk=box.pk)
        if box.state != BallotBox.State.OPEN:
            return 0
        box.close()
        box.save(update_fields=["state", "closed_at"])
        for poll in box.polls.filter(state="open"):
            poll.close()
            poll.save(update_fields=["state"])
        counted = Ballot.objects.filter(box=box, state=Ballot.State.CAST).update(
            state=Ballot.State.COUNTED)
        audit_record(action="box.close", actor=actor, obj=box, organisation=box.organisation,
                     from_state=BallotBox.State.OPEN, to_state=box.state,
                     details={"counted": counted})
    return counted
