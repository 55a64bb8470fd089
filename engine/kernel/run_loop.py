"""A batch run played turn by turn over its own state, held as arrays and plain values, not as a
game's state and events: the kernel's run loop, in Python around its compiled parts.

The reference engine plays a batch run as a fold over events, and every turn of it builds a
phase (`engine.play.Play`), makes its events and folds them, whatever it changes. Most turns
change little: a run of the teaching scenario makes some 200 events and 140 answers in 28
phases. Here a run is what its turns read and change, kept as the compiled loops hold it:

- the version of the world's setting (`engine.state.GameState.setting`, numbered by the plan),
  which only an inject fired changes, and to a version the reference engine's own fold reads once
  per (version, inject) (`engine.kernel.setting.Transitions`);
- the reputations, in the states' id order;
- the wars, in the order they began (numbered pairs), as a matrix of pairs, and each pair's turn
  its war began;
- the attacks made, numbered by the plan, each with the turn it was first made, in the order made;
- the answers that stand: per (attack, state), numbered by the plan, the number of its answer
  (each answer is made once per plan and shared by the runs that give it), in the order first
  answered, and every answer drawn with its turn, in the order drawn;
- the injects fired (a mask, and a log with their turns) and the options lapsed; the attacks made
  this turn; the answers to each attack inject, as the probes read them.

These are arrays, so a cascade's close (its votes, the answers it leaves, the wars it begins, the
commitments settled and cohesion) is one compiled call (`engine.kernel.settle_loop`). The maps a
game holds (the wars, attacks and answers as the reference engine's readings and the ceasefire's
rule take them) are made from them when read, and kept until they change.

Every rule is the reference engine's, read where it lives. The turns' openings are one compiled call
(`engine.kernel.open_loop`): the injects due, the options open, each option's chance and choice
(`engine.kernel.option_phase`, `engine.kernel.options`), each inject fired; a turn that made no
attack has an empty cascade, and the call goes on to the next turn. The compiled turn loop
(`engine.kernel.turn_loop`) calls it, ends each ceasefire's wars, and closes each turn that made
attacks where what its close reads was looked up before; else it stops for that close (made here,
which keeps what it looked up), for what the plan has not met (a transition, an option's table:
read here, kept in `engine.kernel.opening`), and goes on. A turn's cascade, its
councils' votes, its commitments and cohesion are the compiled loops' (`engine.kernel.war`,
`engine.kernel.accounts`, `engine.kernel.settle_loop`), a ceasefire's wars ended the rule's own
`engine.numeric.wars_ended`, compiled and asked of the run's wars, attacks and answers
(`engine.kernel.ceasefire`).
Tables a run needs and no run has met are read in a game's state made for the run at that point
(`RunState.state`), as the reference engine would hold it there. What the run loop holds in Python
is the order of a turn's phases, and the tables' reading. The arrays of fixed size sit in pools
(`engine.kernel.run_arrays`), as the compiled opening takes them.

What the runs of one plan share (the scenario laid out, the tables met) is
`engine.kernel.run_plan`'s; a run's summary is `engine.kernel.run_summary`'s. A run the loop does
not play to the end (`OutOfScope`: a conditional obligation in a cascade, say) is played by the
kernel's other path. tests/test_kernel_run_loop.py checks each run's summary against the reference
engine's, field for field.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import resolve as resolve_rules
from ..attack import Attack
from ..doctrine import readings as rd
from ..events import ResolveSet, WarBegun
from ..mc_tally import RunSummary
from ..model import RESPONSES, Decision, Inject
from ..options.rules import probability
from ..play import Context, Play
from ..state import GameState, Status, apply
from ..world import War
from . import war_loop
from .ceasefire import end_wars, parties
from .counted import Counted
from .open_loop import (
    DECIDED,
    ENDS_WAR,
    FIRED,
    NEW,
    NO_CHANCE,
    NO_TABLE,
    NO_TRANSITION,
    OPENED,
    PLAYED,
    VERSION,
    made_attack,
)
from .opening import option_table
from .run_plan import RunLoop
from .run_summary import summarise
from .scope import OutOfScope
from .settle_loop import (
    ANSWERED,
    ASKED,
    ATTACKS,
    CLOSE_NO_ROOM,
    CLOSE_UNNUMBERED,
    CLOSED,
    RUN_FULL,
    WARS,
    close_turn,
)
from .turn_loop import turns
from .war import ROWS_KEPT, _constants, _Run, parties_wars

if TYPE_CHECKING:
    from ..montecarlo import Plan

__all__ = ["ASKED", "DECIDED", "Renumbered", "RunLoop", "RunState", "play", "warm_up"]

_NOBODY: frozenset[str] = frozenset()


class Renumbered(Exception):
    """The plan numbered afresh while the run was played (another thread's run began past the bound):
    the run is played again from its start."""


class RunState:
    """One run: its state as the loop holds it (see the module)."""

    def __init__(self, loop: RunLoop, seed: int, ctx: Context, resolves: dict[str, float]) -> None:
        n, start = len(loop.ids), loop.start
        self.loop, self.seed, self.ctx, self.resolves = loop, seed, ctx, resolves
        openings = loop.openings
        # The arrays of fixed size, in pools (engine.kernel.run_arrays: as the compiled opening takes them).
        views, self.pools = loop.layout().made()
        (self.log, self.made, self.new, self.ranks, self.began, self.war_list, self.enemy_rows, self.out, self.cursor,
         self.at, self.reputation, self.probes, self.option_resolves, self.given, self.fired_mask, self.counts,
         self.lapsed_mask, self.adjacent) = views
        with loop.cascade.lock:
            self.numbering = loop.numbers()  # (the plan's numbers its arrays hold: `renumbered`)
            self.at[VERSION] = openings.version(start.setting)
        self.turn = 0
        # each answer drawn, with its turn, in the order drawn: a scripted crisis's record is matched
        # against them, and the answers as a game holds them are brought up to date from them
        # (room for as many as the plan's runs have drawn so far: grown in the plan's first runs, `_fit`)
        self.asked = np.zeros((loop.room[0], 2), dtype=np.int64)
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
        self.belligerent = np.zeros(n, dtype=np.bool_)
        for w in start.wars:
            i, j = loop.at[w.aggressor], loop.at[w.defender]
            self.adjacent[i, j] = self.adjacent[j, i] = True
            self.war_list[self.at[WARS]] = i, j
            self.at[WARS] += 1
            self.began[i, j] = self.began[j, i] = start.war_began.get(w.pair, -1)
        self.ceased: dict[str, None] = dict(start.ceased)
        self.ceased_mask = np.zeros(len(loop.origin_of) + 16, dtype=np.bool_)  # the same, by the plan's origins
        self.ceased_mask[loop.start_ceased] = True
        # (the pools hold the injects fired (+1: see `scheduled`) and lapsed; the options open (`out`); an
        # attacker's answers made and probes; the injects fired with their turns, in order (as the run's summary
        # reads them); the attacks made this turn, in order; per option its chance handed to the opening (NaN:
        # none), and its resolve, the run's)
        self.option_resolves[:] = [resolves.get(x, loop.by_option[x].resolve) for x in loop.options.options]
        # an option's draw's key, "seed|turn|" first: the seed's part written here, the turn's by the opening
        seed_part = f"{seed}|".encode()
        self.buf = np.zeros(len(seed_part) + 24 + openings.longest_key, dtype=np.uint8)
        self.buf[:len(seed_part)] = np.frombuffer(seed_part, dtype=np.uint8)
        self.seed_len = len(seed_part)
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
        self.missing = np.zeros(loop.room[1], dtype=np.int64)  # answers a cascade drew that are not numbered yet
        self.last: _Run | None = None  # the run's last cascade, whose arrays the next one takes over
        self.first = np.zeros(self.new.shape[0], dtype=np.int64)  # (a turn's first tables, as the turn loop finds them)
        # the origins the turn loop's ceasefires ceased, (ceasefire, origin) rows, and its counters (rows, ceasefires)
        self.ceased_log, self.logged = np.zeros((loop.room[2], 2), dtype=np.int64), np.zeros(2, dtype=np.int64)
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

    @property
    def version(self) -> int:
        """The version of the setting the run is at (`engine.state.GameState.setting`)."""
        self.renumbered()
        return self.loop.openings.versions[int(self.at[VERSION])]

    @version.setter
    def version(self, setting: int) -> None:
        with self.loop.cascade.lock:  # (numbered under the lock, as the plan's other numbers)
            self.renumbered()
            self.at[VERSION] = self.loop.openings.version(setting)

    @property
    def fired(self) -> list[tuple[str, int]]:
        """The injects fired with their turns, in order."""
        injects = self.loop.options.injects
        return [(injects[p], t) for p, t in self.log[:self.at[FIRED]].tolist()]

    @property
    def turn_attacks(self) -> list[str]:
        """The attacks made this turn (their ids), in order."""
        attack_list = self.loop.attack_list
        return [attack_list[a].id for a in self.new[:self.at[NEW]].tolist()]

    def _changed(self) -> None:
        """The wars changed: what is read of them is made again when next read."""
        self._wars: list[War] | None = None
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
        """Room in the run's arrays for every (attack, state), attack and commitment the plan has numbered."""
        loop = self.loop
        if len(loop.keys) > self.key_given.shape[0]:
            more = len(loop.keys) + 64 - self.key_given.shape[0]
            self.key_given = np.concatenate([self.key_given, np.full(more, -1, dtype=np.int64)])
            self.key_order = np.concatenate([self.key_order, np.zeros(more, dtype=np.int64)])
        if len(loop.attack_list) > self.attack_turn_of.shape[0]:
            more = len(loop.attack_list) + 64 - self.attack_turn_of.shape[0]
            self.attack_turn_of = np.concatenate([self.attack_turn_of, np.full(more, -1, dtype=np.int64)])
            self.attack_order = np.concatenate([self.attack_order, np.zeros(more, dtype=np.int64)])
        if self.pair_kept.shape[0] < len(loop.pairs):
            grown = np.full(2 * len(loop.pairs), -1, dtype=np.int8)
            grown[:self.pair_kept.shape[0]] = self.pair_kept
            self.pair_kept = grown
            self.pair_order = np.concatenate([self.pair_order, np.zeros_like(grown, dtype=np.int64)])

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

    # --- a turn ----------------------------------------------------------------------------------------

    def play(self, last: int) -> None:
        """The run's turns up to `last`, each opened (engine.turn._open_turn) and closed: the openings in
        the compiled loop (`open_turns`: the injects due fire, then each open option is its actor's choice,
        fired at once when taken), which goes on through every turn that made no attack (its close has no
        cascade) and closes one that did where what its close reads is kept (`turns`), else stops for its
        close here. Where the loop stops for what it needs, that is read here (the reference engine's
        readings, in the run's state as it stands) and it goes on."""
        loop, openings = self.loop, self.loop.openings
        while True:
            status, detail = turns(self, last)
            if status == PLAYED:
                return
            if status == OPENED:
                self.close()
            elif status == NO_TRANSITION:
                self._lead(int(detail))
            elif status == ENDS_WAR:  # (one the turn loop's log had no room for: it has the next time)
                loop.room[2] = max(loop.room[2], 2 * (self.ceased_log.shape[0] + int(self.at[ATTACKS])))
                self.ceased_log = np.zeros((loop.room[2], 2), dtype=np.int64)
                self.ceasefire(openings.injects[detail])
                made_attack(detail, self.turn, openings.attack_of, openings.probe_of, self.attack_turn_of,
                            self.attack_order, self.made, self.new, self.at)
            elif status == NO_TABLE:
                self._table(int(detail))
            else:
                assert status == NO_CHANCE
                inject = loop.by_option[loop.options.options[detail]]
                gs = self.state()  # (a kind the doctrine reads through its case: the engine's own reading)
                self.given[detail] = probability(gs, inject, gs.played_world())

    def arrays(self) -> tuple[Any, ...]:
        """The run's arrays a close reads and writes (engine.kernel.settle_loop.close_cascade's `run`)."""
        return (self.ranks, self.counts, self.key_given, self.key_order, self.asked, self.attack_turn_of,
                self.attack_order, self.adjacent, self.war_list, self.began, self.belligerent, self.reputation,
                self.pair_kept, self.pair_order, self.commitments, self.cohesion, self.cases, self.treaty_order)

    def _lead(self, place: int) -> None:
        """Where inject `place` leads the run's version of the setting, read (`Transitions.after`)."""
        loop, openings = self.loop, self.loop.openings
        inject = openings.injects[place]
        try:
            after = loop.transitions.after(self.version, inject)
        except KeyError:  # its version no longer kept: reached again by the run's injects, this one's too
            after = loop.transitions.reach([*self.history(), inject])
        with loop.cascade.lock:
            self.renumbered()
            openings.lead(int(self.at[VERSION]), place, after)

    def _table(self, o: int) -> None:
        """Option o's table at the run's state, read off the reference engine's reading (and kept)."""
        loop, openings = self.loop, self.loop.openings
        x = loop.options.options[o]
        kind, _, keyed_by = loop.option_of[x]
        arrays = option_table(kind, loop.by_option[x], self.state())  # (which may reach the version again)
        with loop.cascade.lock:
            self.renumbered()
            row = self.adjacent[loop.at[keyed_by]].copy() if keyed_by else None
            openings.add(o, int(self.at[VERSION]), arrays, row)

    def ceasefire(self, inject: Inject) -> None:
        """The wars a ceasefire ends, ended: the rule's own (`engine.numeric.wars_ended`), compiled, asked
        of the run's wars, attacks and answers in arms (`engine.kernel.ceasefire`)."""
        end_wars(self, *parties(inject.actors, inject.target, self.loop.at))

    # --- the close ----------------------------------------------------------------------------------

    def close(self) -> None:
        """The close (engine.turn._close_turn) of a turn that made attacks: their cascade, the councils'
        votes, the wars begun, the commitments accounted and cohesion, in the compiled loops. (The options
        that lapse with the turn lapse as the next turn opens, in the compiled opening: nothing reads
        them in between.)"""
        with self.loop.cascade.lock:
            self.cascade()

    def cascade(self, stopped: tuple[int, int] | None = None) -> None:
        """The turn's attacks closed in one compiled call (`close_turn`): their cascade played over the
        cascade tables (engine.kernel.war_loop: who answers, each answer drawn, the wars begun), then what
        it leaves (`close_cascade`): the councils' votes and commitments; the answers drawn, which stand;
        the attacks of its later rounds; the wars begun; the commitments accounted, each moving its ally's
        reputation; each treaty's cohesion (engine.resolve, in its order). Where the call stops for a table,
        a reading, a number or room, that is made here (`_close`) and it goes on. `stopped`: the close's
        status and detail where the compiled turn loop began it and it stopped (its workspace as the loop
        left it); what it looked up is kept for that loop (`RunLoop.closes_kept`)."""
        loop, tables = self.loop, self.loop.cascade  # (started afresh past their bound before: `turns`)
        order, powers, in_force = self.at_version()
        play: Play | None = None

        def playing() -> Play:
            nonlocal play
            if play is None:
                play = Play(self.state(), self.ctx, own=True)
            return play

        version, generation, first_tables = self.version, tables.generation, loop.first_tables
        kept = loop.closes_kept.for_now(generation, self.numbering)
        slot, first = int(self.at[VERSION]), []
        for a in self.new[:self.at[NEW]].tolist():
            key = (generation, version, self.turn, a)
            k = first_tables.get(key)
            first.append(self._first_table(a, version, playing) if k is None else k)
            if key in first_tables and tables.generation == generation:  # (kept: its binding counts no adversaries)
                kept.add_first(slot, self.turn, a, first[-1])
        # (the loop reads the reputations as the turn left them: the close changes them after it)
        weights, cuts, consts = _constants(self.ctx.doctrine, order)
        if not kept.knows(slot) and tables.generation == generation:
            kept.add_version(slot, consts, powers, in_force)
        prefix, wars, run = f"{self.seed}|{self.turn}|".encode(), self.numbered(), self.last
        if run is None or not run.restart(tables, first, self.reputation, weights, cuts, consts, prefix):
            run = self.last = _Run(tables, first, wars, self.reputation, weights, cuts, consts, prefix, self.last)
        self._close(run, np.asarray(first, dtype=np.int64), wars, powers, in_force, playing, stopped)

    def _close(self, run: _Run, first: Any, wars: Any, powers: Any, in_force: Any, playing: Callable[[], Play],
               stopped: tuple[int, int] | None = None) -> None:
        """The compiled close (`close_turn`) of the cascade `run`, its first round's tables `first`, at the run's
        `wars`, called until it has closed (`stopped`: where the turn loop's call of it stopped): where it
        stops, what it stopped for is made here. A cascade that stopped for a table or a reading (a worker's
        first runs) is played on by its loop alone (`CascadeTables.drive`, whose calls take the cascade's
        arguments only) and then closed."""
        loop, tables = self.loop, self.loop.cascade
        start, room = stopped is None, 0
        while True:
            self.renumbered()
            rows, read, outs, triggers, least = loop.settling(tables)  # (which numbers what tables were built)
            if stopped is None:
                self._room()
                status, detail = close_turn(start, first, wars, run.ready(tables), read[0], len(RESPONSES), read[1],
                                            self.turn, read[2], outs, triggers, resolve_rules.REPUTATION_GAIN,
                                            resolve_rules.REPUTATION_LOSS, powers, in_force, self.arrays(), self.at,
                                            self.missing)
            else:
                (status, detail), stopped = stopped, None
            start = False
            if status == CLOSED:
                break
            if status == CLOSE_UNNUMBERED:  # answers no run gave before: numbered once, shared (a decision is frozen)
                for place in set(self.missing[:detail].tolist()):
                    j, level = divmod(place, len(RESPONSES))
                    rows.given.set(place, loop.answer(tables.drawn(j, level, self.turn)))
            elif status == CLOSE_NO_ROOM:  # (a turn meets each table once: its groups and obligations fit, so far)
                room = 2 * max(room, least)
                tables.account.outs(tables, room)  # (grown: the close's reads made again)
                loop.settle_afresh()
            elif status == RUN_FULL:
                self._fit(int(detail))
            else:
                tables.stopped(int(status), int(detail), run, playing, self.counted)
                tables.drive(run, playing, self.counted)
        if detail:
            self._changed()

    def _first_table(self, a: int, version: int, playing: Callable[[], Play]) -> int:
        """The table of attack `a` (numbered by the plan), made this turn, at the run's version of the setting
        and wars (built now if no run met it before). A table whose binding counts no adversaries is the
        same at every wars: its number is kept by the plan's numbers (`RunLoop.first_tables`)."""
        loop, tables = self.loop, self.loop.cascade
        attack = loop.attack_list[a]
        counts = loop.counts_wars.get((version, attack))
        if counts is None:
            if len(loop.counts_wars) >= ROWS_KEPT:
                loop.counts_wars.clear()
            counts = loop.counts_wars[(version, attack)] = playing().graph.counts_wars(attack)
        k = tables.known(version, self.turn, attack, _NOBODY, self.wars_of(attack) if counts else None)
        k = tables.table(playing(), attack) if k is None else k
        if not counts:
            if len(loop.first_tables) >= ROWS_KEPT:
                loop.first_tables.clear()
            loop.first_tables[(tables.generation, version, self.turn, a)] = k
        return k

    def counted(self, k: int, run: _Run) -> int | None:
        """Table k's attack, whose binding counts adversaries, at the wars as they stand in the cascade
        `run` (the run's and those begun in it), if built."""
        tables = self.loop.cascade
        n_wars = war_loop.answers_and_wars(run.cursor)[1]
        return tables.known(self.version, self.turn, tables.attacks[k], tables.answered[k],
                            self.wars_of(tables.attacks[k], run.wars[:n_wars].tolist()))

    def _fit(self, answers: int) -> None:
        """Room in the run's arrays for a cascade's `answers` more."""
        if self.missing.shape[0] < answers:
            self.missing = np.zeros(2 * answers, dtype=np.int64)
        if self.at[ASKED] + answers > self.asked.shape[0]:
            self.asked = np.concatenate([self.asked, np.zeros((self.asked.shape[0] + answers, 2), dtype=np.int64)])
        room = self.loop.room
        room[0], room[1] = max(room[0], self.asked.shape[0]), max(room[1], self.missing.shape[0])

def warm_up(plan: Plan, loop: RunLoop) -> None:
    """The run loop's compiled parts compiled (or loaded from numba's disk cache) where the kernel's
    first compile is timed and reported, before any worker starts (some 8 s cold, not a silent pause
    in each worker): by playing the plan's first run, whose tables its runs would build anyway (its
    summary is not kept)."""
    with suppress(OutOfScope):  # (its runs are played the older way)
        play(plan, loop, 0)


def play(plan: Plan, loop: RunLoop, index: int, counted: Counted | None = None) -> RunSummary:
    """Run `index` of the plan, played by the run loop (raises OutOfScope where it cannot); with
    `counted`, its answers and commitments are counted there (`RunState.summary`)."""
    from ..montecarlo import _PLAYERS, _resolves, run_seed, run_weights
    drawn = run_weights(plan.seed, index, plan.vary)
    weights, resolves = _resolves(drawn)
    ctx = Context(_PLAYERS.doctrine(plan.scenario, dict(plan.weights) | weights), stochastic=True, verbose=False)
    run = RunState(loop, run_seed(plan.seed, index), ctx,
                   {e.inject: e.resolve for e in resolves if isinstance(e, ResolveSet)})
    try:
        run.play(plan.scenario.turns)
        summary = summarise(run, index, tuple(drawn.values()), counted)
    except Renumbered:
        return play(plan, loop, index, counted)
    if run.last is not None:  # (its cascade's arrays, for the next run)
        loop.spare_cascades.append(run.last)
    return summary
