"""`casus import atop`: a scenario skeleton of the real alliance system on a date.

The data sets are the user's: each file by its own option, or a directory laid
out as the distributions are (`--data DIR`, default `$CASUS_DATA`). A missing
file is a usage error (exit 2) that names it and says where to obtain it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from engine.importers import atop

from ..cli import UsageError

DATA_ENV = "CASUS_DATA"
SCHEMA_FILE = "scenario.schema.json"
FILE_OPTIONS = {  # DataFile.key -> option
    atop.ATOP_ALLIANCES.key: "--atop-a",
    atop.ATOP_MEMBERS.key: "--atop-m",
    atop.COW_STATES.key: "--states-csv",
    atop.COW_NMC.key: "--nmc",
    atop.POLITY.key: "--polity",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import", help="build a scenario skeleton from the field's data sets",
        description="Build a scenario skeleton from research data sets, to edit into a scenario.")
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    p = sources.add_parser(
        "atop", help="the alliance system in force on a date (ATOP, COW, Polity IV)",
        description="The states of the system and the ATOP alliances in force on a date (default: "
                    "1 July of --year), with power from COW NMC and regimes from Polity IV. "
                    "Writes YAML; the x- notes say what the data do not code.")
    p.add_argument("--year", type=int, metavar="YYYY", help="the year; the date is 1 July of it")
    p.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                   help="the exact date (ATOP phases and member entry and exit dates make it matter)")
    p.add_argument("--states", type=_abbreviations, metavar="A,B,...",
                   help="keep only these COW state abbreviations (e.g. GMY,AUH,ITA,FRN,RUS,UKG); "
                        "treaties keep those members and need two of them")
    p.add_argument("--out", type=Path, metavar="FILE", help="write here instead of standard output")
    p.add_argument("--data", type=Path, metavar="DIR",
                   help=f"directory holding {', '.join(s.relative for s in atop.DATA_FILES)} "
                        f"(default: ${DATA_ENV})")
    for spec in atop.DATA_FILES:
        p.add_argument(FILE_OPTIONS[spec.key], dest=f"{spec.key}_file", type=Path, metavar="PATH",
                       help=f"the {spec.label} (default: DIR/{spec.relative})")
    p.set_defaults(run=run)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the form YYYY-MM-DD") from None


def _abbreviations(text: str) -> list[str]:
    found = [a.strip().upper() for a in text.split(",") if a.strip()]
    if not found:
        raise argparse.ArgumentTypeError("name at least two COW state abbreviations, e.g. GMY,AUH")
    return found


def run(args: argparse.Namespace) -> int:
    day = _day(args)
    paths = _paths(args)
    try:
        scenario = atop.build_scenario(atop.read_tables(paths, day), args.states)
    except atop.DataError as exc:
        raise UsageError(_missing_message(exc) if isinstance(exc, atop.MissingDataError)
                         else str(exc)) from None
    except atop.ImportProblem as exc:
        raise UsageError(str(exc)) from None
    if args.out is None:
        sys.stdout.write(atop.to_yaml(scenario, None))
        return 0
    text = atop.to_yaml(scenario, _schema_reference(args.out))
    try:
        with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"{args.out}: cannot write: {exc.strerror}") from None
    print(f"wrote {args.out}: {len(scenario['states'])} states, {len(scenario['treaties'])} "
          f"treaties in force on {day}", file=sys.stderr)
    return 0


def _day(args: argparse.Namespace) -> dt.date:
    if args.date is not None:
        if args.year is not None and args.year != args.date.year:
            raise UsageError(f"--year {args.year} and --date {args.date} disagree: give one of them")
        day: dt.date = args.date
        return day
    if args.year is None:
        raise UsageError("give --year YYYY (read on 1 July) or --date YYYY-MM-DD")
    try:
        return atop.default_date(args.year)
    except ValueError:
        raise UsageError(f"--year {args.year} is not a year") from None


def _paths(args: argparse.Namespace) -> atop.DataPaths:
    root = args.data or (Path(os.environ[DATA_ENV]) if os.environ.get(DATA_ENV) else None)
    given = {spec.key: getattr(args, f"{spec.key}_file") for spec in atop.DATA_FILES}
    for spec in atop.DATA_FILES:
        if given[spec.key] is None and root is None:
            raise UsageError(
                f"no data for the {spec.label}: give --data DIR (holding {spec.relative}), set "
                f"{DATA_ENV}, or name the file with {FILE_OPTIONS[spec.key]} PATH; "
                f"obtain it from {spec.obtain}")
    return atop.DataPaths.under(root or Path("."), **given)


def _missing_message(exc: atop.MissingDataError) -> str:
    spec = exc.spec
    return (f"missing data file {exc.path} ({spec.label}): obtain it from {spec.obtain}, then "
            f"give its path with {FILE_OPTIONS[spec.key]} or put it at DIR/{spec.relative} "
            f"for --data DIR (or ${DATA_ENV})")


def _schema_reference(out: Path) -> str | None:
    """The schema's path relative to the output file, for the editor modeline; None
    when the schema cannot be found or no relative path leads to it."""
    for schema in _schema_candidates():
        if schema.is_file():
            try:
                return Path(os.path.relpath(schema, out.resolve().parent)).as_posix()
            except ValueError:  # another drive: no relative path exists
                return None
    return None


def _schema_candidates() -> tuple[Path, ...]:
    # A source checkout first, then the copy an installation puts under share/.
    return (Path(atop.__file__).resolve().parents[2] / "schemas" / SCHEMA_FILE,
            Path(sys.prefix) / "share" / "casus" / "schemas" / SCHEMA_FILE)
