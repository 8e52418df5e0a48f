"""Open data: real elections imported, counted in the app, exported and imported again."""
import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ballots import pabulib
from ballots.models import Ballot, Vote
from intake.models import Edition, Proposal

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("pabulib", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def import_file(path, *extra) -> Edition:
    output = run("import", path, *extra)
    return Edition.objects.get(pk=int(output.strip().splitlines()[-1]))


def results(edition, rule) -> dict:
    return json.loads(run("results", edition.pk, "--rule", rule))


def ballots_of(election: pabulib.Election) -> Counter:
    """Each voter's ballot as the count reads it: approvals as sets, ranks and points kept."""
    def key(voter):
        if election.vote_type == "ordinal":
            return tuple(voter.vote)
        if voter.points is not None:
            return frozenset(zip(voter.vote, voter.points, strict=True))
        return frozenset(voter.vote)
    return Counter(key(voter) for voter in election.voters)


def test_import_creates_a_closed_edition_and_prints_its_id_last(pabulib_dir):
    path = pabulib_dir / "Poland_Gdynia_2024_Maly_Kack__small.pb"
    election = pabulib.read(path)
    output = run("import", path)
    edition = Edition.objects.get(pk=int(output.splitlines()[-1]))

    assert edition.state == Edition.State.CLOSED
    assert edition.organisation.slug == "pabulib"
    assert edition.pools.get().budget == 55680
    assert set(Proposal.objects.filter(edition=edition).values_list("state", flat=True)) == {
        "on_ballot"}
    box = edition.ballot_box
    assert box.ballots.filter(state=Ballot.State.COUNTED).count() == len(election.voters)
    assert Vote.objects.filter(poll__box=box).count() == sum(len(v.vote) for v in election.voters)
    poll = box.polls.get()
    assert (poll.threshold, poll.greedy_skip) == (50, False)  # greedy-no-skip, threshold 50
    assert set(poll.results.get().data["selected"]) == election.selected_ids()


def test_import_into_a_named_organisation(pabulib_dir, city):
    edition = import_file(pabulib_dir / "Poland_Krakow_2020_Stare_Miasto.pb",
                          "--organisation", city.slug)
    assert edition.organisation == city
    again = import_file(pabulib_dir / "Poland_Krakow_2020_Stare_Miasto.pb",
                        "--organisation", city.slug)
    assert again.name == f"{edition.name} (2)"


def test_in_app_results_reproduce_the_city_and_the_reference(pabulib_file, reference):
    election = pabulib.read(pabulib_file)
    edition = import_file(pabulib_file)

    greedy = results(edition, "greedy")
    assert greedy["selected"] == sorted(election.selected_ids())
    assert greedy == json.loads(run("select", pabulib_file, "--rule", "greedy"))
    for rule in ("equal-shares", "equal-shares-add1"):
        assert results(edition, rule) == {"selected": reference["rules"][rule]["selected"],
                                          "cost": reference["rules"][rule]["cost"]}


def test_export_import_export_is_stable(pabulib_file):
    original = pabulib.read(pabulib_file)
    first_text = run("export", import_file(pabulib_file).pk)
    first = pabulib.parse(first_text)

    # The same projects, ballots, ages and sexes, and winners as the city's file...
    assert first.costs() == original.costs()
    assert ballots_of(first) == ballots_of(original)
    assert first.selected_ids() == original.selected_ids()
    assert first.vote_type == ("approval" if original.vote_type == "choose-1"
                               else original.vote_type)
    for column in ("age", "sex"):
        if column in original.vote_columns:
            assert Counter(v.fields[column] for v in first.voters) == Counter(
                v.fields[column] for v in original.voters)
    # ... no voter id of the city's (they are numbered 1, 2, 3…)...
    assert [v.id for v in first.voters] == [str(n) for n in range(1, len(first.voters) + 1)]
    # ... and what the file says is counted the same way by select.
    assert set(pabulib.select(first, "greedy").selected) == original.selected_ids()

    second_text = run("export", import_file_text(first_text).pk)
    assert second_text == first_text  # byte for byte


def import_file_text(text: str) -> Edition:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".pb", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        return import_file(handle.name)


def test_export_of_a_several_pool_edition_needs_a_pool(city):
    from tests.factories import EditionFactory

    edition = EditionFactory(organisation=city, phase="intake")
    with pytest.raises(CommandError) as refused:
        run("export", edition.pk)
    assert refused.value.returncode == 2
    assert "has no vote yet" in str(refused.value)
    with pytest.raises(CommandError):
        run("results", 999999)
