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
bound on rounds is cut short where the reference engine cuts it. Out of this first scope,
each said by `OutOfScope`: a turn whose cascade meets a conditional obligation, an
obligation counting adversaries (`min_adversaries`), an attack reopened from an earlier
turn, answers given this turn before its close, a replay. `CascadeTables.play` gives a
turn's answers and wars as the reference engine's cascade gives them
(tests/test_kernel_war.py checks it turn by turn).

Not yet used by `casus run`: a kernel run's turn of war is still the reference engine's,
whose close needs the events and the state those answers make. Drawing only the answers
ahead in the loop and handing them to that close was measured and gains nothing
(docs/PERFORMANCE.md, "A turn's cascade in the compiled loop"); the loop is the first piece
of whole runs in the kernel.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..alliance_graph import AllianceGraph
from ..attack import toward
from ..cascade import _conditional, _enemies_from, _war_on
from ..decide import PERSON, answerers
from ..doctrine import FACTORS, Situation
from ..doctrine import factors as doctrine_factors
from ..doctrine import readings as rd
from ..model import RESPONSES, Decision, DecisionSource, Mode, Response, Scenario
from ..network import Attack, Trigger
from ..play import Context, Play
from ..state import GameState
from ..turn import MAX_CASCADE_ROUNDS
from ..world import INITIAL_REPUTATION, War, World
from . import war_loop
from .scope import OutOfScope

__all__ = ["Answer", "CascadeTables", "Outcome", "ROWS_KEPT"]

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
        self._empty()

    def _empty(self) -> None:
        self.found: dict[tuple[Any, ...], int] = {}
        self.attacks: list[Attack] = []
        self.answered: list[frozenset[str]] = []  # per table: who had answered its attackers before
        # per table whose binding counts adversaries: the world of the wars it was built for, which a
        # table for the same wars and fewer allies asked is built in (else None: no world is kept)
        self.worlds: list[World | None] = []
        self.children: list[_Child] = []
        self._answers = np.zeros((256, 5), dtype=np.int64)  # where the loop writes a cascade's answers
        # per row, its answer's situation but the world and the leader's answer (a world is not kept:
        # the row is read in the world of a run that meets it, of the same setting and turn)
        self.situations: list[tuple[str, str, Attack, str | None, int | None, bool]] = []
        self.groups: dict[tuple[frozenset[str], str, bool], int] = {}
        self.treaties: dict[str, int] = {}
        self.cols = {name: _Column(name) for name in war_loop.COLUMNS if name != "key_bytes"}
        self.key_bytes = _Column("key_bytes")
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
        wars = tuple(world.enemies(s) for s in (attack.target, *attack.attackers)) if counts else None
        key = (world.setting, world.turn, attack, answered, wars)
        found = self.found.get(key)
        if found is None:
            found = self.found[key] = self._build(play, graph, attack, answered, counts)
        return found

    def _counted(self, play: Play, k: int, run: _Run) -> int:
        """Table k's attack, for the wars as they stand in the loop (what binds counts adversaries)."""
        n_wars = war_loop.answers_and_wars(run.cursor)[1]
        begun = tuple(War(self.ids[a], self.ids[b]) for a, b in run.wars[:n_wars].tolist())
        world = play.world.evolve(wars=play.world.wars + begun) if begun else play.world
        return self.table(play, self.attacks[k], self.answered[k], world)

    def _asked_again(self, play: Play, k: int, run: _Run) -> int:
        """Table k's attack, for the allies that have not answered its attackers on its target yet
        (engine.cascade asks only those)."""
        group = self.cols["k_group"].view()[k]
        answered = frozenset(self.ids[s] for s in np.flatnonzero(run.already[group]).tolist())
        return self.table(play, self.attacks[k], answered, self.worlds[k])

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
        self.answered.append(answered)
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
        for state, trigger in answerers(play, attack, ask):
            self._row(play, attack, state, trigger)
        cols["k_row_stop"].append(len(cols["j_state"]))
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
        self.cols["j_values"].view()[j, variant] = doctrine_factors.values(asked)
        self.cols["j_core"].view()[j, variant] = core + [-1] * (3 - len(core))
        self.cols["j_read"].view()[j, variant] = True  # (in place: the loop's views see it)

    def _child(self, play: Play, c: int) -> None:
        child = self.children[c]
        attack = _war_on(child.state, child.enemy, child.provoked, child.parent, play.world)
        self.cols["c_table"].set(c, self.table(play, attack))

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
        return self._played(gs, ctx).outcome(self)

    def _played(self, gs: GameState, ctx: Context) -> _Run:
        _check(gs, ctx)
        if len(self.situations) >= ROWS_KEPT:
            self._empty()
        play = Play(gs, ctx, own=True)  # read only (no event is run): the state needs no copy
        order = rd.in_id_order(play.world)
        if order.ids != self.ids:
            raise OutOfScope("a world whose states are not the scenario's is not compiled")
        first = [self.table(play, gs.attacks[a]) for a in gs.turn_attacks]
        run = _Run(self, gs, ctx, order, first)
        while True:
            status, detail = run.go(self)
            if status == war_loop.DONE or status == war_loop.TOO_LONG:
                return run
            if status == war_loop.MISSING:
                self._child(play, detail)
            elif status == war_loop.UNREAD:
                self._read(play, *divmod(detail, len(_VARIANTS)))
            elif status == war_loop.COUNTS:
                run.work[0, war_loop.slot(run.cursor)] = self._counted(play, detail, run)
                war_loop.found(run.cursor)
            elif status == war_loop.ASKED_AGAIN:
                run.work[0, war_loop.slot(run.cursor)] = self._asked_again(play, detail, run)
            elif status == war_loop.FULL_UP:
                run.answers = np.concatenate([run.answers, np.zeros_like(run.answers)])
            else:
                raise OutOfScope("a cascade the loop cannot play")


