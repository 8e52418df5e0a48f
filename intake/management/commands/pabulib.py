"""``manage.py pabulib``: pabulib ``.pb`` files and editions, from the command line.

Other tools call these subcommands; keep their contracts exactly:

- ``pabulib select FILE.pb --rule RULE`` prints exactly one JSON line
  ``{"selected": [ids], "cost": total}`` and exits 0, or writes ``FILE:LINE: reason`` to
  stderr and exits 2. The ids are sorted as strings (code-point order, so "12" comes
  before "9"); the cost is an integer when it is whole, a decimal number when it has an
  exact decimal form, else a string "p/q".
- ``pabulib import FILE.pb [--organisation SLUG]`` creates a closed edition with its pool,
  projects, ballots and results (``intake.pabulib_io``) and prints the new edition's id
  as its last line.
- ``pabulib export EDITION [--pool POOL] > FILE.pb`` writes a pool of the edition (its
  only one by default) with anonymised voter ids and the latest result's winners.
- ``pabulib results EDITION [--rule RULE] [--pool POOL]`` counts the edition in the app
  (default: the edition's rule; nothing is stored) and prints the same JSON line as
  ``select``: every pool's winners together, and their total cost.

The command lives in intake (editions are intake's); ``ballots.pabulib`` reads and writes
the files. Each subcommand is a ``Subcommand`` registered in ``Command.subcommands``.
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError

from ballots import pabulib, rules
from ballots.counting import Number
from ballots.results import poll_outcome

EXIT_MALFORMED = 2


class Subcommand:
    """One ``manage.py pabulib <name>`` subcommand: its arguments and what it does."""

    help: ClassVar[str] = ""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the subcommand's arguments."""

    def run(self, command: BaseCommand, **options: Any) -> None:
        """Do the work; raise ``pabulib.PabulibError`` for a malformed file."""
        raise NotImplementedError


class Select(Subcommand):
    help = "Print the projects a budget rule selects, as one JSON line."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE.pb", help="a pabulib file")
        parser.add_argument(
            "--rule",
            choices=rules.names("budget"),
            default="greedy",
            help="greedy honours the file's META (threshold, no-skip); default: greedy",
        )

    def run(self, command: BaseCommand, **options: Any) -> None:
        election = pabulib.read(options["file"])
        outcome = pabulib.select(election, options["rule"])
        command.stdout.write(selection_json(outcome.selected, outcome.cost))


class Import(Subcommand):
    help = "Create a closed edition from a pabulib file; print its id on the last line."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE.pb", help="a pabulib file")
        parser.add_argument("--organisation", metavar="SLUG", default=None,
                            help="the organisation's short name (default: 'pabulib', "
                                 "created on demand)")

    def run(self, command: BaseCommand, **options: Any) -> None:
        from intake.pabulib_io import edition_import_pabulib, organisation_for_import
        from organisations.models import Organisation

        election = pabulib.read(options["file"])
        try:
            organisation = organisation_for_import(options["organisation"])
        except Organisation.DoesNotExist:
            raise pabulib.PabulibError(
                0, f"no organisation {options['organisation']!r}", options["file"]) from None
        edition = edition_import_pabulib(election=election, organisation=organisation,
                                         source=str(options["file"]))
        command.stdout.write(f"{edition.name}: {len(election.projects)} projects, "
                             f"{len(election.voters)} voters, organisation "
                             f"{organisation.slug}")
        command.stdout.write(str(edition.pk))


def _edition(options: dict[str, Any]):
    from intake.models import Edition

    try:
        return Edition.objects.select_related("organisation", "ballot_box").get(
            pk=int(options["edition"]))
    except (Edition.DoesNotExist, ValueError):
        raise pabulib.PabulibError(0, "no such edition", f"edition {options['edition']}"
                                   ) from None


class Export(Subcommand):
    help = "Write a pool of an edition as a pabulib file to standard output."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("edition", metavar="EDITION", help="the edition's id")
        parser.add_argument("--pool", default=None,
                            help="the pool's name or poll id (default: the only pool)")

    def run(self, command: BaseCommand, **options: Any) -> None:
        from intake.pabulib_io import edition_pabulib

        edition = _edition(options)
        try:
            election = edition_pabulib(edition, options["pool"])
        except ValueError as error:
            raise pabulib.PabulibError(0, str(error), f"edition {edition.pk}") from None
        command.stdout.write(pabulib.write(election), ending="")


class Results(Subcommand):
    help = "Count an edition in the app and print the winners as one JSON line."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("edition", metavar="EDITION", help="the edition's id")
        parser.add_argument("--rule", choices=rules.names("budget"), default=None,
                            help="default: the edition's selection rule")
        parser.add_argument("--pool", default=None,
                            help="one pool's name or poll id (default: every pool)")

    def run(self, command: BaseCommand, **options: Any) -> None:
        from intake.pabulib_io import edition_poll

        edition = _edition(options)
        if edition.ballot_box_id is None:
            raise pabulib.PabulibError(0, "the vote has not opened yet", f"edition {edition.pk}")
        try:
            polls = ([edition_poll(edition, options["pool"])] if options["pool"]
                     else list(edition.ballot_box.polls.order_by("position", "id")))
        except ValueError as error:
            raise pabulib.PabulibError(0, str(error), f"edition {edition.pk}") from None
        rule = options["rule"] or edition.selection_rule
        selected: list[str] = []
        cost: Number = 0
        for poll in polls:
            outcome, _data, _ballots = poll_outcome(poll=poll, rule=rule)
            selected.extend(outcome.selected)
            cost += outcome.cost
        command.stdout.write(selection_json(selected, cost))


def selection_json(selected: list[str] | tuple[str, ...], cost: Number) -> str:
    """Return ``{"selected": [...], "cost": N}`` with ids sorted and the cost exact."""
    placeholder = "__cost__"
    text = json.dumps({"selected": sorted(selected), "cost": placeholder}, ensure_ascii=False)
    return text.replace(json.dumps(placeholder), _json_number(cost))


def _json_number(value: Number) -> str:
    """Write an exact number as JSON without rounding it through a float."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    try:
        return pabulib.format_decimal(value)
    except ValueError:
        return json.dumps(f"{value.numerator}/{value.denominator}")


class Command(BaseCommand):
    help = "Work with pabulib (.pb) participatory-budgeting files."

    subcommands: ClassVar[dict[str, type[Subcommand]]] = {
        "select": Select, "import": Import, "export": Export, "results": Results}

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        for name, subcommand in self.subcommands.items():
            subparser = commands.add_parser(name, help=subcommand.help, description=subcommand.help)
            subcommand().add_arguments(subparser)

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        try:
            self.subcommands[subcommand]().run(self, **options)
        except pabulib.PabulibError as error:
            self._fail(str(error))

    def _fail(self, message: str) -> None:
        """Report ``FILE:LINE: reason`` plainly on the command line, or raise for callers."""
        if getattr(self, "_called_from_command_line", False):
            self.stderr.write(message, style_func=lambda text: text)
            sys.exit(EXIT_MALFORMED)
        raise CommandError(message, returncode=EXIT_MALFORMED)
