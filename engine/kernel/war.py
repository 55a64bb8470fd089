"""A turn's cascade of wars in the compiled loop: tables per attack, built when a run first meets one.

The loop (`engine.kernel.war_loop`) plays the cascade's order; what each rule decides
it reads off tables that the reference engine's own functions fill, one per attack (by
the setting, the turn and the attack: an attack of a cascade by its chain's first attack,
the state that makes war, its enemy and whether it was provoked):

- who answers, in order: `engine.decide.answerers` over what binds
  (`AllianceGraph.binding`), each with the treaty it answers under and whether it leads it;
- each drawn answer's factors, per answer of the treaty's leader (`doctrine.factors`,
  the values kept per situation), the two sides its cost of war weighs (`readings.our_side`,
  `readings.opponents`) and its draw's key;
- the side each answer keeps toward the victim (`attack.toward`) and the wars a `full`
  answer begins (`cascade._enemies_from`), each the attack of a further table.

The run's wars, reputations and draws are the loop's: the cost of war is
`engine.numeric.side_power` and `cost_of_war` over the run's wars, as the doctrine reads
it. An attack whose attackers some bound allies have answered on the same target earlier
in the turn has a table of its own for the allies left; a cascade that reaches the turn's
bound on rounds is cut short where the reference engine cuts it. Out of scope, each said
by `OutOfScope`: a turn whose cascade meets a conditional obligation, an attack reopened
from an earlier turn, a chain of attacks answered on an earlier turn, answers given this
turn before its close, a game that is not a batch run's. `CascadeTables.play` gives a
turn's answers and wars as the reference engine's cascade gives them
(tests/test_kernel_war.py checks it turn by turn); `_Run.result` gives them as the
reference engine's close reads them, the events of the answers drawn and the rounds,
and `engine.kernel.close` closes a kernel run's turns with them.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..alliance_graph import AllianceGraph
from ..attack import toward
from ..cascade import CascadeResult, Round, _conditional, _enemies_from, _war_on
from ..decide import DOCTRINE_DECIDES, PERSON, answerers, taken
from ..doctrine import FACTORS, Doctrine, Situation
from ..doctrine import factors as doctrine_factors
from ..doctrine import readings as rd
from ..events import Event
from ..frozen import constructor
from ..model import RESPONSES, Decision, DecisionSource, Mode, Response, Scenario
from ..network import Attack, Trigger
from ..play import Context, Play
from ..state import GameState
from ..turn import MAX_CASCADE_ROUNDS
from ..world import INITIAL_REPUTATION, War, World
from . import war_loop
from .accounts import AccountTables
from .columns import Column
from .scope import OutOfScope

__all__ = ["Answer", "CascadeTables", "Outcome", "ROWS_KEPT", "check", "compile_loop", "parties_wars"]

_DECISION = constructor(Decision)  # (positional, as engine.decide makes its answers)
_DOCTRINE = DecisionSource.DOCTRINE
_VARIANTS = (None, *RESPONSES)  # the treaty leader's answer an answer may follow: none yet, or each level
_PERSON_BYTES = np.zeros(16, dtype=np.uint8)  # engine.decide.Draw's personalisation, as BLAKE2b pads it
_PERSON_BYTES[:len(PERSON)] = np.frombuffer(PERSON, dtype=np.uint8)
# Rows (a state answering an attack) kept per scenario, then the tables start afresh: memory stays
# flat however many runs meet new attacks (a row's factor values for each answer of its treaty's
# leader are 1 KiB; 16,384 rows are about what the doctrine's own memo of factor values keeps).
ROWS_KEPT = 16384


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer of the cascade: to which attack, by whom, at which level; standing (a side
    already taken, a war already fought) or drawn; kept (the state's first answer to these
    attackers on this target) or not."""
    attack: str
    state: str
    rank: int
    standing: bool
    kept: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """A turn's cascade: its answers in the order given, and the wars begun at each round's start."""
    answers: tuple[Answer, ...]
    wars: tuple[tuple[str, str], ...]
    rounds: int
    truncated: bool = False  # the turn's bound on rounds reached, attacks left unexamined (engine.cascade)


@dataclass
class _Child:
    """A war a `full` answer would begin: the attack of a further table (`c_table`, once built)."""
    parent: Attack
    state: str
    enemy: str
    provoked: bool