class _Run:
    """One cascade in the loop: what it reads of the run and where it has got to, kept while the
    loop stops for a table or a reading to be made and goes on."""

    def __init__(self, tables: CascadeTables, gs: GameState, ctx: Context, order: rd.IdOrder,
                 first: list[int]) -> None:
        n, at = len(tables.ids), tables.at
        self.at_war = np.zeros((n, n), dtype=np.bool_)
        self.enemies = np.full((n, n), -1, dtype=np.int64)
        self.n_enemies = np.zeros(n, dtype=np.int64)
        for war in gs.wars:
            a, b = at[war.aggressor], at[war.defender]
            if not self.at_war[a, b]:
                war_loop._make_war(a, b, self.at_war, self.enemies, self.n_enemies)
        self.rep = np.asarray([gs.reputation.get(s, INITIAL_REPUTATION) for s in tables.ids], dtype=np.float64)
        doctrine = ctx.doctrine
        self.weights = np.asarray([doctrine.weights[f] for f in FACTORS], dtype=np.float64)
        self.cuts = np.asarray(doctrine.cuts, dtype=np.float64)
        self.consts = np.asarray([doctrine_factors.REPUTATION_AT, doctrine_factors.COST_AT,
                                  doctrine_factors._SHARE_WEIGHT, doctrine_factors._NUCLEAR_WEIGHT,
                                  *order.powers, *(float(x) for x in order.nuclear)], dtype=np.float64)
        self.prefix = f"{gs.seed}|{gs.turn}|".encode()
        self.buf = np.zeros(0, dtype=np.uint8)  # the draws' keys, the prefix first
        self.cursor = np.zeros(war_loop.CURSOR, dtype=np.int64)
        self.work = np.zeros((2, max(n * n, len(first)) + 1), dtype=np.int64)
        self.work[0, :len(first)] = first
        war_loop.begin(self.cursor, len(first))
        self.stands = np.full((n, n), -1, dtype=np.int64)
        self.already = np.zeros((len(tables.groups) + 16, n), dtype=np.bool_)
        self.said = np.full(len(tables.treaties) + 16, -1, dtype=np.int64)
        self.due = np.zeros((n, n), dtype=np.bool_)
        self.answers = tables._answers
        self.wars = np.zeros((n * n, 2), dtype=np.int64)

    def go(self, tables: CascadeTables) -> tuple[int, int]:
        """The loop, from where it stopped, over the tables as they now stand."""
        if len(tables.groups) > self.already.shape[0]:
            grown = np.zeros((2 * len(tables.groups), self.already.shape[1]), dtype=np.bool_)
            grown[:self.already.shape[0]] = self.already
            self.already = grown
        if len(tables.treaties) > self.said.shape[0]:
            self.said = np.concatenate([self.said, np.full(2 * len(tables.treaties), -1, dtype=np.int64)])
        tab = tables.arrays()
        if self.buf.shape[0] < len(self.prefix) + tables.longest:
            self.buf = np.zeros(2 * (len(self.prefix) + tables.longest), dtype=np.uint8)
            self.buf[:len(self.prefix)] = np.frombuffer(self.prefix, dtype=np.uint8)
        buf = self.buf
        status, detail = war_loop.play_cascade(
            self.cursor, self.work, self.stands, self.already, self.said, self.due, self.at_war, self.enemies,
            self.n_enemies, self.rep, self.weights, self.cuts, self.consts, buf, len(self.prefix), _PERSON_BYTES,
            MAX_CASCADE_ROUNDS, tab, self.answers, self.wars)
        if self.answers.shape[0] > tables._answers.shape[0]:
            tables._answers = self.answers
        return int(status), int(detail)

    def outcome(self, tables: CascadeTables) -> Outcome:
        n_answers, n_wars = war_loop.answers_and_wars(self.cursor)
        answers, wars = self.answers[:n_answers], self.wars[:n_wars]
        names = tables.ids
        states = tables.cols["j_state"].view()[answers[:, 1]].tolist()
        return Outcome(tuple(Answer(tables.attacks[k].id, names[state], rank, bool(standing), bool(kept))
                             for (k, _, rank, standing, kept), state in zip(answers.tolist(), states)),
                       tuple((names[a], names[b]) for a, b in wars.tolist()), int(self.cursor[1]),
                       truncated=self.cursor[0] != war_loop.OVER)


