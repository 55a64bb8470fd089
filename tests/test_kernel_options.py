"""An option's chance in the compiled loops (engine.kernel.options) is the reference engine's.

At every option the reference engine weighs, of every kind, in a set of
Monte Carlo runs (the teaching scenarios, and random alliances from the builders), the
compiled chance, read off the option's table (at that version of the setting; a
deployment's at its host's wars, a signing's at its actor's) and the run's reputations,
wars, probes, turns of war and resolve, is the same float, bit for bit; the choice drawn with it (the option's
keyed BLAKE2b draw against the chance) is the reference engine's; and so are an attacker's
probes read off the run's answers, the options open on each turn and those lapsing; and
where each inject leads the setting.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import montecarlo as mc
from engine import turn
from engine.decide import PERSON
from engine.game import Game
from engine.model import RESPONSES
from engine.options import rules
from engine.options.weights import family
from engine.play import Context
from engine.scenario import load
from engine.turn import _option_draw
from tests.builders import inject, make_scenario, relation, state, treaty
from tests.test_options import alliances

pytest.importorskip("numba")

from engine import options as options_package  # noqa: E402
from engine.kernel.option_phase import (  # noqa: E402
    OptionIndex,
    ProbeIndex,
    lapsing_at,
    open_at,
    option_index,
    probe_index,
    probes_of,
)
from engine.kernel.options import (  # noqa: E402
    CHANCES,
    attack_chance_packed,
    option_key,
    option_taken,
    pack_attack,
    reading_of,
)
from engine.kernel.setting import Transitions  # noqa: E402

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


class _Checked:
    """Wraps the reference engine's batch reading of the options of the kinds compiled: each chance
    it gives is compared with the compiled one, and both kept, by kind."""

    def __init__(self) -> None:
        self.pairs: dict[str, list[tuple[float, float]]] = {}
        self.choices: list[tuple[bool, bool]] = []
        self.probes: list[tuple[tuple[float, ...], tuple[float, ...]]] = []
        self.probe_index: ProbeIndex | None = None
        self.tables: dict[tuple[object, ...], object] = {}

    def wrap(self, kind: str, reference):  # type: ignore[no-untyped-def]
        def checked(gs, inject, world):  # type: ignore[no-untyped-def]
            expected = reference(gs, inject, world)
            found = self.compiled(kind, gs, inject, world)
            self.pairs.setdefault(kind, []).append((expected, found))
            # the choice the option phase draws with this chance, and the compiled one
            self.choices.append((_option_draw(gs, inject) < expected, _taken(gs, inject.id, found)))
            return expected
        return checked

    def compiled(self, kind: str, gs, inject, world) -> float:  # type: ignore[no-untyped-def]
        found, _, table, args = reading_of(gs, inject, world, self.tables)
        assert found == kind
        found_chance = float(CHANCES[kind](table, *args))
        if kind == "attack":  # the probes, read off the run's answers as the run loop holds them
            self.probes.append((tuple(args[2]), _compiled_probes(gs, inject.actors[0], self)))
            # the table packed in pools, as the run loop hands it over: the same chance, bit for bit
            assert float(attack_chance_packed(*pack_attack(table), *args)) == found_chance
        return found_chance


def _compiled_probes(gs, attacker: str, checked: _Checked) -> tuple[float, ...]:  # type: ignore[no-untyped-def]
    """The attacker's probes by `probes_of`, from the run's answers laid out as arrays: each attack's
    turn, each state's level of answer to it and whether that answer counts."""
    if checked.probe_index is None:
        checked.probe_index = probe_index(gs.scenario)
    index = checked.probe_index
    ids = sorted(gs.scenario.state_by_id)
    at = {s: k for k, s in enumerate(ids)}
    made = np.full(len(index.attacks), -1, dtype=np.int64)
    rank = np.full((len(index.attacks), len(ids)), -1, dtype=np.int64)
    counts = np.zeros((len(index.attacks), len(ids)), dtype=np.bool_)
    for a, inject_id in enumerate(index.attacks):
        attack = gs.attacks.get(inject_id)
        if attack is None or inject_id not in gs.attack_turn:
            continue
        made[a] = gs.attack_turn[inject_id]
        for s in ids:
            d = gs.decisions.get((inject_id, s))
            if d is not None:
                rank[a, at[s]] = RESPONSES.index(d.response)
                counts[a, at[s]] = d.treaty is not None and d.side not in attack.attackers
    out = np.empty(rank.size + 1, dtype=np.float64)
    n = probes_of(index.arrays, at[attacker], gs.turn, made, rank, counts, out)
    return tuple(out[:n].tolist())


_COMPILED = ("attack", "deployment", "ceasefire", "treaty-signed", "treaty-withdrawal")
_PERSON = np.zeros(16, dtype=np.uint8)
_PERSON[:len(PERSON)] = np.frombuffer(PERSON, dtype=np.uint8)


