"""Results in words for residents (PB-21): the rule, the money, and why each project won or lost.

Presentation only. It reads what a result snapshot already holds (per project: votes, cost,
selected, the money spent after it) and never counts: the counting core decided, this module
says it in plain language. Kept apart from ``ballots.results`` so that the same sentences can
be fed from another snapshot format by changing ``explain_pool``'s reading of ``data`` alone.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ballots import rules
from ballots.results import reason_text

from .templatetags.intake_tags import pln_short as pln

# Where a resident reads more about the Method of Equal Shares.
EQUAL_SHARES_MORE = "https://equalshares.net/"
GREEDY_RULES = ("greedy", "greedy-no-skip")


def rule_name(rule: str) -> str:
    """The rule's name from the one registry (the no-skip variant is greedy's)."""
    try:
        return str(rules.get("greedy" if rule in GREEDY_RULES else rule).label)
    except KeyError:
        return rule


def rule_explanation(rule: str) -> str:
    """One plain paragraph saying how the rule picks the winners."""
    if rule == "greedy-no-skip":
        # A city's variant of greedy (the pool's "skip" switch off), not a rule of its own.
        return _(
            "Projects are taken from the one with the most votes, while the money lasts: "
            "counting stops at the first project that does not fit in what is left of the "
            "pool's budget. When two projects have the same number of votes, the one with the "
            "lower number comes first.")
    try:
        return str(rules.get(rule).explanation)
    except KeyError:
        return ""


@dataclass
class ProjectLine:
    rank: int
    code: str
    label: str
    votes: int
    cost: Decimal
    selected: bool
    left_before: Decimal
    reason: str
    bar: int  # votes as a percentage of the most-voted project's, for the bar's width
    tie_with: list[str] = field(default_factory=list)


@dataclass
class PoolExplained:
    rule: str
    rule_name: str
    rule_explanation: str
    budget: Decimal
    used: Decimal
    left: Decimal
    used_percent: int
    ballots: int | None
    lines: list[ProjectLine]
    ties: list[str]
    more_url: str = ""

    @property
    def winners(self) -> list[ProjectLine]:
        return [line for line in self.lines if line.selected]


def greedy_reason(*, selected: bool, cost: Decimal, left_before: Decimal,
                  stored: str = "") -> str:
    """Why a project won or lost under a greedy rule, with the money in złoty."""
    if selected:
        return _("won: it fitted — %(left)s was left, the project costs %(cost)s; "
                 "%(after)s left after it") % {
            "left": pln(left_before), "cost": pln(cost), "after": pln(left_before - cost)}
    if cost > left_before:
        return _("did not fit: %(left)s was left, the project costs %(cost)s") % {
            "left": pln(left_before), "cost": pln(cost)}
    # It would have fitted, so something else kept it out (a threshold, a stop): the
    # counting core's own sentence says what.
    return _("lost: %(why)s") % {"why": stored} if stored else _("lost")


def _ties(rows: list[dict]) -> dict[str, list[str]]:
    by_votes: dict[int, list[str]] = {}
    for row in rows:
        by_votes.setdefault(row["votes"], []).append(row["code"])
    return {code: [other for other in codes if other != code]
            for codes in by_votes.values() if len(codes) > 1
            for code in codes}


def explain_pool(data: dict, *, ballots: int | None = None) -> PoolExplained:
    """Turn one pool's snapshot ``data`` into lines a resident can read."""
    rule = data.get("rule", "")
    budget = Decimal(data["budget"])
    used = Decimal(data["cost"])
    rows = data.get("rows", [])
    most = max((row["votes"] for row in rows), default=0)
    ties = _ties([row for row in rows if row["votes"] > 0])
    lines, spent = [], Decimal(0)
    for row in rows:
        cost, left_before = Decimal(row["cost"]), budget - spent
        if rule in GREEDY_RULES:
            reason = greedy_reason(selected=row["selected"], cost=cost, left_before=left_before,
                                   stored=reason_text(row))
        else:
            reason = (_("won: %(why)s") if row["selected"] else _("lost: %(why)s")) % {
                "why": reason_text(row)}
        lines.append(ProjectLine(
            rank=row["rank"], code=row["code"], label=row["label"], votes=row["votes"],
            cost=cost, selected=row["selected"], left_before=left_before, reason=reason,
            bar=round(100 * row["votes"] / most) if most else 0,
            tie_with=ties.get(row["code"], [])))
        spent = Decimal(row.get("cumulative_cost", spent))
    tie_sentences = []
    for votes, codes in sorted({line.votes: [line.code, *line.tie_with]
                                for line in lines if line.tie_with}.items(), reverse=True):
        tie_sentences.append(ngettext(
            "Tie: projects %(codes)s have %(votes)s vote each; the one with the lower number "
            "was considered first.",
            "Tie: projects %(codes)s have %(votes)s votes each; the one with the lower number "
            "was considered first.", votes) % {"codes": ", ".join(sorted(codes)), "votes": votes})
    return PoolExplained(
        rule=rule, rule_name=rule_name(rule), rule_explanation=rule_explanation(rule),
        budget=budget, used=used, left=budget - used,
        used_percent=round(100 * used / budget) if budget else 0, ballots=ballots,
        lines=lines, ties=tie_sentences,
        more_url=EQUAL_SHARES_MORE if rule.startswith("equal-shares") else "")
