"""Issue 11: ``pabulib export`` writes back what ``pabulib import`` read, and invents nothing.

Every section, column and value of each real file comes back, apart from the documented
voter renumbering (voters are numbered 1, 2, 3… in the file's order; the city's ids are
not kept) and META's ``num_votes``/``num_projects``/``budget`` written as Wotum counts them
(they agree with the file's).
"""
from io import StringIO

import pytest
from django.core.management import call_command

from ballots import pabulib
from intake.models import Edition

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("pabulib", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_a_round_trip_gives_the_file_back(pabulib_file):
    original = pabulib.read(pabulib_file)
    edition = Edition.objects.get(pk=int(run("import", pabulib_file).strip().splitlines()[-1]))
    back = pabulib.parse(run("export", edition.pk))

    # META: the same keys and values, none added.
    assert back.meta == original.meta
    # PROJECTS: the same columns in the same order (no column added or lost) and values,
    # ``selected`` codes included (Katowice's 2 stays 2).
    assert back.project_columns == original.project_columns
    assert list(back.projects) == list(original.projects)
    for pid, project in original.projects.items():
        assert back.projects[pid].fields == project.fields, pid
    # VOTES: the same columns (no voting_method where the file had none), and each voter's
    # row as read, in the file's order, but for the voter id.
    assert back.vote_columns == original.vote_columns
    assert len(back.voters) == len(original.voters)
    for number, (mine, theirs) in enumerate(zip(back.voters, original.voters, strict=True), 1):
        assert mine.fields["voter_id"] == str(number)
        assert {k: v for k, v in mine.fields.items() if k != "voter_id"} == {
            k: v for k, v in theirs.fields.items() if k != "voter_id"}, theirs.id
