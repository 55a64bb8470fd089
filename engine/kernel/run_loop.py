"""A batch run played turn by turn over its own state, held as arrays and plain values, not as a
game's state and events: the kernel's run loop, in Python around its compiled parts.

The reference engine plays a batch run as a fold over events, and every turn of it builds a
phase (`engine.play.Play`), makes its events and folds them, whatever it changes. Most turns
change little: a run of the teaching scenario makes some 200 events and 140 answers in 28
phases. Here a run is what its turns read and change, kept as the compiled loops hold it:

- the version of the world's setting (`engine.state.GameState.setting`), which only an inject
  fired changes, and to a version the reference engine's own fold reads once per (version,
  inject) (`engine.kernel.setting.Transitions`);
- the reputations, in the states' id order;
- the wars, in the order they began, each with its turn (and as a matrix of pairs), and the
  attacks made, as the ceasefire rule and the probes read them;
- the injects fired and the options lapsed, as masks; the answers to each attack inject, as the
  probes read them;
- the answers that stand.

Every rule is the reference engine's, read where it lives: the options open and lapsing and each
option's chance and choice are compiled (`engine.kernel.option_phase`, `engine.kernel.options`),
a turn's cascade, its councils' votes, its commitments and cohesion are the compiled loops'
(`engine.kernel.war`, `engine.kernel.accounts`, `engine.kernel.settle_loop`), a ceasefire's wars
ended are `engine.options.rules.wars_ended`'s, asked of the run's wars, attacks and answers.
Tables a run needs and no run has met are read in a game's state made for the run at that point
(`RunState.state`), as the reference engine would hold it there. What the run loop holds is the
order of a turn: the injects due, then the options, each fired at once; then the cascade, the
options that lapse, the wars begun, the commitments accounted and cohesion.

What the runs of one plan share (the scenario laid out, the tables met) is
`engine.kernel.run_plan`'s. A run the loop does not play to the end (`OutOfScope`: a conditional
obligation in a cascade, say) is played by the kernel's other path. tests/test_kernel_run_loop.py
checks each run's summary against the reference engine's, field for field.
"""
from __future__ import annotations

from operator import itemgetter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .. import resolve as resolve_rules
from ..attack import Attack
from ..doctrine import readings as rd
from ..events import ResolveSet, WarBegun
from ..model import RESPONSES, Decision, Inject
from ..options.rules import probability, wars_ended
from ..play import Context, Play
from ..state import GameState, Status, apply
from ..turn import _option_draw
from ..world import War
from . import war_loop
from .option_phase import enemies_padded, lapsing_at, open_at, probes_of
from .options import (
    CHANCES,
    attack_chance_packed,
    attack_table,
    ceasefire_table,
    deployment_table,
    pack_attack,
    signed_table,
    withdrawal_table,
)
from .run_plan import TABLES_KEPT, Given, RunLoop
from .settle_loop import note_answers, settle_turn
from .war import ROWS_KEPT, CascadeTables, _constants, _Run, parties_wars

if TYPE_CHECKING:
    from ..mc_tally import RunSummary
    from ..montecarlo import Plan

__all__ = ["RunLoop", "play"]

_NOBODY: frozenset[str] = frozenset()
_ROUND = itemgetter(2)  # a war's round, in the cascade loop's rows (aggressor, defender, round)
_SUMMARY = itemgetter(1)  # what the run's summary reads of an answer given (Given)


