"""A turn of war's councils and commitments in the compiled loop: tables per attack, and what the
reference engine's resolution reads of them.

Each table of an attack (`engine.kernel.war`) has, beside its answers, what resolving them
reads (`engine.resolve`), read off the reference engine's own functions when the table is
built:

- the treaties bound in the attack, each with its binding obligations, in the order the
  resolution groups them (by treaty, in the order of its first binding obligation);
- per council that votes on a call to arms: its voters in rank order (the attackers left
  out), each voter's vote for every answer it may give on either side it may give it (its
  answer drawn is on the side of the obligation it answers under; a standing one on the
  victim's), and with no answer (`engine.resolve._vote` asked each of these), and the votes
  it needs;
- per obligation: its ally's row in the table, whether each answer honours it
  (`honours`, `toward`), whether it is a call to arms, and for a non-aggression pact
  whether the attack breaks it now (`engine.resolve._answered_now`).

The loop (`engine.kernel.resolve_loop`) plays the order over the cascade's answers; `accounts`
gives its outcome as `engine.resolve.Accounts`, whose events the reference engine's
resolution makes (the verdicts, honour and reputations, cohesion) as for its own.
"""
from __future__ import annotations

from itertools import compress
from operator import not_
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from ..attack import toward
from ..model import RESPONSES, Decision, DecisionSource, Invocation, Mode, ObligationType
from ..network import Attack, Trigger
from ..play import Play
from ..resolve import _CALLS_TO_ARMS, _HONOURS, _NEEDED, Accounted, Accounts, Settled, _answered_now, _vote
from ..state import GameState
from . import war_loop
from .columns import Column
from .resolve_loop import COLUMNS, resolve_turn

if TYPE_CHECKING:
    from .war import CascadeTables, _Run

__all__ = ["AccountTables", "Ballots", "accounts"]

_NA = ObligationType.NONAGGRESSION
_SHAPES = {"v_ayes": (2, len(RESPONSES)), "r_kept": (len(RESPONSES),)}
_FLAGS = frozenset({"g_armed", "g_member", "v_absent", "r_na", "r_now", "r_armed", "v_ayes", "r_kept"})