_FLAGS = frozenset({"k_threat", "k_starts_war", "k_capped", "j_leader", "j_read", "k_counts"})
_ROWS = {"j_values": (len(_VARIANTS), len(FACTORS)), "j_core": (len(_VARIANTS), 3), "j_read": (len(_VARIANTS),),
         "j_kept_drawn": (len(RESPONSES),), "j_kept_standing": (len(RESPONSES),)}
_BLANK = {"j_values": np.zeros(_ROWS["j_values"]), "j_core": np.full(_ROWS["j_core"], -1, dtype=np.int64),
          "j_read": np.zeros(_ROWS["j_read"], dtype=np.bool_)}


class _Column:
    """A column of the tables that grows as tables are added: rows are kept in a list as they come
    and written into a NumPy array of twice the room when the loop next reads it (a view)."""

    def __init__(self, name: str) -> None:
        dtype = (np.float64 if name == "j_values" else np.bool_ if name in _FLAGS
                 else np.uint8 if name == "key_bytes" else np.int64)
        self.data: npt.NDArray[Any] = np.zeros((16, *_ROWS.get(name, ())), dtype=dtype)
        self.n = 0              # rows in `data`
        self.pending: list[Any] = []

    def __len__(self) -> int:
        return self.n + len(self.pending)

    def append(self, value: Any) -> None:
        self.pending.append(value)

    def extend(self, values: Any) -> None:
        self.pending.extend(values)

    def set(self, i: int, value: Any) -> None:
        self.view()[i] = value

    def view(self) -> npt.NDArray[Any]:
        if self.pending:
            need = self.n + len(self.pending)
            if need > self.data.shape[0]:
                grown = np.zeros((2 * need, *self.data.shape[1:]), dtype=self.data.dtype)
                grown[:self.n] = self.data[:self.n]
                self.data = grown
            self.data[self.n:need] = self.pending
            self.n = need
            self.pending = []
        return self.data[:self.n]


def _check(gs: GameState, ctx: Context) -> None:
    """What the loop takes for granted of the turn (the reference engine plays anything else)."""
    if gs.mode is not Mode.PLAY or not ctx.stochastic or ctx.verbose:
        raise OutOfScope("only a batch run's cascade (played by the doctrine, drawn, unexplained) is compiled")
    if gs.turn_decisions or gs.overrides or gs.options_due:
        raise OutOfScope("answers given this turn before its close are not yet compiled")
    if any(gs.attack_turn.get(a, gs.turn) < gs.turn for a in gs.turn_attacks):
        raise OutOfScope("an attack reopened from an earlier turn is not yet compiled")
    origins = {gs.attacks[a].origin for a in gs.turn_attacks}
    if any(gs.attacks[a].origin in origins for a, _ in gs.decisions):
        raise OutOfScope("a chain of attacks answered on an earlier turn is not yet compiled")
