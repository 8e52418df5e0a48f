"""The one rule registry: names, Polish labels, explanations, and the core's function."""
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from ballots import rules
from ballots.counting import Project, Quorum, VoteCounts, equal_shares, greedy


def test_budget_rules_have_the_polish_names_the_city_uses():
    with translation.override("pl"):
        assert str(rules.get("greedy").label) == "metoda zachłanna (według liczby głosów)"
        assert str(rules.get("equal-shares").label) == "metoda równych udziałów"
        assert str(rules.get("equal-shares-add1").label) == (
            "metoda równych udziałów z uzupełnieniem Add1")
        assert str(rules.get("greedy").explanation).startswith(
            "Od projektu z największą liczbą głosów, dopóki starcza pieniędzy")
        assert "po równo między głosujących" in str(rules.get("equal-shares").explanation)
    assert rules.get("greedy").label_in("en") == "greedy method (by number of votes)"


def test_every_rule_has_a_kind_a_label_and_an_explanation_in_both_languages():
    assert set(rules.names("budget")) == {"greedy", "equal-shares", "equal-shares-add1"}
    assert set(rules.names("majority")) == {"simple", "absolute", "absolute-of-members",
                                            "two-thirds", "three-quarters"}
    for rule in rules.REGISTRY.values():
        polish, english = rule.label_in("pl"), rule.label_in("en")
        assert polish and english and polish != english, rule.name
        assert rule.explanation_in("pl") != rule.explanation_in("en"), rule.name


def test_an_unknown_rule_is_refused_by_name():
    with pytest.raises(KeyError, match="known: greedy"):
        rules.get("dhondt")
    assert rules.get("greedy-no-skip") is rules.get("greedy")


def test_budget_rules_apply_the_counting_core():
    projects = [Project("1", 600), Project("2", 500), Project("3", 300)]
    points = {"1": 5, "2": 4, "3": 4}
    ballots = [(frozenset({"1"}), 5), (frozenset({"2", "3"}), 4)]
    assert rules.get("greedy").apply(projects, Decimal(1000), points=points).selected == \
        greedy(projects, points, 1000).selected
    assert rules.get("equal-shares").apply(projects, 1000, ballots=ballots).selected == \
        equal_shares(projects, ballots, 1000).selected


@pytest.mark.parametrize("name, for_, against, abstain, adopted", [
    ("simple", 5, 4, 10, True),
    ("absolute", 5, 4, 10, False),
    ("two-thirds", 10, 5, 0, True),       # exactly 2/3
    ("two-thirds", 9, 5, 0, False),
    ("three-quarters", 15, 5, 0, True),   # exactly 3/4
    ("three-quarters", 14, 5, 0, False),
])
def test_majority_rules_sit_beside_the_budget_rules(name, for_, against, abstain, adopted):
    rule = rules.get(name)
    assert rule.kind == "majority"
    assert rule.apply(VoteCounts(for_, against, abstain)).adopted is adopted


def test_majority_of_members_and_quorum_by_weight():
    rule = rules.get("absolute-of-members")
    counts = VoteCounts(Fraction(501), 0, 0, basis="weight")
    assert rule.apply(counts, members=1000).adopted
    assert not rule.apply(VoteCounts(500, 0, 0, basis="weight"), members=1000).adopted
    with pytest.raises(ValueError):
        rule.apply(counts)
    no_quorum = rules.get("simple").apply(VoteCounts(5, 1, 0), quorum=Quorum(21), present=10)
    assert not no_quorum.adopted
    with translation.override("pl"):
        sentence = rules.get("simple").apply(VoteCounts(5, 1, 0), quorum=Quorum(21),
                                             present=10).sentence
    assert sentence.startswith("nieprzyjęta: brak kworum")
