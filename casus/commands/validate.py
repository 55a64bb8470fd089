"""`casus validate`, `casus schema` and `casus show`: the scenario file's commands.

validate prints every problem of every file (or `FILE: ok`); exit 0 when all
are valid, 1 when any is not, 2 when a path cannot be read, 3 when the loader
itself failed on a file (a one-line apology naming it, never a traceback).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from casus.cli import UsageError
from engine.errors import ScenarioError, ScenarioInternalError
from engine.model import Obligation, Scenario, Treaty
from engine.scenario import load, schema

from ._common import INTERNAL_ERROR, apology


def register(subparsers: Any) -> None:
    validate = subparsers.add_parser(
        "validate", help="check scenario files and list every problem",
        description="Check scenario files (YAML or JSON) against the format and list every "
                    "problem as FILE:LINE:COL: PATH: message. Exit 0 if all are valid, 1 if "
                    "any is not, 2 if a file cannot be read, 3 if the loader failed on one "
                    "(a bug to report).")
    validate.add_argument("files", nargs="+", metavar="FILE", help="scenario files to check")
    validate.set_defaults(run=run_validate)

    show_schema = subparsers.add_parser(
        "schema", help="print the scenario JSON Schema",
        description="Print the JSON Schema (draft 2020-12) of the scenario format.")
    show_schema.set_defaults(run=run_schema)

    show = subparsers.add_parser(
        "show", help="summarise a scenario: states, treaties, deployments, injects",
        description="Print a readable summary of a scenario file.")
    show.add_argument("file", metavar="FILE", help="the scenario file")
    show.set_defaults(run=run_show)


def _unreadable(path: str) -> str | None:
    """Why `path` cannot be read as a file, or None if it can."""
    if os.path.isdir(path):
        return "is a directory"
    if not os.path.exists(path):
        return "no such file"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def run_validate(args: argparse.Namespace) -> int:
    unreadable = invalid = failed = False
    for path in args.files:
        reason = _unreadable(path)
        if reason is None:
            try:
                load(path)
                print(f"{path}: ok")
                continue
            except ScenarioError as exc:
                invalid = True
                for problem in exc.problems:
                    print(problem)
                continue
            except ScenarioInternalError as exc:
                failed = True
                print(apology(exc), file=sys.stderr)
                continue
            except OSError as exc:
                reason = exc.strerror or str(exc)
        unreadable = True
        print(f"casus validate: {path}: {reason}", file=sys.stderr)
    return INTERNAL_ERROR if failed else 2 if unreadable else 1 if invalid else 0


def run_schema(args: argparse.Namespace) -> int:
    print(json.dumps(schema(), indent=2, ensure_ascii=False))
    return 0


def run_show(args: argparse.Namespace) -> int:
    reason = _unreadable(args.file)
    if reason is not None:
        raise UsageError(f"{args.file}: {reason}")
    try:
        scenario = load(args.file)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    except ScenarioInternalError as exc:
        print(apology(exc), file=sys.stderr)
        return INTERNAL_ERROR
    except OSError as exc:
        raise UsageError(f"{args.file}: {exc.strerror or exc}") from None
    for line in summary(scenario):
        print(line)
    return 0


# --- the summary -------------------------------------------------------------------

def summary(scenario: Scenario) -> Iterable[str]:
    """The lines of `casus show`."""
    yield from _heading(scenario)
    yield from _section(f"States ({len(scenario.states)})", _states_table(scenario))
    if scenario.relations:
        yield from _section(f"Relations ({len(scenario.relations)})", _table(
            ("from", "to", "threat", "affinity", "trade"),
            [(r.source, r.target, f"{r.threat:.2f}", f"{r.affinity:+.2f}", f"{r.trade:.2f}")
             for r in scenario.relations]))
    if scenario.deployments:
        yield from _section(f"Deployments ({len(scenario.deployments)})", _table(
            ("state", "host", "size"),
            [(d.state, d.host, str(d.size)) for d in scenario.deployments]))
    if scenario.treaties:
        yield from _section(f"Treaties ({len(scenario.treaties)})",
                            [line for t in scenario.treaties for line in _treaty(t)])
    if scenario.injects:
        yield from _section(f"Injects ({len(scenario.injects)})", _injects(scenario))
    if scenario.script:
        yield from _section(f"Recorded decisions ({len(scenario.script)})", _table(
            ("turn", "state", "response", "side", "inject", "treaty"),
            [(str(e.turn), e.state, str(e.response), _side(scenario, e.side, e.inject), e.inject or "-",
              e.treaty or "-") for e in scenario.script]))


def _side(scenario: Scenario, side: str | None, inject_id: str | None) -> str:
    """Whose side an answer is on, said when the record names it: beside the attacker is the news."""
    if side is None:
        return "-"
    inject = scenario.inject_by_id.get(inject_id or "")
    if inject is not None and side in inject.actors:
        return f"{side} (the attacker)" if inject.is_attack else f"{side} (the threatener)"
    return side


def _heading(scenario: Scenario) -> Iterable[str]:
    yield f"{scenario.title} ({scenario.id}, {scenario.format})"
    end = _when(scenario, scenario.turns)
    yield (f"{scenario.turns} turns of {scenario.turn_length.iso}, "
           f"from {scenario.start.isoformat()} to {end}")
    if scenario.description:
        yield scenario.description.strip()
    for source in scenario.sources:
        yield f"source: {source.cite}" + (f" <{source.url}>" if source.url else "")


def _section(title: str, lines: Iterable[str]) -> Iterable[str]:
    yield ""
    yield title
    for line in lines:
        yield f"  {line}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = []
    for row in (header, *rows):
        lines.append("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    return lines


def _states_table(scenario: Scenario) -> list[str]:
    return _table(
        ("id", "name", "power", "regime", "nuclear", "region", "burden", "control"),
        [(s.id, s.name, f"{s.power:g}", str(s.regime), "yes" if s.nuclear else "no",
          s.region or "-", f"{s.burden_sharing:g}", str(s.control)) for s in scenario.states])


def _treaty(treaty: Treaty) -> Iterable[str]:
    facts = [str(treaty.formality), str(treaty.openness), f"invocation: {treaty.invocation}"]
    if treaty.signed:
        facts.insert(0, f"signed {treaty.signed.isoformat()}")
    if treaty.leader:
        facts.append(f"leader {treaty.leader}")
    secret = " [SECRET TREATY]" if treaty.secret else ""
    yield f"{treaty.id}: {treaty.name}{secret} ({', '.join(facts)})"
    yield f"    members: {', '.join(treaty.members)}"
    if treaty.beneficiaries:
        yield f"    beneficiaries: {', '.join(treaty.beneficiaries)}"
    for obligation in treaty.obligations:
        yield f"    - {_obligation(obligation)}"


def _obligation(o: Obligation) -> str:
    words = [o.label, str(o.commitment)]
    words.append("against " + (", ".join(o.adversaries) if o.adversaries else "any adversary"))
    if o.regions:
        words.append("in " + ", ".join(o.regions))
    if o.asymmetric_to:
        words.append("owed by " + ", ".join(o.asymmetric_to))
    if o.owed_to:
        words.append("owed to " + ", ".join(o.owed_to))
    if o.conditional_on:
        words.append("only once " + ", ".join(o.conditional_on)
                     + (" honours its own" if len(o.conditional_on) == 1 else " honour theirs"))
    if o.trigger:
        words.append(f"also triggered by a {o.trigger} of an adversary")
    if o.min_adversaries > 1:
        words.append(f"when {o.min_adversaries}+ states attack")
    for flag, text in ((o.non_provocation, "void if provoked"), (o.only_if_attacked, "only if attacked"),
                       (o.own_territory_only, "own territory only")):
        if flag:
            words.append(text)
    return ", ".join(words) + (" [SECRET]" if o.secret else "")


def _when(scenario: Scenario, turn: int) -> str:
    moment = scenario.date_of(turn)
    return moment.date().isoformat() if moment.time() == moment.min.time() else moment.isoformat(" ", "minutes")


def _injects(scenario: Scenario) -> Iterable[str]:
    for turn in sorted({i.turn for i in scenario.injects}):
        yield f"turn {turn}, {_when(scenario, turn)}"
        for inject in scenario.injects_at(turn):
            who = "+".join(inject.actors)
            arrow = f"{who or '?'} -> {inject.target}" if inject.target else who
            extra = [part for part in (arrow, f"treaty {inject.treaty}" if inject.treaty else "",
                                       "manual" if inject.manual else "",
                                       "a threat" if scenario.threatens(inject) else "",
                                       "not resisted: occupation without war" if not inject.resisted else "")
                     if part]
            yield f"    {inject.id}: {inject.kind}" + (f" ({', '.join(extra)})" if extra else "")
            if inject.text:
                yield f"      {inject.text}"
