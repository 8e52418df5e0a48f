"""Issue 11: the staff page, the public page and results.xlsx show one and the same result,
with the reasons and the rule's name in Polish."""
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ballots.models import ResultSnapshot
from ballots.results import box_results_compute
from intake.models import Edition
from intake.results import edition_results_publish
from organisations.roles import Role

pytestmark = pytest.mark.django_db


def _xlsx_rows(client, edition) -> list[tuple]:
    response = client.get(reverse("reports:box_export", args=[edition.ballot_box_id, "results"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def _citywide_winners_in_file(rows) -> set[str]:
    return {row[4] for row in rows[1:] if row[0] == "Ogólnomiejski" and row[10] == "tak"}


def _public_citywide(client, edition) -> str:
    html = client.get(reverse("intake:results_public", args=[edition.pk])).content.decode()
    return html.split('data-testid="winners"')[3].split("</ul>")[0]


def test_greedy_then_equal_shares_then_publish_shows_greedy_everywhere(client, voting, staff):
    """The repro of issue 11: the file showed the newest count (equal shares)."""
    edition, _clerk = voting
    admin = staff(Role.BUDGET_ADMIN)
    box = edition.ballot_box
    box_results_compute(box=box, rule="greedy", actor=admin)
    box_results_compute(box=box, rule="equal-shares", actor=admin)
    # Preliminary results while the vote is open: this edition's rules allow publishing them.
    Edition.objects.filter(pk=edition.pk).update(preliminary_results_during_voting=True)
    edition_results_publish(edition=edition, actor=admin)
    # A count after publication does not replace what was published.
    box_results_compute(box=box, rule="greedy", actor=admin)

    published = ResultSnapshot.objects.filter(published_at__isnull=False)
    assert {s.rule for s in published} == {"greedy"} and published.count() == 3
    client.force_login(admin)
    rows = _xlsx_rows(client, edition)
    # Greedy takes Rowery miejskie and Koncerty; equal shares would differ.
    assert _citywide_winners_in_file(rows) == {"Rowery miejskie", "Koncerty"}
    assert {row[1] for row in rows[1:]} == {"metoda zachłanna (według liczby głosów)"}

    staff_page = client.get(reverse("intake:edition_results",
                                    args=[edition.organisation.slug, edition.pk]))
    html = staff_page.content.decode()
    assert "metoda zachłanna (według liczby głosów)" in html
    citywide = html.split('data-testid="winners"')[3].split("</ul>")[0]
    assert "Rowery miejskie" in citywide and "Koncerty" in citywide
    assert "Psi park" not in citywide

    client.logout()
    public = _public_citywide(client, edition)
    assert "Rowery miejskie" in public and "Koncerty" in public and "Psi park" not in public


def test_before_publication_the_result_is_the_edition_rules_newest(client, voting, staff):
    edition, _clerk = voting
    admin = staff(Role.BUDGET_ADMIN)
    box_results_compute(box=edition.ballot_box, rule="greedy", actor=admin)
    box_results_compute(box=edition.ballot_box, rule="equal-shares-add1", actor=admin)
    client.force_login(admin)
    rows = _xlsx_rows(client, edition)
    assert {row[1] for row in rows[1:]} == {"metoda zachłanna (według liczby głosów)"}


def test_reasons_are_polish_in_the_page_and_the_file_and_english_in_english(
        client, voting, staff):
    edition, _clerk = voting
    admin = staff(Role.BUDGET_ADMIN)
    box_results_compute(box=edition.ballot_box, rule="greedy", actor=admin)
    client.force_login(admin)
    rows = _xlsx_rows(client, edition)
    reasons = {row[4]: row[11] for row in rows[1:] if row[0] == "Ogólnomiejski"}
    assert reasons["Rowery miejskie"] == "wybrany: mieści się, zostaje 400 000 zł"
    assert reasons["Psi park"] == "nie mieści się: zostało 400 000 zł"
    html = client.get(reverse("intake:edition_results",
                              args=[edition.organisation.slug, edition.pk])).content.decode()
    assert "wybrany: mieści się, zostaje 400 000 zł" in html
    assert "selected: fits" not in html and "does not fit" not in html
    for row in rows[1:]:
        assert "selected" not in row[11] and "fit" not in row[11]

    # The snapshot keeps the code and numbers: an English reader gets English.
    from ballots.results import box_results_official, reason_text

    snapshot = dict(box_results_official(edition.ballot_box))[
        edition.ballot_box.polls.get(title="Ogólnomiejski")]
    with translation.override("en"):
        assert reason_text(snapshot.data["rows"][0]) == "selected: fits, 400 000 left after it"


def test_equal_shares_reasons_are_polish(client, voting, staff):
    edition, _clerk = voting
    admin = staff(Role.BUDGET_ADMIN)
    edition.ballot_box.result_rule = "equal-shares"
    edition.ballot_box.save(update_fields=["result_rule"])
    box_results_compute(box=edition.ballot_box, rule="equal-shares", actor=admin)
    client.force_login(admin)
    rows = _xlsx_rows(client, edition)
    assert {row[1] for row in rows[1:]} == {"metoda równych udziałów"}
    reasons = " ".join(row[11] for row in rows[1:])
    assert "metodą równych udziałów" in reasons
    assert "selected" not in reasons and "supporters" not in reasons
    # Polish numbers: a decimal comma ("≈171 428,57 zł"), never a decimal point.
    assert "," in reasons and not re.search(r"\d\.\d", reasons)
