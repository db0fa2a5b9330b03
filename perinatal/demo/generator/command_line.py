"""`perinatal generate-demo-data --years N --end DATE --seed N --out DIR`.

`--end` defaults to the last day of the month before today (the latest complete month);
`today` is a parameter so that tests can fix it. The trust reference rows come from
`--reference FILE`, else from the caller (`trusts_rows`), else from the copy of
trusts-maternity-reference.csv shipped in `perinatal/organisations/reference_data/`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import perinatal.organisations

from .national_files import generate
from .period import default_end

PROG = "perinatal generate-demo-data"
SHIPPED_REFERENCE = (
    Path(perinatal.organisations.__file__).resolve().parent / "reference_data" / "trusts-maternity-reference.csv"
)
DEFAULT_YEARS = 5
DEFAULT_SEED = 1


def read_trust_rows(path: Path) -> list[dict[str, str]]:
    """Rows of trusts-maternity-reference.csv (UTF-8, possibly with a byte-order mark)."""
    with open(path, encoding="utf-8-sig", newline="") as source:
        return list(csv.DictReader(source))


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from error


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from error
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from error
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def build_parser(*, today: dt.date) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Write synthetic (demo) units, births, neonatal_care, unit_status, inductions and "
            "survey CSV files for every NHS trust in England that provides births. Sites, "
            "units and every record are invented."
        ),
    )
    parser.add_argument(
        "--years",
        type=_positive_int,
        default=DEFAULT_YEARS,
        help="calendar years covered, counting the year of --end (default %(default)s: the "
        "four complete years before --end's year plus that year to --end)",
    )
    parser.add_argument(
        "--end",
        type=_iso_date,
        default=default_end(today),
        help="last birth date, YYYY-MM-DD (default: last day of the previous month, %(default)s)",
    )
    parser.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the CSV files into")
    parser.add_argument(
        "--reference",
        type=Path,
        help="trusts-maternity-reference.csv to read trusts from (default: the shipped copy)",
    )
    parser.add_argument("--trusts", help="comma-separated trust codes to restrict the data to (default: every trust)")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    today: dt.date | None = None,
    trusts_rows: Sequence[Mapping[str, str]] | None = None,
) -> int:
    parser = build_parser(today=today or dt.date.today())
    args = parser.parse_args(argv)
    if args.reference is not None or trusts_rows is None:
        reference = args.reference or SHIPPED_REFERENCE
        try:
            trusts_rows = read_trust_rows(reference)
        except OSError as error:
            parser.error(f"cannot read the trust reference file {reference}: {error.strerror}")
    trust_codes = [c.strip() for c in args.trusts.split(",") if c.strip()] if args.trusts else None
    try:
        summary = generate(
            years=args.years,
            end=args.end,
            seed=args.seed,
            out_dir=args.out,
            trusts_rows=trusts_rows,
            trust_codes=trust_codes,
        )
    except ValueError as error:
        parser.error(str(error))
    period = summary.period
    print(
        f"Demo data {period.start.isoformat()} to {period.end.isoformat()}, "
        f"{len(summary.sites)} synthetic sites, in {args.out}"
    )
    for name, count in summary.rows.items():
        print(f"  {name}.csv: {count} rows")
    if summary.signal_sites:
        print(f"  worse term outcomes from {summary.signal_from.isoformat()} at {', '.join(summary.signal_sites)}")
    sys.stdout.flush()
    return 0