class CascadeTables:
    """The tables of one scenario (whatever the doctrine: the weights are the run's), grown as runs
    meet new attacks."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.ids = tuple(sorted(s.id for s in scenario.states))  # states numbered in id order
        self.at = {s: i for i, s in enumerate(self.ids)}
        # held while a cascade is played on them and read (engine.kernel.close), and while the plan numbers
        # (engine.kernel.run_plan), which a cascade may do as it reads a table (a version of the setting)
        self.lock = threading.RLock()
        self._empty()

    def _empty(self) -> None:
        self.generation = getattr(self, "generation", -1) + 1  # (tables numbered afresh: numbers kept elsewhere lapse)
        self.found: dict[tuple[Any, ...], int] = {}  # each table by its key (-1: declined, `declined` says why)
        self.declined: dict[tuple[Any, ...], str] = {}
        self.attacks: list[Attack] = []
        self.answered: list[frozenset[str]] = []  # per table: who had answered its attackers before
        self.made_at: list[tuple[Any, int]] = []  # per table: the setting and turn it was built for
        # per table whose binding counts adversaries: the world of the wars it was built for, which a
        # table for the same wars and fewer allies asked is built in (else None: no world is kept)
        self.worlds: list[World | None] = []
        self.children: list[_Child] = []
        self._answers = np.zeros((256, 6), dtype=np.int64)  # where the loop writes a cascade's answers
        self._examined = np.zeros((64, 2), dtype=np.int64)  # and the attacks it examines
        # per table, what binds in its attack (`AllianceGraph.binding`): a round's triggers
        self.bindings: list[tuple[Trigger, ...]] = []
        # per row, its answer's situation but the world and the leader's answer (a world is not kept:
        # the row is read in the world of a run that meets it, of the same setting and turn)
        self.situations: list[tuple[str, str, Attack, str | None, int | None, bool]] = []
        # per (row, level, standing): the answer's decision and, drawn, its event (`_Run.result`)
        self.made: dict[tuple[int, int, int], tuple[Decision, Event | None]] = {}
        self.decided: dict[tuple[int, int], Decision] = {}  # per (row, level): its answer drawn (`drawn`)
        self.account = AccountTables()  # what the resolution reads, per table (engine.kernel.accounts)
        self.groups: dict[tuple[frozenset[str], str, bool], int] = {}
        self.treaties: dict[str, int] = {}
        self.cols = {name: _column(name) for name in war_loop.COLUMNS if name != "key_bytes"}
        self.key_bytes = _column("key_bytes")
        self.changes = 0    # tables built so far: the loop's views are made again after each
        self.longest = 0    # the longest draw key's end
        self._arrays: tuple[int, tuple[npt.NDArray[Any], ...]] | None = None

    # --- the tables --------------------------------------------------------------------------

    def table(self, play: Play, attack: Attack, answered: frozenset[str] = frozenset(),
              world: World | None = None) -> int:
        """The table of `attack` in `world` (the world of `play` by default; built now if no run met
        it before), the states in `answered` having answered its attackers on its target earlier
        this turn. Where what binds counts adversaries the table is the wars' of its parties too."""
        world = world or play.world
        graph = play.graph.at(world)
        counts = graph.counts_wars(attack)
        wars = parties_wars(attack, world.enemies) if counts else None
        key = (world.setting, world.turn, attack, answered, wars)
        found = self.found.get(key)
        if found is None:
            try:
                found = self._build(play, graph, attack, answered, counts)
            except OutOfScope as why:  # remembered: a batch meets the same attack run after run
                self.declined[key] = str(why)
                found = -1
            self.found[key] = found
        if found < 0:
            raise OutOfScope(self.declined[key])
        return found

    def known(self, setting: int, turn: int, attack: Attack, answered: frozenset[str],
              wars: tuple[frozenset[str], ...] | None) -> int | None:
        """The table of `attack` built for this setting and turn, the states in `answered` having
        answered its attackers before and, where what binds counts adversaries, with these wars of its
        parties (the target's enemies, then each attacker's: `table`'s key), else None (not built yet,
        or declined: `table` says why)."""
        found = self.found.get((setting, turn, attack, answered, wars))
        return found if found is not None and found >= 0 else None

    def _counted(self, play: Play, k: int, run: _Run) -> int:
        """Table k's attack, for the wars as they stand in the loop (what binds counts adversaries)."""
        n_wars = war_loop.answers_and_wars(run.cursor)[1]
        begun = tuple(War(self.ids[a], self.ids[b]) for a, b, _ in run.wars[:n_wars].tolist())
        world = play.world.evolve(wars=play.world.wars + begun) if begun else play.world
        return self.table(play, self.attacks[k], self.answered[k], world)

    def _asked_again(self, play: Play, k: int, run: _Run) -> int:
        """Table k's attack, for the allies that have not answered its attackers on its target yet
        (engine.cascade asks only those)."""
        return self.table(play, self.attacks[k], self._answered(k, run), self.worlds[k])

    def _asked_again_known(self, k: int, run: _Run) -> int | None:
        """`_asked_again`'s table if built (else None), found without a phase: its key is table k's setting
        and turn, and, where what binds counts adversaries, the wars of the world table k was built in."""
        setting, turn = self.made_at[k]
        world, attack = self.worlds[k], self.attacks[k]
        wars = None if world is None else parties_wars(attack, world.enemies)
        return self.known(setting, turn, attack, self._answered(k, run), wars)

    def _answered(self, k: int, run: _Run) -> frozenset[str]:
        """The allies that have answered the attackers of table k's attack on its target this turn."""
        group = self.cols["k_group"].view()[k]
        return frozenset(self.ids[s] for s in np.flatnonzero(run.already[group]).tolist())

    def _build(self, play: Play, graph: AllianceGraph, attack: Attack, answered: frozenset[str],
               counts: bool) -> int:
        world = graph.world
        if world.setting is None:
            raise OutOfScope("a world without a known setting is not compiled")
        binding = graph.binding(attack)
        conditional = _conditional(self.scenario)
        if conditional and any((t.treaty, t.article) in conditional for t in binding):
            raise OutOfScope("a conditional obligation in a cascade is not yet compiled")
        ask = tuple(t for t in binding if t.triggered and t.ally not in answered)
        k = len(self.attacks)
        self.attacks.append(attack)
        self.bindings.append(binding)
        self.answered.append(answered)
        self.made_at.append((world.setting, world.turn))
        self.worlds.append(world if counts else None)
        cols, at = self.cols, self.at
        cols["k_counts"].append(counts)
        attackers = tuple(dict.fromkeys(attack.attackers))
        cols["k_att_start"].append(len(cols["k_att"]))
        cols["k_att"].extend(at[x] for x in attackers)
        cols["k_att_stop"].append(len(cols["k_att"]))
        cols["k_target"].append(at[attack.target])
        cols["k_threat"].append(attack.threat)
        cols["k_starts_war"].append(attack.starts_war)
        cols["k_capped"].append(attack.short_of_armed_attack)
        group = (frozenset(attack.attackers), attack.target, attack.threat)
        cols["k_group"].append(self.groups.setdefault(group, len(self.groups)))
        cols["k_row_start"].append(len(cols["j_state"]))
        rows: dict[str, tuple[int, str]] = {}
        for state, trigger in answerers(play, attack, ask):
            j = len(cols["j_state"])
            self._row(play, attack, state, trigger)
            rows[state] = (j, self.situations[j][1])  # its row, and the side its answer drawn is on
        cols["k_row_stop"].append(len(cols["j_state"]))
        self.account.add(play, attack, binding, rows)
        self.changes += 1
        return k

    def _row(self, play: Play, attack: Attack, state: str, trigger: Trigger | None) -> None:
        cols, at, world = self.cols, self.at, play.world
        treaty = trigger.treaty if trigger is not None else None
        partner = trigger.partner if trigger is not None else attack.target
        cols["j_state"].append(at[state])
        cols["j_treaty"].append(-1 if treaty is None else self.treaties.setdefault(treaty, len(self.treaties)))
        cols["j_leader"].append(treaty is not None and self.scenario.treaty_by_id[treaty].leader == state)
        # each variant's values are read when a run first needs them (`_read`): most rows meet one or two
        self.situations.append((state, partner, attack, treaty, trigger.article if trigger else None,
                                trigger is not None))
        for name in ("j_values", "j_core", "j_read"):
            cols[name].append(_BLANK[name])
        cols["j_opp_start"].append(len(cols["j_opp"]))
        cols["j_opp"].extend(at[s] for s in rd.opponents(attack, partner))
        cols["j_opp_stop"].append(len(cols["j_opp"]))
        cols["j_kept_drawn"].append([toward(level, partner, attack, attack.target).rank for level in RESPONSES])
        cols["j_kept_standing"].append([toward(level, attack.target, attack, attack.target).rank
                                        for level in RESPONSES])
        for side, name in ((partner, "j_war"), (attack.target, "j_swar")):
            full = Decision(turn=world.turn, state=state, attack=attack.id, response=Response.FULL,
                            source=DecisionSource.DOCTRINE, side=side)
            enemies, provoked = _enemies_from(full, attack)
            cols[f"{name}_start"].append(len(cols["c_enemy"]))
            for enemy in enemies:
                cols["c_enemy"].append(at[enemy])
                cols["c_table"].append(-1)
                self.children.append(_Child(attack, state, enemy, provoked))
            cols[f"{name}_stop"].append(len(cols["c_enemy"]))
        suffix = f"{attack.id}|{state}".encode()
        cols["j_key_start"].append(len(self.key_bytes))
        cols["j_key_len"].append(len(suffix))
        self.longest = max(self.longest, len(suffix))
        self.key_bytes.extend(suffix)

    def _read(self, play: Play, j: int, variant: int) -> None:
        """Row j's factor values and the core of its side when the treaty's leader gave `variant`
        (none yet, or a level), read off the world of `play` (the row's setting and turn)."""
        state, partner, attack, treaty_id, article, triggered = self.situations[j]
        asked = Situation(play.world, state, partner, attack, treaty_id, article, _VARIANTS[variant], triggered)
        treaty = self.scenario.treaty_by_id.get(asked.treaty) if asked.treaty is not None else None
        core = [self.at[s] for s in rd.our_side(asked, rd.scratch(play.world), treaty)]
        # (the reputation's and the cost of war's places are the loop's: it reads them from the run)
        self.cols["j_values"].view()[j, variant] = doctrine_factors.kept_values(asked)
        self.cols["j_core"].view()[j, variant] = core + [-1] * (3 - len(core))
        self.cols["j_read"].view()[j, variant] = True  # (in place: the loop's views see it)

    def _child(self, play: Play, c: int) -> None:
        child = self.children[c]
        attack = _war_on(child.state, child.enemy, child.provoked, child.parent, play.world)
        self.cols["c_table"].set(c, self.table(play, attack))

    def drawn(self, j: int, rank: int, turn: int) -> Decision:
        """Row j's answer drawn at `rank` (on the turn of its table), as engine.decide gives it: made
        once, then shared by every run that gives it (a decision is frozen)."""
        found = self.decided.get((j, rank))
        if found is None:
            state, partner, attack, treaty, _, _ = self.situations[j]
            found = self.decided[(j, rank)] = _DECISION(Decision, turn, state, attack.id, RESPONSES[rank], _DOCTRINE,
                                                        partner, treaty, "")
        return found

    def arrays(self) -> tuple[npt.NDArray[Any], ...]:
        """The tables as the loop reads them, in `war_loop.COLUMNS`' order (made again once changed)."""
        if self._arrays is None or self._arrays[0] != self.changes:
            self._arrays = (self.changes, tuple(self.key_bytes.view() if name == "key_bytes" else self.cols[name].view()
                                                for name in war_loop.COLUMNS))
        return self._arrays[1]

    # --- a turn ------------------------------------------------------------------------------

    def play(self, gs: GameState, ctx: Context) -> Outcome:
        """The cascade of the open turn `gs` as the reference engine's close would play it, for a
        batch run (stochastic, no explanations); raises OutOfScope for what is not compiled."""
        # read only (no event is run): the state needs no copy
        return self.played(Play(gs, ctx, own=True)).outcome(self)

    def played(self, play: Play) -> _Run:
        """The cascade of the open turn of `play`, played in the loop (read off it, nothing run)."""
        gs, ctx = play.gs, play.ctx
        check(gs, ctx)
        if len(self.situations) >= ROWS_KEPT or len(self.found) >= ROWS_KEPT:  # (tables without rows count too)
            self._empty()
        order = rd.in_id_order(play.world)
        if order.ids != self.ids:
            raise OutOfScope("a world whose states are not the scenario's is not compiled")
        first = [self.table(play, gs.attacks[a]) for a in gs.turn_attacks]
        return self.drive(_Run.of(self, gs, ctx, order, first), lambda: play)

    def drive(self, run: _Run, playing: Callable[[], Play],
              counted: Callable[[int, _Run], int | None] | None = None) -> _Run:
        """The cascade `run` played to its end: each table or reading the loop stops for is made in the
        phase `playing` gives (asked only when one must be made), and the loop goes on. A table whose
        binding counts adversaries, at the wars as they stand in the loop, is first looked for by
        `counted` (None: not built yet)."""
        while True:
            status, detail = run.go(self)
            if status == war_loop.DONE or status == war_loop.TOO_LONG:
                return run
            self.stopped(status, detail, run, playing, counted)

    def stopped(self, status: int, detail: int, run: _Run, playing: Callable[[], Play],
                counted: Callable[[int, _Run], int | None] | None = None) -> None:
        """What the cascade loop stopped for (`status`, `detail`: engine.kernel.war_loop) made, as `drive`
        makes it, for the loop to go on."""
        if status == war_loop.MISSING:
            self._child(playing(), detail)
        elif status == war_loop.UNREAD:
            self._read(playing(), *divmod(detail, len(_VARIANTS)))
        elif status == war_loop.COUNTS:
            k = counted(detail, run) if counted is not None else None
            run.work[0, war_loop.slot(run.cursor)] = self._counted(playing(), detail, run) if k is None else k
            war_loop.found(run.cursor)
        elif status == war_loop.ASKED_AGAIN:
            k = self._asked_again_known(detail, run)  # (most often built: no phase made to find it)
            run.work[0, war_loop.slot(run.cursor)] = self._asked_again(playing(), detail, run) if k is None else k
        elif status == war_loop.FULL_UP:
            run.answers = self._answers = np.concatenate([run.answers, np.zeros_like(run.answers)])
            run.examined = self._examined = np.concatenate([run.examined, np.zeros_like(run.examined)])
        else:
            raise OutOfScope("a cascade the loop cannot play")


