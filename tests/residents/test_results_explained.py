"""PB-21 in words: each project's line says why it won or lost; the rule and ties are stated."""
import pytest
from django.utils import translation

from intake.results_explained import explain_pool


def _norm(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _row(rank, code, label, votes, cost, cumulative, selected, reason=""):
    return {"code": code, "label": label, "rank": rank, "votes": votes, "cost": cost,
            "cumulative_cost": cumulative, "selected": selected, "reason": reason}


# 1 000 000 zł: 50 votes for a dear project, 46 and 46 for cheaper ones (a tie).
GREEDY = {"rule": "greedy", "budget": "1000000", "cost": "900000", "money_left": "100000",
          "selected": ["2026/001", "2026/003"],
          "rows": [_row(1, "2026/001", "Rowery", 60, "600000", "600000", True),
                   _row(2, "2026/002", "Basen", 50, "500000", "600000", False),
                   _row(3, "2026/003", "Koncerty", 46, "300000", "900000", True),
                   _row(4, "2026/004", "Ławki", 46, "150000", "900000", False)]}


@pytest.fixture(autouse=True)
def polish():
    with translation.override("pl"):
        yield


def test_a_project_that_did_not_fit_says_how_much_was_left_and_what_it_costs():
    lines = explain_pool(GREEDY, ballots=120).lines
    assert not lines[1].selected
    assert _norm(lines[1].reason) == (
        "nie zmieścił się: zostało 400 000 zł, projekt kosztuje 500 000 zł")
    assert _norm(lines[3].reason) == (
        "nie zmieścił się: zostało 100 000 zł, projekt kosztuje 150 000 zł")


def test_a_winner_says_it_fitted_and_what_was_left_after_it():
    line = explain_pool(GREEDY).lines[2]
    assert line.selected
    assert _norm(line.reason) == ("wygrał: zmieścił się — zostało 400 000 zł, projekt kosztuje "
                                  "300 000 zł; po nim zostało 100 000 zł")


def test_the_rule_is_named_and_explained_in_one_polish_paragraph():
    pool = explain_pool(GREEDY)
    assert pool.rule_name == "metoda zachłanna (według liczby głosów)"
    assert pool.rule_explanation.startswith(
        "Od projektu z największą liczbą głosów, dopóki starcza pieniędzy")
    assert "nie mieści, jest pomijany" in pool.rule_explanation
    assert "niższym numerze" in pool.rule_explanation
    assert pool.more_url == ""


def test_ties_are_stated_with_the_tie_rule():
    pool = explain_pool(GREEDY)
    assert pool.ties == ["Remis: projekty 2026/003, 2026/004 mają po 46 głosów; najpierw "
                         "rozpatrzono projekt o niższym numerze."]
    assert pool.lines[2].tie_with == ["2026/004"]


def test_money_used_and_left_and_vote_bars():
    pool = explain_pool(GREEDY, ballots=120)
    assert (pool.used_percent, str(pool.left), pool.ballots) == (90, "100000", 120)
    assert [line.bar for line in pool.lines] == [100, 83, 77, 77]
    assert [line.code for line in pool.winners] == ["2026/001", "2026/003"]


def test_equal_shares_links_a_longer_explanation_and_keeps_the_core_reason():
    data = {**GREEDY, "rule": "equal-shares",
            "rows": [_row(1, "2026/001", "Rowery", 60, "600000", "600000", True,
                          "wybrany metodą równych udziałów w rundzie 1"),
                     _row(2, "2026/002", "Basen", 50, "400000", "600000", False,
                          "niewybrany: jego zwolennikom zostało 10 zł")]}
    pool = explain_pool(data)
    assert pool.more_url and "po równo" in pool.rule_explanation
    assert pool.lines[0].reason == "wygrał: wybrany metodą równych udziałów w rundzie 1"
    assert pool.lines[1].reason == "przegrał: niewybrany: jego zwolennikom zostało 10 zł"
