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
- the wars, in the order they began (numbered pairs), as a matrix of pairs, and each pair's turn
  its war began;
- the attacks made, numbered by the plan, each with the turn it was first made, in the order made;
- the answers that stand: per (attack, state), numbered by the plan, the number of its answer
  (each answer is made once per plan and shared by the runs that give it), in the order first
  answered, and every answer drawn with its turn, in the order drawn;
- the injects fired and the options lapsed, as masks; the answers to each attack inject, as the
  probes read them.

These are arrays, so a cascade's close (its votes, the answers it leaves, the wars it begins, the
commitments settled and cohesion) is one compiled call (`engine.kernel.settle_loop`). The maps a
game holds (the wars, attacks and answers as the reference engine's readings and the ceasefire's
rule take them) are made from them when read, and kept until they change.

Every rule is the reference engine's, read where it lives: the options open and lapsing and each
option's chance and choice are compiled (`engine.kernel.option_phase`, `engine.kernel.options`),
a turn's cascade, its councils' votes, its commitments and cohesion are the compiled loops'
(`engine.kernel.war`, `engine.kernel.accounts`, `engine.kernel.settle_loop`), a ceasefire's wars
ended are `engine.options.rules.wars_ended_of`'s, asked of the run's wars, attacks and answers.
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

from contextlib import suppress
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .. import resolve as resolve_rules
from ..attack import Attack
from ..doctrine import readings as rd
from ..events import ResolveSet, WarBegun
from ..mc_tally import RunSummary
from ..model import RESPONSES, Decision, Inject
from ..options.rules import probability, wars_ended_of
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
from .run_plan import TABLES_KEPT, RunLoop
from .scope import OutOfScope
from .settle_loop import (
    ANSWERED,
    ASKED,
    ATTACKS,
    COUNTERS,
    FIRST_WAR,
    PAIRS,
    SETTLED,
    TREATIES,
    UNNUMBERED,
    WARS,
    armed_answers,
    close_cascade,
    end_pairs,
)
from .war import ROWS_KEPT, CascadeTables, _constants, _Run, parties_wars

if TYPE_CHECKING:
    from ..montecarlo import Plan

__all__ = ["ASKED", "Renumbered", "RunLoop", "RunState", "play", "warm_up"]

_NOBODY: frozenset[str] = frozenset()


class Renumbered(Exception):
    """The plan numbered afresh while the run was played (another thread's run began past the bound):
    the run is played again from its start."""