class AccountTables:
    """The resolution's tables of a scenario's attack tables, grown with them."""

    def __init__(self) -> None:
        self.cols = {name: Column(np.bool_ if name in _FLAGS else np.int64, _SHAPES.get(name, ()))
                     for name in COLUMNS}
        self.voters: list[str] = []            # per voter row, the member
        self.triggers: list[Trigger] = []      # per obligation row, the obligation
        self.treaty_of: list[str] = []         # per group, its treaty
        self._arrays: tuple[int, tuple[npt.NDArray[Any], ...]] | None = None
        self._out: dict[str, npt.NDArray[Any]] = {}

    def add(self, play: Play, attack: Attack, binding: tuple[Trigger, ...], rows: dict[str, tuple[int, str]]) -> None:
        """The tables of one attack's table: `rows` its answerers' rows, each with the side its answer
        drawn is on (the partner of the obligation it answers under, else the victim)."""
        cols = self.cols
        groups: dict[str, list[Trigger]] = {}
        for t in binding:
            if t.triggered:
                groups.setdefault(t.treaty, []).append(t)
        cols["k_g_start"].append(len(self.treaty_of))
        for treaty_id, triggers in groups.items():
            treaty = play.gs.scenario.treaty(treaty_id)
            armed = [t for t in triggers if t.type in _CALLS_TO_ARMS]
            self.treaty_of.append(treaty_id)
            cols["g_armed"].append(bool(armed))
            cols["g_member"].append(treaty.invocation is Invocation.MEMBER)
            cols["g_v_start"].append(len(self.voters))
            need = 0
            if armed and treaty.invocation is not Invocation.MEMBER:
                need = self._voters(play, attack, treaty_id, armed, rows)
            cols["g_need"].append(need)
            cols["g_v_stop"].append(len(self.voters))
            cols["g_r_start"].append(len(self.triggers))
            for t in triggers:
                self._obligation(play, attack, t, rows)
            cols["g_r_stop"].append(len(self.triggers))
        cols["k_g_stop"].append(len(self.treaty_of))

    def _voters(self, play: Play, attack: Attack, treaty_id: str, armed: list[Trigger],
                rows: dict[str, tuple[int, str]]) -> int:
        ballots = Ballots(play, play.world.members_in_force.get(treaty_id, frozenset()), treaty_id, attack, armed)
        for member in ballots.voters:
            row, drawn = rows.get(member, (-1, attack.target))
            self.voters.append(member)
            self.cols["v_row"].append(row)
            self.cols["v_absent"].append(ballots.absent(member))
            self.cols["v_ayes"].append([ballots.ayes(member, side) for side in (drawn, attack.target)])
        return ballots.need

    def _obligation(self, play: Play, attack: Attack, t: Trigger, rows: dict[str, tuple[int, str]]) -> None:
        row, side = rows.get(t.ally, (-1, attack.target))
        # engine.resolve._answered_now, of a pact: the attack in the state the resolution reads it in
        made = cast(GameState, SimpleNamespace(attack_turn={attack.id: play.gs.turn}, turn=play.gs.turn,
                                               attacks={attack.id: attack}))
        self.triggers.append(t)
        self.cols["r_row"].append(row if t.type is not _NA else -1)
        self.cols["r_na"].append(t.type is _NA)
        self.cols["r_now"].append(t.type is _NA and _answered_now(made, t))
        self.cols["r_armed"].append(t.type in _CALLS_TO_ARMS)
        self.cols["r_kept"].append([_HONOURS[t.type, toward(level, side, attack, t.partner)] for level in RESPONSES])

    def arrays(self) -> tuple[npt.NDArray[Any], ...]:
        """The tables as the loop reads them (made again once an attack's table is added: each adds
        a row to `k_g_start`, even one with no treaty bound)."""
        tables = len(self.cols["k_g_start"])
        if self._arrays is None or self._arrays[0] != tables:
            self._arrays = (tables, tuple(self.cols[name].view() for name in COLUMNS))
        return self._arrays[1]

    def out(self, name: str, rows: int, width: int = 0) -> npt.NDArray[Any]:
        """The loop's output `name`, with room for `rows` (kept and grown: made once, not per turn)."""
        found = self._out.get(name)
        if found is None or found.shape[0] < rows:
            shape = (2 * rows + 16, width) if width else (2 * rows + 16,)
            found = self._out[name] = np.full(shape, -1, dtype=np.int64) if name == "rows" else np.zeros(
                shape, dtype=np.int64)
        return found

    def resolve(self, tables: CascadeTables, run: _Run) -> tuple[int, int]:
        """The loop over the cascade `run` played: how many groups and commitments tested it wrote
        (in `out`'s arrays)."""
        room = max(len(self.treaty_of), len(self.triggers))
        while True:
            n_groups, _, n_tested = resolve_turn(
                run.examined, war_loop.examined(run.cursor), run.answers, war_loop.answers_and_wars(run.cursor)[0],
                self.arrays(), *self.outs(tables, room))
            if n_groups >= 0:
                return n_groups, n_tested
            room *= 2  # (a turn meets each table once, so its groups and obligations fit: never so far)

    def outs(self, tables: CascadeTables, room: int) -> tuple[npt.NDArray[Any], ...]:
        """What the loop writes to, with room for `room` groups and commitments: per row of the cascade
        tables, its answer (-1 none), and the groups, the voters' votes, the commitments accounted and
        those tested."""
        return (self.out("rows", len(tables.situations)), self.out("groups", room, 8),
                self.out("ayes", len(self.voters)), self.out("owed", room, 2), self.out("tested", room, 2))


