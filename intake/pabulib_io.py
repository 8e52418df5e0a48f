"""Open data: an edition to and from a pabulib ``.pb`` file (pabulib.org/format).

Import replays a real election. The edition, its pool and the phase changes go through
the real transitions, run as the system (``actor=None``, audited like the scheduler's).
What happened outside Wotum is recorded directly, in one documented step each:

- the projects are the city's accepted proposals: created as drafts (channel "imported
  file") and set to "accepted" in one statement, since their review happened at the
  city, not here (no review task, no e-mail); opening the vote then puts them on the
  ballot through the real ``place_on_ballot`` transition, and their ballot numbers are
  the file's project ids;
- the voters' cards were validated by the city: each becomes one ``Ballot`` (no PESEL,
  no e-mail) with its ``Vote`` rows, stored as valid cards by ``ballots_import`` (in
  batches, each with its audit row); closing the box marks them counted. The file's voter
  ids are not kept at all: an export numbers voters 1, 2, 3… in casting order;
- cumulative points and ordinal rank points (first choice = ``max_length`` points, as
  ``ballots.pabulib`` scores them) are the votes' weights; the poll ranks by them;
- a voter's age becomes an approximate birth date: the last voting day minus that many
  years, so the age on that day — what the live report and the export count — is exactly
  the file's; sex is kept as F or M.

The META section is kept on the edition (``imported_meta``); META's threshold and no-skip
rule go to the poll, so the in-app greedy count reproduces the city's selection.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from itertools import groupby

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from audit.transitions import transition_run
from ballots import pabulib
from ballots.models import Ballot, Poll, Vote
from ballots.pesel import age_on
from ballots.results import box_results_compute, box_results_official
from ballots.selectors import poll_tally, tally_votes, tally_weight
from ballots.services import (
    CountedCard,
    ballots_import,
    box_close,
    option_codes_set,
    poll_counting_set,
)
from ballots.statistics import VALID, report_day
from organisations.models import Organisation

from .models import Edition, Pool, Proposal
from .services import edition_move

DEFAULT_ORGANISATION = "pabulib"
SCORING = {"approval": Poll.Scoring.VOTES, "choose-1": Poll.Scoring.VOTES,
           "cumulative": Poll.Scoring.POINTS, "scoring": Poll.Scoring.POINTS,
           "ordinal": Poll.Scoring.RANKS}
VOTE_TYPE = {Poll.Scoring.VOTES: "approval", Poll.Scoring.POINTS: "cumulative",
             Poll.Scoring.RANKS: "ordinal"}


class ImportRefused(pabulib.PabulibError):
    """A well-formed file Wotum cannot hold (negative points, fractions of a grosz)."""


def organisation_for_import(slug: str | None) -> Organisation:
    if slug:
        return Organisation.objects.get(slug=slug)
    organisation, _created = Organisation.objects.get_or_create(
        slug=DEFAULT_ORGANISATION,
        defaults={"name": "pabulib", "kind": Organisation.Kind.CITY})
    return organisation


def _date(text: str | None) -> datetime.date | None:
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", (text or "").strip())
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _money(value, what: str, source: str) -> Decimal:
    amount = Decimal(pabulib.format_decimal(Fraction(value)))
    if amount != amount.quantize(Decimal("0.01")):
        raise ImportRefused(0, f"{what} {amount} has fractions of a grosz", source)
    return amount


def _unique_name(organisation: Organisation, name: str) -> str:
    name = name[:190] or "pabulib"
    candidate, n = name, 1
    while Edition.objects.filter(organisation=organisation, name=candidate).exists():
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def _edition_create(election: pabulib.Election, organisation, source: str) -> Edition:
    meta = election.meta
    end = _date(meta.get("date_end")) or timezone.localdate()
    begin = min(_date(meta.get("date_begin")) or end, end)
    year_match = re.match(r"\d{4}", meta.get("instance", ""))
    year = int(year_match.group()) if year_match else end.year
    name = meta.get("description") or " ".join(
        part for part in (meta.get("unit"), meta.get("subunit"), meta.get("instance")) if part)
    opens = _aware(begin, datetime.time(0, 0))
    edition = Edition.objects.create(
        organisation=organisation, name=_unique_name(organisation, name or source), year=year,
        intake_starts_at=opens - datetime.timedelta(days=90),
        intake_ends_at=opens - datetime.timedelta(days=60),
        review_ends_at=opens - datetime.timedelta(days=1), voting_starts_at=opens,
        voting_ends_at=_aware(end, datetime.time(23, 59, 59)),
        pesel_required=False, selection_rule="greedy",
        imported_meta=dict(meta),
        imported_columns={"projects": list(election.project_columns),
                          "votes": list(election.vote_columns)})
    longest = max((len(voter.vote) for voter in election.voters), default=1)
    limit = int(meta["max_length"]) if _ascii_number(meta.get("max_length", "")) else longest
    Pool.objects.create(
        edition=edition, kind=Pool.Kind.DISTRICT if meta.get("district") else Pool.Kind.CITYWIDE,
        name=(meta.get("district") or meta.get("subunit") or meta.get("unit") or "pabulib")[:120],
        budget=_money(election.budget, "budget", source), choices_per_ballot=max(limit, 1))
    return edition


def _proposals_create(edition: Edition, election: pabulib.Election, source: str) -> None:
    pool = edition.pools.get()
    proposals = []
    for number, project in enumerate(election.projects.values(), start=1):
        cost = _money(project.cost, f"cost of project {project.id}", source)
        title = project.name or project.id
        proposals.append(Proposal(
            organisation_id=edition.organisation_id, edition=edition, pool=pool, number=number,
            channel=Proposal.Channel.IMPORT, title=title[:200],
            description=title, estimated_cost=cost, verified_cost=cost,
            applicant_name=edition.organisation.name, import_key=project.id[:100],
            imported_fields=dict(project.fields)))
    Proposal.objects.bulk_create(proposals)
    # New rows start as drafts (the state machine insists); the city accepted them.
    Proposal.objects.filter(edition=edition).update(state=Proposal.State.ACCEPTED)
    Edition.objects.filter(pk=edition.pk).update(last_proposal_number=len(proposals))


def _weights(election: pabulib.Election, voter: pabulib.PabulibVoter, source: str) -> list[int]:
    if election.vote_type == "ordinal":
        longest = max((len(v.vote) for v in election.voters), default=0)
        top = int(Fraction(election.meta.get("max_length") or longest))
        return [max(top - rank, 0) for rank in range(len(voter.vote))]
    if voter.points is None:
        return [1] * len(voter.vote)
    weights = []
    for value in voter.points:
        if Fraction(value).denominator != 1 or value < 0:
            raise ImportRefused(voter.line, f"points must be whole and not negative: {value}",
                                source)
        weights.append(int(value))
    return weights


def _ballot_facts(voter: pabulib.PabulibVoter, last_day: datetime.date) -> dict:
    age, sex = voter.fields.get("age", "").strip(), voter.fields.get("sex", "").strip().upper()
    birth = None
    if _ascii_number(age):
        year = last_day.year - int(age)
        birth = (last_day.replace(year=year) if (last_day.month, last_day.day) != (2, 29)
                 else datetime.date(year, 2, 28))
    method = voter.fields.get("voting_method", "").strip().lower()
    return {"birth_date": birth, "sex": sex if sex in ("F", "M") else "",
            "channel": Ballot.Channel.PAPER if method == "paper" else Ballot.Channel.EMAIL}


def _ballots_create(poll: Poll, election: pabulib.Election, source: str) -> None:
    """The city's validated cards, stored as valid cards through the poll store."""
    options = {o.code: o.pk for o in poll.options.all()}
    last_day = timezone.localdate(poll.box.closes_at)
    ballots_import(box=poll.box, poll=poll, cards=[
        CountedCard(votes=[(options[code], weight) for code, weight in zip(
            voter.vote, _weights(election, voter, source), strict=True)],
            **_ballot_facts(voter, last_day)) for voter in election.voters])