class RunState:
    """One run: its state as the loop holds it (see the module)."""

    def __init__(self, loop: RunLoop, seed: int, ctx: Context, resolves: dict[str, float]) -> None:
        n, start = len(loop.ids), loop.start
        self.loop, self.seed, self.ctx, self.resolves = loop, seed, ctx, resolves
        with loop.cascade.lock:
            self.numbering = loop.numbers()  # (the plan's numbers its arrays hold: `renumbered`)
        self.version = start.setting
        self.turn = 0
        self.reputation = loop.start_reputation.copy()
        self.at = np.zeros(COUNTERS, dtype=np.int64)  # the run's counters (engine.kernel.settle_loop)
        self.at[FIRST_WAR] = -1
        # each answer drawn, with its turn, in the order drawn: a scripted crisis's record is matched
        # against them, and the answers as a game holds them are brought up to date from them
        self.asked = np.zeros((64, 2), dtype=np.int64)
        # the answers that stand: per (attack, state) numbered by the plan, its answer's number (-1: none),
        # and the pairs in the order first answered
        self.key_given = loop.blank(len(loop.keys) + 64, -1)
        self.key_order = np.zeros(len(loop.keys) + 64, dtype=np.int64)
        for key, given in zip(loop.start_keys, loop.start_given):
            self.key_order[self.at[ANSWERED]] = key
            self.at[ANSWERED] += 1
            self.key_given[key] = given
        # the attacks made: per attack numbered by the plan, the turn it was first made (-1: not made), and
        # the attacks in the order made
        self.attack_turn_of = loop.blank(len(loop.attack_list) + 64, -1)
        self.attack_order = np.zeros(len(loop.attack_list) + 64, dtype=np.int64)
        for a in loop.start_attacks:
            self.made_attack(a, start.attack_turn[loop.attack_list[a].id])
        # the wars: the pairs at war (a matrix), the wars in the order they began (numbered aggressor,
        # defender), each pair's turn its war began (-1: none), the states that went to war in the run
        self.adjacent = np.zeros((n, n), dtype=np.bool_)
        self.war_list = np.zeros((n * n + len(start.wars) + 1, 2), dtype=np.int64)
        self.began = loop.blank((n, n), -1)
        self.belligerent = np.zeros(n, dtype=np.bool_)
        for w in start.wars:
            i, j = loop.at[w.aggressor], loop.at[w.defender]
            self.adjacent[i, j] = self.adjacent[j, i] = True
            self.war_list[self.at[WARS]] = i, j
            self.at[WARS] += 1
            self.began[i, j] = self.began[j, i] = start.war_began.get(w.pair, -1)
        self.ceased: dict[str, None] = dict(start.ceased)
        self.fired_mask = np.zeros(len(loop.options.injects) + 1, dtype=np.bool_)  # (+1: see `scheduled`)
        self.out = np.empty(len(loop.options.options), dtype=np.int64)  # the options open or lapsing
        self.probes = np.empty(len(loop.probes.attacks) * n + 1, dtype=np.float64)  # an attacker's probes
        self.lapsed_mask = np.zeros(len(loop.options.injects), dtype=np.bool_)
        self.made = loop.blank(len(loop.probes.attacks), -1)
        self.ranks = loop.blank((len(loop.probes.attacks), n), -1)
        self.counts = np.zeros((len(loop.probes.attacks), n), dtype=np.bool_)
        self.turn_attacks: list[str] = []
        self.enemy_rows = np.empty((n, n), dtype=np.int64)
        # what the run's summary reads, in the order the reference engine's log says it
        self.fired: list[tuple[str, int]] = []
        # each commitment's (attack, ally) pair (RunLoop.pairs) kept (1) or broken (0), -1 none yet, the
        # pairs in the order first accounted, and the commitments tested and honoured
        self.pair_kept = loop.blank(len(loop.pairs) + 16, -1, np.int8)
        self.pair_order = np.zeros(len(loop.pairs) + 16, dtype=np.int64)
        self.commitments = np.zeros(2, dtype=np.int64)
        # per treaty, its cohesion summed over the turns weighted by the commitments it weighed, and those
        # commitments; the treaties in the order first measured
        self.cohesion = np.zeros(len(loop.treaty_ids), dtype=np.float64)
        self.cases = np.zeros(len(loop.treaty_ids), dtype=np.int64)
        self.treaty_order = np.zeros(len(loop.treaty_ids), dtype=np.int64)
        self.missing = np.zeros(64, dtype=np.int64)  # answers a cascade drew that are not numbered yet
        self.armed = np.zeros((2, 64), dtype=np.int64)  # the answers in arms, as a ceasefire reads them
        self.last: _Run | None = None  # the run's last cascade, whose arrays the next one takes over
        self._changed()
        # the answers that stand as a game holds them, and how many of those asked they have taken
        self._answers: dict[tuple[str, str], Decision] = {
            loop.keys[k]: loop.given[self.key_given[k]][0] for k in self.key_order[:self.at[ANSWERED]].tolist()}
        self._answered = 0
        self._attacks: tuple[int, dict[str, Attack]] = (-1, {})

    def renumbered(self) -> None:
        """Raise Renumbered if the plan's numbers are no longer those the run's arrays hold."""
        if self.numbering != self.loop.numbering:
            raise Renumbered

    def _changed(self) -> None:
        """The wars changed: what is read of them is made again when next read."""
        self._wars: list[War] | None = None
        self._enemies: Any = None
        self._foes: dict[str, frozenset[str]] = {}

    def made_attack(self, a: int, turn: int) -> int:
        """Attack `a` (numbered by the plan) made on `turn`: the turn it was first made."""
        if a >= self.attack_turn_of.shape[0]:
            self._room()
        if self.attack_turn_of[a] < 0:
            self.attack_turn_of[a] = turn
            self.attack_order[self.at[ATTACKS]] = a
            self.at[ATTACKS] += 1
        return int(self.attack_turn_of[a])

    def _room(self) -> None:
        """Room in the run's arrays for every (attack, state) and attack the plan has numbered."""
        loop = self.loop
        if len(loop.keys) > self.key_given.shape[0]:
            more = len(loop.keys) + 64 - self.key_given.shape[0]
            self.key_given = np.concatenate([self.key_given, np.full(more, -1, dtype=np.int64)])
            self.key_order = np.concatenate([self.key_order, np.zeros(more, dtype=np.int64)])
        if len(loop.attack_list) > self.attack_turn_of.shape[0]:
            more = len(loop.attack_list) + 64 - self.attack_turn_of.shape[0]
            self.attack_turn_of = np.concatenate([self.attack_turn_of, np.full(more, -1, dtype=np.int64)])
            self.attack_order = np.concatenate([self.attack_order, np.zeros(more, dtype=np.int64)])

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
        gs.attacks, gs.attack_turn = dict(self.attacks), self.attack_turn
        gs.decisions = dict(self.answers)
        gs.turn_attacks, gs.turn_decisions, gs.overrides, gs.options_due = list(self.turn_attacks), {}, {}, {}
        gs.resolves = dict(self.resolves)
        gs.ceased = dict(self.ceased)
        gs.fired = [x for x, _ in self.fired]
        gs.lapsed = dict.fromkeys(x for x, k in zip(self.loop.options.injects, self.lapsed_mask.tolist()) if k)
        # The wars put in by the fold's own rule, from none: their version names these wars.
        gs.wars, gs.war_began, gs.warfare, gs.truces = [], {}, 0, {}
        for w, (a, b) in zip(self.wars, self.war_list[:self.at[WARS]].tolist()):
            began = int(self.began[a, b])
            apply(gs, WarBegun(turn=began if began >= 0 else self.turn, aggressor=w.aggressor,
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

    # --- the run's records as a game holds them (made when read) ---------------------------------------

    @property
    def wars(self) -> list[War]:
        """The wars, in the order they began."""
        if self._wars is None:
            ids, war = self.loop.ids, self.loop.war
            self._wars = [war(ids[a], ids[b]) for a, b in self.war_list[:self.at[WARS]].tolist()]
        return self._wars

    @property
    def attacks(self) -> dict[str, Attack]:
        """The attacks made, by their ids, in the order made (read only: kept until an attack is made)."""
        made = int(self.at[ATTACKS])
        if self._attacks[0] != made:
            self.renumbered()
            attack_list = self.loop.attack_list
            self._attacks = (made, {attack_list[a].id: attack_list[a] for a in self.attack_order[:made].tolist()})
        return self._attacks[1]

    @property
    def attack_turn(self) -> dict[str, int]:
        """The turn each attack was first made."""
        self.renumbered()
        attack_list = self.loop.attack_list
        return {attack_list[a].id: int(self.attack_turn_of[a]) for a in self.attack_order[:self.at[ATTACKS]].tolist()}

    @property
    def answers(self) -> dict[tuple[str, str], Decision]:
        """The answers that stand, as a game holds them: brought up to date when read (a ceasefire reads
        them, most turns do not), from the answers asked since, each (attack, state) in the place of its
        first answer with its last."""
        asked = int(self.at[ASKED])
        if self._answered < asked:
            self.renumbered()
            keys, given, key_given, answers = self.loop.keys, self.loop.given, self.key_given, self._answers
            for k in self.asked[self._answered:asked, 0].tolist():
                answers[keys[k]] = given[key_given[k]][0]
            self._answered = asked
        return self._answers

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

    def numbered(self) -> Any:
        """The wars, numbered (aggressor, defender), in the order they began: as the cascade loop takes them."""
        return self.war_list[:self.at[WARS]]

    def enemies_of(self, state: str) -> frozenset[str]:
        """The state's enemies, by name (as `World.enemies` gives them)."""
        found = self._foes.get(state)
        if found is None:
            found = self._foes[state] = self.loop.foes(self.loop.at[state], self.adjacent)
        return found

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

    def end_wars(self, pairs: list[tuple[str, str]], origins: tuple[str, ...]) -> None:
        """The wars of `pairs` ended (a ceasefire's), and the attacks that began the first noted as ceased."""
        at = self.loop.at
        end_pairs(np.asarray([(at[a], at[d]) for a, d in pairs], dtype=np.int64), self.war_list, self.adjacent,
                 self.began, self.at)
        for origin in origins:
            self.ceased[origin] = None
        self._changed()

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
            made = self.made_attack(loop.attack_number[inject.id], self.turn)
            if attack.id not in self.turn_attacks:
                self.turn_attacks.append(attack.id)
            a = loop.attack_place.get(attack.id)
            if a is not None:
                self.made[a] = made

    def ceasefire(self, inject: Inject) -> None:
        """The wars a ceasefire ends: the rule's own (engine.options.rules.wars_ended_of), asked of the
        run's wars, attacks and answers in arms (numbered once per answer by the plan, as the rule says)."""
        loop = self.loop
        n = int(self.at[ANSWERED])
        if self.armed.shape[1] < n:
            self.armed = np.zeros((2, 2 * n), dtype=np.int64)
        with loop.cascade.lock:  # (the column grows in a cascade's close, under the lock)
            self.renumbered()
            m = armed_answers(self.key_order[:n], self.key_given, loop.in_arms.view(), self.armed[0], self.armed[1])
        keys, given = loop.keys, loop.given
        found = wars_ended_of(self.wars, self.attacks, self.ceased, [
            (keys[k], given[g][0]) for k, g in zip(self.armed[0, :m].tolist(), self.armed[1, :m].tolist())], inject)
        if found is not None:
            war, origins, others = found
            self.end_wars([(w.aggressor, w.defender) for w in (war, *others)], origins)

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
            target = loop.at.get(inject.target or "")
            began = int(self.began[loop.at[actor], target]) if target is not None else -1
            chance = CHANCES[kind](table, self.enemies(), self.turn - began + 1 if began >= 0 else 0, resolve)
        else:
            aggressors = np.zeros(len(loop.ids), dtype=np.bool_)
            aggressors[self.numbered()[:, 0]] = True
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
            attack = loop.attack_list[loop.attack_of_id[attack_id]]
            counts = loop.counts_wars.get((self.version, attack))
            if counts is None:
                if len(loop.counts_wars) >= ROWS_KEPT:
                    loop.counts_wars.clear()
                counts = loop.counts_wars[(self.version, attack)] = playing().graph.counts_wars(attack)
            k = tables.known(self.version, self.turn, attack, _NOBODY, self.wars_of(attack) if counts else None)
            first.append(tables.table(playing(), attack) if k is None else k)
        run = self.last = _Run(tables, first, self.numbered(), self.reputation.copy(),
                               *_constants(self.ctx.doctrine, order), f"{self.seed}|{self.turn}|".encode(), self.last)
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
        """What the cascade the loop played leaves, in one compiled call (`close_cascade`): the councils'
        votes and commitments; the answers drawn, which stand; the attacks of its later rounds; the wars
        begun; the commitments accounted, each moving its ally's reputation; each treaty's cohesion
        (engine.resolve, in its order)."""
        loop = self.loop
        self.renumbered()
        n_answers, n_wars = war_loop.answers_and_wars(run.cursor)
        rows = loop.rows(tables)  # (which numbers the new rows' (attack, state) pairs and attacks)
        acc = tables.account
        triggers = loop.triggers(acc)  # (which numbers the new commitments' pairs)
        self._room()
        if self.missing.shape[0] < n_answers:
            self.missing = np.zeros(2 * n_answers, dtype=np.int64)
        if self.at[ASKED] + n_answers > self.asked.shape[0]:
            self.asked = np.concatenate([self.asked, np.zeros((self.asked.shape[0] + n_answers, 2), dtype=np.int64)])
        if self.pair_kept.shape[0] < len(loop.pairs):
            grown = np.full(2 * len(loop.pairs), -1, dtype=np.int8)
            grown[:self.pair_kept.shape[0]] = self.pair_kept
            self.pair_kept = grown
            self.pair_order = np.concatenate([self.pair_order, np.zeros_like(grown, dtype=np.int64)])
        room = max(len(acc.treaty_of), len(acc.triggers))
        answers, examined = run.answers[:n_answers], run.examined[:war_loop.examined(run.cursor)]
        arrays = (self.ranks, self.counts, self.key_given, self.key_order, self.asked, self.attack_turn_of,
                  self.attack_order, self.adjacent, self.war_list, self.began, self.belligerent, self.reputation,
                  self.pair_kept, self.pair_order, self.commitments, self.cohesion, self.cases, self.treaty_order)
        while True:
            status, detail = close_cascade(
                answers, examined, run.wars[:n_wars], rows.arrays(), len(RESPONSES), rows.attack.view(), self.turn,
                acc.arrays(), acc.outs(tables, room), triggers, resolve_rules.REPUTATION_GAIN,
                resolve_rules.REPUTATION_LOSS, powers, in_force, arrays, self.at, self.missing)
            if status == SETTLED:
                break
            if status == UNNUMBERED:  # answers no run gave before: numbered once, shared (a decision is frozen)
                for place in set(self.missing[:detail].tolist()):
                    j, level = divmod(place, len(RESPONSES))
                    rows.given.set(place, loop.answer(tables.drawn(j, level, self.turn)))
            else:
                room *= 2  # (a turn meets each table once, so its groups and obligations fit: never so far)
        if detail:
            self._changed()

    # --- the run's summary ----------------------------------------------------------------------------

    def summary(self, index: int, drawn: tuple[float, ...]) -> RunSummary:
        """engine.montecarlo.summarise, read off the run's own state."""
        loop = self.loop
        self.renumbered()
        order = self.pair_order[:self.at[PAIRS]]
        keys = self.key_order[:self.at[ANSWERED]]
        decisions = tuple(map(loop.summaries.__getitem__, self.key_given[keys].tolist()))
        script = None
        if loop.scenario.script:
            from ..montecarlo import _script_matches
            asked = [(*loop.keys[k], t) for k, t in self.asked[:self.at[ASKED]].tolist()]
            final = {loop.keys[k]: (t, r, b) for k, (_, _, t, r, b) in zip(keys.tolist(), decisions)}
            script = _script_matches(loop.scenario, asked, final, {a: x.origin for a, x in self.attacks.items()})
        first_war = int(self.at[FIRST_WAR])
        return RunSummary(
            index=index,
            decisions=decisions,
            honour=tuple(map(loop.honour.__getitem__, (2 * order + self.pair_kept[order]).tolist())),
            honoured=int(self.commitments[1]), tested=int(self.commitments[0]),
            cohesion=tuple((loop.treaty_ids[k], float(self.cohesion[k]) / int(self.cases[k]))
                           for k in self.treaty_order[:self.at[TREATIES]].tolist()),
            belligerents=int(np.count_nonzero(self.belligerent)), first_war=first_war if first_war >= 0 else None,
            script=script, weights=drawn, injects=tuple(self.fired))


def warm_up(plan: Plan, loop: RunLoop) -> None:
    """The run loop's compiled parts compiled (or loaded from numba's disk cache) where the kernel's
    first compile is timed and reported, before any worker starts (some 8 s cold, not a silent pause
    in each worker): by playing the plan's first run, whose tables its runs would build anyway (its
    summary is not kept)."""
    with suppress(OutOfScope):  # (its runs are played the older way)
        play(plan, loop, 0)


def play(plan: Plan, loop: RunLoop, index: int) -> RunSummary:
    """Run `index` of the plan, played by the run loop (raises OutOfScope where it cannot)."""
    from ..montecarlo import _PLAYERS, _resolves, run_seed, run_weights
    drawn = run_weights(plan.seed, index, plan.vary)
    weights, resolves = _resolves(drawn)
    ctx = Context(_PLAYERS.doctrine(plan.scenario, dict(plan.weights) | weights), stochastic=True, verbose=False)
    run = RunState(loop, run_seed(plan.seed, index), ctx,
                   {e.inject: e.resolve for e in resolves if isinstance(e, ResolveSet)})
    try:
        for _ in range(plan.scenario.turns):
            run.open()
            run.close()
        return run.summary(index, tuple(drawn.values()))
    except Renumbered:
        return play(plan, loop, index)
