"""argparse in Swedish: its error messages, its usage line and its help headings.

argparse writes its messages in English through gettext; a subclass's `error()` translates
the common ones (they all end here), and the type functions below say in Swedish what a
value must be. Subparsers inherit the class (argparse uses the parent's class for them).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from typing import NoReturn

_TRANSLATIONS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"Det här måste anges: \1."),
    (r"one of the arguments (.*) is required", r"Ett av de här måste anges: \1."),
    (r"unrecognized arguments: (.*)", r"Okända flaggor eller värden: \1."),
    (
        r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
        r"\1: \2 finns inte (välj \3).",
    ),
    (r"argument (.*?): invalid (\w+) value: (.*)", r"\1: \3 är inte ett giltigt värde."),
    (r"argument (.*?): expected one argument", r"\1 behöver ett värde."),
    (r"argument (.*?): expected at most one argument", r"\1 tar högst ett värde."),
    (r"argument (.*?): expected at least one argument", r"\1 behöver minst ett värde."),
    (r"argument (.*?): expected (\d+) arguments?", r"\1 behöver \2 värden."),
    (r"argument (.*?): not allowed with argument (.*)", r"\1 kan inte anges tillsammans med \2."),
    (r"argument (.*?): ignored explicit argument (.*)", r"\1 tar inget värde (angivet: \2)."),
    (r"ambiguous option: (.*?) could match (.*)", r"\1 är tvetydigt: det kan vara \2."),
    (r"argument (.*?): (.*)", r"\1: \2"),  # a type function's own (Swedish) message
)


def translate(message: str) -> str:
    """argparse's English message as a Swedish sentence (unknown ones are left as they are)."""
    for pattern, replacement in _TRANSLATIONS:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            return re.sub(pattern, replacement, message, count=1, flags=re.DOTALL)
    return message


class SwedishHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "Användning: " if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        headings = {"positional arguments": "argument", "options": "flaggor"}
        super().start_section(headings.get(heading or "", heading))


class SwedishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are Swedish sentences (exit status 2, as argparse)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", SwedishHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        if self.add_help is False:
            self.add_argument(
                "-h", "--help", action="help", help="visa den här hjälpen och avsluta"
            )

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("title", "kommandon")
        kwargs.setdefault("metavar", "KOMMANDO")
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {translate(message)}\n")


# --- type functions: a Swedish message for a value that cannot be used --------------------
FIRST_YEAR = 2000
LAST_YEAR = 2100


def year(text: str) -> int:
    """A statistics year."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdecimal()) or not (
        FIRST_YEAR <= int(cleaned) <= LAST_YEAR
    ):
        raise argparse.ArgumentTypeError(
            f"Året måste vara mellan {FIRST_YEAR} och {LAST_YEAR} (angivet: {text})."
        )
    return int(cleaned)


def month(text: str) -> date:
    """ÅÅÅÅ-MM, a month in the years above."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if (
        not match
        or not 1 <= int(match.group(2)) <= 12
        or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR
    ):
        raise argparse.ArgumentTypeError(
            f"Ogiltig månad: {text} (skriv ÅÅÅÅ-MM, ett år mellan {FIRST_YEAR} och {LAST_YEAR})."
        )
    return date(int(match.group(1)), int(match.group(2)), 1)


def count_between(low: int, high: int):
    """A whole number from `low` to `high` (a --limit, a number of households)."""

    def parse(text: str) -> int:
        cleaned = text.strip()
        if not (cleaned.isascii() and cleaned.lstrip("-").isdecimal()) or not (
            low <= int(cleaned) <= high
        ):
            raise argparse.ArgumentTypeError(
                f"Ange ett heltal mellan {low:,} och {high:,} (angivet: {text}).".replace(",", " ")
            )
        return int(cleaned)

    parse.__name__ = "heltal"
    return parse
