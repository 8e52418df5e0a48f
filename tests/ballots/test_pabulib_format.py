"""The pabulib format: reading, writing back losslessly, and errors with line numbers."""

from fractions import Fraction

import pytest

from ballots import pabulib
from ballots.pabulib import PabulibError

APPROVAL = """META
key;value
description;Test pool
num_projects;3
num_votes;4
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;selected
1;60;3;"Park; new benches";1
2;50;2;Library;0
10;40.5;1;"The ""big"" mural";1
VOTES
voter_id;vote;age;sex
v1;1,2;34;F
v2;1;;M
v3;1,10,2;71;F
v4;;19;M
"""


def test_reads_meta_projects_and_votes_with_extra_columns():
    election = pabulib.parse(APPROVAL)
    assert election.budget == 100 and election.vote_type == "approval"
    assert election.meta["description"] == "Test pool"
    assert election.costs() == {"1": 60, "2": 50, "10": Fraction(81, 2)}
    assert election.projects["1"].fields["name"] == "Park; new benches"
    assert election.projects["10"].fields["name"] == 'The "big" mural'
    assert [v.vote for v in election.voters] == [("1", "2"), ("1",), ("1", "10", "2"), ()]
    assert election.voters[1].fields == {"voter_id": "v2", "vote": "1", "age": "", "sex": "M"}
    assert election.voters[0].extra == {"age": "34", "sex": "F"}
    assert election.projects["2"].name == "Library"
    assert election.projects["2"].extra == {"votes": "2", "name": "Library", "selected": "0"}
    assert election.voters[0].line == 16
    assert election.supporters() == {"1": 3, "2": 2, "10": 1}
    assert election.scores() == election.supporters()
    assert election.selected_ids() == {"1", "10"}
    assert election.approval_ballots()[frozenset()] == 1


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final", [True, False])
def test_writes_back_exactly_what_it_read(newline, final):
    text = APPROVAL.replace("\n", newline)
    if not final:
        text = text.rstrip("\r\n")
    assert pabulib.write(pabulib.parse(text)) == text


def test_writes_changes_in_pabulib_notation(tmp_path):
    election = pabulib.parse(APPROVAL)
    election.projects["2"].cost = Fraction(101, 4)
    election.voters[3].vote = ("2",)
    path = tmp_path / "changed.pb"
    pabulib.save(election, path)
    again = pabulib.read(path)
    assert again.projects["2"].fields["cost"] == "25.25"
    assert again.voters[3].vote == ("2",)
    assert again.projects["1"].fields == election.projects["1"].fields


def test_cumulative_ballots_score_by_points():
    text = """META
key;value
budget;10
vote_type;cumulative
max_sum_points;5
PROJECTS
project_id;cost
a;5
b;5
VOTES
voter_id;vote;points
1;a,b;3,2
2;b;5
"""
    election = pabulib.parse(text)
    assert election.voters[0].points == (3, 2)
    assert election.scores() == {"a": 3, "b": 7}
    assert election.supporters() == {"a": 1, "b": 2}
    assert pabulib.write(election) == text


def test_ordinal_ballots_score_by_rank():
    text = """META
key;value
budget;10
vote_type;ordinal
max_length;3
PROJECTS
project_id;cost
a;5
b;5
c;5
VOTES
voter_id;vote
1;a,b,c
2;c,a
"""
    election = pabulib.parse(text)
    assert election.scores() == {"a": 3 + 2, "b": 2, "c": 1 + 3}
    assert pabulib.select(election, "greedy").selected == ("a", "c")


def test_choose_1_reads_as_approval():
    text = "META\nkey;value\nbudget;5\nvote_type;choose-1\nPROJECTS\nproject_id;cost\nx;5\n"
    text += "VOTES\nvoter_id;vote\n1;x\n2;x\n"
    assert pabulib.parse(text).scores() == {"x": 2}


def test_select_honours_the_rule_and_threshold_in_meta():
    base = APPROVAL.replace("rule;greedy", "rule;greedy-no-skip")
    # Ranking 1 (3 votes, 60), 2 (2, 50), 10 (1, 40.5): no-skip stops at 2.
    assert pabulib.select(pabulib.parse(base), "greedy").selected == ("1",)
    assert pabulib.select(pabulib.parse(APPROVAL), "greedy").selected == ("1",)
    skip = APPROVAL.replace("budget;100", "budget;101")
    assert pabulib.select(pabulib.parse(skip), "greedy").selected == ("1", "10")
    threshold = skip.replace("rule;greedy", "rule;greedy-threshold\nmin_project_score_threshold;2")
    assert pabulib.select(pabulib.parse(threshold), "greedy").selected == ("1",)
    with pytest.raises(ValueError, match="unknown rule"):
        pabulib.select(pabulib.parse(APPROVAL), "dictator")