def _taken(gs, inject: str, chance: float) -> bool:  # type: ignore[no-untyped-def]
    """The compiled choice: the option's keyed draw, "seed|turn|" then its key, against the chance."""
    prefix = f"{gs.seed}|{gs.turn}|".encode()
    key = np.frombuffer(option_key(inject), dtype=np.uint8)
    buf = np.zeros(64 + key.shape[0], dtype=np.uint8)
    buf[:len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    return bool(option_taken(chance, buf, len(prefix), key, 0, key.shape[0], _PERSON))


@contextmanager
def _checking() -> Iterator[_Checked]:
    """The reference engine's batch readings checked while inside (each example its own: a table is
    one scenario's)."""
    checked = _Checked()
    saved = rules._FLAT
    rules._FLAT = {kind: (checked.wrap(family(kind), f) if family(kind) in _COMPILED else f)
                   for kind, f in saved.items()}
    try:
        yield checked
    finally:
        rules._FLAT = saved


@pytest.mark.parametrize("name, runs", [("baltic-2027", 40), ("indo-pacific-2028", 40)])
def test_the_compiled_chance_of_each_option_is_the_reference_engines(name, runs):
    plan = mc.Plan(load(SCENARIOS / f"{name}.yaml"), runs, seed=3, weights={})
    with _checking() as checked:
        mc.run_chunk(plan, 0, runs)
    assert set(checked.pairs) == set(_COMPILED[:3] if name == "baltic-2027" else _COMPILED)  # the kinds they have
    for kind, pairs in checked.pairs.items():
        assert len(pairs) > runs, kind  # each weighed several times a run
        assert len({p for p, _ in pairs}) > 5, kind  # at many different chances
        mismatched = [(a, b) for a, b in pairs if a != b]
        assert not mismatched, (kind, mismatched[:5])
    # and every choice drawn with them: taken and not taken, as the reference engine drew them
    assert {taken for taken, _ in checked.choices} == {True, False}
    assert all(a == b for a, b in checked.choices)
    # and the attackers' probes, read off the runs' answers
    assert any(found for found, _ in checked.probes)
    assert all(found == compiled for found, compiled in checked.probes)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alliances())
def test_the_compiled_chance_matches_over_random_alliances(case):
    states, fields, option, _ = case
    members = " ".join(s.id for s in states if s.id != "XXX")
    sc = make_scenario(states, treaties=[treaty("t", members, **fields)], injects=[option],
                       relations=[relation("VVV", "XXX", threat=0.8)])
    with _checking() as checked:
        for seed in range(3):
            Game.new(sc, seed=seed, stochastic=True, verbose=False).play()
    pairs = checked.pairs["attack"]
    assert all(a == b for a, b in pairs), pairs


@st.composite
def crises(draw):
    """A random crisis with an option of every kind: an attack on S1 that may draw in its allies,
    an ally's deployment and withdrawal, a signing, a probe and a ceasefire."""
    names = ["S0", "S1", "S2", "S3", "XXX"]
    states = [state(n, power=draw(st.floats(0.1, 40)), nuclear=draw(st.booleans())) for n in names]
    members = [m for m in ("S0", "S2", "S3") if draw(st.booleans())]
    treaties = [treaty("t0", " ".join(["S1", *members]), institutionalization=draw(st.floats(0, 1))),
                treaty("t1", "S2 S3" if draw(st.booleans()) else "S2 XXX")]
    threat = st.floats(0, 1)
    relations = [relation(a, b, threat=draw(threat), trade=draw(st.floats(0, 0.2)))
                 for a in names for b in names if a != b and draw(st.booleans())]
    option = {"option": True, "resolve": draw(st.floats(0, 1))}
    injects = [inject("strike", "armed-attack", 1, "XXX", target="S1"),
               inject("arm", "deployment", 1, "S0", target="S1", until=3, **option),
               inject("leave", "treaty-withdrawal", 1, "S0", treaty="t0", until=3, **option),
               inject("join", "treaty-signed", 1, "S2", treaty="t1", until=3, **option),
               inject("probe", "cyber-attack", 1, "XXX", target="S3", until=3, **option),
               inject("cf", "ceasefire", 2, "XXX", target="S1", until=4, **option)]
    return make_scenario(states, treaties=treaties, injects=injects, relations=relations, turns=5)


# --- which options are open, and which lapse ------------------------------------------------------