def parties_wars(attack: Attack, enemies: Callable[[str], frozenset[str]]) -> tuple[frozenset[str], ...]:
    """What the table of an attack whose binding counts adversaries is kept by besides the attack
    (`CascadeTables.table`, `known`): the enemies of its target, then of each attacker."""
    return tuple(enemies(s) for s in (attack.target, *attack.attackers))


def compile_loop() -> None:
    """Compile the loops (or load them from numba's disk cache) by playing a cascade of no attack over
    tables of no state, and resolving it: the same types as every cascade's."""
    tables = CascadeTables.__new__(CascadeTables)
    tables.ids, tables.at = (), {}
    tables._empty()
    empty = np.zeros(0, dtype=np.float64)
    run = _Run(tables, [], np.zeros((0, 2), dtype=np.int64), empty, np.zeros(len(FACTORS), dtype=np.float64),
               np.zeros(4, dtype=np.float64), np.zeros(4, dtype=np.float64), b"")
    run.go(tables)
    tables.account.resolve(tables, run)


# The loop's constants per doctrine and numbering of the world's states (the doctrine's weights and
# cut points; the factors' places, then the states' powers and arms): a batch's runs share one doctrine
# and meet a few numberings, so each pair's are made once. The loop only reads them.
_Constants = tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]
_CONSTANTS: dict[tuple[int, int], tuple[Doctrine, rd.IdOrder, _Constants]] = {}
_CONSTANTS_KEPT = 256