@transaction.atomic
def edition_import_pabulib(*, election: pabulib.Election, organisation: Organisation,
                           source: str = "<pabulib>") -> Edition:
    """Create a closed edition with its pool, projects, ballots and results from a file."""
    edition = _edition_create(election, organisation, source)
    edition = edition_move(edition=edition, transition="open_intake", actor=None)
    edition = edition_move(edition=edition, transition="start_review", actor=None)
    _proposals_create(edition, election, source)
    edition = edition_move(edition=edition, transition="open_voting", actor=None)
    box = edition.ballot_box
    # The city's numbers, not Wotum's.
    option_codes_set(box=box, codes={str(p.pk): p.import_key for p in edition.proposals.all()})
    threshold = election.meta.get("min_project_score_threshold", "").strip()
    poll_counting_set(poll=box.polls.get(), scoring=SCORING[election.vote_type],
                      threshold=int(Fraction(threshold)) if threshold else None,
                      greedy_skip=election.meta.get("rule", "greedy") != "greedy-no-skip")
    _ballots_create(box.polls.get(), election, source)
    # Closing as edition_move does, but counting here and now instead of in the worker:
    # the command prints the edition once its results exist.
    edition = transition_run(edition, "close", actor=None)
    box_close(box=box, actor=None)
    box_results_compute(box=box, rule=edition.selection_rule, actor=None)
    audit_record(action="edition.import", actor=None, obj=edition,
                 details={"file": source, "projects": len(election.projects),
                          "voters": len(election.voters)})
    return Edition.objects.get(pk=edition.pk)


