"""The interface every cast store implements, and what it may refuse."""


class LinkUsed(Exception):
    """The card's link was used by another card first; nothing was written."""


class BoxClosed(Exception):
    """The box closed before the card was written; nothing was written."""


class CastStore:
    """Writes of the poll store. Each method is all or nothing, inside the caller's
    transaction if there is one (a savepoint then) or its own.

    Whatever a store writes is the same rows any other store writes for the same call:
    ``tests/voting/test_store_parity.py`` compares them row by row.
    """

    def link_issue(self, *, box, email_digest: str, link, message) -> bool:
        """Count one more card for the address (unless it had ``box.cards_per_email``),
        and then store ``link`` and its e-mail ``message``. False when over the cap."""
        raise NotImplementedError

    def card_store(self, *, ballot, votes: list, link, audit, receipt) -> None:
        """Store a card with its votes, its unchained audit row and its receipt e-mail,
        consuming ``link`` (if any) and only while ``ballot.box`` is open.

        Sets ``ballot.pk``. Raises ``LinkUsed`` or ``BoxClosed``; nothing is written then.
        The box's state is read after taking the lock a close conflicts with, so a card
        either commits before the close (and is counted by it) or is refused.
        """
        raise NotImplementedError
