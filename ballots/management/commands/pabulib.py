"""``manage.py pabulib``: work with pabulib ``.pb`` files from the command line.

Other tools call ``manage.py pabulib select FILE.pb --rule RULE``; keep its contract:
it prints exactly one JSON line ``{"selected": [ids], "cost": total}`` and exits 0, or
writes ``FILE:LINE: reason`` to stderr and exits 2. The ids are sorted as strings
(code-point order, so "12" comes before "9"); the cost is an integer when it is whole,
a decimal number when it has an exact decimal form, else a string "p/q".

Each subcommand is a ``Subcommand`` registered in ``Command.subcommands``; add
``export``, ``import`` or ``results`` the same way.
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError

from ballots import pabulib
from ballots.counting import Number

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
            choices=pabulib.RULES,
            default="greedy",
            help="greedy honours the file's META (threshold, no-skip); default: greedy",
        )

    def run(self, command: BaseCommand, **options: Any) -> None:
        election = pabulib.read(options["file"])
        outcome = pabulib.select(election, options["rule"])
        command.stdout.write(selection_json(outcome.selected, outcome.cost))


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

    subcommands: ClassVar[dict[str, type[Subcommand]]] = {"select": Select}

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