# Export ---------------------------------------------------------------------------------

def edition_poll(edition: Edition, pool: str | None = None) -> Poll:
    """The poll of ``pool`` (a name or a poll id), or the edition's only one."""
    if edition.ballot_box_id is None:
        raise ValueError(f"edition {edition.pk} has no vote yet")
    polls = list(edition.ballot_box.polls.order_by("position", "id"))
    if pool:
        chosen = [p for p in polls if p.title == pool or str(p.pk) == pool]
        if not chosen:
            raise ValueError(f"no pool {pool!r} in edition {edition.pk}")
        return chosen[0]
    if len(polls) != 1:
        names = ", ".join(repr(p.title) for p in polls)
        raise ValueError(f"edition {edition.pk} has {len(polls)} pools; choose one with "
                         f"--pool ({names})")
    return polls[0]


def _number(value) -> str:
    return pabulib.format_decimal(Fraction(value or 0))


def _meta(edition: Edition, poll: Poll, voters: int, projects: int) -> dict[str, str]:
    box = poll.box
    begin, end = timezone.localdate(box.opens_at or box.created_at), report_day(box)
    derived = {"num_projects": str(projects), "num_votes": str(voters),
               "budget": _number(poll.budget)}
    if not edition.imported_meta.get("vote_type"):
        # An imported file's own vote type stays (choose-1, scoring are counted as the
        # nearest Wotum scoring, but the file said what it said).
        derived["vote_type"] = VOTE_TYPE[poll.scoring]
    meta = dict(edition.imported_meta) or {
        "description": edition.name, "country": "Poland", "unit": edition.organisation.name,
        **({"district": poll.title} if poll.choice_group else {}), "subunit": poll.title,
        "instance": str(edition.year), **derived,
        "rule": "greedy" if poll.greedy_skip else "greedy-no-skip",
        "date_begin": begin.strftime("%d.%m.%Y"), "date_end": end.strftime("%d.%m.%Y"),
        **({"max_length": str(poll.max_choices)} if poll.scoring == "votes" else {}),
        "language": "pl", "currency": "PLN"}
    meta.update(derived)
    if poll.threshold is not None:
        meta["min_project_score_threshold"] = str(poll.threshold)
    else:
        meta.pop("min_project_score_threshold", None)
    if not poll.greedy_skip:
        meta["rule"] = "greedy-no-skip"
    return meta


