"""`casus play`, `casus replay` and `casus backtest`: the engine on the terminal."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import load_or_exit, open_store

if TYPE_CHECKING:
    from engine.backtest import Prediction, Skipped
    from engine.game import Game
    from engine.model import Scenario

# The engine is imported when a command runs, not when the parser is built:
# `casus --help` and the other subcommands should not pay for it.


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("play", help="play a scenario with the doctrine deciding for every state",
                       description="Play a scenario headless: the doctrine decides for every state, "
                                   "player cells included. Prints the turn-by-turn narrative.")
    _game_args(p)
    p.add_argument("--stochastic", action="store_true",
                   help="sample each decision from the doctrine's distribution (seeded) instead of "
                        "taking the most probable answer")
    p.add_argument("--options-for", metavar="STATE", default=None,
                   help="ask on the terminal, each turn, whether STATE carries out each of its open options "
                        "(with the doctrine's advice); the doctrine decides everything else")
    p.set_defaults(run=lambda a: _play(a, "play"))

    r = sub.add_parser("replay", help="replay a past crisis from its script",
                       description="Replay a scenario: recorded decisions come from its script; where the "
                                   "script is silent the doctrine decides, and the narrative says so.")
    _game_args(r)
    r.set_defaults(run=lambda a: _play(a, "replay"), stochastic=False)

    b = sub.add_parser("backtest", help="the doctrine's predictions beside what history did",
                       description="For every script entry, the doctrine's prediction given only what came "
                                   "before it, beside the historical decision, with scores and baselines.")
    b.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    b.add_argument("--json", action="store_true", help="print decisions and summary as JSON")
    b.add_argument("--held-out", metavar="DIR",
                   help="score each scenario with the doctrine fitted on the crises in DIR other than it "
                        "(as `casus calibrate` scores it: out of sample), not with the shipped weights")
    b.set_defaults(run=_backtest)


def _game_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--seed", type=int, default=0, help="seed of the game's random generator (default 0)")
    p.add_argument("--turns", type=int, default=None, help="stop after this many turns")
    p.add_argument("--json", action="store_true", help="print the event log as JSON lines")
    p.add_argument("--db", default=None, metavar="PATH", help="also save the game in this SQLite file")
    p.add_argument("--explain", action="store_true", help="give every state's reasons in the narrative")


def _play(args: argparse.Namespace, mode_name: str) -> int:
    from engine import events as ev
    from engine.game import Game
    from engine.narrative import narrate
    from engine.state import Mode
    mode = Mode(mode_name)
    scenario = load_or_exit(args.scenario)
    chooser = getattr(args, "options_for", None)
    if chooser is not None:
        if chooser not in scenario.state_by_id:
            print(f"casus: --options-for {chooser}: no such state in {args.scenario} "
                  f"(its states: {', '.join(scenario.state_by_id)})", file=sys.stderr)
            return 2
        game = _play_choosing(scenario, chooser, args)
    else:
        game = Game.new(scenario, seed=args.seed, mode=mode, stochastic=args.stochastic)
        game.play(args.turns)
    if args.db:
        store = open_store(args.db)
        game_id = f"{scenario.id}-{mode}-{args.seed}-{len(store.games()) + 1}"
        store.create(game_id, {"scenario": scenario.id, "title": scenario.title, "mode": str(mode),
                               "origin": scenario.origin})
        store.append(game_id, game.events, 0)
        print(f"saved as {game_id} in {args.db}", file=sys.stderr)
    sys.stdout.write(ev.dumps(game.events) if args.json else narrate(scenario, game.events, explain=args.explain))
    return 0


def _play_choosing(scenario: Scenario, chooser: str, args: argparse.Namespace) -> Game:
    """Play with the terminal choosing on `chooser`'s options: an exercise in which it is the only
    cell, whose answers to attacks the doctrine gives as at a deadline."""
    from engine import options
    from engine.game import Game
    from engine.model import Control, Mode
    controls = {s.id: Control.NPC for s in scenario.states} | {chooser: Control.PLAYER}
    game = Game.new(scenario, seed=args.seed, mode=Mode.EXERCISE, stochastic=args.stochastic, controls=controls)
    last = scenario.turns if args.turns is None else min(scenario.turns, args.turns)
    while game.state.turn < last and game.state.status.value != "finished":
        game.open_turn()
        for inject_id, state in options.waiting(game.state):
            inject = scenario.inject(inject_id)
            advice = options.advice(game.state, inject)
            print(f"turn {game.state.turn}: {scenario.state(state).name} may carry out {inject_id} "
                  f"(until turn {options.last_turn(inject)}): {inject.text.strip()}\n"
                  f"  the doctrine: {advice.explain()}", file=sys.stderr)
            game.choose_option(state, inject_id, _yes(f"  carry out {inject_id} now? [y/N] "))
        game.close_turn()
        while game.state.awaiting:  # its answers to attacks: the doctrine's, as at a deadline
            game.answer_for_missing()
            game.close_turn()
    return game


def _yes(prompt: str) -> bool:
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()  # the end of input answers "no": a script may pipe its choices in
    return line.strip().lower() in ("y", "yes")


def _backtest(args: argparse.Namespace) -> int:
    from engine.backtest import run_all, summarise
    scenarios = [load_or_exit(path) for path in args.scenarios]
    preds, skipped = _held_out(scenarios, args.held_out) if args.held_out else run_all(scenarios)
    summary = summarise(preds)
    if args.json:
        # The doctrine's figures at the top of the summary, the baselines beside them.
        flat = dict(summary["doctrine"]) | {k: v for k, v in summary.items() if k != "doctrine"}
        out = {"decisions": [p.to_dict() for p in preds], "summary": flat,
               "skipped": [s.to_dict() for s in skipped]}
        print(json.dumps(out, indent=2, sort_keys=True))
        return 0
    print(f"{'scenario':<22} {'turn':>4}  {'state':<6} {'treaty':<22} {'history':<10} {'doctrine':<10} "
          f"p(hist)  pushed hardest toward the wrong answer")
    for p in preds:
        mark = "=" if p.predicted is p.historical else " "
        print(f"{p.scenario[:22]:<22} {p.turn:>4}  {p.state:<6} {(p.treaty or '-')[:22]:<22} "
              f"{p.historical:<10} {p.predicted:<9}{mark} {p.probabilities[p.historical.rank]:.2f}"
              f"{'     ' + p.pushed_by if p.pushed_by else ''}")
    print()
    for name, s in summary.items():
        if isinstance(s, dict):
            print(f"{name:<22} n={s['n']} exact={_pct(s['exact'])} within-one={_pct(s['within_one'])} "
                  f"honour-agreement={_pct(s['honour_agreement'])} brier={s['brier']}")
    print(f"historical honour rate: {_pct(summary['historical_honour_rate'])}")
    print("calibration (mean predicted probability against observed frequency):")
    for row in summary["calibration"]:
        print(f"  {row['level']:<11} predicted {_pct(row['predicted'])}  observed {_pct(row['observed'])} "
              f"({row['count']})")
    if args.held_out:
        print(f"(each scenario scored with the doctrine fitted on the other crises in {args.held_out}: "
              "out of sample)")
    else:
        print("(the default weights were fitted on the shipped crises, so these figures are in sample "
              "for them; `--held-out scenarios/history` scores each with a fit on the others)")
    if skipped:
        print(f"\n{len(skipped)} script entries not scored:")
    for k in skipped:
        print(f"  {k.scenario} turn {k.turn} {k.state} on {k.inject}: {k.reason}")
    return 0


def _held_out(scenarios: list[Scenario], folder: str) -> tuple[list[Prediction], list[Skipped]]:
    """Each scenario's predictions by the doctrine fitted on the crises of `folder` but itself."""
    from engine.backtest import run_all
    from engine.calibrate import held_out_doctrines
    paths = sorted(Path(folder).glob("*.yaml"))
    if not paths:
        raise SystemExit(f"casus backtest: --held-out {folder}: no scenario files (*.yaml) in that folder")
    try:
        doctrines = held_out_doctrines(scenarios, [load_or_exit(str(p)) for p in paths])
    except ValueError as exc:
        raise SystemExit(f"casus backtest: --held-out {folder}: {exc}") from None
    preds: list[Prediction] = []
    skipped: list[Skipped] = []
    for sc in scenarios:
        found, missed = run_all([sc], doctrines[sc.id])
        preds += found
        skipped += missed
    return preds, skipped


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"