def replace_line(number: int, new: str) -> str:
    lines = APPROVAL.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def drop_line(number: int) -> str:
    lines = APPROVAL.split("\n")
    del lines[number - 1]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "the file ends before the META section"),
        ("PROJECTS\nproject_id;cost\n", 1, "expected the META section"),
        ("META\n", 1, "the META section has no header row"),
        (replace_line(2, "name;value"), 2, "the META header must be 'key;value'"),
        (replace_line(3, "description;a;b"), 3, "expected 2 fields, found 3"),
        (replace_line(3, "budget;200"), 6, "META key 'budget' already set on line 3"),
        (replace_line(6, "budget;lots"), 6, "budget must be a number, found 'lots'"),
        (replace_line(6, "budget;-5"), 6, "budget must not be negative"),
        (drop_line(6), 7, "META has no 'budget'"),
        (replace_line(7, "vote_type;ranked"), 7, "unknown vote_type 'ranked'"),
        (replace_line(10, "project_id;price;votes;name;selected"), 10, "no 'cost' column"),
        (replace_line(10, "project_id;cost;name;name;selected"), 10, "column 'name' appears twice"),
        (replace_line(12, "2;50;2;Library"), 12, "expected 5 fields, found 4"),
        (replace_line(12, "1;50;2;Library;0"), 12, "project '1' already listed on line 11"),
        (replace_line(12, "2;fifty;2;Library;0"), 12, "cost must be a number, found 'fifty'"),
        (replace_line(12, "2;-50;2;Library;0"), 12, "cost must not be negative"),
        (replace_line(12, " ;50;2;Library;0"), 12, "empty project_id"),
        (APPROVAL.split("VOTES")[0], 13, "the file ends before the VOTES section"),
        (replace_line(15, "voter_id;ballot;age;sex"), 15, "no 'vote' column"),
        (replace_line(16, "v1;1,7;34;F"), 16, "the vote names unknown project '7'"),
        (replace_line(16, "v1;1,2,1;34;F"), 16, "the vote names project '1' twice"),
        (replace_line(17, "v1;1;;M"), 17, "voter 'v1' already voted on line 16"),
        (replace_line(17, ";1;;M"), 17, "empty voter_id"),
        (replace_line(4, "num_projects;4"), 4, "num_projects says 4 but PROJECTS lists 3"),
        (replace_line(5, "num_votes;5"), 5, "num_votes says 5 but VOTES lists 4"),
        (replace_line(18, "META"), 18, "unexpected section 'META' here"),
    ],
)
def test_malformed_files_fail_with_line_and_reason(text, line, reason):
    with pytest.raises(PabulibError) as caught:
        pabulib.parse(text, source="pool.pb")
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"pool.pb:{line}: ")


@pytest.mark.parametrize(
    ("vote_type", "row", "reason"),
    [
        ("choose-1", "1;a,b;", "a choose-1 vote names 2 projects"),
        ("cumulative", "1;a,b;3", "2 projects but 1 points"),
        ("cumulative", "1;a,b;3,x", "points must be a number, found 'x'"),
        ("cumulative", "1;a,b;3,-1", "points must not be negative"),
    ],
)
def test_ballot_errors_by_vote_type(vote_type, row, reason):
    text = f"META\nkey;value\nbudget;9\nvote_type;{vote_type}\n"
    text += "PROJECTS\nproject_id;cost\na;1\nb;1\n"
    text += f"VOTES\nvoter_id;vote;points\n{row}\n"
    with pytest.raises(PabulibError, match=reason) as caught:
        pabulib.parse(text)
    assert caught.value.line == 11


def test_cumulative_votes_need_points():
    text = "META\nkey;value\nbudget;9\nvote_type;cumulative\nPROJECTS\nproject_id;cost\na;1\n"
    text += "VOTES\nvoter_id;vote\n1;a\n"
    with pytest.raises(PabulibError, match="no 'points' column"):
        pabulib.parse(text)


def test_unreadable_files_name_the_problem(tmp_path):
    with pytest.raises(PabulibError, match="cannot read the file") as caught:
        pabulib.read(tmp_path / "missing.pb")
    assert str(caught.value).endswith("missing.pb: cannot read the file: No such file or directory")
    latin = tmp_path / "latin.pb"
    latin.write_bytes(b"META\nkey;value\ndescription;Gda\xf1sk\n")
    with pytest.raises(PabulibError, match="not UTF-8") as caught:
        pabulib.read(latin)
    assert caught.value.line == 3


def test_decimal_numbers_with_commas_and_exact_rendering():
    text = APPROVAL.replace("budget;100", "budget;100,5")
    assert pabulib.parse(text).budget == Fraction(201, 2)
    assert pabulib.format_decimal(Fraction(1, 8)) == "0.125"
    with pytest.raises(ValueError, match="no exact decimal"):
        pabulib.format_decimal(Fraction(1, 3))


def test_a_project_named_like_a_section_is_still_a_project():
    text = APPROVAL.replace("2;50;2;Library;0", "votes;50;2;Library;0").replace(",2;", ",votes;")
    text = text.replace("v1;1,2;", "v1;1,votes;")
    election = pabulib.parse(text)
    assert "votes" in election.projects
    assert election.voters[0].vote == ("1", "votes")