def _constants(doctrine: Doctrine, order: rd.IdOrder) -> _Constants:
    """The weights, the cut points and the constants the loop reads for `doctrine` and `order`."""
    found = _CONSTANTS.get((id(doctrine), id(order)))
    if found is None or found[0] is not doctrine or found[1] is not order:
        if len(_CONSTANTS) >= _CONSTANTS_KEPT:
            _CONSTANTS.clear()
        made = (*doctrine_arrays(doctrine),
                np.asarray([doctrine_factors.REPUTATION_AT, doctrine_factors.COST_AT,
                            doctrine_factors._SHARE_WEIGHT, doctrine_factors._NUCLEAR_WEIGHT,
                            *order.powers, *(float(x) for x in order.nuclear)], dtype=np.float64))
        found = _CONSTANTS[(id(doctrine), id(order))] = (doctrine, order, made)
    return found[2]


_DOCTRINES: dict[int, tuple[Doctrine, tuple[npt.NDArray[Any], npt.NDArray[Any]]]] = {}


def doctrine_arrays(doctrine: Doctrine) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """The weights (in the factors' order) and the cut points the loop reads for `doctrine`."""
    found = _DOCTRINES.get(id(doctrine))
    if found is None or found[0] is not doctrine:
        if len(_DOCTRINES) >= _CONSTANTS_KEPT:
            _DOCTRINES.clear()
        found = _DOCTRINES[id(doctrine)] = (doctrine, (
            np.asarray([doctrine.weights[f] for f in FACTORS], dtype=np.float64),
            np.asarray(doctrine.cuts, dtype=np.float64)))
    return found[1]


