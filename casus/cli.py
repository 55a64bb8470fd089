"""The `casus` command: a thin shell over the engine.

Each subcommand lives in its own module under `casus.commands` and exposes
`register(subparsers)`; this file only wires them together and turns the
engine's own errors into messages and exit codes. Exit codes: 0 success,
1 the input has problems (invalid scenario, failed check), 2 usage errors and
unreadable paths.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = (
    "casus.commands.validate",
    "casus.commands.play",
    "casus.commands.calibrate",
    "casus.commands.import_atop",
    "casus.commands.serve",
    "casus.commands.run",
    "casus.commands.assess",
)


class UsageError(Exception):
    """Bad arguments or unreadable paths: exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casus", description="Alliance-crisis wargames: scenarios, turn engine, umpire console.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except UsageError as exc:
        print(f"casus {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
