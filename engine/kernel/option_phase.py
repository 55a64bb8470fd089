"""Which options are open on a turn, and which lapse, in the compiled loops: the rules of
`engine.options.rules` over a run's masks.

An option is its actor's choice on a turn of its window (`turn` to `until`, within the
game) while it has not been carried out or let lapse, once every inject it `requires` has
fired; a ceasefire only while its parties are at war. Its window closing with the turn, an
option not carried out lapses. Here the scenario's options are laid out once
(`option_index`), and a run's state is its masks: the injects fired and lapsed (by their
place in the scenario's list) and each state's enemies (padded with -1, as the cascade's loop
holds them). `open_at` and `lapsing_at` give the options' places in the scenario's order, as
`open_options` and `lapsing` give the options (tests/test_kernel_options.py checks both at
every turn of a set of runs). `probes_of` reads an attacker's probes, the strength of each
answer to its earlier attacks, off a run's answers, as `engine.options.probes` reads them off
a game's. With the compiled option decisions (`engine.kernel.options`) they are the run
loop's option phase (`engine.kernel.run_loop`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import RESPONSES, Scenario
from ..options.probes import STRENGTH
from ..options.rules import actor_of, last_turn, options_of
from .compiled import jit
from .options import at_war

__all__ = ["OptionIndex", "option_index", "open_at", "lapsing_at", "ProbeIndex", "probe_index", "probes_of",
           "enemies_padded"]


@dataclass(frozen=True)
class OptionIndex:
    """A scenario's options laid out for the loops: every inject's id in the scenario's order (the
    places of a run's fired and lapsed masks), each option's inject, and the arrays `open_at` and
    `lapsing_at` read (per option: its place among the injects, its window's first and last turn,
    whether it ends a war, its actor and target numbered in id order (-1: none), the span of its
    requirements; then each requirement's place among the injects; then the game's turns)."""
    injects: tuple[str, ...]
    options: tuple[str, ...]
    arrays: tuple[Any, ...]


def option_index(scenario: Scenario) -> OptionIndex:
    """The scenario's options laid out once (the rules read off the engine's own: `options_of`,
    `last_turn`, `actor_of`, the kind's traits)."""
    injects = tuple(i.id for i in scenario.injects)
    place = {x: k for k, x in enumerate(injects)}
    ids = {s: k for k, s in enumerate(sorted(scenario.state_by_id))}
    rows: list[tuple[int, int, int, int, int, int, int, int]] = []
    requires: list[int] = []
    options = options_of(scenario)
    for inject in options:
        start = len(requires)
        requires.extend(place.get(r, -1) for r in inject.requires)
        rows.append((place[inject.id], inject.turn, last_turn(inject), int(inject.kind.traits.ends_war),
                     ids.get(actor_of(inject), -1), ids.get(inject.target or "", -1), start, len(requires)))
    table = np.asarray(rows, dtype=np.int64).reshape(-1, 8)
    arrays = (*(table[:, c].copy() for c in range(8)), np.asarray(requires, dtype=np.int64),
              np.asarray([scenario.turns], dtype=np.int64))
    return OptionIndex(injects, tuple(i.id for i in options), arrays)


def _open_at(tab: Any, turn: int, fired: Any, lapsed: Any, enemies: Any, out: Any) -> int:
    """The options open on `turn` (their places, in the scenario's order) into `out`; how many."""
    place, first, last, ends_war, actor, target, req_start, req_stop, requires, game = (
        tab[0], tab[1], tab[2], tab[3], tab[4], tab[5], tab[6], tab[7], tab[8], tab[9])
    n = 0
    for o in range(place.shape[0]):
        if not first[o] <= turn <= min(last[o], game[0]):  # the window holds the turn, within the game
            continue
        if fired[place[o]] or lapsed[place[o]]:
            continue
        ready = True
        for r in range(req_start[o], req_stop[o]):
            if requires[r] < 0 or not fired[requires[r]]:
                ready = False
                break
        if not ready:
            continue
        if ends_war[o] and not at_war(enemies, actor[o], target[o]):
            continue
        out[n] = o
        n += 1
    return n


open_at = jit(_open_at)


def _lapsing_at(tab: Any, turn: int, fired: Any, lapsed: Any, out: Any) -> int:
    """The options whose window closes with `turn`, not carried out (their places, in order); how many."""
    place, last = tab[0], tab[2]
    n = 0
    for o in range(place.shape[0]):
        if last[o] == turn and not fired[place[o]] and not lapsed[place[o]]:
            out[n] = o
            n += 1
    return n


lapsing_at = jit(_lapsing_at)


# --- an attacker's probes ------------------------------------------------------------------------

@dataclass(frozen=True)
class ProbeIndex:
    """A scenario's attacks laid out for the probes: the attack injects (each a place of a run's
    answers), per state numbered in id order the attacks it makes among them (in the scenario's
    order), the states in the scenario's order (the order the answers are read in), whether each
    attack is short of an armed attack, and each answer's strength by that and by its level
    (engine.options.probes' own table)."""
    attacks: tuple[str, ...]
    arrays: tuple[Any, ...]


def probe_index(scenario: Scenario) -> ProbeIndex:
    ids = {s: k for k, s in enumerate(sorted(scenario.state_by_id))}
    attacks = [i for i in scenario.injects if i.kind.is_attack]
    place = {i.id: k for k, i in enumerate(attacks)}
    start: list[int] = []
    stop: list[int] = []
    made_by: list[int] = []
    for state in sorted(scenario.state_by_id):
        start.append(len(made_by))
        made_by.extend(place[i.id] for i in attacks if state in i.actors)
        stop.append(len(made_by))
    strength = np.asarray([[STRENGTH[short][r] for r in RESPONSES] for short in (False, True)], dtype=np.float64)
    i = np.int64
    arrays = (np.asarray(start, dtype=i), np.asarray(stop, dtype=i), np.asarray(made_by, dtype=i),
              np.asarray([ids[s] for s in scenario.state_by_id], dtype=i),
              np.asarray([not a.kind.traits.armed_attack for a in attacks], dtype=np.bool_), strength)
    return ProbeIndex(tuple(a.id for a in attacks), arrays)


def _probes_of(tab: Any, attacker: int, now: int, made: Any, rank: Any, counts: Any, out: Any) -> int:
    """The attacker's probes into `out`, how many: for each of its attacks made before `now` (`made`:
    each attack's turn, -1 not made), each state's answer to it in the scenario's order (`rank`: its
    level, -1 none) where it counts (`counts`: a bound state, not on the attackers' side)."""
    start, stop, made_by, order, short, strength = tab[0], tab[1], tab[2], tab[3], tab[4], tab[5]
    n = 0
    for k in range(start[attacker], stop[attacker]):
        a = made_by[k]
        if made[a] < 0 or made[a] >= now:
            continue
        row = 1 if short[a] else 0
        for j in range(order.shape[0]):
            s = order[j]
            if rank[a, s] >= 0 and counts[a, s]:
                out[n] = strength[row, rank[a, s]]
                n += 1
    return n


probes_of = jit(_probes_of)


# --- a run's enemies, as the option readings take them ----------------------------------------------

def _enemies_padded(adjacent: Any, out: Any) -> None:
    """Each state's enemies in `out` (numbered in ascending order, padded with -1), from the run's wars
    as a matrix of pairs (`adjacent[a, b]`: a and b at war)."""
    n = adjacent.shape[0]
    for s in range(n):
        k = 0
        for e in range(n):
            if adjacent[s, e]:
                out[s, k] = e
                k += 1
        for rest in range(k, n):
            out[s, rest] = -1


enemies_padded = jit(_enemies_padded)
