"""Reads of the poll store."""
from .models import Ballot, BallotBox


def box_public(box_id: int) -> BallotBox:
    return BallotBox.objects.select_related("organisation").get(pk=box_id)


def receipt_lookup(code: str) -> Ballot | None:
    """The ballot a receipt code belongs to (its box and status only are shown)."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if not cleaned:
        return None
    return Ballot.objects.select_related("box").filter(receipt_code=cleaned).first()
