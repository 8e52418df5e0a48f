"""One word for one thing, and sizes as people write them ("11 MB", not "11.0 MB")."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from intake.services import attachment_add
from reports.uploads import megabytes, size_display
from tests.factories import ProposalFactory
from tests.i18n.test_catalogue import CATALOGUE, _entries
from tests.intake.uploads import upload


@pytest.mark.parametrize(("size", "shown"), [
    (11 * 1048576, "11 MB"), (1048576 + 1, "1,1 MB"), (int(10.5 * 1048576), "10,5 MB"),
    (300 * 1024, "300 kB")])
def test_sizes_read_as_people_write_them(size, shown):
    with translation.override("pl"):
        assert size_display(size) == shown


def test_a_megabyte_count_has_no_trailing_zero():
    with translation.override("pl"):
        assert megabytes(11 * 1048576) == "11"


@pytest.mark.django_db
def test_a_too_large_attachment_gives_its_size_without_a_trailing_zero(edition, resident):
    edition.max_attachment_mb = 10
    edition.save()
    draft = ProposalFactory(edition=edition, applicant=resident)
    with translation.override("pl"), pytest.raises(ValidationError) as error:
        attachment_add(proposal=draft, uploaded_file=upload("big.pdf", size=11 * 1048576),
                       actor=resident)
    assert "11 MB" in error.value.messages[0] and "11.0" not in error.value.messages[0]


@pytest.mark.parametrize(("used", "not_used"), [("Dzielnica", "Okręg"),
                                                ("Szacunkowy", "Szacowany")])
def test_the_polish_interface_uses_one_word_for_one_thing(used, not_used):
    translations = [text for entry in _entries(CATALOGUE) for text in entry["msgstr"].values()]
    assert any(used.casefold() in text.casefold() for text in translations)
    offending = [text for text in translations if not_used.casefold() in text.casefold()]
    assert not offending, offending
