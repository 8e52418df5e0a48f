"""Read and write pabulib ``.pb`` files (pabulib.org/format); pure Python, no Django.

A file has three sections, each a marker line and a header row followed by
semicolon-separated rows: META (``key;value``), PROJECTS (``project_id;cost;…``) and
VOTES (``voter_id;vote;…``). ``vote`` lists project ids separated by commas (in rank
order for ordinal ballots); cumulative and scoring ballots add a ``points`` column.

Every column is kept as read, so ``write(read(path))`` gives the file back (line ends,
final newline and quoting included; blank lines are not kept). Errors name the line:
``PabulibError`` prints as ``FILE:LINE: reason``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .counting import Outcome, Project
from .counting.numbers import Number, exact

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """A malformed file: where (line, 1-based) and why."""

    def __init__(self, line: int, reason: str, source: str = "<pabulib>") -> None:
        # Line 0 means the file as a whole (it cannot be read at all).
        super().__init__(f"{source}:{line}: {reason}" if line else f"{source}: {reason}")
        self.line, self.reason, self.source = line, reason, source


@dataclass
class PabulibProject:
    """A project row: id and cost parsed, every column (those two included) as read."""

    id: str
    cost: Number
    fields: dict[str, str]
    line: int = 0

    @property
    def name(self) -> str:
        """Return the project's name ("" when the file has no name column)."""
        return self.fields.get("name", "")

    @property
    def extra(self) -> dict[str, str]:
        """Return the columns beyond id and cost (name, votes, selected, category…)."""
        return {k: v for k, v in self.fields.items() if k not in ("project_id", "cost")}


@dataclass
class PabulibVoter:
    """A vote row: the ballot parsed, every column (``vote``, ``points``…) as read."""

    id: str
    vote: tuple[str, ...]
    points: tuple[Number, ...] | None
    fields: dict[str, str]
    line: int = 0

    @property
    def extra(self) -> dict[str, str]:
        """Return the columns beyond the ballot (age, sex, voting_method…)."""
        return {k: v for k, v in self.fields.items() if k not in ("voter_id", "vote", "points")}


@dataclass
class Election:
    """One pabulib election: META, projects and voters, with what a lossless write needs."""

    meta: dict[str, str]
    projects: dict[str, PabulibProject]
    voters: list[PabulibVoter]
    project_columns: list[str]
    vote_columns: list[str]
    newline: str = "\n"
    final_newline: bool = True
    meta_lines: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def budget(self) -> Number:
        """Return the pool's budget."""
        return _number(self.meta["budget"], "budget")

    @property
    def vote_type(self) -> str:
        """Return approval, choose-1, cumulative, scoring or ordinal."""
        return self.meta["vote_type"]

    def costs(self) -> dict[str, Number]:
        """Return {project id: cost} in file order."""
        return {pid: project.cost for pid, project in self.projects.items()}

    def approval_ballots(self) -> dict[frozenset[str], int]:
        """Return identical ballots grouped, as approvals (points and ranks dropped)."""
        return dict(Counter(frozenset(voter.vote) for voter in self.voters))

    def supporters(self) -> dict[str, int]:
        """Return how many voters named each project."""
        counts = dict.fromkeys(self.projects, 0)
        for voter in self.voters:
            for pid in voter.vote:
                counts[pid] += 1
        return counts

    def scores(self) -> dict[str, Number]:
        """Return what a city ranks by: votes, points, or rank points for ordinal ballots.

        Ordinal ballots score by rank: with ``max_length`` L in META (else the longest
        ballot), the first choice gets L points, the second L - 1, and so on (Kraków: 3/2/1).
        """
        if self.vote_type in ("approval", "choose-1"):
            return dict(self.supporters())
        scores: dict[str, Number] = dict.fromkeys(self.projects, 0)
        if self.vote_type == "ordinal":
            longest = max((len(voter.vote) for voter in self.voters), default=0)
            top = int(_number(self.meta.get("max_length") or str(longest), "max_length"))
            for voter in self.voters:
                for rank, pid in enumerate(voter.vote):
                    scores[pid] += max(top - rank, 0)
            return scores
        for voter in self.voters:
            for pid, points in zip(voter.vote, voter.points or (), strict=True):
                scores[pid] += points
        return scores

    def selected_ids(self) -> set[str]:
        """Return the projects the file marks as selected (``selected`` equal to 1)."""
        return {
            pid
            for pid, project in self.projects.items()
            if project.fields.get("selected", "").strip() == "1"
        }