class Ballots:
    """A council's voters on a call to arms against an attack, in rank order (the attackers left
    out), the votes it needs, and each voter's vote for every answer it may give on a side, or with
    no answer: `engine.resolve._vote` asked each, of a stand-in state with no decisions (it reads
    the state's decisions, then the round's answers, so each possible answer can be put to it)."""

    def __init__(self, play: Play, members: frozenset[str], treaty_id: str, attack: Attack,
                 armed: list[Trigger]) -> None:
        self.gs, self.treaty_id, self.attack = play.gs, treaty_id, attack
        self.voters = sorted(members - set(attack.attackers), key=play.facts.rank)
        self.need = int(_NEEDED[play.gs.scenario.treaty(treaty_id).invocation](len(self.voters)))
        self.owed_by: dict[str, list[Trigger]] = {}
        for t in armed:
            self.owed_by.setdefault(t.ally, []).append(t)
        self.bare = cast(GameState, SimpleNamespace(decisions={}, mode=Mode.PLAY, scenario=play.gs.scenario))

    def ayes(self, member: str, side: str) -> list[bool]:
        """The member's vote for each answer (in RESPONSES' order) given on `side`."""
        attack, owed = self.attack, self.owed_by.get(member, [])
        return [_vote(self.bare, attack, member, owed, self.treaty_id, {(attack.id, member): Decision(
            turn=self.gs.turn, state=member, attack=attack.id, response=level, source=DecisionSource.DOCTRINE,
            side=side)})[0] for level in RESPONSES]

    def absent(self, member: str) -> bool:
        """The member's vote with no answer to go by."""
        return _vote(self.bare, self.attack, member, self.owed_by.get(member, []), self.treaty_id, {})[0]


def accounts(tables: CascadeTables, run: _Run, play: Play, ledger: list[Settled] | None = None) -> Accounts:
    """The councils' votes and the commitments of the cascade `run` played, as the reference
    engine's resolution reads them (`ledger`: see Accounts)."""
    acc = tables.account
    n_groups, n_tested = acc.resolve(tables, run)
    tab = acc.arrays()
    examined = run.examined[:war_loop.examined(run.cursor)].tolist()
    rounds: dict[int, list[Accounted]] = {}
    triggers = acc.triggers
    if n_groups:
        groups = acc.out("groups", 0)[:n_groups]
        # Each group's voters' rows, read for every group at once (a scalar read per group costs more).
        v_start, v_stop = (tab[5][groups[:, 1]].tolist(), tab[6][groups[:, 1]].tolist())
        groups_read = groups.tolist()
        owed_all = acc.out("owed", 0)[:groups_read[-1][5]].tolist()
        ayes = acc.out("ayes", 0)
        attacks, treaty_of, voters = tables.attacks, acc.treaty_of, acc.voters
        for (e, g, voted, _, owed_start, owed_stop, _, _), first, last in zip(groups_read, v_start, v_stop):
            if not voted and owed_start == owed_stop:
                continue  # nothing to say: no vote, no commitment due now
            vote = None
            if voted:
                said = ayes[first:last].tolist()
                names = voters[first:last]
                # for and against, in the voters' order (picked in C)
                vote = (tuple(compress(names, said)), tuple(compress(names, map(not_, said))))
            r, k = examined[e]
            due = [(triggers[i], kept == 1) for i, kept in owed_all[owed_start:owed_stop]]
            found = rounds.get(r)
            if found is None:
                found = rounds[r] = []
            found.append(Accounted(treaty_of[g], attacks[k].id, vote, due))
    powers = play.world.states
    measured: dict[str, list[tuple[float, bool]]] = {}
    for i, kept in acc.out("tested", 0)[:n_tested].tolist():
        t = triggers[i]
        cases = measured.get(t.treaty)
        if cases is None:
            cases = measured[t.treaty] = []
        cases.append((powers[t.ally].power, kept == 1))
    return Accounts(rounds, measured, ledger)
