"""``manage.py pabulib select``: the contract other tools rely on (the command lives in
intake since it gained import, export and results; select behaves as before)."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REPO = Path(__file__).resolve().parents[2]

SMALL = """META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost
9;40.5
10;50
2;60
VOTES
voter_id;vote
1;9,10
2;9,10,2
3;2
"""


def select(path, rule=None):
    out = StringIO()
    args = ["pabulib", "select", str(path)] + (["--rule", rule] if rule else [])
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL)
    return path


def test_prints_one_json_line_with_ids_sorted_as_strings(small_file):
    text = select(small_file, "greedy")
    assert text.count("\n") == 1 and text.endswith("\n")
    # Votes: 9 and 10 have 2 each (tie: "10" < "9"), 2 has 2 too; 10 + 9 = 90.5 fits.
    assert json.loads(text) == {"selected": ["10", "9"], "cost": 90.5}
    assert text == '{"selected": ["10", "9"], "cost": 90.5}\n'


def test_greedy_is_the_default_rule(small_file):
    assert select(small_file) == select(small_file, "greedy")


@pytest.mark.parametrize("rule", ["greedy", "equal-shares", "equal-shares-add1"])
def test_every_rule_on_a_real_file(pabulib_dir, reference, pabulib_file, rule):
    result = json.loads(select(pabulib_file, rule))
    assert result["selected"] == sorted(result["selected"])
    if rule != "greedy":
        assert result == {
            "selected": reference["rules"][rule]["selected"],
            "cost": reference["rules"][rule]["cost"],
        }
    assert isinstance(result["cost"], int)


def test_malformed_file_raises_for_callers_in_python(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text(SMALL.replace("2;60", "2;sixty"))
    with pytest.raises(CommandError) as caught:
        select(bad)
    assert str(caught.value) == f"{bad}:9: cost must be a number, found 'sixty'"
    assert caught.value.returncode == 2


def run(*args):
    return subprocess.run(
        [sys.executable, "manage.py", "pabulib", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_command_line_success(small_file):
    result = run("select", str(small_file), "--rule", "equal-shares-add1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert set(json.loads(result.stdout)) == {"selected", "cost"}


def test_command_line_malformed_file_exits_2_with_file_line_reason(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text(SMALL.replace("1;9,10\n", "1;9,11\n"))
    result = run("select", str(bad), "--rule", "equal-shares")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"{bad}:12: the vote names unknown project '11'\n"


def test_command_line_missing_file_and_bad_rule(tmp_path):
    result = run("select", str(tmp_path / "nowhere.pb"))
    assert result.returncode == 2
    assert "nowhere.pb: cannot read the file" in result.stderr
    result = run("select", str(tmp_path / "nowhere.pb"), "--rule", "dictator")
    assert result.returncode == 2
    assert "invalid choice: 'dictator'" in result.stderr
