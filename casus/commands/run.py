"""`casus run`: many stochastic plays of a scenario, and what they say.

    casus run SCENARIO --runs N [--seed S] [--workers W] [--vary WEIGHT|ID.resolve=LOW:HIGH ...]
              [--weight WEIGHT=VALUE ...] [--json] [--csv FILE] [--html FILE]
              [--scheduler ADDRESS] [--reference] [--quiet]

A table on the terminal by default; `--json` prints the results as JSON on
stdout instead; `--csv` writes one row per (attack, state); `--html` writes a
report with charts. Ctrl-C stops and reports the finished runs (exit 130).

The runs are played by the compiled kernel (engine/kernel) when the scenario
and options are within its scope, else by the reference engine; stderr and the
JSON (`engine`, `engine_reason`) say which and why. `--reference` forces the
reference engine; the results are the same to the byte either way.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..cli import UsageError
from ._common import load_or_exit

if TYPE_CHECKING:
    from engine.montecarlo import Plan, Results, Vary

# The engine is imported when the command runs: `casus --help` stays fast.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "run", help="Monte Carlo: many stochastic plays, with outcome distributions",
        description="Play a scenario many times, the doctrine sampling every decision, and report "
                    "how often each state answers each attack and honours its commitments (95% "
                    "Wilson intervals), treaty cohesion, how far the war spreads and when it "
                    "starts, whether history was reproduced, and with --vary which doctrine weight "
                    "moves the outcome most. The same --seed gives the same results whatever "
                    "--workers.")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--runs", type=_positive, default=1000, metavar="N", help="number of runs (default 1000)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="master seed (default 0)")
    p.add_argument("--workers", type=_positive, default=None, metavar="W",
                   help=f"processes on this machine (default: the cores, {os.cpu_count() or 1})")
    p.add_argument("--vary", action="append", default=[], metavar="WEIGHT=LOW:HIGH",
                   help="draw this doctrine weight, or an option's resolve (OPTION_ID.resolve), uniformly "
                        "from [LOW, HIGH] in each run (repeatable)")
    p.add_argument("--weight", action="append", default=[], metavar="WEIGHT=VALUE",
                   help="set this doctrine weight for every run (repeatable)")
    p.add_argument("--json", action="store_true", help="print the results as JSON on stdout, not the table")
    p.add_argument("--csv", metavar="FILE", help="write one row per (attack, state) to FILE")
    p.add_argument("--html", metavar="FILE", help="write a report with charts to FILE")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster (e.g. tcp://10.0.0.5:8786); needs casus[dask]")
    p.add_argument("--chunk-size", type=_positive, default=None, metavar="K",
                   help="runs per task sent to a worker (default: chosen from N and W)")
    p.add_argument("--all", action="store_true",
                   help="list the wars begun in cascades in the table too, not only the scenario's attacks")
    p.add_argument("--reference", action="store_true",
                   help="play every run on the reference engine, not the compiled kernel (same results)")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary line")
    p.set_defaults(run=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    from engine import montecarlo as mc

    from .. import runner
    vary = _parse_vary(args.vary, mc)
    weights = _parse_weights(args.weight)
    scenario = load_or_exit(args.scenario)
    try:
        plan = mc.Plan(scenario, args.runs, args.seed, weights, vary)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    workers = args.workers or os.cpu_count() or 1
    engine = _engine(plan, args, runner)
    try:
        outcome = runner.run(plan, workers=workers, chunk_size=args.chunk_size,
                             scheduler=args.scheduler,
                             progress=runner.progress_wanted(args.quiet), engine=engine)
    except RuntimeError as exc:  # Dask missing, or its scheduler out of reach
        raise UsageError(str(exc)) from None
    results = outcome.results()
    if engine.compiled and outcome.replayed and not args.quiet:
        print(_left(plan, outcome.replayed, outcome.done), file=sys.stderr)
    if outcome.interrupted:
        print(f"interrupted after {outcome.done} of {plan.runs} runs", file=sys.stderr)
    elif not args.quiet:
        print(f"{outcome.done} runs in {outcome.elapsed:.1f} s ({outcome.rate:.0f} runs/s, "
              f"{outcome.workers} worker{'s' if outcome.workers != 1 else ''}: {outcome.backend})",
              file=sys.stderr)
    if args.json:
        data = results.to_dict() | {"engine": engine.name, "engine_reason": engine.reason}
        if engine.compiled:
            data["engine_replayed"] = outcome.replayed
        json.dump(data, sys.stdout, indent=1, sort_keys=False, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table(results.to_dict(), everything=args.all))
    if args.csv:
        write_csv(results, args.csv)
    if args.html:
        with open(args.html, "w", encoding="utf-8") as handle:
            handle.write(mc.report_html(results))
    return 130 if outcome.interrupted else 0


def _engine(plan: Any, args: argparse.Namespace, runner: ModuleType) -> Any:
    """Which engine plays the runs, said on stderr (the first compile of the kernel included)."""
    talk = not args.quiet
    if talk and not args.reference:
        print("preparing the compiled kernel (its first use compiles it, then it is cached) ...",
              file=sys.stderr, flush=True)
    engine = runner.choose_engine(plan, reference=args.reference)
    if talk:
        ready = f", ready in {engine.prepare_seconds:.1f} s" if engine.compiled else ""
        print(f"engine: {engine.name} ({engine.reason}{ready})", file=sys.stderr)
    return engine


def _parse_vary(texts: list[str], mc: ModuleType) -> tuple[Vary, ...]:
    out = []
    for text in texts:
        try:
            out.append(mc.parse_vary(text))
        except ValueError as exc:
            raise UsageError(f"--vary {exc}") from None
    return tuple(out)


def _parse_weights(texts: list[str]) -> dict[str, float]:
    from engine.doctrine import FACTORS
    out: dict[str, float] = {}
    for text in texts:
        name, eq, value = text.partition("=")
        if name not in FACTORS:
            raise UsageError(f"--weight: unknown doctrine weight {name!r}; the known weights are: "
                             f"{', '.join(FACTORS)}")
        try:
            out[name] = float(value) if eq else float("nan")
        except ValueError:
            out[name] = float("nan")
        if out[name] != out[name] or out[name] in (float("inf"), float("-inf")):
            raise UsageError(f"--weight {text!r}: expected WEIGHT=VALUE with a finite number")
    return out


def write_csv(results: Results, path: str) -> None:
    from engine.montecarlo import CSV_COLUMNS
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(results.csv_rows())
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


# --- the terminal table ------------------------------------------------------------------

def table(data: Mapping[str, Any], everything: bool = False) -> str:
    out = [f"{data['title']}: {data['runs']} runs (seed {data['seed']})"
           + (f", interrupted after {data['runs']} of {data['requested']}" if data["interrupted"] else ""),
           ""]
    out += _decisions(data, everything)
    out += _cohesion(data)
    out += _injects(data)
    out += _wars(data)
    out += _history(data)
    out += _sensitivity(data)
    return "\n".join(out) + "\n"


def _pct(x: float | None) -> str:
    return "   -" if x is None else f"{x * 100:4.0f}"


def _interval(p: Mapping[str, Any]) -> str:
    if not p["n"]:
        return "-"
    return f"{p['p']:.2f} [{p['low']:.2f}-{p['high']:.2f}] of {p['n']}"


def _decisions(data: Mapping[str, Any], everything: bool) -> list[str]:
    rows = [d for d in data["decisions"] if everything or d["scenario_attack"]]
    hidden = len(data["decisions"]) - len(rows)
    out = ["Answers by attack and state: % of the runs in which the state was asked; honoured with a 95% interval",
           f"{'turn':>4} {'attack':<28} {'state':<6} {'asked':>5}  {'host':>4} {'neut':>4} {'dipl':>4} "
           f"{'ltd':>4} {'full':>4}  honoured"]
    for d in rows:
        r = d["responses"]
        out.append(f"{d['turn'] if d['turn'] is not None else '-':>4} {d['attack'][:28]:<28} {d['state'][:6]:<6} "
                   f"{_pct(d['asked']['p']):>5}  {_pct(r['hostile']['p'])} {_pct(r['neutral']['p'])} "
                   f"{_pct(r['diplomatic']['p'])} {_pct(r['limited']['p'])} {_pct(r['full']['p'])}  "
                   f"{_interval(d['honour'])}")
    if hidden:
        out.append(f"  ({hidden} more rows for wars begun in cascades: --all, --json or --csv)")
    return out + [""]


def _cohesion(data: Mapping[str, Any]) -> list[str]:
    out = ["Cohesion by treaty (per run: share of tested commitments honoured, power-weighted)",
           f"{'treaty':<28} {'runs':>6} {'mean':>5} {'p5':>5} {'p25':>5} {'p50':>5} {'p75':>5} {'p95':>5}"]
    for c in data["cohesion"]:
        q = c["quantiles"]
        cells = " ".join(f"{v:5.2f}" if v is not None else "    -" for v in
                         (c["mean"], q["p5"], q["p25"], q["p50"], q["p75"], q["p95"]))
        out.append(f"{c['treaty'][:28]:<28} {c['runs']:>6} {cells}")
    return out + [""]


def _injects(data: Mapping[str, Any]) -> list[str]:
    injects = data.get("injects") or {}
    if not injects:
        return []
    out = ["Injects: % of the runs in which each fired, and on which turn",
           f"{'inject':<28} {'fired':>5}  turns"]
    for name, row in injects.items():
        turns = ", ".join(f"t{turn} {_pct(p).strip()}" for turn, p in row["turn"].items())
        out.append(f"{name[:28]:<28} {_pct(row['fired']):>5}  {turns or '-'}")
    return out + [""]


def _wars(data: Mapping[str, Any]) -> list[str]:
    spread, first = data["war_spread"], data["first_war"]
    q = spread["quantiles"]
    out = [f"War spread (belligerents at the end): mean {_num(spread['mean'])}, "
           f"median {_num(q['p50'])}, 90% of runs between {_num(q['p5'])} and {_num(q['p95'])}"]
    w = first["war"]
    if w["count"]:
        fq = first["quantiles"]
        out.append(f"First armed clash: in {_interval(w)} runs; turn mean {_num(first['mean'])}, "
                   f"median {_num(fq['p50'])}, 90% between {_num(fq['p5'])} and {_num(fq['p95'])}")
    else:
        out.append("First armed clash: no war in any run")
    rate = data["honour_rate"]
    out.append(f"Honour rate per run (commitments kept / tested): mean {_num(rate['mean'])} "
               f"over {rate['runs']} runs")
    return out + [""]


def _history(data: Mapping[str, Any]) -> list[str]:
    h = data.get("history")
    if not h:
        return []
    out = [f"History reproduced (every script entry as recorded): {_interval(h['reproduced'])}",
           f"{'turn':>4} {'state':<6} {'inject':<28} {'record':<10} matched"]
    for e in h["entries"]:
        out.append(f"{e['turn']:>4} {e['state']:<6} {(e['inject'] or '-')[:28]:<28} {e['response']:<10} "
                   f"{_interval(e['matched'])}")
    return out + [""]


def _sensitivity(data: Mapping[str, Any]) -> list[str]:
    s = data.get("sensitivity")
    if not s:
        return []
    out = [f"Which factor moves the outcome most ({s['runs']} runs; r: correlation, "
           f"beta: standardized regression coefficient)",
           f"{'weight':<22} {'range':<14} {'honour r':>9} {'beta':>7} {'spread r':>9} {'beta':>7}"]
    for w in s["weights"]:
        h, sp = w["honour_rate"], w["war_spread"]
        out.append(f"{w['weight']:<22} {w['low']:g}:{w['high']:g}".ljust(37)
                   + f" {_num(h['r'], 9)} {_num(h['beta'], 7)} {_num(sp['r'], 9)} {_num(sp['beta'], 7)}")
    return out + [""]


def _num(x: float | None, width: int = 0) -> str:
    text = "-" if x is None else f"{x:.2f}"
    return text.rjust(width) if width else text


# What stays compiled in a run the reference engine plays on (engine.kernel.close).
_LOOPS = "(the compiled loops play their cascades and councils' votes where they can)"


def _left(plan: Plan, left: int, done: int) -> str:
    """The runs that left the kernel, and for which turns (what the scenario holds that can send them)."""
    scenario = plan.scenario
    if any(ob.conditional_on for t in scenario.treaties for ob in t.obligations):
        return (f"{left} of {done} runs met a conditional obligation, which the compiled loops do not play yet: "
                "the reference engine played them on from there")
    return f"{left} of {done} runs left the kernel for the reference engine {_LOOPS}"