class _Run:
    """One cascade in the loop: what it reads of the run and where it has got to, kept while the
    loop stops for a table or a reading to be made and goes on."""

    at_war: npt.NDArray[Any]
    enemies: npt.NDArray[Any]
    n_enemies: npt.NDArray[Any]
    cursor: npt.NDArray[Any]
    work: npt.NDArray[Any]
    stands: npt.NDArray[Any]
    due: npt.NDArray[Any]
    already: npt.NDArray[Any]
    said: npt.NDArray[Any]
    wars: npt.NDArray[Any]
    buf: npt.NDArray[Any]

    def __init__(self, tables: CascadeTables, first: list[int], wars: npt.NDArray[Any], rep: npt.NDArray[Any],
                 weights: npt.NDArray[Any], cuts: npt.NDArray[Any], consts: npt.NDArray[Any], prefix: bytes,
                 kept: _Run | None = None) -> None:
        """`wars`: the wars (numbered pairs, (m, 2), in the order they began); `kept`: a cascade of the
        same run played to its end, whose arrays this one takes over (made once a run, not per turn)."""
        n = len(tables.ids)
        if kept is not None and kept.at_war.shape[0] == n and kept.work.shape[1] > len(first):
            self.at_war, self.enemies, self.n_enemies = kept.at_war, kept.enemies, kept.n_enemies
            self.cursor, self.work, self.stands, self.due = kept.cursor, kept.work, kept.stands, kept.due
            self.already, self.said, self.wars, self.buf = kept.already, kept.said, kept.wars, kept.buf
        else:
            self.at_war = np.empty((n, n), dtype=np.bool_)
            self.enemies = np.empty((n, n), dtype=np.int64)
            self.n_enemies = np.empty(n, dtype=np.int64)
            self.cursor = np.empty(war_loop.CURSOR, dtype=np.int64)
            self.work = np.empty((2, max(n * n, len(first)) + 1), dtype=np.int64)
            self.stands = np.empty((n, n), dtype=np.int64)
            self.already = np.empty((len(tables.groups) + 16, n), dtype=np.bool_)
            self.said = np.empty(len(tables.treaties) + 16, dtype=np.int64)
            self.due = np.empty((n, n), dtype=np.bool_)
            self.wars = np.zeros((n * n, 3), dtype=np.int64)
            self.buf = np.zeros(0, dtype=np.uint8)  # the draws' keys, the prefix first
        self.restart(tables, first, rep, weights, cuts, consts, prefix)
        war_loop.fresh(wars, np.asarray(first, dtype=np.int64), self.cursor, self.work, self.stands, self.already,
                       self.said, self.due, self.at_war, self.enemies, self.n_enemies)

    def restart(self, tables: CascadeTables, first: list[int], rep: npt.NDArray[Any], weights: npt.NDArray[Any],
                cuts: npt.NDArray[Any], consts: npt.NDArray[Any], prefix: bytes) -> bool:
        """This cascade's arrays taken over by the run's next one (`__init__`'s arguments but the wars; False,
        and nothing changed, where they have too little room for its first round). The caller makes its
        workspace afresh (`war_loop.fresh`, which `engine.kernel.settle_loop.close_turn` calls)."""
        if self.work.shape[1] <= len(first):
            return False
        if self.buf.shape[0] >= len(prefix) + tables.longest:  # (else made in `ready`, the prefix first)
            self.buf[:len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
        self.rep, self.weights, self.cuts, self.consts, self.prefix = rep, weights, cuts, consts, prefix
        self.answers = tables._answers
        self.examined = tables._examined
        return True

    @classmethod
    def of(cls, tables: CascadeTables, gs: GameState, ctx: Context, order: rd.IdOrder, first: list[int]) -> _Run:
        """The cascade of the open turn `gs`, its first round's attacks the tables `first`."""
        at = tables.at
        wars = np.asarray([(at[w.aggressor], at[w.defender]) for w in gs.wars], dtype=np.int64).reshape(-1, 2)
        return cls(tables, first, wars,
                   np.asarray([gs.reputation.get(s, INITIAL_REPUTATION) for s in tables.ids], dtype=np.float64),
                   *_constants(ctx.doctrine, order), f"{gs.seed}|{gs.turn}|".encode())

    def go(self, tables: CascadeTables) -> tuple[int, int]:
        """The loop, from where it stopped, over the tables as they now stand."""
        status, detail = war_loop.play_cascade(*self.ready(tables))
        return int(status), int(detail)

    def ready(self, tables: CascadeTables) -> tuple[Any, ...]:
        """The loop's arguments, over the tables as they now stand (its workspace grown with them)."""
        (cursor, work, stands, already, said, due, at_war, enemies, n_enemies, buf, tab, answers, wars,
         examined) = self.workspace(tables)
        return (cursor, work, stands, already, said, due, at_war, enemies, n_enemies, self.rep, self.weights, self.cuts,
                self.consts, buf, len(self.prefix), _PERSON_BYTES, MAX_CASCADE_ROUNDS, tab, answers, wars, examined)

    def workspace(self, tables: CascadeTables) -> tuple[Any, ...]:
        """The loop's arguments that are this cascade's and the tables' (grown with the tables as they stand), as
        the turn loop takes them (engine.kernel.turn_loop: it writes the key prefix, reads the constants)."""
        self.answers, self.examined = tables._answers, tables._examined  # (as `restart` takes them)
        if len(tables.groups) > self.already.shape[0]:
            grown = np.zeros((2 * len(tables.groups), self.already.shape[1]), dtype=np.bool_)
            grown[:self.already.shape[0]] = self.already
            self.already = grown
        if len(tables.treaties) > self.said.shape[0]:
            self.said = np.concatenate([self.said, np.full(2 * len(tables.treaties), -1, dtype=np.int64)])
        if self.buf.shape[0] < len(self.prefix) + tables.longest:
            self.buf = np.zeros(2 * (len(self.prefix) + tables.longest), dtype=np.uint8)
            self.buf[:len(self.prefix)] = np.frombuffer(self.prefix, dtype=np.uint8)
        return (self.cursor, self.work, self.stands, self.already, self.said, self.due, self.at_war, self.enemies,
                self.n_enemies, self.buf, tables.arrays(), self.answers, self.wars, self.examined)

    def result(self, tables: CascadeTables, play: Play, given: list[Decision] | None = None
               ) -> tuple[list[Event], CascadeResult]:
        """The cascade as the reference engine's close reads it: the events of the answers drawn
        (`decide.taken`, in the order drawn) and the rounds, each with its attacks, what binds
        in them, the answers kept (drawn or standing) and the wars begun at its start. `given`: a
        kernel run's, which keeps no log: the answers those events give, in their order, in place
        of the events."""
        gs, secret = play.gs, play.facts.secret
        turn, names, attacks = gs.turn, tables.ids, tables.attacks
        n_answers, n_wars = war_loop.answers_and_wars(self.cursor)
        j_state = tables.cols["j_state"].view()
        examined = self.examined[:war_loop.examined(self.cursor)].tolist()
        per_round: list[tuple[list[Attack], list[Trigger], list[Decision], list[War]]] = [
            ([], [], [], []) for _ in range(int(self.cursor[1]))]
        for r, k in examined:
            found = per_round[r - 1]
            found[0].append(attacks[k])
            found[1].extend(tables.bindings[k])
        events: list[Event] = []
        made = tables.made
        for k, j, rank, standing, kept, e in self.answers[:n_answers].tolist():
            # A row's answer at a level is the same decision and event in every run that gives it (its
            # table's setting and turn fix who sees it): made once, then shared, as both are frozen.
            found = made.get((j, rank, standing))
            if found is None:
                attack, state = attacks[k], names[j_state[j]]
                if standing:
                    d = _DECISION(Decision, turn, state, attack.id, RESPONSES[rank], _DOCTRINE, attack.target)
                    found = made[(j, rank, standing)] = (d, None)
                else:
                    d = tables.drawn(j, rank, turn)
                    found = made[(j, rank, standing)] = (d, taken(gs, d, secret, DOCTRINE_DECIDES))
            if found[1] is not None:
                if given is None:
                    events.append(found[1])
                else:
                    given.append(found[0])
            if kept:
                per_round[examined[e][0] - 1][2].append(found[0])
        for a, b, r in self.wars[:n_wars].tolist():
            per_round[r - 1][3].append(War(names[a], names[b]))
        rounds = tuple(Round(i + 1, tuple(x), tuple(t), tuple(d), tuple(w), ())
                       for i, (x, t, d, w) in enumerate(per_round))
        begun = tuple(w for rnd in rounds for w in rnd.wars_begun)
        world = play.world.evolve(wars=play.world.wars + begun) if begun else play.world
        truncated = self.cursor[0] != war_loop.OVER
        pending = tuple(attacks[k] for k in self.work[0, :war_loop.pending(self.cursor)].tolist()) if truncated else ()
        return events, CascadeResult(rounds, world, truncated, pending)

    def outcome(self, tables: CascadeTables) -> Outcome:
        n_answers, n_wars = war_loop.answers_and_wars(self.cursor)
        answers, wars = self.answers[:n_answers], self.wars[:n_wars]
        names = tables.ids
        states = tables.cols["j_state"].view()[answers[:, 1]].tolist()
        return Outcome(tuple(Answer(tables.attacks[k].id, names[state], rank, bool(standing), bool(kept))
                             for (k, _, rank, standing, kept, _), state in zip(answers.tolist(), states)),
                       tuple((names[a], names[b]) for a, b, _ in wars.tolist()), int(self.cursor[1]),
                       truncated=self.cursor[0] != war_loop.OVER)


_FLAGS = frozenset({"k_threat", "k_starts_war", "k_capped", "j_leader", "j_read", "k_counts"})
_ROWS = {"j_values": (len(_VARIANTS), len(FACTORS)), "j_core": (len(_VARIANTS), 3), "j_read": (len(_VARIANTS),),
         "j_kept_drawn": (len(RESPONSES),), "j_kept_standing": (len(RESPONSES),)}
_BLANK = {"j_values": np.zeros(_ROWS["j_values"]), "j_core": np.full(_ROWS["j_core"], -1, dtype=np.int64),
          "j_read": np.zeros(_ROWS["j_read"], dtype=np.bool_)}


def _column(name: str) -> Column:
    dtype = (np.float64 if name == "j_values" else np.bool_ if name in _FLAGS
             else np.uint8 if name == "key_bytes" else np.int64)
    return Column(dtype, _ROWS.get(name, ()))


def check(gs: GameState, ctx: Context) -> None:
    """What the loop takes for granted of the turn (the reference engine plays anything else)."""
    if gs.mode is not Mode.PLAY or not ctx.stochastic or ctx.verbose:
        raise OutOfScope("only a batch run's cascade (played by the doctrine, drawn, unexplained) is compiled")
    if gs.turn_decisions or gs.overrides or gs.options_due:
        raise OutOfScope("answers given this turn before its close are not yet compiled")
    if any(gs.attack_turn.get(a, gs.turn) < gs.turn for a in gs.turn_attacks):
        raise OutOfScope("an attack reopened from an earlier turn is not yet compiled")
    origins = {gs.attacks[a].origin for a in gs.turn_attacks}
    # A chain answered on an earlier turn began on one: an origin made this turn has no answers
    # before it, and the game's answers (hundreds) need not be read.
    if any(gs.attack_turn.get(o, -1) < gs.turn for o in origins) and any(
            gs.attacks[a].origin in origins for a, _ in gs.decisions):
        raise OutOfScope("a chain of attacks answered on an earlier turn is not yet compiled")
