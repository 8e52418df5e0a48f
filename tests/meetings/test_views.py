"""The member's and the secretary's pages, the live state, the xlsx files."""
import io
from fractions import Fraction

import openpyxl
import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, Resolution
from meetings.results import resolution_decide
from tests.factories import UserFactory
from tests.results.test_exports import as_csv, libreoffice  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

ONE = [{"identifier": "Uchwała nr 1/2026"}]


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


class TestLiveState:
    def test_an_unchanged_state_is_a_304_after_one_query(self, make_meeting, client,
                                                        django_assert_max_num_queries):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        client.force_login(a.user)
        first = client.get(url("state", meeting.pk))
        assert first.status_code == 200
        assert first.json()["version"] == Meeting.objects.get(pk=meeting.pk).version

        # the session, the user, and the version with the visibility check folded in
        with django_assert_max_num_queries(3):
            again = client.get(url("state", meeting.pk), HTTP_IF_NONE_MATCH=first["ETag"])

        assert again.status_code == 304
        assert again.content == b""

    def test_a_change_gives_a_new_etag_and_the_open_resolution(self, make_meeting, client,
                                                              secretary):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        client.force_login(a.user)
        before = client.get(url("state", meeting.pk))

        services.resolution_open(resolution=meeting.resolutions.get(), actor=secretary)
        after = client.get(url("state", meeting.pk), HTTP_IF_NONE_MATCH=before["ETag"])

        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        assert after.json()["resolutions"][0]["can_vote"] is True

    def test_people_outside_the_meeting_get_nothing(self, make_meeting, client):
        meeting, _ = make_meeting()
        assert client.get(url("state", meeting.pk)).status_code == 403
        client.force_login(UserFactory())
        assert client.get(url("state", meeting.pk)).status_code == 404
        assert client.get(url("detail", meeting.pk)).status_code == 404


class TestMemberPage:
    def test_vote_is_inactive_until_the_secretary_opens_the_resolution(self, make_meeting,
                                                                       client, secretary):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        client.force_login(a.user)
        page = client.get(url("detail", meeting.pk)).content.decode()
        assert "disabled>Głosuj" in page

        services.resolution_open(resolution=meeting.resolutions.get(), actor=secretary)
        page = client.get(url("detail", meeting.pk)).content.decode()
        assert "disabled>Głosuj" not in page
        assert url("vote", meeting.pk, meeting.resolutions.get().pk) in page

    def test_voting_shows_the_confirmation_id_and_a_change_replaces_the_vote(
            self, make_meeting, client, secretary):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        resolution = services.resolution_open(resolution=meeting.resolutions.get(),
                                              actor=secretary)
        client.force_login(a.user)
        vote_url = url("vote", meeting.pk, resolution.pk)
        form = client.get(vote_url).content.decode()
        for label in ("Za", "Przeciw", "Wstrzymuję się", "Zatwierdź"):
            assert label in form

        first = client.post(vote_url, {"choice": "for"}, follow=True)
        assert "Potwierdzenie" in first.content.decode() or "Identyfikator" in \
            first.content.decode()
        second = client.post(vote_url, {"choice": "against"}, follow=True).content.decode()
        assert "Przeciw" in second
        page = client.get(url("detail", meeting.pk)).content.decode()
        assert "Przeciw" in page and page.count('data-testid="my-vote"') == 1

    def test_an_empty_choice_is_asked_again_in_polish(self, make_meeting, client, secretary):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        resolution = services.resolution_open(resolution=meeting.resolutions.get(),
                                              actor=secretary)
        client.force_login(a.user)
        page = client.post(url("vote", meeting.pk, resolution.pk), {}).content.decode()
        assert "Wybierz jedną z możliwości." in page

    def test_a_vote_after_the_close_is_refused_with_a_message(self, make_meeting, client,
                                                             secretary):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        resolution = services.resolution_open(resolution=meeting.resolutions.get(),
                                              actor=secretary)
        services.resolution_close(resolution=resolution, actor=secretary)
        client.force_login(a.user)
        page = client.post(url("vote", meeting.pk, resolution.pk), {"choice": "for"},
                           follow=True).content.decode()
        assert "zamknięte" in page

    def test_members_cannot_run_the_meeting(self, make_meeting, client):
        meeting, (a, *_) = make_meeting(resolutions=ONE)
        client.force_login(a.user)
        assert client.post(url("step", meeting.pk, "start")).status_code == 403
        assert client.post(url("resolution_step", meeting.pk, meeting.resolutions.get().pk,
                               "open")).status_code == 403
        assert client.get(url("record_xlsx", meeting.pk)).status_code == 403
        assert client.get(url("setup", meeting.pk)).status_code == 403


