"""PB-1/PB-14: the front page, an edition's public page and the projects, as residents read them."""
import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ballots.models import BallotBox
from intake.models import Attachment, Edition, Proposal
from intake.timeline import days_until, edition_timeline

pytestmark = pytest.mark.django_db
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_the_front_page_shows_the_phases_the_current_one_and_the_call_to_vote(client, voting):
    edition = voting
    ends = timezone.now() + datetime.timedelta(days=4, hours=3)
    Edition.objects.filter(pk=edition.pk).update(voting_ends_at=ends, population=900)
    # The box holds the vote's dates once it exists (it was created with the edition's).
    BallotBox.objects.filter(pk=edition.ballot_box_id).update(closes_at=ends)
    html = client.get("/").content.decode()
    assert 'data-testid="timeline"' in html
    current = html.split('data-testid="current-phase"')[1].split("</li>")[0]
    assert "Głosowanie" in current and "zostało 5 dni" in current
    assert reverse("ballots:link_request", args=[edition.ballot_box_id]) in html
    assert "Dotąd zagłosowało 9 mieszkańców." in html
    assert "Frekwencja: 1,0% z 900 uprawnionych mieszkańców." in html


def test_participation_is_cached_not_counted_on_every_view(client, voting,
                                                          django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(8):
        client.get(reverse("intake:edition_public", args=[voting.pk]))


def test_each_phase_calls_for_its_own_action(voting):
    edition = voting
    assert edition_timeline(edition).action.url == reverse("ballots:link_request",
                                                           args=[edition.ballot_box_id])
    edition.state = Edition.State.INTAKE
    assert edition_timeline(edition).action.url == reverse("intake:proposal_create",
                                                           args=[edition.pk])
    edition.state = Edition.State.REVIEW
    timeline = edition_timeline(edition)
    assert timeline.action is None and "ocenia" in timeline.note
    edition.state, edition.results_published_at = Edition.State.CLOSED, timezone.now()
    assert edition_timeline(edition).action.url == reverse("intake:results_public",
                                                           args=[edition.pk])


def test_days_left_count_a_started_day_and_stop_at_the_deadline():
    now = timezone.now()
    assert days_until(now + datetime.timedelta(hours=1), now) == 1
    assert days_until(now + datetime.timedelta(days=2, seconds=1), now) == 3
    assert days_until(now - datetime.timedelta(seconds=1), now) is None


def test_a_draft_edition_has_no_public_page(client, voting):
    Edition.objects.filter(pk=voting.pk).update(state=Edition.State.DRAFT)
    assert client.get(reverse("intake:edition_public", args=[voting.pk])).status_code == 404


def _project(edition, title):
    return Proposal.objects.get(edition=edition, title=title)


def test_a_project_has_its_own_page_with_place_map_and_public_pictures_only(client, voting):
    project = _project(voting, "Plac zabaw")
    Proposal.objects.filter(pk=project.pk).update(
        location="ul. Rudzka 12", latitude=Decimal("50.0971"), longitude=Decimal("18.5418"),
        category="Sport i rekreacja")
    shown = Attachment(proposal=project, original_name="plac.png", size=len(PNG),
                       content_type="image/png", public=True)
    shown.file.save("plac.png", SimpleUploadedFile("plac.png", PNG), save=True)
    hidden = Attachment(proposal=project, original_name="kosztorys.png", size=len(PNG),
                        content_type="image/png", public=False)
    hidden.file.save("k.png", SimpleUploadedFile("k.png", PNG), save=True)

    url = reverse("intake:project_detail", args=[voting.pk, project.number])
    html = client.get(url).content.decode().replace("\xa0", " ")
    assert project.reference in html and "Plac zabaw" in html and "250 000,00 zł" in html
    assert "Śródmieście" in html and "ul. Rudzka 12" in html and "Sport i rekreacja" in html
    assert "openstreetmap.org/?mlat=50.097100&amp;mlon=18.541800" in html
    assert "plac.png" in html and "kosztorys.png" not in html
    picture = client.get(reverse("intake:project_picture",
                                 args=[voting.pk, project.number, shown.pk]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert client.get(reverse("intake:project_picture",
                              args=[voting.pk, project.number, hidden.pk])).status_code == 404


def test_a_proposal_not_on_the_ballot_has_no_public_page(client, voting):
    project = _project(voting, "Drzewa")
    Proposal.objects.filter(pk=project.pk).update(state=Proposal.State.REJECTED)
    url = reverse("intake:project_detail", args=[voting.pk, project.number])
    assert client.get(url).status_code == 404


def test_residents_search_and_filter_the_projects_by_district_and_category(client, voting):
    Proposal.objects.filter(edition=voting, title__in=["Ławki", "Drzewa"]).update(
        category="Zieleń")
    url = reverse("intake:projects", args=[voting.pk])
    srodmiescie = voting.pools.get(name="Śródmieście")
    html = client.get(url, {"district": srodmiescie.pk}).content.decode()
    assert "Ławki" in html and "Plac zabaw" in html and "Drzewa" not in html
    assert "Rowery miejskie" not in html
    html = client.get(url, {"category": "Zieleń"}).content.decode()
    assert "Znaleziono 2 projekty." in html and "Plac zabaw" not in html
    html = client.get(url, {"q": "rowery"}).content.decode()
    assert "Rowery miejskie" in html and "Ławki" not in html
    # A district id that is not a number, or of another edition, is ignored, not an error.
    assert client.get(url, {"district": "²³"}).status_code == 200
    assert reverse("intake:project_detail", args=[voting.pk, 1]) in client.get(url).content.decode()


def test_the_public_results_say_why_each_project_won_or_lost(client, voting):
    from intake.voting import edition_results_compute

    edition_results_compute(edition=voting)
    Edition.objects.filter(pk=voting.pk).update(results_published_at=timezone.now(),
                                                population=1000)
    html = client.get(reverse("intake:results_public", args=[voting.pk])).content.decode()
    html = html.replace("\xa0", " ")
    citywide = html.split('data-testid="pool-result"')[3]
    assert "Od projektu z największą liczbą głosów, dopóki starcza pieniędzy" in citywide
    assert "nie zmieścił się: zostało 400 000 zł, projekt kosztuje 500 000 zł" in citywide
    assert "Remis: projekty 2027/005, 2027/006 mają po 4 głosy" in citywide
    assert "Budżet 1 000 000 zł: 900 000 zł na zwycięskie projekty, zostało 100 000 zł." \
        in citywide
    assert "Frekwencja: 0,90% z 1 000 uprawnionych mieszkańców." in html


def test_turnout_keeps_two_decimals_below_one_percent():
    from intake.participation import Participation

    assert Participation(cards=40, population=112_000).turnout == Decimal("0.04")
    assert Participation(cards=9, population=900).turnout == Decimal("1.0")
    assert Participation(cards=9, population=None).turnout is None
