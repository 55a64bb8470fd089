"""Golden replays: whole scenarios played with a fixed seed against checked-in logs.

A change in the engine's behaviour shows here as a readable diff of the
narrative (and a byte-level difference of the event log). When the change is
intended, regenerate with:

    CASUS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and review the diff of tests/golden/ like any other change.
"""
from __future__ import annotations

import builtins
import difflib
import json
import math
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- the same bytes on every Python the package supports --------------------------------------------
# Python 3.12 made the builtin `sum` of floats compensated (Neumaier's algorithm) where 3.11 adds
# left to right, so a rule that summed floats with `sum` could give other bits, other draws and
# another game on a newer Python. Each summation is put in in turn, written as each CPython does it.

_BUILTIN_SUM = builtins.sum


def _floats(items: list[object], start: object) -> bool:
    numbers = (int, float)
    return (type(start) in numbers and all(type(x) in numbers for x in items)
            and any(type(x) is float for x in (start, *items)))


def _left_to_right(iterable: Iterable[object], /, start: object = 0) -> object:
    """CPython 3.11's sum of floats: each added to the running double in turn."""
    items = list(iterable)
    if not _floats(items, start):
        return _BUILTIN_SUM(items, start)  # type: ignore[arg-type]
    total: Any = start
    for x in items:
        total = total + x
    return total


def _neumaier(iterable: Iterable[object], /, start: object = 0) -> object:
    """CPython 3.12's sum of floats (Python/bltinmodule.c): the integers before the first float summed
    exactly, that float added plainly, then each later one with Neumaier's compensation, added at
    the end when finite."""
    items = list(iterable)
    if not _floats(items, start):
        return _BUILTIN_SUM(items, start)  # type: ignore[arg-type]
    total: Any = start
    i = 0
    while type(total) is int:
        total = total + items[i]
        i += 1
    f, c = float(total), 0.0
    for x in items[i:]:
        if type(x) is int:
            f += float(x)
            continue
        t = f + x
        c += (f - t) + x if abs(f) >= abs(x) else (x - t) + f
        f = t
    return f + c if c and math.isfinite(c) else f