class TestSecretaryPage:
    def test_the_gate_lists_who_has_not_registered_and_refuses(self, make_meeting, client,
                                                              secretary):
        meeting, (a, b, c) = make_meeting(register=False)
        client.force_login(secretary)
        page = client.get(url("detail", meeting.pk)).content.decode()
        assert str(c.user) in page and "Rozpocznij głosowanie" in page

        refused = client.post(url("step", meeting.pk, "start"), follow=True).content.decode()
        assert "nie zarejestrował" in refused
        assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.REGISTRATION

        client.post(url("step", meeting.pk, "start"), {"without_missing": "on"})
        assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.VOTING

    def test_labels_of_the_steps(self, make_meeting, client, secretary):
        meeting, _ = make_meeting(start=True, resolutions=ONE)
        client.force_login(secretary)
        page = client.get(url("detail", meeting.pk)).content.decode()
        assert "Uruchom głosowanie" in page and "Zamknij posiedzenie" in page
        client.post(url("resolution_step", meeting.pk, meeting.resolutions.get().pk, "open"))
        assert "Zakończ głosowanie" in client.get(url("detail", meeting.pk)).content.decode()


class TestVisibility:
    def test_members_see_results_until_the_meeting_closes_the_secretary_always(
            self, make_meeting, client, secretary):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        resolution = services.resolution_open(resolution=meeting.resolutions.get(),
                                              actor=secretary)
        services.meeting_vote(resolution=resolution, elector=a, cast_by=a.user, choice="for")
        services.resolution_close(resolution=resolution, actor=secretary)
        client.force_login(a.user)
        page = client.get(url("detail", meeting.pk)).content.decode()
        assert "Wyniki głosowania" in page and 'data-testid="result"' in page
        assert client.get(url("results_xlsx", meeting.pk)).status_code == 200

        services.meeting_close(meeting=meeting, actor=secretary)

        page = client.get(url("detail", meeting.pk)).content.decode()
        assert 'data-testid="result"' not in page and "Wyniki głosowania" not in page
        assert client.get(url("results_xlsx", meeting.pk)).status_code == 302
        assert client.get(url("state", meeting.pk)).json()["results_visible"] is False
        client.force_login(secretary)
        assert 'data-testid="result"' in client.get(url("detail", meeting.pk)).content.decode()
        assert client.get(url("record_xlsx", meeting.pk)).status_code == 200


def _shareholders(make_meeting, secretary):
    meeting, (a, b, c) = make_meeting(
        kind=Meeting.Kind.SHAREHOLDERS, weights=(500, 300, 200), share_capital=2000,
        resolutions=[{"identifier": "Uchwała nr 1/2026", "basis": "weight", "quorum": "1/3"}])
    services.proxy_note(meeting=meeting, elector=c, proxy_email=b.user.email,
                        document="pełnomocnictwo z 1 marca 2026", actor=secretary)
    services.meeting_start_voting(meeting=meeting, actor=secretary)
    resolution = services.resolution_open(resolution=meeting.resolutions.get(),
                                          actor=secretary)
    c.refresh_from_db()
    services.meeting_vote(resolution=resolution, elector=a, cast_by=a.user, choice="for")
    services.meeting_vote(resolution=resolution, elector=b, cast_by=b.user, choice="for")
    services.meeting_vote(resolution=resolution, elector=b, cast_by=b.user, choice="against")
    services.meeting_vote(resolution=resolution, elector=c, cast_by=b.user, choice="abstain")
    services.resolution_close(resolution=resolution, actor=secretary)
    return meeting, (a, b, c)


def _xlsx(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)], content


