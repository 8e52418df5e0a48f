"""The cast store as one PostgreSQL statement per card or link: one round trip.

The statement is composed from model terms by ``wotum.db.WriteChain``; no SQL is written
here. Each part writes only if the part before it did, so nothing is written unless the
box was open and the link unused.
"""
from django.utils import timezone

from wotum.db import WriteChain

from ..models import BallotBox, BallotLink, EmailQuota
from .base import BoxClosed, CastStore, LinkUsed


class OneStatementStore(CastStore):
    def link_issue(self, *, box, email_digest, link, message) -> bool:
        chain = WriteChain()
        chain.capped_increment("quota", EmailQuota,
                               key={"box_id": box.pk, "email_digest": email_digest},
                               counter="issued", limit=box.cards_per_email)
        chain.insert("link", link, after="quota")
        chain.insert("message", message, after="link")
        pk = chain.run("link")
        if pk is None:
            return False
        link.pk, link._state.adding = pk, False
        return True

    def card_store(self, *, ballot, votes, link, audit, receipt) -> None:
        chain = WriteChain()
        # The foreign-key lock, taken first and only while open: see CastStore.card_store.
        chain.lock_if("open_box", BallotBox, pk=ballot.box_id, state=BallotBox.State.OPEN)
        first = "open_box"
        if link is not None:
            chain.update_if("used", BallotLink, pk=link.pk,
                            equals={"state": BallotLink.State.ISSUED},
                            values={"state": link.state, "used_at": timezone.now(),
                                    "email": ""}, after="open_box")
            first = "used"
        chain.insert("ballot", ballot, after=first)
        if votes:
            chain.insert_many("votes", votes, after="ballot", ids={"ballot_id": "ballot"})
        chain.insert("audit", audit, after="ballot", ids={"object_id:text": "ballot"})
        if receipt is not None:
            chain.insert("receipt", receipt, after="ballot")
        pk = chain.run("ballot")
        if pk is None:
            raise self._refusal(ballot, link)
        ballot.pk, ballot._state.adding = pk, False
        audit.object_id = str(pk)

    @staticmethod
    def _refusal(ballot, link) -> Exception:
        """Why nothing was written: the box closed, or else the link was used."""
        if link is None or not BallotBox.objects.filter(
                pk=ballot.box_id, state=BallotBox.State.OPEN).exists():
            return BoxClosed()
        return LinkUsed()