def _as_on(summing: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The builtin sum as `summing` adds, and engine.floats.total as it stands on that Python (the
    builtin on 3.11, left to right by reduce on later ones) in every module that imported it."""
    from engine import floats
    monkeypatch.setattr(builtins, "sum", summing)
    if summing is _neumaier:
        for module in list(sys.modules.values()):
            if getattr(module, "total", None) is floats.total:
                monkeypatch.setattr(module, "total", floats.left_to_right)


@pytest.mark.parametrize("summing", [_left_to_right, _neumaier], ids=["python-3.11", "python-3.12"])
@pytest.mark.parametrize("name,path,mode,seed,stochastic", CASES, ids=[c[0] for c in CASES])
def test_the_replays_do_not_depend_on_how_sum_adds_floats(name, path, mode, seed, stochastic, summing,
                                                         monkeypatch):
    if not (ROOT / path).exists():
        pytest.skip(f"{path} is not in this checkout")
    _as_on(summing, monkeypatch)
    log, _ = _play(path, mode, seed, stochastic)
    assert log == (GOLDEN / f"{name}.jsonl").read_text(encoding="utf-8"), (
        f"the event log of {name} depends on how the builtin sum adds floats: sum them with "
        "engine.floats.total so that every supported Python plays the same game")


def test_the_sums_as_written_are_cpythons() -> None:
    # On the Python running the tests, its own summation and the one written for it agree.
    values = [0.1] * 10 + [1e16, 1.0, -1e16, 3, 2.5e-8]
    mine = _neumaier if sys.version_info >= (3, 12) else _left_to_right
    assert mine(values) == _BUILTIN_SUM(values) and mine(values, 0.5) == _BUILTIN_SUM(values, 0.5)
    assert _neumaier([0.1] * 10) == 1.0 and _left_to_right([0.1] * 10) != 1.0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**6, 10**6)),
                max_size=12).filter(lambda xs: any(type(x) is float for x in xs)))
def test_total_adds_as_python_3_11_does(values: list[float]) -> None:
    # engine.floats.total on a later Python (reduce) gives the bits of 3.11's builtin sum.
    from engine.floats import left_to_right
    expected = _left_to_right(values)
    assert left_to_right(values) == expected and math.copysign(1.0, left_to_right(values)) == math.copysign(
        1.0, expected)
    if sys.version_info < (3, 12):
        assert _BUILTIN_SUM(values) == expected and math.copysign(1.0, _BUILTIN_SUM(values)) == math.copysign(
            1.0, expected)


@pytest.mark.parametrize("summing", [_left_to_right, _neumaier], ids=["python-3.11", "python-3.12"])
@pytest.mark.parametrize("path", ["scenarios/baltic-2027.yaml", "scenarios/indo-pacific-2028.yaml"])
def test_the_assessment_and_a_sweep_do_not_depend_on_how_sum_adds_floats(path, summing, monkeypatch):
    # The framework's answers after a played game, and a Monte Carlo sweep with varied weights (its
    # correlations solved by engine.mc_stats), each read under both summations.
    from engine import montecarlo as mc
    from engine.assess import assess

    scenario = load(ROOT / path)
    plan = mc.Plan(scenario, 12, seed=3, vary=(mc.parse_vary("reputation=0.5:1.5"),))

    def read() -> tuple[str, str]:
        game = Game.new(scenario, seed=2, stochastic=True)
        game.play()
        results = mc.run_chunk(plan, 0, 12).results(plan)
        return repr(assess(game.state, None, game.events)), repr(results.data["sensitivity"])

    expected = read()
    _as_on(summing, monkeypatch)
    assert read() == expected


def _no_float_sums(iterable: Iterable[object], /, start: object = 0) -> object:
    """The builtin sum, refusing floats when the engine calls it: whichever way a Python adds them,
    engine.floats.total adds them the same way."""
    items = list(iterable)
    caller = sys._getframe(1).f_code.co_filename
    if Path(caller).resolve().is_relative_to(ROOT / "engine") and _floats(items, start):
        raise AssertionError(f"{caller}:{sys._getframe(1).f_lineno} sums floats with the builtin sum: "
                             "use engine.floats.total, which adds them the same way on every Python")
    return _BUILTIN_SUM(items, start)  # type: ignore[arg-type]


@pytest.mark.parametrize("name,path,mode,seed,stochastic", CASES, ids=[c[0] for c in CASES])
def test_the_engine_sums_no_floats_with_the_builtin(name, path, mode, seed, stochastic, monkeypatch):
    if not (ROOT / path).exists():
        pytest.skip(f"{path} is not in this checkout")
    monkeypatch.setattr(builtins, "sum", _no_float_sums)
    from engine import montecarlo as mc
    from engine.assess import assess
    game = Game.new(load(ROOT / path), seed=seed, mode=mode, stochastic=stochastic)
    game.play()
    assess(game.state, None, game.events)
    plan = mc.Plan(game.scenario, 8, seed=1, vary=(mc.parse_vary("reputation=0.5:1.5"),))
    mc.run_chunk(plan, 0, 8).results(plan)


def test_the_same_bytes_whatever_the_hash_seed() -> None:
    # Strings hash differently in every process (PYTHONHASHSEED): no rule may read a set's order.
    # A golden game and a Monte Carlo sweep (the kernel's and the reference engine's runs), each
    # in two processes with other hash seeds.
    script = ("import sys; from engine import events as ev, montecarlo as mc; from engine.game import Game; "
              "from engine.scenario import load; s = load('scenarios/baltic-2027.yaml'); "
              "g = Game.new(s, seed=1, stochastic=True); g.play(); sys.stdout.write(ev.dumps(g.events))")
    sweep = [sys.executable, "-m", "casus", "run", "scenarios/baltic-2027.yaml", "--runs", "24", "--seed", "5",
             "--json", "--quiet", "--workers", "1", "--vary", "threat=0:2"]

    def out(command: list[str], seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300)
        return done.stdout

    game = [sys.executable, "-c", script]
    assert out(game, "1") == out(game, "2") == (GOLDEN / "baltic-2027.jsonl").read_text(encoding="utf-8")
    first = json.loads(out(sweep, "1"))
    second = json.loads(out(sweep, "2"))
    for results in (first, second):
        results.pop("elapsed", None)
    assert first == second and first["engine"] == "kernel"
