"""An attacker's probes: how strongly the states bound to answer its earlier attacks in this game
answered them, each 0..1 (Schelling's probes: a weak answer invites the next step).

The probes are read every time an attack option is weighed, and the answers they read
seldom change once an attack's turn has closed. So the strengths read for each attack
are kept, per attacker, with the entry of `published` for the attack's turn, and read
again only when that entry is another. The fold (engine.state) makes it so: an attack's
answers are given on the turn it was made, and when that turn closes, or one of its
answers is replaced, the turn's entry of `published` is made anew. The attacks that do
not follow that rule are read from the game's answers at every reading: those given an
answer on another turn (`GameState.late`: the record answering late, the umpire
replacing an answer) and those answered in the open turn, not published yet. Whatever
the reuse, the strengths are summed in the same order as one reading afresh: the
attacker's attacks in the scenario's order, then the umpire's, each attack's answers in
the scenario's order of states.
"""
from __future__ import annotations

import weakref
from collections.abc import Iterable
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
STRENGTH = {short: {r: _strength(r, _LIMITED if short else _FULL) for r in Response} for short in (False, True)}

# An attacker's probes as last read: a weak reference to the game's state, and each attack's
# strengths with what they were read after (the attack, the entry of `published` for its turn, and
# that turn). The state is held weakly, and the entry dropped when it goes: a game's answers are
# freed with the game, not in the next game's first probe.
_Kept = dict[str, tuple[Attack, tuple[tuple[Decision, str], ...] | None, tuple[float, ...], int]]
_Read = tuple["weakref.ref[GameState]", _Kept]


def probes(gs: GameState, attacker: str) -> tuple[float, ...]:
    """The strength of each answer to the attacker's earlier attacks in this game (see the module)."""
    scenario, attacks, turns, now, published = gs.scenario, gs.attacks, gs.attack_turn, gs.turn, gs.published
    memo = _LATEST[0]
    if memo is None or memo.scenario() is not scenario:
        memo = _LATEST[0] = _memo(scenario)
    last = memo.last.get(attacker)
    if last is None or last[0]() is not gs:
        last = memo.last[attacker] = (_ref(gs, memo.last, attacker), {})
    kept, states, answer = last[1], memo.states, gs.decisions.get
    # The attacks answered late or in the open turn (seldom, and never in a batch run's option
    # phase) are read from the answers as they stand.
    aside = gs.late.union(_opened(gs)) if gs.turn_decisions or gs.overrides else gs.late
    fired = gs.fired
    # The umpire's, during play: seldom any, which one check in C tells.
    adhoc = () if memo.known.issuperset(fired) else [i for i in fired if i not in memo.known]
    out: list[float] = []
    for inject_id in (*memo.attacks_by.get(attacker, ()), *adhoc):
        found = kept.get(inject_id)
        # Kept, it counts while it is the same attack (the same attackers, made on the same turn: the
        # fold keeps an attack's first), and holds while its turn's published answers are the same.
        if (found is not None and attacks.get(inject_id) is found[0] and published.get(found[3]) is found[1]
                and inject_id not in aside):
            out.extend(found[2])
            continue
        attack = attacks.get(inject_id)
        if attack is None or attacker not in attack.attackers or (made := turns.get(inject_id, now)) >= now:
            continue
        # Each state's answer, by a key made as it is asked (zip hands out the one tuple again): a
        # kept key per state would be read from memory cold, as the dict's is.
        entry = published.get(made)
        found = (attack, entry, _strengths(attack, map(answer, zip(repeat(inject_id), states))), made)
        if entry is not None and inject_id not in aside:  # (a state made by hand may not publish)
            kept[inject_id] = found
        out.extend(found[2])
    return tuple(out)


def _opened(gs: GameState) -> set[str]:
    """The attacks answered in the open turn (its answers and the umpire's)."""
    out = {a for a, _ in gs.turn_decisions}
    if gs.overrides:
        out.update(a for a, _ in gs.overrides)
    return out


def _ref(gs: GameState, last: dict[str, _Read], attacker: str) -> weakref.ref[GameState]:
    """A weak reference to the state that drops the attacker's entry when the state goes."""
    def forget(ref: weakref.ref[GameState]) -> None:
        entry = last.get(attacker)
        if entry is not None and entry[0] is ref:
            del last[attacker]
    return weakref.ref(gs, forget)


def _strengths(attack: Attack, answers: Iterable[Decision | None]) -> tuple[float, ...]:
    """The strength of each answer to `attack` by a state bound to answer it, in `answers`' order."""
    strength, attackers = STRENGTH[attack.short_of_armed_attack], attack.attackers
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
