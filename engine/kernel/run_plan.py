"""What the runs of one plan share in the run loop (engine.kernel.run_loop): the scenario laid out
once, and the tables the runs have met.

The scenario's injects due each turn with their requirements, each option's kind, actor and the
state whose enemies its table is read at, the attack each inject makes; the versions of the
setting, their transitions and the options' tables, as the compiled opening reads them
(engine.kernel.opening); the first table of each attack a turn makes, by version and turn; what
a close reads of each version of the setting. Read off the cascade tables as they grow: per row
(a state answering an attack) where the probes read its answer and its answer at each level once
drawn, per commitment its ally, pair and treaty. Every map is bounded (memory flat in the number
of runs) and starts afresh past its bound, or with the cascade tables.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import numeric
from ..attack import Attack
from ..doctrine import readings as rd
from ..game import Game
from ..model import RESPONSES, Decision, Inject, ObligationType
from ..options.rules import actor_of, answers_in_arms
from ..options.weights import family
from ..play import Context, facts
from ..turn import made_attack
from ..world import War, World
from .ceasefire import parties
from .close import tables_of
from .columns import Column
from .open_loop import CLOSED, CURSOR, RUN_COUNTERS
from .opening import OpeningTables
from .option_phase import option_index, probe_index
from .run_arrays import Pooled
from .setting import Transitions
from .settle_loop import FIRST_WAR
from .turn_loop import ClosesKept
from .war import CascadeTables

if TYPE_CHECKING:
    from ..montecarlo import Plan

__all__ = ["GIVEN_KEPT", "RunLoop", "TABLES_KEPT", "Given"]

_NA = ObligationType.NONAGGRESSION
# Entries of the plan's smaller memos kept (the states' enemies by name, blank arrays, what a close reads
# of a version), then afresh.
TABLES_KEPT = 4096
# Answers numbered per plan, then afresh (a teaching batch meets some 30,000; each is a decision and a tuple).
GIVEN_KEPT = 1 << 18
# An answer given, and what the run's summary reads of it: (attack, state, turn, level, bound).
Given = tuple[Decision, tuple[str, str, int, int, bool]]


class RunLoop:
    """What the runs of one plan share: the scenario laid out, and the tables runs have met."""

    def __init__(self, plan: Plan) -> None:
        from ..montecarlo import _PLAYERS
        scenario = plan.scenario
        self.scenario = scenario
        self.facts = facts(scenario)
        self.ids = tuple(sorted(scenario.state_by_id))
        self.at = {s: i for i, s in enumerate(self.ids)}
        base = _PLAYERS.doctrine(scenario, dict(plan.weights))
        start = Game.new(scenario, seed=0, stochastic=True, verbose=False, doctrine=base).state
        self.start = start
        self.transitions = Transitions(start, Context(base, stochastic=True, verbose=False))
        self.cascade: CascadeTables = tables_of(start)
        self.options = option_index(scenario)
        self.probes = probe_index(scenario)
        self.place = {x: k for k, x in enumerate(self.options.injects)}
        self.attack_place = {x: k for k, x in enumerate(self.probes.attacks)}
        self.by_option = {i.id: i for i in scenario.injects if i.option}
        # per turn, the injects due (not an option, not the umpire's), each with its requirements' places
        # (one the scenario does not hold is never fired: the last place, always False)
        self.scheduled: dict[int, list[tuple[Inject, tuple[int, ...]]]] = {
            turn: [(i, tuple(self.place.get(r, len(self.place)) for r in i.requires)) for i in due
                   if not (i.manual or i.option)]
            for turn, due in self.facts.injects_at.items()}
        # per option: its kind as the doctrine weighs it, its actor, and the state whose enemies its table
        # is read at too (a deployment's host, a signing's actor; else none)
        self.option_of: dict[str, tuple[str, str, str]] = {}
        for i in self.by_option.values():
            kind, actor = family(i.kind) or "", actor_of(i)
            keyed_by = (i.target or actor) if kind == "deployment" else actor if kind == "treaty-signed" else ""
            self.option_of[i.id] = (kind, actor, keyed_by)
        # the attack (or threat) each inject makes when it fires, else None (engine.turn._fire)
        self.attack_of: dict[str, Attack | None] = {i.id: made_attack(scenario, i) for i in scenario.injects}
        # per version and attack, whether what binds in it counts adversaries (its table is the wars' too)
        self.counts_wars: dict[tuple[int, Attack], bool] = {}
        self.versions: dict[int, tuple[rd.IdOrder, Any, Any]] = {}
        self.treaty_ids = tuple(t.id for t in scenario.treaties)
        self.treaty_place = {t: k for k, t in enumerate(self.treaty_ids)}
        # per commitment of the cascade tables (their triggers, in order): its ally, whether it is a
        # non-aggression pact's, its (attack, ally) pair and its treaty, numbered (`triggers`)
        self.pairs: list[tuple[str, str]] = []
        self.pair_of: dict[tuple[str, str], int] = {}
        # per pair, what a run's summary says of it broken and kept (at 2 * pair and 2 * pair + 1)
        self.honour: list[tuple[str, str, bool]] = []
        self._triggers: tuple[object, list[Column]] = (None, [])
        self._settling: tuple[tuple[int, int, int], Any] | None = None  # (`settling`: its key, what it gives)
        self.numbering = -1
        self._number()
        self.openings = OpeningTables(self)  # (numbered with the plan: `numbers`)
        # per inject (by place), the parties a ceasefire it fires ends the wars of (engine.kernel.ceasefire)
        self.ceasefire_parties = np.asarray([parties(i.actors, i.target, self.at) for i in self.openings.injects],
                                            dtype=np.int64).reshape(-1, 2)
        self._wars: dict[tuple[str, str], War] = {}
        self._foes: dict[tuple[int, bytes], frozenset[str]] = {}
        self._blanks: dict[tuple[Any, ...], Any] = {}
        self.start_reputation = np.asarray([start.reputation[s] for s in self.ids], dtype=np.float64)
        self._layout: Pooled | None = None  # the runs' pools' layout (`layout`: made once)
        # the room a run's arrays take at its start (its answers drawn, those not numbered yet; the log of the
        # attacks its ceasefires ceased): the most the plan's runs have needed so far (engine.kernel.run_loop)
        self.room = [64, 64, 64]
        # what the runs' closes looked up, kept for the compiled turn loop (engine.kernel.turn_loop), and the
        # cascades' arrays of runs played to their end, which the next runs take over
        self.closes_kept = ClosesKept(len(self.ids), len(self.treaty_ids))
        self.spare_cascades: list[Any] = []

    def layout(self) -> Pooled:
        """The layout of the runs' pools (engine.kernel.run_arrays), made once, their first values the
        start's: no answer made or probed (-1), no war begun (-1), no chance handed back (NaN), turn 0
        closed (the first call of the compiled opening opens turn 1)."""
        if self._layout is None:
            n, openings = len(self.ids), self.openings
            n_probes, n_options = len(self.probes.attacks), len(self.options.options)
            n_injects = len(self.options.injects)
            at = np.zeros(RUN_COUNTERS, dtype=np.int64)
            at[FIRST_WAR] = -1
            cursor = np.zeros(CURSOR, dtype=np.int64)
            cursor[0] = CLOSED
            self._layout = Pooled({
                "log": (openings.n_injects + 1, 2), "made": (n_probes,), "new": (openings.n_injects + 1,),
                "ranks": (n_probes, n), "began": (n, n), "war_list": (n * n + len(self.start.wars) + 1, 2),
                "enemy_rows": (n, n), "out": (n_options,), "cursor": (CURSOR,), "at": (RUN_COUNTERS,),
                "reputation": (n,), "probes": (n_probes * n + 1,), "option_resolves": (n_options,),
                "given": (openings.n_options,), "fired_mask": (n_injects + 1,), "counts": (n_probes, n),
                "lapsed_mask": (n_injects,), "adjacent": (n, n)},
                {"made": -1, "ranks": -1, "began": -1, "given": np.nan, "at": at, "cursor": cursor,
                 "reputation": self.start_reputation})
        return self._layout

    def _number(self) -> None:
        """Number afresh, for the whole plan, as the runs' arrays hold them: each (attack, state) answered,
        each attack made (by its id), each answer given (a decision and what the summary reads of it)."""
        start = self.start
        self.numbering += 1  # (a run begun under other numbers is played again: `renumbered`)
        self.keys: list[tuple[str, str]] = []
        self.key_of: dict[tuple[str, str], int] = {}
        self.attack_list: list[Attack] = []
        self.attack_of_id: dict[str, int] = {}
        self.given: list[Given] = []
        self.summaries: list[tuple[str, str, int, int, bool]] = []  # per answer given, what the summary reads
        self.in_arms = Column(np.bool_)  # per answer given, whether it is in arms (as the end of wars reads)
        self._given_of: dict[Decision, int] = {}
        # as a ceasefire's wars ended read them (engine.numeric.wars_ended): per attack its row and its
        # attackers, its origin numbered; per (attack, state) its attack's number (-1 until numbered) and
        # its state; per answer given the side it took (-1 none)
        self.origin_of: dict[str, int] = {}
        self.attack_rows = Column(np.int64, (numeric.ATTACK_COLUMNS,))
        self.attackers = Column(np.int64)
        self.longest_attackers = 1
        self.key_attack, self.key_state, self.given_side = Column(np.int64), Column(np.int64), Column(np.int64)
        self._awaited: dict[str, list[int]] = {}  # the (attack, state) pairs whose attack is not numbered yet
        self._rows = _Rows([], [])  # (the rows' numbers are made again when next read)
        # per (tables' generation, setting's version, turn, attack number): the table of a turn's attack
        # whose binding counts no adversaries (found by the Attack itself in the tables, `CascadeTables.known`)
        self.first_tables: dict[tuple[int, int, int, int], int] = {}
        self.start_keys = [self.key(*key) for key in start.decisions]
        self.start_given = [self.answer(d) for d in start.decisions.values()]
        self.start_attacks = [self.attack(a) for a in start.attacks.values()]
        # (numbered here, not as a run fires its inject: the runs of a worker's threads share the plan's
        # numbers, and the attacks of the cascades are numbered under the cascade tables' lock)
        self.attack_number = {x: self.attack(a) for x, a in self.attack_of.items() if a is not None}
        self.start_ceased = [self.origin(x) for x in start.ceased]

    def numbers(self) -> int:
        """The numbers a run begins under (called under the cascade tables' lock): afresh once the
        answers numbered reach their bound, so memory stays flat however many runs."""
        if len(self.given) >= GIVEN_KEPT or self.openings.full():
            self._number()
            self.openings.afresh()
        return self.numbering

    def foes(self, i: int, adjacent: Any) -> frozenset[str]:
        """State i's enemies by name, at the wars `adjacent` (the pairs at war): made once per state and
        enemies, which the runs meet again and again."""
        row = adjacent[i]
        key = (i, row.tobytes())
        found = self._foes.get(key)
        if found is None:
            if len(self._foes) >= TABLES_KEPT:
                self._foes.clear()
            found = self._foes[key] = frozenset(self.ids[j] for j in np.flatnonzero(row).tolist())
        return found

    def war(self, aggressor: str, defender: str) -> War:
        """The war of the two (made once: a war is frozen)."""
        found = self._wars.get((aggressor, defender))
        if found is None:
            found = self._wars[(aggressor, defender)] = War(aggressor, defender)
        return found

    def blank(self, shape: int | tuple[int, ...], fill: int, dtype: Any = np.int64) -> Any:
        """A new array of `shape` filled with `fill` (a copy of one kept per shape: a run makes a dozen)."""
        key = (shape, fill, dtype)
        found = self._blanks.get(key)
        if found is None:
            if len(self._blanks) >= TABLES_KEPT:
                self._blanks.clear()
            found = self._blanks[key] = np.full(shape, fill, dtype=dtype)
        return found.copy()

    def key(self, attack: str, state: str) -> int:
        """The number of an (attack, state) answered."""
        found = self.key_of.get((attack, state))
        if found is None:
            found = self.key_of[(attack, state)] = len(self.keys)
            self.keys.append((attack, state))
            number = self.attack_of_id.get(attack, -1)
            if number < 0:
                self._awaited.setdefault(attack, []).append(found)
            self.key_attack.append(number)
            self.key_state.append(self.at.get(state, -1))
        return found

    def attack(self, attack: Attack) -> int:
        """The number of an attack (by its id: one id, one attack)."""
        found = self.attack_of_id.get(attack.id)
        if found is None:
            found = self.attack_of_id[attack.id] = len(self.attack_list)
            self.attack_list.append(attack)
            at, start = self.at, len(self.attackers)
            self.attackers.extend(at.get(x, -1) for x in attack.attackers)
            self.longest_attackers = max(self.longest_attackers, len(attack.attackers))
            origin = attack.origin or attack.id
            self.attack_rows.append((attack.starts_war, attack.threat, at.get(attack.target, -1), self.origin(origin),
                                     attack.id == origin, start, len(self.attackers)))
            for k in self._awaited.pop(attack.id, ()):
                self.key_attack.set(k, found)
        return found

    def origin(self, origin: str) -> int:
        """The number of an attack's origin (the attack it grew from, by its id), as the runs' ceasefires
        mark them ended."""
        found = self.origin_of.get(origin)
        if found is None:
            found = self.origin_of[origin] = len(self.origin_of)
        return found

    def answer(self, d: Decision) -> int:
        """The number of an answer given (made once: a decision is frozen, and the same in every run)."""
        found = self._given_of.get(d)
        if found is None:
            found = self._given_of[d] = len(self.given)
            self.given.append((d, (d.attack, d.state, d.turn, d.response.rank, d.treaty is not None)))
            self.summaries.append(self.given[-1][1])
            self.in_arms.append(answers_in_arms(d))
            self.given_side.append(-1 if d.side is None else self.at.get(d.side, -1))
        return found

    def rows(self, tables: CascadeTables) -> _Rows:
        """What the run loop reads of each row of the cascade tables (a state answering an attack),
        read once each (the tables grow as runs meet new attacks, and start afresh past their bound)."""
        rows = self._rows
        situations = tables.situations
        if rows.of is not situations:
            rows = self._rows = _Rows(situations, tables.attacks)
        attack_place, at = self.attack_place, self.at
        for j in range(len(rows.key), len(situations)):
            state, partner, attack, treaty, _, _ = situations[j]
            rows.probe.append(attack_place.get(attack.id, -1))
            rows.state.append(at[state])
            rows.counts.append(treaty is not None and partner not in attack.attackers)
            rows.key.append(self.key(attack.id, state))
            rows.given.extend([-1] * len(RESPONSES))
        for k in range(len(rows.attack), len(tables.attacks)):
            rows.attack.append(self.attack(tables.attacks[k]))
        return rows

    def settling(self, tables: CascadeTables) -> tuple[_Rows, tuple[Any, Any, Any], Any, Any, int]:
        """What a cascade's close reads of the tables (`rows`, `triggers`, the account's arrays and where it
        writes: engine.kernel.settle_loop.close_cascade), and the room it has for groups and commitments:
        made again only once a table is built (or the tables or the plan's numbers start afresh)."""
        key = (tables.generation, tables.changes, self.numbering)
        if self._settling is None or self._settling[0] != key:
            rows = self.rows(tables)  # (which numbers the new rows' (attack, state) pairs and attacks)
            acc = tables.account
            triggers = self.triggers(acc)  # (which numbers the new commitments' pairs)
            room = max(len(acc.treaty_of), len(acc.triggers))
            self._settling = (key, (rows, (rows.arrays(), rows.attack.view(), acc.arrays()), acc.outs(tables, room),
                                    triggers, room))
        return self._settling[1]

    def settle_afresh(self) -> None:
        """What a cascade's close reads made again when next read (`settling`: the account's outputs grown)."""
        self._settling = None

    def triggers(self, account: Any) -> tuple[Any, Any, Any, Any]:
        """Per commitment the cascade tables know (`account.triggers`), read once each: its ally, whether
        it is a non-aggression pact's, its pair, its treaty (numbered in the scenario's order)."""
        found = account.triggers
        if self._triggers[0] is not found:  # the tables started afresh
            self._triggers = (found, [Column(np.int64), Column(np.bool_), Column(np.int64), Column(np.int64)])
        ally, pact, pair_of, treaty_of = columns = self._triggers[1]
        place = self.treaty_place
        for t in found[len(ally):]:
            pair = (t.attack, t.ally)
            p = self.pair_of.get(pair)
            if p is None:
                p = self.pair_of[pair] = len(self.pairs)
                self.pairs.append(pair)
                self.honour.extend(((t.attack, t.ally, False), (t.attack, t.ally, True)))
            ally.append(self.at[t.ally])
            pact.append(t.type is _NA)
            pair_of.append(p)
            treaty_of.append(place[t.treaty])
        return columns[0].view(), columns[1].view(), columns[2].view(), columns[3].view()

    def read_version(self, world: World) -> tuple[rd.IdOrder, Any, Any]:
        """What a turn's close reads of a version of the setting: the states' numbering with their
        powers, each state's power, the treaties in force (kept per version by the runs, `versions`)."""
        if len(self.versions) >= TABLES_KEPT:
            self.versions.clear()
        return (rd.in_id_order(world), np.asarray([world.states[s].power for s in self.ids], dtype=np.float64),
                np.asarray([world.in_force(t) for t in self.treaty_ids], dtype=np.bool_))


class _Rows:
    """Per row of one generation of the cascade tables (a state answering an attack): where an
    attacker's probes read its answer (its attack's place among the attack injects, -1 none; its
    state; whether it counts), the number of its (attack, state) and of its answer at each level once
    drawn (row * levels + level; -1 none yet); per table, the number of its attack."""

    def __init__(self, of: list[Any], attacks: list[Attack]) -> None:
        self.of = of
        self.probe, self.state, self.counts = Column(np.int64), Column(np.int64), Column(np.bool_)
        self.key, self.given, self.attack = Column(np.int64), Column(np.int64), Column(np.int64)

    def arrays(self) -> tuple[Any, ...]:
        """The rows as the compiled close reads them (engine.kernel.settle_loop.close_cascade)."""
        return self.probe.view(), self.state.view(), self.counts.view(), self.key.view(), self.given.view()
