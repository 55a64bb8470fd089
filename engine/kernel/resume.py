"""A run whose answer begins a war, or that meets an open option: that part on the reference engine,
the rest in the kernel.

The kernel stops a run at the start of the turn in which an answer would begin a war
(the skeleton's tables do not follow the wars). Up to that turn the run's world is the
skeleton's but for what the draws changed: the answers themselves, the councils' verdicts
and the reputations. So the skeleton's state once that turn is open (`Tables.opened`), with
those put in and the run's seed, is the state the reference engine would have
reached; the reference engine's own phases close that turn, its cascade and councils'
votes played by the compiled loops where they play them (`engine.kernel.close`: the same
events), and so every close of the turns after it.

A run whose tables end where an option is open (`Tables.stop`: the state
between turns before it) leaves the same way: that state with the run's draws put
in, and the reference engine's own phase opens the turn, options and all, drawn
from the run's seed, reputations and answers. Many runs make the same choices.

Then the run goes back to the kernel: the tables of the turns after it are built
from the run's state (`build_tables(start=...)`) and cached under that state's
shape, all of it but what the draws change (`_shape`), since many runs reach the
same wars by the same answers. A run can leave and come back several times; a
state whose turns the kernel does not compile is played on by the reference engine. So is
a run whose coming back would cost more than it saves: after an option phase when an
option may be open on the next turn too (the tables after it would play one close), and
after a close once few of the states after closes were found again (`CLOSE_TRIAL`).

The summary reads each part in the order `engine.montecarlo.summarise` reads a
whole log. tests/test_kernel.py checks the result against the reference engine's
whole run, run by run and byte for byte.
"""
from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Sequence
from dataclasses import fields, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from ..attack import Attack
from ..doctrine import FACTORS
from ..events import Event
from ..model import RESPONSES, Decision, DecisionSource
from ..options import may_open
from ..play import Context
from ..resolve import Settled
from ..state import GameState, Key, Status, apply, restate_answers
from ..turn import open_turn
from ..world import War
from .close import close
from .scope import OutOfScope

if TYPE_CHECKING:
    from ..mc_tally import RunSummary
    from ..montecarlo import Plan
    from .tables import Tables

__all__ = ["finish"]

_LAST = 1 << 62  # a turn after every turn: a part of the run played to the end
# Tables after a turn of war kept per scenario, and shapes remembered as met once: bounds that keep
# memory flat in the number of runs (a state past them is played on by the reference engine).
AFTER_LIMIT = 512
MET_LIMIT = 200_000
MADE_LIMIT = 256  # option phases remembered per tables (`_made`): a few options open give a few outcomes
# On some scenarios a state after a close is found among the tables after it so seldom that its
# shape costs more than it saves (the teaching one: about one in eighty; each run's wars are its
# own): once `CLOSE_TRIAL` such states were looked up and fewer than one in `CLOSE_PAYBACK` were
# found, the runs play on after a close without looking (the same results either way).
CLOSE_TRIAL = 512
CLOSE_PAYBACK = 10
# Building the tables after a state costs some ten times playing on from it on the reference
# engine (the skeleton reads every factor for each possible answer of the leader). So they are
# built for a state met a few times (`SIGHTINGS`), and no longer once `TRIAL_BUILDS` were built and
# runs came back on them fewer than `PAYBACK` times each: on such a scenario most states after a
# war are met a few times only, and playing on costs less.
SIGHTINGS = 4
TRIAL_BUILDS = 64
PAYBACK = 4
_DOCTRINE = DecisionSource.DOCTRINE