class _Phases:
    """Wraps the reference engine's reading of the options open on a turn and of those lapsing:
    each is compared with the compiled one, over the run's masks."""

    def __init__(self) -> None:
        self.compared: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {"open": [], "lapsing": []}
        self.index: dict[int, OptionIndex] = {}

    def masks(self, gs):  # type: ignore[no-untyped-def]
        index = self.index.get(id(gs.scenario))
        if index is None or index.injects != tuple(i.id for i in gs.scenario.injects):
            index = self.index[id(gs.scenario)] = option_index(gs.scenario)
        fired = np.asarray([i in gs.fired for i in index.injects], dtype=np.bool_)
        lapsed = np.asarray([i in gs.lapsed for i in index.injects], dtype=np.bool_)
        ids = sorted(gs.scenario.state_by_id)
        at = {s: k for k, s in enumerate(ids)}
        enemies = np.full((len(ids), len(ids) + 1), -1, dtype=np.int64)
        count = [0] * len(ids)
        for w in gs.wars:
            for a, b in ((w.aggressor, w.defender), (w.defender, w.aggressor)):
                enemies[at[a], count[at[a]]] = at[b]
                count[at[a]] += 1
        return index, fired, lapsed, enemies

    def wrap_open(self, reference):  # type: ignore[no-untyped-def]
        def checked(gs):  # type: ignore[no-untyped-def]
            found = reference(gs)
            index, fired, lapsed, enemies = self.masks(gs)
            out = np.empty(len(index.options) + 1, dtype=np.int64)
            n = open_at(index.arrays, gs.turn, fired, lapsed, enemies, out)
            self.compared["open"].append((tuple(i.id for i in found), tuple(index.options[o] for o in out[:n])))
            return found
        return checked

    def wrap_lapsing(self, reference):  # type: ignore[no-untyped-def]
        def checked(gs):  # type: ignore[no-untyped-def]
            found = reference(gs)
            index, fired, lapsed, _ = self.masks(gs)
            out = np.empty(len(index.options) + 1, dtype=np.int64)
            n = lapsing_at(index.arrays, gs.turn, fired, lapsed, out)
            self.compared["lapsing"].append((tuple(i.id for i in found), tuple(index.options[o] for o in out[:n])))
            return found
        return checked


@contextmanager
def _phases() -> Iterator[_Phases]:
    phases = _Phases()
    saved = options_package.open_options, options_package.lapsing
    options_package.open_options = phases.wrap_open(saved[0])
    options_package.lapsing = phases.wrap_lapsing(saved[1])
    try:
        yield phases
    finally:
        options_package.open_options, options_package.lapsing = saved


@pytest.mark.parametrize("name", ["baltic-2027", "indo-pacific-2028"])
def test_the_options_open_and_lapsing_are_the_reference_engines(name):
    with _phases() as phases:
        mc.run_chunk(mc.Plan(load(SCENARIOS / f"{name}.yaml"), 30, seed=5, weights={}), 0, 30)
    for what, pairs in phases.compared.items():
        assert len(pairs) >= 30 * 10, what  # every turn of every run
        assert any(found for found, _ in pairs), what
        assert all(found == compiled for found, compiled in pairs), (what, [p for p in pairs if p[0] != p[1]][:3])
    opened = {ids for ids, _ in phases.compared["open"]}
    assert len(opened) > 5  # many different sets open, as the runs' choices and wars differ


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crises())
def test_the_compiled_option_phase_matches_over_random_crises_of_every_kind(sc):
    """Every option's chance and choice, the options open and those lapsing, in random crises with
    one option of every kind."""
    with _checking() as checked, _phases() as phases:
        for seed in range(3):
            Game.new(sc, seed=seed, stochastic=True, verbose=False).play()
    for kind, pairs in checked.pairs.items():
        assert all(a == b for a, b in pairs), (kind, pairs)
    assert all(a == b for a, b in checked.choices)
    assert all(found == compiled for found, compiled in checked.probes)
    for what, compared in phases.compared.items():
        assert all(found == compiled for found, compiled in compared), (what, compared)


# --- where an inject leads the setting ------------------------------------------------------------

@pytest.mark.parametrize("name", ["baltic-2027", "indo-pacific-2028"])
def test_where_each_inject_leads_the_setting_is_read_by_the_engines_own_fold(monkeypatch, name):
    """Every inject fired in a set of runs (scheduled, and options taken) leads the setting from the
    version it fires at to the version `Transitions` reads for that pair, from the start's onwards."""
    met: list[tuple[int, object, int]] = []
    fire = turn._fire

    def noting(play, fired, **kw):  # type: ignore[no-untyped-def]
        before = play.gs.setting
        yield from fire(play, fired, **kw)
        met.append((before, fired, play.gs.setting))

    monkeypatch.setattr(turn, "_fire", noting)
    scenario = load(SCENARIOS / f"{name}.yaml")
    mc.run_chunk(mc.Plan(scenario, 60, seed=2, weights={}), 0, 60)
    transitions = Transitions(Game.new(scenario).state, Context(mc._PLAYERS.doctrine(scenario, {})))
    for before, fired, after in met:
        assert transitions.after(before, fired) == after, (fired, before, after)
    assert sum(before != after for before, _, after in met) > 60  # the setting changed in most runs
    assert len(transitions.states) > 5
