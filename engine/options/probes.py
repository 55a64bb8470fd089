"""An attacker's probes: how strongly the states bound to answer its earlier attacks in this game
answered them, each 0..1 (Schelling's probes: a weak answer invites the next step).

The probes are read every time an attack option is weighed, and the answers they read
seldom change once an attack's turn has closed. So the strengths read for each attack
are kept, per attacker, with what they were read from, and read again only for the
attacks whose answers may have changed since. The fold (engine.state) says which:
every answer is given into `turn_decisions` (or `overrides`) in its turn, and when a
turn closes, or an answer of a closed turn is replaced, that turn's entry of
`published` is made anew. So an attack's answers are the same as when last read while
the game's answers are the same dict (a game changes it in place; a copy is another
dict), no entry of `published` holding an answer to it is new, and it has no answer
in the open turn. Whatever the reuse, the strengths are summed in the same order as
one reading afresh: the attacker's attacks in the scenario's order, then the umpire's,
each attack's answers in the scenario's order of states.
"""
from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from itertools import repeat

from ..attack import Attack
from ..model import Decision, Response, Scenario
from ..state import GameState
from ..world import IdentityMemo

_MEMO = IdentityMemo()

# The strongest answer each kind of attack allows: an attack short of an armed attack is
# answered at most with limited means (engine.doctrine), so limited is a full answer to it.
_RANK = {r: r.rank for r in Response}
_LIMITED, _FULL, _NEUTRAL = _RANK[Response.LIMITED], _RANK[Response.FULL], _RANK[Response.NEUTRAL]


def _strength(response: Response, strongest: int) -> float:
    """An answer's strength as a probe reads it, 0..1: neutral 0, the strongest answer allowed 1."""
    return max(0.0, min(1.0, (_RANK[response] - _NEUTRAL) / (strongest - _NEUTRAL)))


# Each answer's strength, by whether the attack was short of an armed attack (read once).
_STRENGTH = {short: {r: _strength(r, _LIMITED if short else _FULL) for r in Response} for short in (False, True)}

Published = Mapping[int, tuple[tuple[Decision, str], ...]]


# An attacker's probes as last read: a weak reference to the game's state, the id of its answers
# (a game changes that dict in place; a copy is another), gs.published then (held, as are the tuples
# in it), and each attack's strengths with the attack they were read for. The state is held weakly,
# and the entry dropped when it goes: a game's answers are freed with the game, not in the next
# game's first probe.
_Read = tuple["weakref.ref[GameState]", int, Published, dict[str, tuple[Attack, tuple[float, ...]]]]


def probes(gs: GameState, attacker: str) -> tuple[float, ...]:
    """The strength of each answer to the attacker's earlier attacks in this game (see the module)."""
    scenario, attacks, turns, now = gs.scenario, gs.attacks, gs.attack_turn, gs.turn
    memo = _LATEST[0]
    if memo is None or memo.scenario() is not scenario:
        memo = _LATEST[0] = _memo(scenario)
    last = memo.last.get(attacker)
    ours = last is not None and last[0]() is gs and last[1] == id(gs.decisions)
    kept = last[3] if ours and last is not None else {}
    stale: AbstractSet[str] = _changed(gs, last[2]) if kept and last is not None else frozenset()
    answer, states = gs.decisions.get, memo.states
    fired = gs.fired
    # The umpire's, during play: seldom any, which one check in C tells.
    adhoc = () if memo.known.issuperset(fired) else [i for i in fired if i not in memo.known]
    out: list[float] = []
    read: dict[str, tuple[Attack, tuple[float, ...]]] = {}
    for inject_id in (*memo.attacks_by.get(attacker, ()), *adhoc):
        attack = attacks.get(inject_id)
        if attack is None or attacker not in attack.attackers or turns.get(inject_id, now) >= now:
            continue
        found = kept.get(inject_id)
        if found is None or found[0] is not attack or inject_id in stale:
            # Each state's answer, by a key made as it is asked (zip hands out the one tuple
            # again): a kept key per state would be read from memory cold, as the dict's is.
            found = (attack, _strengths(attack, map(answer, zip(repeat(inject_id), states))))
        read[inject_id] = found
        out.extend(found[1])
    if read:
        ref = last[0] if ours and last is not None else _ref(gs, memo.last, attacker)
        memo.last[attacker] = (ref, id(gs.decisions), gs.published, read)
    return tuple(out)


def _ref(gs: GameState, last: dict[str, _Read], attacker: str) -> weakref.ref[GameState]:
    """A weak reference to the state that drops the attacker's entry when the state goes."""
    def forget(ref: weakref.ref[GameState]) -> None:
        entry = last.get(attacker)
        if entry is not None and entry[0] is ref:
            del last[attacker]
    return weakref.ref(gs, forget)


def _changed(gs: GameState, before: Published) -> set[str]:
    """The attacks that may have answers other than when `before` was the game's `published`: those
    answered in an entry of `published` made since (or in the one it replaced), and in the open turn."""
    published = gs.published
    # One comprehension over the entries that differ, and the answers in each: about 23 answers a
    # call in a Monte Carlo run, where a list per entry and a frozen copy cost a third as much again.
    out = set() if published is before else {
        d.attack for turn, given in published.items() if given is not (old := before.get(turn))
        for entry in (given, old or ()) for d, _ in entry}
    if gs.turn_decisions or gs.overrides:
        out.update(a for a, _ in gs.turn_decisions)
        out.update(a for a, _ in gs.overrides)
    return out


def _strengths(attack: Attack, answers: Iterable[Decision | None]) -> tuple[float, ...]:
    """The strength of each answer to `attack` by a state bound to answer it, in `answers`' order."""
    strength, attackers = _STRENGTH[attack.short_of_armed_attack], attack.attackers
    # The states that gave no answer dropped first, in C: most of the scenario's states.
    return tuple([strength[d.response] for d in filter(None, answers)
                  if d.treaty is not None and d.side not in attackers])


class _Memo:
    """Per scenario: its states in order, its injects' ids, the attacks by each attacker, and each
    attacker's probes as last read."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = weakref.ref(scenario)
        self.states = tuple(scenario.state_by_id)
        self.known = frozenset(scenario.inject_by_id)
        by: dict[str, list[str]] = {}
        for i in scenario.injects:
            if i.kind.is_attack:
                for a in i.actors:
                    by.setdefault(a, []).append(i.id)
        self.attacks_by = {a: tuple(ids) for a, ids in by.items()}
        self.last: dict[str, _Read] = {}


def _memo(scenario: Scenario) -> _Memo:
    scratch = _MEMO.scratch(scenario)
    found = scratch.get("probes")
    if found is None:
        found = scratch["probes"] = _Memo(scenario)
    assert isinstance(found, _Memo)
    return found


# The memo of the scenario read last, found by one check: a Monte Carlo process reads one scenario.
_LATEST: list[_Memo | None] = [None]
