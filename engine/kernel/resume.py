"""A run that leaves the kernel, finished by the reference engine from the turn it left.

The kernel stops a run at the start of the turn in which an answer would begin a war
(the cascade is not compiled). Up to that turn the run's world is the skeleton's but
for what the draws changed: the answers themselves, the councils' verdicts and the
reputations. So the skeleton's state once that turn is open (`Tables.opened`), with
those put in and the run's seed, is the state the reference engine would have
reached; the reference engine's own phases play the run on from there, and the
summary reads the kernel's outputs for the turns before and the events after, in
the order `engine.montecarlo.summarise` reads a whole log. tests/test_kernel.py
checks the result against the reference engine's whole run, byte for byte.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..events import Event
from ..model import RESPONSES
from ..play import Context
from ..state import GameState, Status, apply
from ..turn import close_turn, open_turn

if TYPE_CHECKING:
    from ..mc_tally import RunSummary
    from ..montecarlo import Plan
    from .tables import Tables

__all__ = ["finish"]


def finish(plan: Plan, tables: Tables, index: int, seed: int, turn_index: int, ranks: Any, honour: Any,
           cohesion: Any, declared: Any, reputation: Any) -> RunSummary:
    """The summary of run `index`, stopped by the kernel at turn `turn_index` (an index into the
    skeleton's turns), played on by the reference engine from there."""
    from ..mc_tally import RunSummary
    from ..montecarlo import _PLAYERS, _READERS, _Reading, _resolves, _script_matches, run_weights
    arrays = tables.arrays
    turn = int(arrays["t_number"][turn_index])
    drawn = run_weights(plan.seed, index, plan.vary)
    weights, resolves = _resolves(drawn)
    doctrine = _PLAYERS.doctrine(plan.scenario, dict(plan.weights) | weights)
    gs = _state_at(tables, turn_index, seed, ranks, declared, reputation, resolves)
    events, final_state = _play_on(gs, Context(doctrine, stochastic=True, verbose=False))
    seen = _Reading()
    # the turns the kernel played, read as summarise reads their events
    for (attack, state, t, _), rank in zip(tables.slots, ranks.tolist()):
        if t < turn and rank >= 0:
            seen.asked.append((attack, state, t))
    pair_of = arrays["r_pair"]
    for r, verdict in enumerate(honour.tolist()):
        if verdict >= 0:
            key = tables.pairs[pair_of[r]]
            seen.kept[key] = seen.kept.get(key, True) and verdict == 1
            seen.tested += 1
            seen.honoured += verdict == 1
    counts = arrays["m_c_stop"] - arrays["m_c_start"]
    for m in range(int(arrays["t_m_start"][turn_index])):
        n = int(counts[m]) or 1
        acc = seen.cohesion.setdefault(tables.treaties[m], [0.0, 0.0])
        acc[0] += float(cohesion[m]) * n
        acc[1] += n
    for t, aggressor, defender in tables.wars:
        if t < turn:
            seen.belligerents.update((aggressor, defender))
            if seen.first_war is None:
                seen.first_war = t
    seen.fired.extend((i, t) for i, t in tables.fired if t <= turn)
    # then the reference engine's events, one by one into the same reading (sums in log order)
    for e in events:
        reader = _READERS.get(type(e))
        if reader is not None:
            reader(seen, e)
    final = {key: (d.turn, d.response.rank, d.treaty is not None) for key, d in final_state.decisions.items()}
    origins = {a: attack.origin for a, attack in final_state.attacks.items()}
    script = _script_matches(plan.scenario, seen.asked, final, origins) if plan.scenario.script else None
    return RunSummary(
        index=index, decisions=tuple((a, s, t, r, b) for (a, s), (t, r, b) in final.items()),
        honour=tuple((a, s, ok) for (a, s), ok in seen.kept.items()), honoured=seen.honoured, tested=seen.tested,
        cohesion=tuple((t, total / n) for t, (total, n) in seen.cohesion.items() if n),
        belligerents=len(seen.belligerents), first_war=seen.first_war, script=script, weights=tuple(drawn.values()),
        injects=tuple(seen.fired))


def _state_at(tables: Tables, turn_index: int, seed: int, ranks: Any, declared: Any, reputation: Any,
              resolves: list[Event]) -> GameState:
    """The skeleton's state once the turn is open, with the run's seed, answers, verdicts and reputations."""
    gs = tables.opened[turn_index].copy()
    gs.seed = seed
    for e in resolves:
        apply(gs, e)
    for (attack, state, _, _), rank in zip(tables.slots, ranks.tolist()):
        key = (attack, state)
        d = gs.decisions.get(key)
        if d is not None and rank >= 0:
            gs.decisions[key] = replace(d, response=RESPONSES[rank])
    for (treaty, attack), verdict in zip(tables.votes, declared.tolist()):
        if verdict >= 0:
            gs.invocations[(treaty, attack)] = verdict == 1
    place = {s: i for i, s in enumerate(tables.states)}
    values = reputation.tolist()
    gs.reputation = {s: values[place[s]] if s in place else r for s, r in gs.reputation.items()}
    return gs


def _play_on(gs: GameState, ctx: Context) -> tuple[list[Event], GameState]:
    """engine.game.Game.play from an open turn: close it, then open and close each turn left."""
    events: list[Event] = []
    step = close_turn(gs, ctx, own=True)
    events += step.events
    gs = step.state
    while gs.turn < gs.scenario.turns and gs.status is not Status.FINISHED:
        for phase in (open_turn, close_turn):
            step = phase(gs, ctx, own=True)
            events += step.events
            gs = step.state
        if gs.awaiting:
            raise RuntimeError("a batch run waits for cells")  # no cell plays a batch run
    return events, gs