class RunState:
    """One run: its state as the loop holds it (see the module)."""

    def __init__(self, loop: RunLoop, seed: int, ctx: Context, resolves: dict[str, float]) -> None:
        n = len(loop.ids)
        self.loop, self.seed, self.ctx, self.resolves = loop, seed, ctx, resolves
        self.version = loop.start.setting
        self.turn = 0
        self.reputation = np.asarray([loop.start.reputation[s] for s in loop.ids], dtype=np.float64)
        self.wars: list[War] = list(loop.start.wars)
        self.war_began: dict[frozenset[str], int] = dict(loop.start.war_began)
        self.attacks: dict[str, Attack] = dict(loop.start.attacks)
        self.attack_turn: dict[str, int] = dict(loop.start.attack_turn)
        # each answer that stands, and what the run's summary reads of it (attack, state, turn, level, bound)
        self.given: dict[tuple[str, str], Given] = {
            key: (d, (d.attack, d.state, d.turn, d.response.rank, d.treaty is not None))
            for key, d in loop.start.decisions.items()}
        self.answers: dict[tuple[str, str], Decision] = dict(loop.start.decisions)  # the same, as a game holds them
        self.ceased: dict[str, None] = dict(loop.start.ceased)
        self.fired_mask = np.zeros(len(loop.options.injects) + 1, dtype=np.bool_)  # (+1: see `scheduled`)
        self.out = np.empty(len(loop.options.options), dtype=np.int64)  # the options open or lapsing
        self.probes = np.empty(len(loop.probes.attacks) * n + 1, dtype=np.float64)  # an attacker's probes
        self.lapsed_mask = np.zeros(len(loop.options.injects), dtype=np.bool_)
        self.made = np.full(len(loop.probes.attacks), -1, dtype=np.int64)
        self.ranks = np.full((len(loop.probes.attacks), n), -1, dtype=np.int64)
        self.counts = np.zeros((len(loop.probes.attacks), n), dtype=np.bool_)
        self.turn_attacks: list[str] = []
        # the wars as a matrix of pairs, and each state's enemies as the readings take them (made when read)
        self.adjacent = np.zeros((n, n), dtype=np.bool_)
        self.enemy_rows = np.empty((n, n), dtype=np.int64)
        for w in self.wars:
            self.adjacent[loop.at[w.aggressor], loop.at[w.defender]] = True
            self.adjacent[loop.at[w.defender], loop.at[w.aggressor]] = True
        self._enemies: Any = None
        self.foes: dict[str, frozenset[str]] = {}  # each state's enemies by name
        for w in self.wars:
            self.foes[w.aggressor] = self.foes.get(w.aggressor, _NOBODY) | {w.defender}
            self.foes[w.defender] = self.foes.get(w.defender, _NOBODY) | {w.aggressor}
        # what the run's summary reads, in the order the reference engine's log says it
        self.fired: list[tuple[str, int]] = []
        # each commitment's (attack, ally) pair (RunLoop.pairs) kept (1) or broken (0), -1 none yet, the
        # pairs in the order first accounted, and the commitments tested and honoured
        self.pair_kept = np.full(len(loop.pairs) + 16, -1, dtype=np.int8)
        self.pair_order = np.zeros(len(loop.pairs) + 16, dtype=np.int64)
        self.n_order = 0
        self.commitments = np.zeros(2, dtype=np.int64)
        self.cohesion: dict[str, list[float]] = {}
        self.belligerents: set[str] = set()
        self.first_war: int | None = None
        # the answers in the order drawn, which a scripted crisis's record is matched against
        self.asked: list[tuple[str, str, int]] | None = [] if loop.scenario.script else None

    # --- the run's state as the reference engine would hold it, for a table no run has met ---------

    def state(self) -> GameState:
        """A game's state at this point of the run: the setting's version, the turn, the wars, the
        reputations, the attacks and answers (what the engine's readings of a table read)."""
        loop = self.loop
        kept = loop.transitions.states.get(self.version)
        if kept is None:  # no longer kept (past their bound): reached again by the run's injects
            self.version = loop.transitions.reach(self.history())
            kept = loop.transitions.states[self.version]
        gs = kept.copy()
        gs.seed, gs.turn, gs.status = self.seed, self.turn, Status.OPEN
        gs.reputation = dict(zip(loop.ids, self.reputation.tolist()))
        gs.attacks, gs.attack_turn = dict(self.attacks), dict(self.attack_turn)
        gs.decisions = dict(self.answers)
        gs.turn_attacks, gs.turn_decisions, gs.overrides, gs.options_due = list(self.turn_attacks), {}, {}, {}
        gs.resolves = dict(self.resolves)
        gs.ceased = dict(self.ceased)
        gs.fired = [x for x, _ in self.fired]
        gs.lapsed = dict.fromkeys(x for x, k in zip(self.loop.options.injects, self.lapsed_mask.tolist()) if k)
        # The wars put in by the fold's own rule, from none: their version names these wars.
        gs.wars, gs.war_began, gs.warfare, gs.truces = [], {}, 0, {}
        for w in self.wars:
            apply(gs, WarBegun(turn=self.war_began.get(w.pair, self.turn), aggressor=w.aggressor,
                               defender=w.defender, round=1, actor=w.aggressor, reason=""))
        return gs

    def at_version(self) -> tuple[rd.IdOrder, Any, Any]:
        """What a close reads of the run's version of the setting (RunLoop.read_version), read once per
        version."""
        versions = self.loop.versions
        found = versions.get(self.version)
        if found is None:
            world = self.state().played_world()  # (which may reach the version again: read it after)
            found = self.loop.read_version(world)
            versions[self.version] = found
        return found

    def history(self) -> list[Inject]:
        """The injects fired so far, in order."""
        inject = self.loop.scenario.inject
        return [inject(x) for x, _ in self.fired]

    # --- the wars ------------------------------------------------------------------------------------

    def enemies(self) -> Any:
        """Each state's enemies (numbered, ascending), padded with -1: as the option readings take them."""
        if self._enemies is None:
            enemies_padded(self.adjacent, self.enemy_rows)  # (read at once by its callers: one buffer)
            self._enemies = self.enemy_rows
        return self._enemies

    def enemies_of(self, state: str) -> frozenset[str]:
        """The state's enemies, by name (as `World.enemies` gives them)."""
        return self.foes.get(state, _NOBODY)

    def wars_of(self, attack: Attack, begun: list[list[int]] | None = None) -> tuple[frozenset[str], ...]:
        """What a table of `attack` whose binding counts adversaries is kept by (`parties_wars`), at the
        run's wars and those `begun` in the cascade so far (numbered pairs)."""
        if not begun:
            return parties_wars(attack, self.enemies_of)
        ids, at = self.loop.ids, self.loop.at

        def enemies(s: str) -> frozenset[str]:
            i = at[s]
            more = {ids[b] for a, b, *_ in begun if a == i} | {ids[a] for a, b, *_ in begun if b == i}
            return self.enemies_of(s) | more if more else self.enemies_of(s)
        return parties_wars(attack, enemies)

    def begin_war(self, a: str, d: str) -> None:
        self.wars.append(War(a, d))
        self.war_began.setdefault(frozenset((a, d)), self.turn)
        self.belligerents.update((a, d))
        if self.first_war is None:
            self.first_war = self.turn
        self._at_war(a, d, True)

    def end_war(self, a: str, d: str, origins: tuple[str, ...]) -> None:
        self.wars = [w for w in self.wars
                     if not ((w.aggressor == a and w.defender == d) or (w.aggressor == d and w.defender == a))]
        self.war_began.pop(frozenset((a, d)), None)
        for origin in origins:
            self.ceased[origin] = None
        self._at_war(a, d, False)

    def _at_war(self, a: str, d: str, at_war: bool) -> None:
        i, j = self.loop.at[a], self.loop.at[d]
        self.adjacent[i, j] = self.adjacent[j, i] = at_war
        self._enemies = None
        foes = self.foes
        if at_war:
            foes[a], foes[d] = foes.get(a, _NOBODY) | {d}, foes.get(d, _NOBODY) | {a}
        else:
            foes[a], foes[d] = foes.get(a, _NOBODY) - {d}, foes.get(d, _NOBODY) - {a}

    # --- a turn ----------------------------------------------------------------------------------------

    def open(self) -> None:
        """The turn's opening (engine.turn._open_turn): the injects due fire, then each open option
        is its actor's choice, fired at once when taken."""
        loop = self.loop
        self.turn += 1
        self.turn_attacks = []
        fired = self.fired_mask
        for inject, requires in loop.scheduled.get(self.turn, ()):
            if all(fired[r] for r in requires):
                self.fire(inject)
        out = self.out
        n = open_at(loop.options.arrays, self.turn, fired, self.lapsed_mask, self.enemies(), out)
        if n:
            drawing = cast(GameState, SimpleNamespace(seed=self.seed, turn=self.turn))
            for o in out[:n].tolist():
                inject = loop.by_option[loop.options.options[o]]
                if _option_draw(drawing, inject) < self.chance(inject):
                    self.fire(inject)

    def fire(self, inject: Inject) -> None:
        """An inject fired (engine.turn._fire): the setting it leads to, the wars a ceasefire ends,
        the attack it makes."""
        loop = self.loop
        self.fired.append((inject.id, self.turn))
        self.fired_mask[loop.place[inject.id]] = True
        try:
            self.version = loop.transitions.after(self.version, inject)
        except KeyError:  # its version no longer kept: reached again by the run's injects, this one's too
            self.version = loop.transitions.reach(self.history())
        if inject.kind.traits.ends_war:
            self.ceasefire(inject)
        attack = loop.attack_of[inject.id]
        if attack is not None:
            self.attacks[attack.id] = attack
            made = self.attack_turn.setdefault(attack.id, self.turn)
            if attack.id not in self.turn_attacks:
                self.turn_attacks.append(attack.id)
            a = loop.attack_place.get(attack.id)
            if a is not None:
                self.made[a] = made

    def ceasefire(self, inject: Inject) -> None:
        """The wars a ceasefire ends: the rule's own (engine.options.rules.wars_ended), asked of the
        run's wars, attacks and answers."""
        held = SimpleNamespace(wars=self.wars, attacks=self.attacks, ceased=self.ceased, decisions=self.answers)
        found = wars_ended(cast(GameState, held), inject)
        if found is not None:
            war, origins, others = found
            self.end_war(war.aggressor, war.defender, origins)
            for other in others:
                self.end_war(other.aggressor, other.defender, ())

    # --- an option's chance: its kind's compiled reading, over its table at the run's version ----------

    def chance(self, inject: Inject) -> float:
        """The chance the actor takes the option now, as `engine.options.probability` gives it."""
        loop = self.loop
        kind, actor, keyed_by = loop.option_of[inject.id]
        resolve = self.resolves.get(inject.id, inject.resolve)
        key: tuple[object, ...] = (inject.id, self.version)
        if keyed_by:
            key += (self.enemies_of(keyed_by),)
        elif kind not in CHANCES:  # a kind the doctrine reads through its case: the engine's own reading
            gs = self.state()
            return probability(gs, inject, gs.played_world())
        table = loop.option_tables.get(key)
        if table is None:
            if len(loop.option_tables) >= TABLES_KEPT:  # memory flat however many runs: afresh
                loop.option_tables.clear()
            table = loop.option_tables[key] = self._option_table(kind, inject)
        chance: float
        if kind == "attack":
            probes = self.probes
            n = probes_of(loop.probes.arrays, loop.at[actor], self.turn, self.made, self.ranks, self.counts, probes)
            chance = attack_chance_packed(*table, self.reputation, self.enemies(), probes[:n], resolve)
        elif kind == "deployment" or kind == "treaty-signed":
            chance = CHANCES[kind](table, self.reputation, resolve)
        elif kind == "ceasefire":
            began = self.war_began.get(frozenset((actor, inject.target or "")))
            chance = CHANCES[kind](table, self.enemies(), self.turn - began + 1 if began is not None else 0, resolve)
        else:
            aggressors = np.zeros(len(loop.ids), dtype=np.bool_)
            for w in self.wars:
                aggressors[loop.at[w.aggressor]] = True
            chance = CHANCES[kind](table, self.reputation, self.enemies(), aggressors, resolve)
        return chance

    def _option_table(self, kind: str, inject: Inject) -> Any:
        """The option's table, read off the reference engine's reading in the run's state now."""
        gs = self.state()
        world = gs.played_world()
        if kind == "attack":
            return pack_attack(attack_table(world, inject, gs.setting).arrays)
        if kind == "deployment":
            return deployment_table(world, inject, gs.setting, gs.warfare)
        if kind == "ceasefire":
            return ceasefire_table(world, inject)
        if kind == "treaty-signed":
            return signed_table(world, inject, gs.warfare)
        return withdrawal_table(world, inject)

    # --- the close ----------------------------------------------------------------------------------

    def close(self) -> None:
        """The turn's close (engine.turn._close_turn): the cascade of its attacks and the councils'
        votes and commitments in the compiled loops, then the options that lapse, the wars begun,
        the commitments accounted, cohesion."""
        loop = self.loop
        if self.turn_attacks:
            with loop.cascade.lock:
                self.cascade()
        out = self.out
        n = lapsing_at(loop.options.arrays, self.turn, self.fired_mask, self.lapsed_mask, out)
        for o in out[:n].tolist():
            self.lapsed_mask[loop.options.arrays[0][o]] = True

    def cascade(self) -> None:
        loop, tables = self.loop, self.loop.cascade
        if len(tables.situations) >= ROWS_KEPT or len(tables.found) >= ROWS_KEPT:
            tables._empty()
        order, powers, in_force = self.at_version()
        play: Play | None = None

        def playing() -> Play:
            nonlocal play
            if play is None:
                play = Play(self.state(), self.ctx, own=True)
            return play

        first = []
        for attack_id in self.turn_attacks:
            attack = self.attacks[attack_id]
            counts = loop.counts_wars.get((self.version, attack))
            if counts is None:
                if len(loop.counts_wars) >= ROWS_KEPT:
                    loop.counts_wars.clear()
                counts = loop.counts_wars[(self.version, attack)] = playing().graph.counts_wars(attack)
            k = tables.known(self.version, self.turn, attack, _NOBODY, self.wars_of(attack) if counts else None)
            first.append(tables.table(playing(), attack) if k is None else k)
        at = loop.at
        run = _Run(tables, first, [(at[w.aggressor], at[w.defender]) for w in self.wars],
                   self.reputation.copy(), *_constants(self.ctx.doctrine, order),
                   f"{self.seed}|{self.turn}|".encode())
        tables.drive(run, playing, self.counted)
        self.settle(tables, run, powers, in_force)

    def counted(self, k: int, run: _Run) -> int | None:
        """Table k's attack, whose binding counts adversaries, at the wars as they stand in the cascade
        `run` (the run's and those begun in it), if built."""
        tables = self.loop.cascade
        n_wars = war_loop.answers_and_wars(run.cursor)[1]
        return tables.known(self.version, self.turn, tables.attacks[k], tables.answered[k],
                            self.wars_of(tables.attacks[k], run.wars[:n_wars].tolist()))

    def settle(self, tables: CascadeTables, run: _Run, powers: Any, in_force: Any) -> None:
        """What the cascade the loop played leaves: the answers drawn, which stand; the attacks of its
        later rounds; the wars begun; the commitments accounted, each moving its ally's reputation;
        each treaty's cohesion (engine.resolve, in its order)."""
        loop, names, turn = self.loop, self.loop.ids, self.turn
        n_answers, n_wars = war_loop.answers_and_wars(run.cursor)
        attacks = tables.attacks
        answers = run.answers[:n_answers]
        rows = loop.rows(tables)
        note_answers(answers, rows.probe.view(), rows.state.view(), rows.counts.view(), self.ranks, self.counts)
        drawn = answers[answers[:, 3] == 0]  # (a side already taken is no answer given this turn)
        if drawn.shape[0]:
            rows_drawn = drawn[:, 1].tolist()
            places = (drawn[:, 1] * len(RESPONSES) + drawn[:, 2]).tolist()
            entries = rows.entries
            found = list(map(entries.__getitem__, places))
            if None in found:  # an answer no run gave before: made once, shared (a decision is frozen)
                for i, place in enumerate(places):
                    if found[i] is None:
                        j, level = divmod(place, len(RESPONSES))
                        d = tables.drawn(j, level, turn)
                        found[i] = entries[place] = (d, (d.attack, d.state, d.turn, d.response.rank,
                                                         d.treaty is not None))
            keys = list(map(rows.keys.__getitem__, rows_drawn))
            given = cast("list[Given]", found)
            self.given.update(zip(keys, given))
            self.answers.update(zip(keys, [d for d, _ in given]))
            if self.asked is not None:
                self.asked.extend((a, s, turn) for a, s in keys)
        examined = run.examined[:war_loop.examined(run.cursor)]
        for k in examined[examined[:, 0] > 1, 1].tolist():  # the attacks of the later rounds
            attack = attacks[k]
            self.attacks[attack.id] = attack
            self.attack_turn.setdefault(attack.id, turn)
        if n_wars:
            at_war = {w.pair for w in self.wars}
            for a, b, _ in sorted(run.wars[:n_wars].tolist(), key=_ROUND):  # round by round
                pair = frozenset((names[a], names[b]))
                if pair not in at_war:
                    self.begin_war(names[a], names[b])
                    at_war.add(pair)
        acc = tables.account
        n_groups, n_tested = acc.resolve(tables, run)
        if not n_groups:
            return
        t_ally, t_na, t_pair, t_treaty = loop.triggers(acc)
        if self.pair_kept.shape[0] < len(loop.pairs):
            grown = np.full(2 * len(loop.pairs), -1, dtype=np.int8)
            grown[:self.pair_kept.shape[0]] = self.pair_kept
            self.pair_kept = grown
            self.pair_order = np.concatenate([self.pair_order, np.zeros_like(grown, dtype=np.int64)])
        groups = acc.out("groups", 0)[:n_groups]
        rounds = run.examined[groups[:, 0], 0]
        value = np.empty(len(loop.scenario.treaties), dtype=np.float64)
        cases = np.empty(len(loop.scenario.treaties), dtype=np.int64)
        self.n_order = settle_turn(
            groups, rounds, acc.out("owed", 0)[:groups[-1, 5]], acc.out("tested", 0)[:n_tested], t_ally, t_na,
            t_pair, t_treaty, self.reputation, resolve_rules.REPUTATION_GAIN, resolve_rules.REPUTATION_LOSS,
            self.pair_kept, self.pair_order, self.n_order, self.commitments, powers, in_force, value, cases)
        for k in np.flatnonzero(cases).tolist():
            n = int(cases[k])
            total = self.cohesion.setdefault(loop.treaty_ids[k], [0.0, 0.0])
            total[0] += float(value[k]) * n
            total[1] += n

    # --- the run's summary ----------------------------------------------------------------------------

    def summary(self, index: int, drawn: tuple[float, ...]) -> RunSummary:
        """engine.montecarlo.summarise, read off the run's own state."""
        from ..mc_tally import RunSummary
        from ..montecarlo import _script_matches
        order = self.pair_order[:self.n_order]
        honour = self.loop.honour
        script = None
        if self.asked is not None:
            final = {key: (t, r, b) for key, (_, (_, _, t, r, b)) in self.given.items()}
            script = _script_matches(self.loop.scenario, self.asked, final,
                                     {a: x.origin for a, x in self.attacks.items()})
        return RunSummary(
            index=index,
            decisions=tuple(map(_SUMMARY, self.given.values())),
            honour=tuple(map(honour.__getitem__, (2 * order + self.pair_kept[order]).tolist())),
            honoured=int(self.commitments[1]), tested=int(self.commitments[0]),
            cohesion=tuple((t, total / n) for t, (total, n) in self.cohesion.items() if n),
            belligerents=len(self.belligerents), first_war=self.first_war, script=script, weights=drawn,
            injects=tuple(self.fired))


def play(plan: Plan, loop: RunLoop, index: int) -> RunSummary:
    """Run `index` of the plan, played by the run loop (raises OutOfScope where it cannot)."""
    from ..montecarlo import _PLAYERS, _resolves, run_seed, run_weights
    drawn = run_weights(plan.seed, index, plan.vary)
    weights, resolves = _resolves(drawn)
    ctx = Context(_PLAYERS.doctrine(plan.scenario, dict(plan.weights) | weights), stochastic=True, verbose=False)
    run = RunState(loop, run_seed(plan.seed, index), ctx,
                   {e.inject: e.resolve for e in resolves if isinstance(e, ResolveSet)})
    for _ in range(plan.scenario.turns):
        run.open()
        run.close()
    return run.summary(index, tuple(drawn.values()))