class _Run:
    """What a run has said so far, as summarise reads a log: the reading, its answers, its votes."""

    def __init__(self) -> None:
        from ..montecarlo import _Reading
        self.seen = _Reading()
        self.decisions: dict[Key, Decision] = {}
        self.invocations: dict[tuple[str, str], bool] = {}

    def kernel_part(self, tables: Tables, stop: int, ranks: Any, honour: Any, cohesion: Any, declared: Any,
                    opened: GameState | None) -> None:
        """The turns before `stop` the kernel played with `tables` (`opened`: the state where it
        stopped, which holds the skeleton's answers to those turns)."""
        seen, arrays = self.seen, tables.arrays
        # Each answer at each level is made once per tables and where they stopped, then shared by the
        # runs that give it (a decision is frozen): most of the answers of a batch are the same few.
        decided, place = tables.decided, id(opened)
        for i, ((attack, state, t, bound), rank) in enumerate(zip(tables.slots, ranks.tolist())):
            if t < stop and rank >= 0:
                seen.asked.append((attack, state, t))
                found = decided.get((place, i, rank))
                if found is None:
                    # the summary reads an answer's turn, level and whether a treaty bound it
                    skeleton = opened.decisions[(attack, state)] if opened is not None else Decision(
                        turn=t, state=state, attack=attack, response=RESPONSES[rank], source=_DOCTRINE,
                        treaty="" if bound else None)
                    found = decided[(place, i, rank)] = replace(skeleton, response=RESPONSES[rank])
                self.decisions[(attack, state)] = found
        pair_of = arrays["r_pair"]
        for r, verdict in enumerate(honour.tolist()):
            if verdict >= 0:
                key = tables.pairs[pair_of[r]]
                seen.kept[key] = seen.kept.get(key, True) and verdict == 1
                seen.tested += 1
                seen.honoured += verdict == 1
        counts = arrays["m_c_stop"] - arrays["m_c_start"]
        t_number = arrays["t_number"].tolist()
        measured = [i for i, t in enumerate(t_number) if t < stop]
        for m in range(int(arrays["t_m_stop"][measured[-1]]) if measured else 0):
            n = int(counts[m]) or 1
            acc = seen.cohesion.setdefault(tables.treaties[m], [0.0, 0.0])
            acc[0] += float(cohesion[m]) * n
            acc[1] += n
        for (treaty, attack), verdict in zip(tables.votes, declared.tolist()):
            if verdict >= 0:
                self.invocations[(treaty, attack)] = verdict == 1
        for t, aggressor, defender in tables.wars:
            if t < stop:
                seen.belligerents.update((aggressor, defender))
                if seen.first_war is None:
                    seen.first_war = t
        seen.fired.extend((i, t) for i, t in tables.fired if t <= stop)

    def read(self, events: Sequence[Event], ledger: Sequence[Settled] = (), answers: Sequence[Decision] = ()
             ) -> None:
        """A phase's events, one by one into the reading (sums in log order), with the answers it
        gave without their events first (in the log they come before the rest of the close) and
        the commitments it settled last (which only the commitments' events would have said, in
        this order)."""
        from ..montecarlo import _READERS
        seen = self.seen
        for d in answers:
            seen.decision(d)
        for e in events:
            reader = _READERS.get(type(e))
            if reader is not None:
                reader(seen, e)
        settled = seen.settled
        for attack, state, kind, kept in ledger:
            settled(attack, state, kind, kept)

    def answers(self, gs: GameState) -> None:
        """The answers and votes of the state the reference engine's phases made: the run's own (the
        earlier ones were put in, `_state_at`)."""
        self.decisions = dict(gs.decisions)
        self.invocations = dict(gs.invocations)

    def summary(self, plan: Plan, index: int, drawn: dict[str, float], origins: dict[str, str]) -> RunSummary:
        from ..mc_tally import RunSummary
        from ..montecarlo import _RANK, _script_matches
        seen = self.seen
        final = {key: (d.turn, _RANK[d.response], d.treaty is not None) for key, d in self.decisions.items()}
        script = _script_matches(plan.scenario, seen.asked, final, origins) if plan.scenario.script else None
        return RunSummary(
            index=index, decisions=tuple((a, s, t, r, b) for (a, s), (t, r, b) in final.items()),
            honour=tuple((a, s, ok) for (a, s), ok in seen.kept.items()), honoured=seen.honoured,
            tested=seen.tested, cohesion=tuple((t, total / n) for t, (total, n) in seen.cohesion.items() if n),
            belligerents=len(seen.belligerents), first_war=seen.first_war, script=script,
            weights=tuple(drawn.values()), injects=tuple(seen.fired))