def _voters(poll: Poll, columns: list[str]) -> Iterator[pabulib.PabulibVoter]:
    """Each counted ballot with votes in ``poll``, numbered 1, 2, 3… in casting order,
    with the voter ``columns`` only (an imported file's own, or Wotum's)."""
    day = report_day(poll.box)
    order = ("ballot_id", "-weight", "id") if poll.scoring == "ranks" else ("ballot_id", "id")
    rows = (Vote.objects.filter(poll=poll, counts=True, ballot__state__in=VALID)
            .order_by(*order).values_list("ballot_id", "option__code", "weight",
                                          "ballot__birth_date", "ballot__sex", "ballot__channel")
            .iterator(chunk_size=20000))
    points = poll.scoring == "points"
    for number, (_ballot, votes) in enumerate(groupby(rows, key=lambda row: row[0]), start=1):
        votes = list(votes)
        codes = tuple(row[1] for row in votes)
        weights = tuple(row[2] for row in votes) if points else None
        birth, sex, channel = votes[0][3], votes[0][4], votes[0][5]
        known = {"voter_id": str(number), "vote": ",".join(codes),
                 "age": str(age_on(birth, day)) if birth else "", "sex": sex or "",
                 "voting_method": "paper" if channel == Ballot.Channel.PAPER else "internet",
                 "points": ",".join(str(w) for w in weights) if points else ""}
        fields = {column: known.get(column, "") for column in columns}
        yield pabulib.PabulibVoter(str(number), codes, weights, fields)


def edition_pabulib(edition: Edition, pool: str | None = None) -> pabulib.Election:
    """The pool's projects, anonymised voters and winners as a pabulib election.

    An imported edition writes back what its file had: the same columns, and each
    project's columns as read (category, coordinates, the city's ``selected`` code …),
    with cost, votes and score from the stored votes. An edition run in Wotum writes
    Wotum's columns and the winners of its result (published, or its rule's newest).
    """
    poll = edition_poll(edition, pool)
    options = list(poll.options.order_by("position", "id"))
    counts = poll_tally(poll, options)
    official = dict(box_results_official(poll.box)).get(poll)
    selected = set(official.data["selected"]) if official else set()
    imported = {pk: fields for pk, fields in Proposal.objects.filter(edition=edition)
                .values_list("pk", "imported_fields") if fields}
    points = poll.scoring != "votes"
    columns = edition.imported_columns.get("projects") or [
        "project_id", "cost", "votes", *(["score"] if points else []), "name", "selected"]
    projects = {}
    for option in options:
        computed = {"project_id": option.code, "cost": _number(option.cost),
                    "votes": str(tally_votes(counts, option)),
                    "score": str(tally_weight(counts, option) if points
                                 else tally_votes(counts, option)),
                    "name": option.label, "selected": "1" if option.code in selected else "0"}
        as_read = imported.get(int(option.source_id)) if option.source_id.isdigit() else None
        fields = {column: computed[column] if column in ("project_id", "cost", "votes", "score")
                  or not as_read else as_read.get(column, "") for column in columns}
        projects[option.code] = pabulib.PabulibProject(option.code, Fraction(option.cost or 0),
                                                       fields)
    vote_columns = edition.imported_columns.get("votes") or [
        "voter_id", "vote", *(["points"] if poll.scoring == "points" else []),
        "age", "sex", "voting_method"]
    voters = list(_voters(poll, vote_columns))
    return pabulib.Election(_meta(edition, poll, len(voters), len(projects)), projects, voters,
                            columns, vote_columns)


def _ascii_number(text: str) -> bool:
    """True for "12", not for "²" (which ``str.isdigit`` accepts and ``int`` refuses)."""
    return text.isascii() and text.isdigit()