class TestXlsx:
    def test_the_members_file_has_the_summary_and_their_own_final_votes(
            self, make_meeting, client, secretary, libreoffice, tmp_path):  # noqa: F811
        meeting, (a, b, c) = _shareholders(make_meeting, secretary)
        client.force_login(b.user)  # b votes for themselves and, as proxy, for c

        rows, content = _xlsx(client.get(url("results_xlsx", meeting.pk)))

        header, *data = rows
        assert "Udział w kapitale (%)" in header and "Identyfikator potwierdzenia" in header
        column = {name: i for i, name in enumerate(header)}
        assert len(data) == 2  # one row per elector b votes for
        own, proxied = data
        assert own[column["Wynik"]] == "przyjęta"
        assert (own[column["Za (akcje)"]], own[column["Przeciw (akcje)"]],
                own[column["Wstrzymujący się (akcje)"]]) == (500, 300, 200)
        assert own[column["Akcje z ważnymi głosami"]] == 1000
        assert float(own[column["Udział w kapitale (%)"]]) == 50.0
        assert own[column["Wybór"]] == "Przeciw" and own[column["Waga"]] == 300
        assert proxied[column["Wybór"]] == "Wstrzymuję się"
        assert proxied[column["Głos liczony dla"]] == str(c.user)
        assert proxied[column["Oddany przez (pełnomocnik)"]] == str(b.user)
        assert len(proxied[column["Identyfikator potwierdzenia"]]) == 10

        csv_rows = as_csv(libreoffice, tmp_path, {"member": content})["member"]
        assert csv_rows[0] == [str(h) for h in header]
        assert csv_rows[1][column["Wybór"]] == "Przeciw"

    def test_the_secretarys_record_has_every_vote_and_change(self, make_meeting, client,
                                                            secretary):
        meeting, _ = _shareholders(make_meeting, secretary)
        client.force_login(secretary)

        rows, _content = _xlsx(client.get(url("record_xlsx", meeting.pk)))

        header, *data = rows
        status = header.index("Status głosu")
        assert len(data) == 4
        final, changed = "policzony (ostateczny)", "zastąpiony (zmieniony)"
        assert sorted(r[status] for r in data) == [final, final, final, changed]


def _data(rule, basis, heads=(0, 0, 0), weights=(0, 0, 0), quorum="", statutory=3,
          present=3):
    keys = ("for", "against", "abstain")
    return {"rule": rule, "basis": basis, "quorum": quorum,
            "heads": dict(zip(keys, heads, strict=True)),
            "weights": dict(zip(keys, weights, strict=True)), "statutory": statutory,
            "present_heads": present, "present_weight": present}


R = Resolution.Rule


@pytest.mark.parametrize("rule,basis,counts,adopted", [
    (R.SIMPLE, "head", (2, 1, 5), True),            # abstentions do not count
    (R.SIMPLE, "head", (2, 2, 0), False),           # a tie is not adopted
    (R.SIMPLE, "weight", (501, 500, 0), True),
    (R.ABSOLUTE, "head", (3, 1, 2), False),         # 3 is not more than half of 6
    (R.ABSOLUTE, "head", (4, 1, 2), True),
    (R.ABSOLUTE, "weight", (5000, 4000, 1000), False),
    (R.ABSOLUTE, "weight", (5001, 4000, 999), True),
    (R.TWO_THIRDS, "head", (2, 1, 0), True),        # exactly 2/3
    (R.TWO_THIRDS, "head", (3, 2, 0), False),
    (R.TWO_THIRDS, "weight", (6666, 3334, 0), False),
    (R.TWO_THIRDS, "weight", (6667, 3333, 0), True),
    (R.THREE_QUARTERS, "head", (3, 1, 0), True),    # exactly 3/4
    (R.THREE_QUARTERS, "head", (5, 2, 0), False),
    (R.THREE_QUARTERS, "weight", (7500, 2000, 500), True),
    (R.THREE_QUARTERS, "weight", (7499, 2001, 500), False),
])
def test_majority_rules_at_their_edges(rule, basis, counts, adopted):
    data = _data(rule, basis, heads=counts if basis == "head" else (0, 0, 0),
                 weights=counts if basis == "weight" else (0, 0, 0), statutory=20000,
                 present=20000)
    assert resolution_decide(data).adopted is adopted


@pytest.mark.parametrize("basis,statutory,present,adopted", [
    ("head", 9, 3, True), ("head", 9, 2, False),                 # a third of 9 is 3
    ("weight", 12000, 4000, True), ("weight", 12000, 3999, False),
])
def test_quorum_at_its_edge(basis, statutory, present, adopted):
    data = _data(R.SIMPLE, basis, heads=(2, 0, 0), weights=(2, 0, 0), quorum="1/3",
                 statutory=statutory, present=present)
    decision = resolution_decide(data)
    assert decision.adopted is adopted
    assert decision.quorum.needed == Fraction(statutory, 3)


def test_absolute_majority_of_all_members_by_head():
    assert resolution_decide(_data(R.ABSOLUTE_OF_MEMBERS, "head", heads=(3, 0, 0),
                                   statutory=5)).adopted
    assert not resolution_decide(_data(R.ABSOLUTE_OF_MEMBERS, "head", heads=(2, 0, 0),
                                       statutory=5)).adopted


