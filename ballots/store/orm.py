"""The cast store through Django's ORM: any database, several statements per card."""
from django.db import transaction
from django.utils import timezone

from wotum.db import capped_increment_run

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
            if link is not None and not BallotLink.objects.filter(
                    pk=link.pk, state=BallotLink.State.ISSUED).update(
                    state=link.state, used_at=timezone.now(), email=""):
                raise LinkUsed
            # The insert takes the foreign-key lock on the box row (FOR KEY SHARE on
            # PostgreSQL), which a close's FOR UPDATE waits for, and which waits for a
            # close in progress. Read after it, the box's state is the committed one.
            ballot.save(force_insert=True)
            if not BallotBox.objects.filter(pk=ballot.box_id,
                                            state=BallotBox.State.OPEN).exists():
                raise BoxClosed
            for vote in votes:
                vote.ballot = ballot
            Vote.objects.bulk_create(votes)
            audit.object_id = str(ballot.pk)
            audit.save(force_insert=True)
            if receipt is not None:
                receipt.save(force_insert=True)
