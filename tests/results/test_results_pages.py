"""PB-21: the staff results page (recompute with progress, publish) and the public page."""
import pytest
from django.urls import reverse

from audit.models import AuditRecord
from ballots.models import ResultRun
from intake.models import Edition
from intake.services import edition_move
from organisations.roles import Role

pytestmark = pytest.mark.django_db


def urls(edition):
    args = [edition.organisation.slug, edition.pk]
    return {"page": reverse("intake:edition_results", args=args),
            "compute": reverse("intake:edition_results_compute", args=args),
            "publish": reverse("intake:edition_results_publish", args=args),
            "public": reverse("intake:results_public", args=[edition.pk])}


def test_the_administrator_recomputes_sees_progress_and_publishes(
        client, voting, staff, django_capture_on_commit_callbacks):
    edition, _clerk = voting
    url = urls(edition)
    client.force_login(staff(Role.BUDGET_ADMIN))
    assert client.get(url["public"]).status_code == 404  # voting, not published

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url["compute"], {"rule": "equal-shares"})
    assert response.status_code == 302
    run = ResultRun.objects.get()
    assert (run.state, run.polls_done, run.polls_total) == ("done", 3, 3)
    assert run.rule == "equal-shares" and run.snapshots.count() == 3
    page = client.get(url["page"]).content.decode()
    assert 'data-testid="run-state">' in page and "data-autorefresh" not in page
    # Another rule than the edition's is shown to compare, apart from the result.
    official, comparison = page.split('data-testid="comparison"')
    assert official.count('data-testid="pool-result"') == 3
    assert official.count("Jeszcze nie obliczono.") == 3
    assert comparison.count('data-testid="pool-result"') == 3

    # While the vote is open, publishing is refused unless the edition's rules allow it.
    client.post(url["publish"], {"confirm": "yes"})
    assert Edition.objects.get(pk=edition.pk).results_published_at is None
    assert "publish-refused" in client.get(url["page"]).content.decode()
    Edition.objects.filter(pk=edition.pk).update(preliminary_results_during_voting=True)
    # Publishing needs results with the edition's own rule (greedy).
    client.post(url["publish"], {"confirm": "yes"})
    assert Edition.objects.get(pk=edition.pk).results_published_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url["compute"], {"rule": ""})
    client.post(url["publish"], {"confirm": "yes"})
    edition.refresh_from_db()
    assert edition.results_published_at is not None
    assert AuditRecord.objects.filter(action="edition.results_publish").count() == 1

    client.logout()
    public = client.get(url["public"])
    assert public.status_code == 200
    html = public.content.decode()
    citywide = html.split('data-testid="winners"')[3].split("</ul>")[0]
    assert "Rowery miejskie" in citywide and "Koncerty" in citywide
    assert "Psi park" not in citywide and "Psi park" in html  # in the ranking only


def test_a_running_computation_refreshes_the_page(client, voting, staff):
    edition, _clerk = voting
    ResultRun.objects.create(box=edition.ballot_box, rule="greedy", polls_total=3, polls_done=1,
                             state=ResultRun.State.RUNNING)
    client.force_login(staff(Role.BUDGET_ADMIN))
    page = client.get(urls(edition)["page"]).content.decode()
    assert 'data-autorefresh="3"' in page
    assert 'aria-valuenow="33"' in page


def test_the_public_page_opens_when_the_edition_closes(client, voting,
                                                      django_capture_on_commit_callbacks):
    edition, _clerk = voting
    assert client.get(urls(edition)["public"]).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        edition_move(edition=edition, transition="close", actor=None)
    page = client.get(urls(edition)["public"])
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="pool-result"') == 3
    assert reverse("intake:results_public", args=[edition.pk]) in client.get("/").content.decode()


def test_the_public_page_of_an_edition_without_a_vote_is_404(client, city):
    from tests.factories import EditionFactory

    edition = EditionFactory(organisation=city, phase="intake")
    assert client.get(urls(edition)["public"]).status_code == 404


# One test per role for each protected view.
OUTSIDERS = ["resident", Role.INTAKE_CLERK, Role.FORMAL_REVIEWER, Role.MERIT_REVIEWER,
             "other_city_admin"]


def _person(kind, staff, user_factory, other_city):
    if kind == "resident":
        return user_factory()
    if kind == "other_city_admin":
        return staff(Role.BUDGET_ADMIN, organisation=other_city)
    return staff(kind)


@pytest.mark.parametrize("kind", OUTSIDERS)
@pytest.mark.parametrize("view", ["page", "compute", "publish"])
def test_staff_views_are_404_for_other_roles(client, voting, staff, user_factory, other_city,
                                              kind, view):
    edition, _clerk = voting
    client.force_login(_person(kind, staff, user_factory, other_city))
    url = urls(edition)[view]
    response = client.get(url) if view == "page" else client.post(url)
    assert response.status_code == 404
    assert not ResultRun.objects.exists()
    assert Edition.objects.get(pk=edition.pk).results_published_at is None


@pytest.mark.parametrize("view", ["page", "compute", "publish"])
def test_staff_views_send_the_anonymous_to_log_in(client, voting, view):
    edition, _clerk = voting
    url = urls(edition)[view]
    response = client.get(url) if view == "page" else client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_edition_page_links_results_and_lists(client, voting, staff):
    edition, _clerk = voting
    client.force_login(staff(Role.BUDGET_ADMIN))
    html = client.get(reverse("intake:edition_detail",
                              args=[edition.organisation.slug, edition.pk])).content.decode()
    assert urls(edition)["page"] in html
    assert reverse("workflows:proposals_export", args=[edition.organisation.slug, "rejected"]
                   ) in html
    for kind in ("results", "invalid", "voters"):
        assert reverse("reports:box_export", args=[edition.ballot_box_id, kind]) in html


def test_publishing_while_the_vote_is_open_is_refused_with_the_reason(
        client, voting, staff, django_capture_on_commit_callbacks):
    edition, _clerk = voting
    url = urls(edition)
    client.force_login(staff(Role.BUDGET_ADMIN))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url["compute"], {"rule": ""})
    page = client.post(url["publish"], {"confirm": "yes"}, follow=True).content.decode()
    assert "Głosowanie wciąż trwa" in page
    assert Edition.objects.get(pk=edition.pk).results_published_at is None
    assert not AuditRecord.objects.filter(action="edition.results_publish").exists()



def test_publishing_asks_for_confirmation_first(client, voting, staff,
                                                django_capture_on_commit_callbacks):
    edition, _clerk = voting
    Edition.objects.filter(pk=edition.pk).update(preliminary_results_during_voting=True)
    url = urls(edition)
    client.force_login(staff(Role.BUDGET_ADMIN))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url["compute"], {"rule": ""})
    page = client.post(url["publish"]).content.decode()
    assert "Opublikować wstępne wyniki?" in page and 'name="confirm" value="yes"' in page
    assert Edition.objects.get(pk=edition.pk).results_published_at is None
    client.post(url["publish"], {"confirm": "yes"})
    assert Edition.objects.get(pk=edition.pk).results_published_at is not None