def read(path: str | Path) -> Election:
    """Read a ``.pb`` file; raise ``PabulibError`` naming the line of the first problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PabulibError(0, f"cannot read the file: {error.strerror}", str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PabulibError(line, "not UTF-8 text", str(path)) from None
    return parse(text, source=str(path))


def parse(text: str, source: str = "<pabulib>") -> Election:
    """Parse the text of a ``.pb`` file."""
    return _Parser(text, source).parse()


class _Parser:
    """Walk the rows once, section by section, checking as it goes."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.text = text
        self.rows = self._rows(text)

    def fail(self, line: int, reason: str) -> PabulibError:
        return PabulibError(line, reason, self.source)

    def _rows(self, text: str) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, row
        except csv.Error as error:
            raise self.fail(reader.line_num, f"unreadable row: {error}") from None

    def parse(self) -> Election:
        newline = "\r\n" if "\r\n" in self.text else "\n"
        final = self.text.endswith(("\n", "\r"))
        meta, meta_lines, line = self._meta()
        vote_type = self._check_meta(meta, meta_lines, line)
        projects, project_columns, line = self._projects(line)
        voters, vote_columns = self._votes(line, projects, vote_type)
        election = Election(
            meta, projects, voters, project_columns, vote_columns, newline, final, meta_lines
        )
        self._check_counts(election)
        return election

    def _section(self, name: str, after: int) -> tuple[int, list[str]]:
        """Consume a section marker and its header row; return the header."""
        try:
            line, row = next(self.rows)
        except StopIteration:
            raise self.fail(after, f"the file ends before the {name.upper()} section") from None
        if _marker(row) != name:
            raise self.fail(line, f"expected the {name.upper()} section, found {';'.join(row)!r}")
        try:
            line, header = next(self.rows)
        except StopIteration:
            raise self.fail(line, f"the {name.upper()} section has no header row") from None
        if _marker(header):
            raise self.fail(line, f"the {name.upper()} section has no header row")
        header = [cell.strip() for cell in header]
        duplicates = sorted(column for column, n in Counter(header).items() if n > 1)
        if duplicates:
            raise self.fail(line, f"column {duplicates[0]!r} appears twice in the header")
        return line, header

    def _body(self, header: list[str], stop: str | None) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield the section's rows as {column: cell} until the ``stop`` marker."""
        for line, row in self.rows:
            marker = _marker(row)
            if marker and marker == stop:
                self.rows = _prepend((line, row), self.rows)
                return
            if marker:
                raise self.fail(line, f"unexpected section {row[0].strip()!r} here")
            if len(row) != len(header):
                raise self.fail(line, f"expected {len(header)} fields, found {len(row)}")
            yield line, dict(zip(header, row, strict=True))

    def _meta(self) -> tuple[dict[str, str], dict[str, int], int]:
        line, header = self._section("meta", 1)
        if [cell.lower() for cell in header] != ["key", "value"]:
            found = ";".join(header)
            raise self.fail(line, f"the META header must be 'key;value', found {found!r}")
        meta: dict[str, str] = {}
        lines: dict[str, int] = {}
        for line, row in self._body(header, "projects"):
            key = row[header[0]].strip()
            if key in meta:
                raise self.fail(line, f"META key {key!r} already set on line {lines[key]}")
            meta[key], lines[key] = row[header[1]].strip(), line
        return meta, lines, line

    def _check_meta(self, meta: dict[str, str], lines: dict[str, int], end: int) -> str:
        for key in ("budget", "vote_type"):
            if key not in meta:
                raise self.fail(end, f"META has no {key!r}")
        try:
            if _number(meta["budget"], "budget") < 0:
                raise ValueError("budget must not be negative")
        except ValueError as error:
            raise self.fail(lines["budget"], str(error)) from None
        if meta["vote_type"] not in VOTE_TYPES:
            expected = ", ".join(VOTE_TYPES)
            reason = f"unknown vote_type {meta['vote_type']!r} (expected one of {expected})"
            raise self.fail(lines["vote_type"], reason)
        return meta["vote_type"]

    def _projects(self, after: int) -> tuple[dict[str, PabulibProject], list[str], int]:
        line, header = self._section("projects", after)
        for column in ("project_id", "cost"):
            if column not in header:
                raise self.fail(line, f"the PROJECTS header has no {column!r} column")
        projects: dict[str, PabulibProject] = {}
        for line, row in self._body(header, "votes"):
            pid = row["project_id"].strip()
            if not pid:
                raise self.fail(line, "empty project_id")
            if pid in projects:
                first = projects[pid].line
                raise self.fail(line, f"project {pid!r} already listed on line {first}")
            try:
                cost = _number(row["cost"], "cost")
            except ValueError as error:
                raise self.fail(line, str(error)) from None
            if cost < 0:
                raise self.fail(line, f"cost must not be negative, found {row['cost']!r}")
            projects[pid] = PabulibProject(pid, cost, row, line)
        return projects, header, line

    def _votes(
        self, after: int, projects: dict[str, PabulibProject], vote_type: str
    ) -> tuple[list[PabulibVoter], list[str]]:
        line, header = self._section("votes", after)
        needed = ["voter_id", "vote"]
        if vote_type in ("cumulative", "scoring"):
            needed.append("points")
        for column in needed:
            if column not in header:
                raise self.fail(line, f"the VOTES header has no {column!r} column")
        voters: list[PabulibVoter] = []
        seen: dict[str, int] = {}
        for line, row in self._body(header, None):
            voter = self._voter(line, row, projects, vote_type)
            if voter.id in seen:
                raise self.fail(line, f"voter {voter.id!r} already voted on line {seen[voter.id]}")
            seen[voter.id] = line
            voters.append(voter)
        return voters, header

    def _voter(
        self, line: int, row: dict[str, str], projects: dict[str, PabulibProject], vote_type: str
    ) -> PabulibVoter:
        voter_id = row["voter_id"].strip()
        if not voter_id:
            raise self.fail(line, "empty voter_id")
        vote = tuple(_split(row["vote"]))
        for pid in vote:
            if pid not in projects:
                raise self.fail(line, f"the vote names unknown project {pid!r}")
        repeated = [pid for pid, n in Counter(vote).items() if n > 1]
        if repeated:
            raise self.fail(line, f"the vote names project {repeated[0]!r} twice")
        if vote_type == "choose-1" and len(vote) > 1:
            raise self.fail(line, f"a choose-1 vote names {len(vote)} projects")
        points = None
        if vote_type in ("cumulative", "scoring"):
            cells = _split(row["points"])
            if len(cells) != len(vote):
                raise self.fail(line, f"{len(vote)} projects but {len(cells)} points")
            try:
                points = tuple(_number(cell, "points") for cell in cells)
            except ValueError as error:
                raise self.fail(line, str(error)) from None
            if vote_type == "cumulative" and any(value < 0 for value in points):
                raise self.fail(line, "points must not be negative")
        return PabulibVoter(voter_id, vote, points, row, line)

    def _check_counts(self, election: Election) -> None:
        for key, actual, what in (
            ("num_projects", len(election.projects), "PROJECTS lists"),
            ("num_votes", len(election.voters), "VOTES lists"),
        ):
            if key in election.meta and election.meta[key] != str(actual):
                line = election.meta_lines[key]
                raise self.fail(line, f"{key} says {election.meta[key]} but {what} {actual}")


