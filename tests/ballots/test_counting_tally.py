"""Tallies from aggregate rows: by head and by weight, exact, refusing bad input."""

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ballots.counting import Choice, Tally, VoteCounts, tally


def test_counts_by_head_and_by_weight_from_aggregate_rows():
    rows = [
        {"option": "for", "heads": 3, "weight": 1200},
        {"option": "against", "heads": 5, "weight": 300},
    ]
    result = tally(rows, options=list(Choice))
    assert result.heads == {"for": 3, "against": 5, "abstain": 0}
    assert result.weights == {"for": 1200, "against": 300, "abstain": 0}
    assert result.counts("head") == VoteCounts(3, 5, 0, "head")
    assert result.counts("weight") == VoteCounts(1200, 300, 0, "weight")
    assert result.total("head") == 8
    assert result.total("weight") == 1500


def test_decimal_weights_stay_exact():
    rows = [
        {"option": "for", "heads": 2, "weight": Decimal("0.1")},
        {"option": "against", "heads": 1, "weight": Decimal("0.2")},
    ]
    result = tally(rows)
    assert result.weights["for"] + result.weights["for"] + result.weights["for"] == Fraction(3, 10)
    assert result.counts("weight").cast == Fraction(3, 10)


def test_missing_weight_column_weighs_one_per_head_and_none_weighs_zero():
    assert tally([{"option": 7, "heads": 4}]).weights == {"7": 4}
    assert tally([{"option": "x", "heads": 0, "weight": None}]).weights == {"x": 0}


def test_custom_keys_and_ranking_ties_by_option():
    rows = [{"project": "b", "n": 5}, {"project": "a", "n": 5}, {"project": "c", "n": 9}]
    result = tally(rows, option_key="project", heads_key="n")
    assert result.ranking() == [("c", 9), ("a", 5), ("b", 5)]


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([{"option": "for", "heads": 1}, {"option": "for", "heads": 2}], "appears twice"),
        ([{"option": "for", "heads": -1}], "whole number"),
        ([{"option": "for", "heads": Fraction(1, 2)}], "whole number"),
        ([{"option": "for", "heads": 1, "weight": -3}], "negative"),
    ],
)
def test_bad_rows_are_refused(rows, error):
    with pytest.raises(ValueError, match=error):
        tally(rows)


def test_floats_are_refused():
    with pytest.raises(TypeError, match="float"):
        tally([{"option": "for", "heads": 1, "weight": 0.5}])


def test_counts_need_a_resolution_tally():
    with pytest.raises(ValueError, match="not a resolution tally"):
        Tally(heads={"project-1": 3}).counts()
    with pytest.raises(ValueError, match="basis"):
        Tally().counts("shares")


def test_vote_counts_refuse_negatives():
    with pytest.raises(ValueError, match="negative"):
        VoteCounts(for_=-1)


def test_the_counting_core_and_the_pabulib_format_import_no_django():
    code = (
        "import sys; import ballots.counting, ballots.pabulib; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
