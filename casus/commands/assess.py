"""`casus assess`: the seed paper's framework's questions, answered for a scenario as it stands.

Without `--turn`, the scenario before turn 1; with `--turn N`, the game the doctrine plays
(every state, seed 0 or `--seed`) up to the close of turn N.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from casus.cli import UsageError

from ._common import load_or_exit


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "assess", help="answer the alliance literature's guiding questions for a scenario",
        description="Per treaty and per state: threat, balancing/bandwagoning/tethering, credibility, "
                    "moral hazard, reliability, the security and strategic dilemmas and economic "
                    "interdependence, each with a verdict and the indicators behind it.")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--turn", type=int, default=None, metavar="N",
                   help="play the scenario in doctrine mode to the close of turn N and assess that")
    p.add_argument("--seed", type=int, default=0, help="seed of the game played for --turn (default 0)")
    p.add_argument("--json", action="store_true", help="print the assessment as JSON (format casus-assess/1)")
    p.set_defaults(run=run_assess)


def run_assess(args: argparse.Namespace) -> int:
    from engine.assess import assess
    from engine.assess_text import to_text
    from engine.game import Game
    from engine.state import GameState
    scenario = load_or_exit(args.scenario)
    if args.turn is None:
        gs = GameState.initial(scenario)
    elif not 1 <= args.turn <= scenario.turns:
        raise UsageError(f"--turn {args.turn}: {args.scenario} has turns 1 to {scenario.turns}")
    else:
        game = Game.new(scenario, seed=args.seed)
        game.play(args.turn)
        gs = game.state
    found = assess(gs)
    sys.stdout.write(json.dumps(found.data(), indent=2, ensure_ascii=False) + "\n" if args.json
                     else to_text(found))
    return 0