def _marker(row: list[str]) -> str | None:
    """Return "meta", "projects" or "votes" for a section marker row, else None."""
    name = row[0].strip().lower()
    if name in SECTIONS and not any(cell.strip() for cell in row[1:]):
        return name
    return None


def _prepend(first: tuple[int, list[str]], rest: Iterator[tuple[int, list[str]]]):
    yield first
    yield from rest


def _split(cell: str) -> list[str]:
    """Split a comma-separated cell; an empty cell is an empty list."""
    return [part.strip() for part in cell.split(",")] if cell.strip() else []


def _number(text: str, what: str) -> Number:
    """Parse "12", "12.5" or "12,5" exactly."""
    cleaned = text.strip().replace(",", ".")
    try:
        return exact(cleaned, what)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, found {text!r}") from None


def format_decimal(value: Number) -> str:
    """Write a number as pabulib does: an integer, or a terminating decimal."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    for places in range(1, 19):
        scaled = value * 10**places
        if scaled.denominator == 1:
            whole, part = divmod(abs(scaled.numerator), 10**places)
            return f"{'-' if value < 0 else ''}{whole}.{part:0{places}d}".rstrip("0")
    raise ValueError(f"{value} has no exact decimal form")


def write(election: Election) -> str:
    """Return the election as ``.pb`` text; an unchanged election gives its file back."""
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer, delimiter=";", lineterminator=election.newline)
    out.writerow(["META"])
    out.writerow(["key", "value"])
    out.writerows(election.meta.items())
    out.writerow(["PROJECTS"])
    out.writerow(election.project_columns)
    for project in election.projects.values():
        row = _keep_if_same(dict(project.fields), "project_id", project.id, str)
        row = _keep_if_same(row, "cost", project.cost, format_decimal, _number)
        out.writerow([row.get(column, "") for column in election.project_columns])
    out.writerow(["VOTES"])
    out.writerow(election.vote_columns)
    for voter in election.voters:
        row = _keep_if_same(dict(voter.fields), "voter_id", voter.id, str)
        row = _keep_if_same(row, "vote", voter.vote, ",".join, _vote_of)
        if voter.points is not None:
            row = _keep_if_same(row, "points", voter.points, _joined, _points_of)
        out.writerow([row.get(column, "") for column in election.vote_columns])
    text = buffer.getvalue()
    if not election.final_newline:
        text = text[: -len(election.newline)]
    return text


def _joined(points: tuple[Number, ...]) -> str:
    return ",".join(format_decimal(value) for value in points)


def _text_of(cell: str, column: str) -> str:
    return cell.strip()


def _vote_of(cell: str, column: str) -> tuple[str, ...]:
    return tuple(_split(cell))


def _points_of(cell: str, column: str) -> tuple[Number, ...]:
    return tuple(_number(part, column) for part in _split(cell))


def _keep_if_same(row: dict[str, str], column: str, value, render, parse=_text_of):
    """Keep the cell as read while it still means ``value``; else write ``value``."""
    try:
        same = column in row and parse(row[column], column) == value
    except ValueError:
        same = False
    if not same:
        row[column] = render(value)
    return row


def save(election: Election, path: str | Path) -> None:
    """Write the election to a ``.pb`` file (UTF-8)."""
    Path(path).write_bytes(write(election).encode("utf-8"))


def select(election: Election, rule: str) -> Outcome:
    """Select projects as ``rule`` would, honouring what the file's META says.

    ``greedy`` ranks by ``Election.scores`` and applies META's
    ``min_project_score_threshold`` (a project needs at least that score) and its
    ``rule``: ``greedy-no-skip`` stops at the first project that does not fit, any other
    greedy rule (``greedy``, ``greedy-threshold``, ``greedy-exclusive``) skips it.
    Warsaw's ``greedy-exclusive`` also drops projects that exclude a selected one, but
    pabulib files carry no exclusions, so it counts as plain greedy here. The equal
    shares rules read every ballot as approvals, all voters sharing the budget.
    """
    from . import rules  # the one registry; this module itself stays free of Django

    try:
        registered = rules.get(rule)
    except KeyError as error:
        raise ValueError(str(error)) from None
    if registered.kind != "budget":
        raise ValueError(f"{rule!r} is not a budget rule")
    projects = [Project(pid, cost) for pid, cost in election.costs().items()]
    if not registered.reads_ballots:
        threshold = election.meta.get("min_project_score_threshold")
        skip = election.meta.get("rule", "greedy") != "greedy-no-skip"
        minimum = _number(threshold, "min_project_score_threshold") if threshold else None
        return registered.apply(projects, election.budget, points=election.scores(),
                                threshold=minimum, skip=skip)
    ballots = list(election.approval_ballots().items())
    return registered.apply(projects, election.budget, ballots=ballots,
                            voters=len(election.voters))
