"""What the three analyst commands share: printing an :class:`AnalystOutput` and refusing bad input.

A malformed file is refused with the file, line and column on standard error and nothing on
standard output (docs/rules/surveillance.md §1.6); warnings go to standard error and do not change
the exit status.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import CommandError

from perinatal.surveillance.analyst_files import AnalystOutput, InputFileError, format_csv, format_json

FORMAT_CSV = "csv"
FORMAT_JSON = "json"
FORMATS = (FORMAT_CSV, FORMAT_JSON)
FORMATTERS: dict[str, Callable[[AnalystOutput], str]] = {FORMAT_CSV: format_csv, FORMAT_JSON: format_json}


def add_format_argument(parser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=FORMAT_CSV,
        help="csv (default) or json; numbers are printed unrounded",
    )


def run_analyst(command, compute: Callable[[], AnalystOutput], *, output_format: str) -> None:
    """Compute, then print the whole output at once: a refusal never leaves half a table behind."""
    try:
        output = compute()
        text = FORMATTERS[output_format](output)
    except InputFileError as error:
        raise CommandError(str(error)) from error
    except ValueError as error:  # an option that cannot work (a rebase date not in the file, …)
        raise CommandError(str(error)) from error
    for warning in output.warnings:
        command.stderr.write(f"warning: {warning}")
    command.stdout.write(text, ending="")