def finish(plan: Plan, tables: Tables, index: int, seed: int, turn_index: int, ranks: Any, honour: Any,
           cohesion: Any, declared: Any, reputation: Any, run: _Run | None = None) -> RunSummary:
    """The summary of run `index`, which the kernel stopped at turn `turn_index` of `tables` (at
    their end: where they stop, `Tables.stop`). `run`: what the run said before the tables' start
    (a game's prefix, engine.kernel.prefix), else nothing."""
    from ..montecarlo import _PLAYERS, _resolves, run_weights
    drawn = run_weights(plan.seed, index, plan.vary)
    weights, resolves = _resolves(drawn)
    ctx = Context(_PLAYERS.doctrine(plan.scenario, dict(plan.weights) | weights), stochastic=True, verbose=False)
    run = run if run is not None else _Run()
    root = tables
    while True:
        # a war begins (that turn's close), or where the tables stop: an option open (that turn's
        # opening) or a conditional obligation (its close)
        war = turn_index < tables.arrays["t_number"].shape[0]
        at = tables.opened[turn_index] if war else tables.stop
        assert at is not None, "a run stops only where an answer may begin a war or where its tables stop"
        closing = at.status is Status.OPEN
        run.kernel_part(tables, at.turn + (not closing), ranks, honour, cohesion, declared, at)
        gs = _state_at(run, at, seed, tables.states, reputation, resolves)
        events, gs = _step(run, gs, ctx, closing)
        run.answers(gs)
        if gs.status is not Status.OPEN and (gs.turn >= gs.scenario.turns or gs.status is Status.FINISHED):
            return run.summary(plan, index, drawn, {a: x.origin for a, x in gs.attacks.items()})
        after = None
        if closing and _closes_pay(root):
            after = _after(plan, root, gs)
            root.closes_looked += 1
            root.closes_found += after is not None
        elif not closing and not may_open(gs, gs.turn + 1):
            # The tables after an option phase play on to the next turn an option may be open on: were
            # that the next, they would play this turn's close alone, and coming back (the shape found,
            # the loop called, the run's state made again at their stop: some 90-130 us) costs more than
            # the reference engine's close. The run plays on instead (the same results either way).
            after = _after(plan, root, gs, _made(tables, events))
        if after is None:
            gs = _play_on(run, gs, ctx)
            run.answers(gs)
            return run.summary(plan, index, drawn, {a: x.origin for a, x in gs.attacks.items()})
        tables = after
        turns = tables.arrays["t_number"].shape[0]
        if turns == 0:  # they stop at once: no kernel turn to play
            ranks = honour = cohesion = declared = np.zeros(0, dtype=np.int64)
            reputation = np.asarray([gs.reputation[s] for s in tables.states], dtype=np.float64)
            turn_index = 0
            continue
        row = np.asarray([[weights.get(n, w) for n, w in zip(FACTORS, tables.weights.tolist())]], dtype=np.float64)
        start = np.asarray([[gs.reputation[s] for s in tables.states]], dtype=np.float64)
        from . import _leaving, _play
        out = _play(tables, np.asarray([seed], dtype=np.int64), row, start)
        ranks, honour, cohesion, declared, bail, reputation = (x[0] for x in out)
        turn_index = int(_leaving(tables, np.asarray([bail]))[0])
        if turn_index < 0:
            run.kernel_part(tables, _LAST, ranks, honour, cohesion, declared, None)
            return run.summary(plan, index, drawn, tables.origins)


def _made(tables: Tables, events: Sequence[Event]) -> tuple[Tables, tuple[Event, ...] | bytes]:
    """Where the shape of the state an option phase made is kept, and what it is kept by: the
    phase's events.

    Every run that reaches `tables.stop` is in a state of the same shape, and the option
    phase reads what the shape leaves out only to make its choices (and a ceasefire to end its
    wars), which its events say: the same events make the same shape. The events themselves are
    the key (frozen, equal by their values: a phase's dozen are hashed in a tenth of the time
    their words take, and a stop sees a few phases); events whose values cannot be hashed are
    kept by a digest of their words instead."""
    key = tuple(events)
    try:
        hash(key)
    except TypeError:
        return tables, hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
    return tables, key


def _closes_pay(root: Tables) -> bool:
    """Whether the states after a close are still worth looking up (see CLOSE_TRIAL)."""
    return root.closes_looked < CLOSE_TRIAL or root.closes_found * CLOSE_PAYBACK >= root.closes_looked


def _after(plan: Plan, root: Tables, gs: GameState,
           phase: tuple[Tables, tuple[Event, ...] | bytes] | None = None) -> Tables | None:
    """The tables of the turns after `gs` (cached under its shape), or None when the kernel does not
    compile them (see SIGHTINGS). `phase`: where the shape an option phase made is kept (`_made`)."""
    from ..montecarlo import _PLAYERS
    from .tables import build_tables
    key = _shape(gs) if phase is None else _shape_of(phase[0], phase[1], gs)
    found = root.after.get(key)
    if isinstance(found, str):
        return None
    if found is not None:
        root.came_back += 1
        return found
    built = len(root.after)
    seen = root.met.get(key, 0) + 1
    if seen < SIGHTINGS or built >= AFTER_LIMIT or (built >= TRIAL_BUILDS and root.came_back < PAYBACK * built):
        if len(root.met) >= MET_LIMIT:
            root.met.clear()
        root.met[key] = seen
        return None
    try:
        made: Tables | str = build_tables(plan.scenario, _PLAYERS.doctrine(plan.scenario, dict(plan.weights)), gs)
    except OutOfScope as exc:
        made = str(exc)
    root.after[key] = made
    return made if not isinstance(made, str) else None


def _shape_of(tables: Tables, phase: tuple[Event, ...] | bytes, gs: GameState) -> bytes:
    """`_shape(gs)` of a state an option phase from `tables.stop` made, by that phase's events (or
    their digest, `_made`): read once per phase's events."""
    found = tables.made.get(phase)
    if found is None:
        if len(tables.made) >= MADE_LIMIT:
            tables.made.clear()
        found = tables.made[phase] = _shape(gs)
    return found


