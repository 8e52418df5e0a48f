"""A cap on drafts per account: one account cannot fill the database with drafts."""
import pytest
from django.core.exceptions import ValidationError

from intake.models import Proposal
from intake.services import proposal_create
from tests.intake.conftest import (  # noqa: F401 - fixtures, used by name
    _media_root_and_fast_passwords,
    edition,
    edition_factory,
    proposal_fields,
    resident,
)

pytestmark = pytest.mark.django_db


def test_a_resident_past_the_drafts_cap_is_told_in_polish_and_nothing_is_stored(
        client, settings, edition, resident, proposal_fields):  # noqa: F811
    settings.WOTUM_MAX_DRAFTS_PER_ACCOUNT = 2
    for _ in range(2):
        proposal_create(edition=edition, actor=resident, fields=proposal_fields,
                        applicant=resident)
    with pytest.raises(ValidationError) as refused:
        proposal_create(edition=edition, actor=resident, fields=proposal_fields,
                        applicant=resident)
    assert refused.value.code == "drafts_cap"
    assert Proposal.objects.count() == 2
    assert "ile można mieć naraz (2)" in str(refused.value.messages[0])
