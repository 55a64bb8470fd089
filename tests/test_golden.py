"""Golden replays: whole scenarios played with a fixed seed against checked-in logs.

A change in the engine's behaviour shows here as a readable diff of the
narrative (and a byte-level difference of the event log). When the change is
intended, regenerate with:

    CASUS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and review the diff of tests/golden/ like any other change.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from engine import events as ev
from engine.game import Game
from engine.narrative import narrate
from engine.scenario import load
from engine.state import Mode

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CASUS_UPDATE_GOLDEN") == "1"

CASES = [
    ("baltic-2027", "scenarios/baltic-2027.yaml", Mode.PLAY, 1, True),
    ("baltic-2027-deterministic", "scenarios/baltic-2027.yaml", Mode.PLAY, 0, False),
    ("1914-july-crisis", "scenarios/history/1914-july-crisis.yaml", Mode.REPLAY, 0, False),
]


def _play(path: str, mode: Mode, seed: int, stochastic: bool) -> tuple[str, str]:
    scenario = load(ROOT / path)
    game = Game.new(scenario, seed=seed, mode=mode, stochastic=stochastic)
    game.play()
    return ev.dumps(game.events), narrate(scenario, game.events)


@pytest.mark.parametrize("name,path,mode,seed,stochastic", CASES, ids=[c[0] for c in CASES])
def test_golden_replay(name, path, mode, seed, stochastic):
    if not (ROOT / path).exists():
        pytest.skip(f"{path} is not in this checkout")
    log, story = _play(path, mode, seed, stochastic)
    log_file, story_file = GOLDEN / f"{name}.jsonl", GOLDEN / f"{name}.txt"
    if UPDATE:
        log_file.write_text(log, encoding="utf-8")
        story_file.write_text(story, encoding="utf-8")
    expected_story = story_file.read_text(encoding="utf-8")
    if story != expected_story:
        diff = "".join(difflib.unified_diff(expected_story.splitlines(True), story.splitlines(True),
                                            "golden", "now", n=1))
        pytest.fail(f"the narrative of {name} changed:\n{diff[:6000]}")
    assert log == log_file.read_text(encoding="utf-8"), f"the event log of {name} changed (narrative did not)"