def _shape(gs: GameState) -> bytes:
    """Everything in a state between turns that the turns after it read, but what the draws change
    and the kernel puts in per run (the seed, the reputations, the answers' levels, the councils'
    verdicts, the options' resolves drawn for the run, which only the reference engine's option phase
    reads) and what no rule reads (the indicators measured): a 128-bit digest of its values.

    Read once per run and turn the kernel leaves, so it is kept cheap: a state or relation still the
    scenario's own object is said as such (None), not in words; enumerations by their values; the
    attacks and the wars by their fields. The values are plain (strings, numbers, tuples, dicts) and
    serialised by pickle without its memo (`_serialised`), so equal values give equal bytes whatever
    objects hold them; the few objects no rule of a batch run makes often (a changed state or
    relation, forces deployed in play) are said in words."""
    scenario = gs.scenario
    answers = tuple([(k, d.turn, d.side, d.treaty, d.source._value_) for k, d in gs.decisions.items()])
    states, relations = scenario.state_by_id, scenario.relation_by_pair
    changed_states = tuple([(k, None if v is states.get(k) else repr(v)) for k, v in gs.states.items()])
    changed_relations = tuple([(k, None if v is relations.get(k) else repr(v)) for k, v in gs.relations.items()])
    values = (gs.turn, gs.status._value_, gs.mode._value_, tuple([(k, c._value_) for k, c in gs.controls.items()]),
              gs.fired, gs.awaiting_manual, tuple(map(_ATTACK, gs.attacks.values())), gs.attack_turn,
              gs.turn_attacks, answers, gs.deferred, tuple(gs.invocations), changed_states, changed_relations,
              sorted([(t, sorted(m)) for t, m in gs.members_in_force.items()]),
              sorted([(t, sorted(m)) for t, m in gs.known_to.items()]), tuple(map(_WAR, gs.wars)), gs.channel_open,
              gs.options_due, gs.option_choices, gs.lapsed, sorted([(sorted(p), t) for p, t in gs.war_began.items()]),
              gs.ceased, sorted([(sorted(p), t) for p, t in gs.truces.items()]), repr(gs.forces))
    return hashlib.blake2b(_serialised(values), digest_size=16).digest()


# An attack's fields, and a war's, as a tuple (the kind by its value), read in C.
_ATTACK = attrgetter(*(f"{f.name}._value_" if f.name == "kind" else f.name for f in fields(Attack)))
_WAR = attrgetter(*(f.name for f in fields(War)))


def _serialised(values: object) -> bytes:
    """`values` (plain: strings, numbers, None, tuples, lists, dicts) as bytes, by pickle with its
    memo off ("fast" mode): with the memo, an object met twice is written as a reference to the
    first, so equal values held by different objects would give different bytes. Several times
    quicker than their words (`repr`), and as faithful: the bytes give back the values."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.fast = True
    pickler.dump(values)
    return out.getvalue()


def _state_at(run: _Run, opened: GameState, seed: int, states: list[str], reputation: Any,
              resolves: list[Event]) -> GameState:
    """The skeleton's state once the turn is open, with the run's seed, answers, verdicts and reputations."""
    gs = opened.copy()
    gs.seed = seed
    for e in resolves:
        apply(gs, e)
    assert run.decisions.keys() == gs.decisions.keys()
    restate_answers(gs, dict(run.decisions))
    gs.invocations = {k: run.invocations.get(k, v) for k, v in gs.invocations.items()}
    place = {s: i for i, s in enumerate(states)}
    values = reputation.tolist()
    gs.reputation = {s: values[place[s]] if s in place else r for s, r in gs.reputation.items()}
    return gs


def _step(run: _Run, gs: GameState, ctx: Context, closing: bool) -> tuple[tuple[Event, ...], GameState]:
    """The reference engine's phase from `gs`, the close of its open turn or the opening of the next,
    read into the run: its events and the state they made. The run keeps no log, so a close the
    compiled loops play settles its commitments and gives its answers without their events
    (`close`'s ledger and answers)."""
    if closing:
        ledger: list[Settled] = []
        answers: list[Decision] = []
        step = close(gs, ctx, own=True, ledger=ledger, answers=answers)
        run.read(step.events, ledger, answers)
    else:
        step = open_turn(gs, ctx, own=True)
        run.read(step.events)
    return step.events, step.state


def _play_on(run: _Run, gs: GameState, ctx: Context) -> GameState:
    """engine.game.Game.play from a state between turns, read into the run: open and close each turn
    left."""
    if gs.status is Status.OPEN:  # its options drawn: the turn's close is next
        gs = _step(run, gs, ctx, closing=True)[1]
    while gs.turn < gs.scenario.turns and gs.status is not Status.FINISHED:
        gs = _step(run, gs, ctx, closing=False)[1]
        gs = _step(run, gs, ctx, closing=True)[1]
        if gs.awaiting:
            raise RuntimeError("a batch run waits for cells")  # no cell plays a batch run
    return gs
