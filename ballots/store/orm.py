"""The cast store through Django's ORM: any database, several statements per card."""
from django.db import transaction
from django.utils import timezone

from wotum.db import capped_increment_run, key_share_lock

from ..models import BallotBox, BallotLink, EmailQuota, Vote
from .base import BoxClosed, CastStore, LinkUsed


class OrmStore(CastStore):
    def link_issue(self, *, box, email_digest, link, message) -> bool:
        with transaction.atomic():
            if not capped_increment_run(EmailQuota, key={"box_id": box.pk,
                                                         "email_digest": email_digest},
                                        counter="issued", limit=box.cards_per_email):
                return False
            link.save(force_insert=True)
            message.save(force_insert=True)
        return True

    def card_store(self, *, ballot, votes, link, audit, receipt) -> None:
        with transaction.atomic():
            # The lock a close's FOR UPDATE waits for, and which waits for a close in
            # progress; the state is read after it, so it is the committed one.
            if not key_share_lock(BallotBox, pk=ballot.box_id, state=BallotBox.State.OPEN):
                raise BoxClosed
            if link is not None and not BallotLink.objects.filter(
                    pk=link.pk, state=BallotLink.State.ISSUED).update(
                    state=link.state, used_at=timezone.now(), email=""):
                raise LinkUsed
            ballot.save(force_insert=True)
            for vote in votes:
                vote.ballot = ballot
            Vote.objects.bulk_create(votes)
            audit.object_id = str(ballot.pk)
            audit.save(force_insert=True)
            if receipt is not None:
                receipt.save(force_insert=True)