class TestRegistrationLink:
    def test_registering_through_the_page(self, client, company, secretary,
                                         django_capture_on_commit_callbacks):
        from django.core import mail

        meeting = services.meeting_create(organisation=company, kind=Meeting.Kind.BOARD,
                                          title="Posiedzenie", actor=secretary)
        elector = services.member_add(meeting=meeting, email="nowy@example.org",
                                      actor=secretary)
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_open_registration(meeting=meeting, actor=secretary,
                                               base_url="http://testserver/")
        (message,) = [m for m in mail.outbox if m.to == ["nowy@example.org"]]
        path = "/" + message.body.split("http://testserver/")[1].split()[0]

        page = client.get(path).content.decode()
        assert "Ustaw hasło" in page
        mismatch = client.post(path, {"password1": "Dobre-haslo-2026", "password2": "inne"})
        assert "Hasła się różnią." in mismatch.content.decode()
        done = client.post(path, {"password1": "Dobre-haslo-2026",
                                  "password2": "Dobre-haslo-2026"})

        assert done.status_code == 302 and done["Location"] == url("detail", meeting.pk)
        elector.refresh_from_db()
        assert elector.present and elector.invitation.registered_at is not None
        assert client.get(path).status_code == 404  # the link works once


class TestSetup:
    def test_the_secretary_sets_up_a_meeting_through_the_forms(self, client, company,
                                                              secretary):
        client.force_login(secretary)
        created = client.post(url("new", company.slug), {
            "kind": "shareholders", "title": "Nadzwyczajne Walne Zgromadzenie",
            "held_on": "2026-06-30", "share_capital": "1000"})
        assert created.status_code == 302, created
        meeting = Meeting.objects.get(title="Nadzwyczajne Walne Zgromadzenie")
        assert created["Location"] == url("setup", meeting.pk)
        setup = url("setup", meeting.pk)
        client.post(setup, {"form": "member", "member-email": "a@example.org",
                            "member-weight": "600"})
        UserFactory(email="pelnomocnik@example.org")
        elector = meeting.roll.electors.get()
        client.post(setup, {"form": "proxy", "proxy-elector": elector.pk,
                            "proxy-proxy_email": "pelnomocnik@example.org",
                            "proxy-document": "pełnomocnictwo z 1 czerwca 2026"})
        client.post(setup, {"form": "resolution", "resolution-identifier": "Uchwała nr 1/2026",
                            "resolution-rule": "qualified-3/4", "resolution-basis": "weight",
                            "resolution-quorum": "1/2"})
        refused = client.post(setup, {"form": "proxy", "proxy-elector": elector.pk,
                                      "proxy-proxy_email": "nikt@example.org",
                                      "proxy-document": "x"}).content.decode()

        elector.refresh_from_db()
        assert elector.weight == 600 and elector.proxy.email == "pelnomocnik@example.org"
        resolution = meeting.resolutions.get()
        assert (resolution.rule, resolution.basis, resolution.quorum) == (
            "qualified-3/4", "weight", "1/2")
        assert "nie ma konta w Wotum" in refused
        assert not hasattr(resolution, "text") and "text" not in {
            f.name for f in Resolution._meta.get_fields()}


def test_a_shareholders_result_shows_shares_and_their_share_of_capital(make_meeting, client,
                                                                      secretary):
    meeting, (a, *_) = _shareholders(make_meeting, secretary)
    client.force_login(a.user)
    page = client.get(url("detail", meeting.pk)).content.decode()
    assert "Akcje z ważnymi głosami: 1000 (50,00% kapitału zakładowego)" in page
    assert "Wstrzymujący się: 1" in page


def test_another_companys_secretary_sees_nothing(make_meeting, client):
    from organisations.models import Organisation
    from organisations.roles import Role
    from tests.factories import MembershipFactory, OrganisationFactory

    meeting, _ = make_meeting(resolutions=ONE)
    other = OrganisationFactory(kind=Organisation.Kind.COMPANY)
    stranger = UserFactory()
    MembershipFactory(user=stranger, organisation=other, role=Role.COMPANY_SECRETARY)
    client.force_login(stranger)
    for name in ("detail", "state", "setup", "record_xlsx", "results_xlsx"):
        assert client.get(url(name, meeting.pk)).status_code == 404, name
    assert client.post(url("step", meeting.pk, "start")).status_code == 404
