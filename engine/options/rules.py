"""The rules of options and of ceasefires, read off the state of play (SCENARIO_FORMAT.md, "Options").

An option is open on a turn of its window (`turn` to `until`) while it has not been
carried out or let lapse, once its `requires` have fired; a ceasefire only while its
parties are at war. Each open option is its actor's choice that turn: the cell's in
an exercise, the record's in a replay, the doctrine's otherwise (engine.turn runs it).

A ceasefire ends belligerency between its parties and every war that began from the
same attacks (a cascade through the alliances), unless the two states of such a war
are also at war over an attack the ceasefire does not end.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import cast

from .. import numeric
from ..attack import Attack
from ..events import WarEnded
from ..model import Control, Decision, Inject, InjectKind, Mode, Response, Scenario
from ..play import facts, first
from ..state import GameState
from ..world import IdentityMemo, War, World
from .attacks import attack_chance
from .doctrine import (
    SILENT_VERBS,
    OptionAdvice,
    OptionCase,
    advise,
    ceasefire_values,
    chance,
    deployment_values,
    treaty_signed_values,
    treaty_withdrawal_values,
)
from .probes import probes as read_probes
from .weights import family

_OPTIONS = IdentityMemo()


def options_of(scenario: Scenario) -> tuple[Inject, ...]:
    """The scenario's options, in its order (read once per scenario: most have none)."""
    memo = _OPTIONS.scratch(scenario)
    found = memo.get("options")
    if found is None:
        found = memo["options"] = tuple(i for i in scenario.injects if i.option)
    assert isinstance(found, tuple)
    return found


def last_turn(inject: Inject) -> int:
    return inject.until if inject.until is not None else inject.turn


def actor_of(inject: Inject) -> str:
    """The state that decides an option: its (first) actor."""
    return inject.actors[0] if inject.actors else ""


def is_open(gs: GameState, inject: Inject) -> bool:
    """Whether the option is its actor's choice on this turn (see the module's docstring)."""
    if not inject.turn <= gs.turn <= last_turn(inject) or inject.id in gs.fired or inject.id in gs.lapsed:
        return False
    if any(r not in gs.fired for r in inject.requires):
        return False
    if inject.kind.traits.ends_war:
        return _at_war(gs, actor_of(inject), inject.target or "")
    return True


def _by_turn(scenario: Scenario) -> tuple[dict[int, tuple[Inject, ...]], dict[int, tuple[Inject, ...]]]:
    """The scenario's options by turn, in its order (read once per scenario): those whose window holds
    the turn, and those whose window closes with it. A batch run asks both on every turn."""
    memo = _OPTIONS.scratch(scenario)
    found = memo.get("by turn")
    if found is None:
        held: dict[int, list[Inject]] = {}
        closing: dict[int, list[Inject]] = {}
        for i in options_of(scenario):
            for turn in range(i.turn, min(last_turn(i), scenario.turns) + 1):  # (a window may outlast the game)
                held.setdefault(turn, []).append(i)
            closing.setdefault(last_turn(i), []).append(i)
        found = memo["by turn"] = ({t: tuple(x) for t, x in held.items()}, {t: tuple(x) for t, x in closing.items()})
    return cast(tuple[dict[int, tuple[Inject, ...]], dict[int, tuple[Inject, ...]]], found)


def may_open(gs: GameState, turn: int) -> bool:
    """Whether an option may be open on `turn` (a later one), as far as the state says now: one whose
    window holds it, neither carried out nor lapsed (the rest `is_open` asks is that turn's)."""
    fired, lapsed = gs.fired, gs.lapsed
    return any(i.id not in fired and i.id not in lapsed for i in _by_turn(gs.scenario)[0].get(turn, ()))


def open_options(gs: GameState) -> list[Inject]:
    """This turn's open options that nobody has chosen on yet."""
    held = _by_turn(gs.scenario)[0].get(gs.turn, ())
    return [i for i in held if i.id not in gs.option_choices and i.id not in gs.options_due and is_open(gs, i)]


def lapsing(gs: GameState) -> list[Inject]:
    """The options whose window closes with this turn, not carried out."""
    return [i for i in _by_turn(gs.scenario)[1].get(gs.turn, ()) if i.id not in gs.fired and i.id not in gs.lapsed]


def waiting(gs: GameState) -> list[tuple[str, str]]:
    """(inject, state) of the options offered to cells that have not chosen yet this turn."""
    return [(i, s) for i, s in gs.options_due.items() if i not in gs.option_choices and played_by_cell(gs, s)]


def orphaned(gs: GameState) -> list[tuple[str, str]]:
    """(inject, state) of the options offered to a cell that no cell plays any more (it left, or a
    what-if plays on from here with the doctrine): the doctrine chooses for them."""
    return [(i, s) for i, s in gs.options_due.items() if i not in gs.option_choices and not played_by_cell(gs, s)]


def played_by_cell(gs: GameState, state: str) -> bool:
    return gs.mode is Mode.EXERCISE and gs.controller(state) is Control.PLAYER


def by_record(gs: GameState, state: str) -> bool:
    return gs.mode is Mode.REPLAY or (gs.mode is Mode.EXERCISE and gs.controller(state) is Control.RECORD)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What the record says of an option this turn."""
    taken: bool
    why: str
    source: str | None = None


def recorded(gs: GameState, inject: Inject) -> Recorded:
    """A replay's choice: the script entry naming the option and its actor; `full` is taken (on the
    entry's turn), `neutral` or any other answer is not, and no entry means not taken."""
    actor = actor_of(inject)
    entries = [e for e in gs.scenario.script if e.inject == inject.id and e.state == actor]
    if not entries:
        return Recorded(False, "the record has no entry for it: not taken")
    entry = min(entries, key=lambda e: e.turn)
    if entry.response is not Response.FULL:
        return Recorded(False, f"the record: not taken{' (' + entry.note + ')' if entry.note else ''}",
                        entry.source)
    if entry.turn > gs.turn:
        return Recorded(False, f"the record has it carried out on turn {entry.turn}", entry.source)
    return Recorded(True, f"the record{': ' + entry.note if entry.note else ''}", entry.source)


def case(gs: GameState, inject: Inject, world: World | None = None, *, say: bool = True) -> OptionCase:
    """What the option's actor knows when it weighs the option (with its resolve for this game);
    `world`: the state's world when the caller holds it already (the versions of its setting and
    wars are the state's)."""
    actor = actor_of(inject)
    if inject.id in gs.resolves:
        inject = replace(inject, resolve=gs.resolves[inject.id])
    probes: tuple[float, ...] = ()
    if inject.kind.is_attack:
        probes = read_probes(gs, actor)
    turns = war_turns(gs, actor, inject) if inject.kind.traits.ends_war else 0
    return OptionCase(world or gs.world, inject, actor, probes, turns, say, gs.setting, gs.warfare)


def advice(gs: GameState, inject: Inject, world: World | None = None, *, say: bool = True) -> OptionAdvice:
    """The doctrine's advice on the option now; `say=False` skips the words (a batch run), and then
    reads each kind the doctrine weighs by its kind's one function (the same factors and
    chance, from the same readers, without the case and the dispatch the words need)."""
    if not say and inject.kind in _FLAT:
        world = world or gs.world
        return OptionAdvice(probability(gs, inject, world), (), world.name(actor_of(inject)), SILENT_VERBS, "")
    return advise(case(gs, inject, world, say=say))


def probability(gs: GameState, inject: Inject, world: World | None = None) -> float:
    """The doctrine's chance that the option's actor takes it now, without the advice around it (a
    batch run draws the choice from it alone): `advice(say=False).probability`."""
    flat = _FLAT.get(inject.kind)
    if flat is None:
        return advise(case(gs, inject, world, say=False)).probability
    return flat(gs, inject, world or gs.world)


# --- a batch run's reading: one function per kind, from the game's state -------------------------

def _deployment_chance(gs: GameState, inject: Inject, world: World) -> float:
    actor = actor_of(inject)
    values, _ = deployment_values(world, inject, resolve_of(gs, inject), actor, gs.setting, gs.warfare)
    return chance("deployment", values)


def _ceasefire_chance(gs: GameState, inject: Inject, world: World) -> float:
    actor = actor_of(inject)
    values, _ = ceasefire_values(world, inject, resolve_of(gs, inject), actor, war_turns(gs, actor, inject),
                                 gs.setting, gs.warfare)
    return chance("ceasefire", values)


def _signed_chance(gs: GameState, inject: Inject, world: World) -> float:
    values, _ = treaty_signed_values(world, inject, resolve_of(gs, inject), actor_of(inject), gs.setting, gs.warfare)
    return chance("treaty-signed", values)


def _withdrawal_chance(gs: GameState, inject: Inject, world: World) -> float:
    values, _ = treaty_withdrawal_values(world, inject, resolve_of(gs, inject), actor_of(inject), gs.setting,
                                         gs.warfare)
    return chance("treaty-withdrawal", values)


def resolve_of(gs: GameState, inject: Inject) -> float:
    """The option's resolve in this game: the one set for it (a Monte Carlo draw, the umpire's), else
    the scenario's."""
    return gs.resolves.get(inject.id, inject.resolve)


def war_turns(gs: GameState, actor: str, inject: Inject) -> int:
    """The turns the actor has been at war with the option's target, this one counted (0: not at war)."""
    began = gs.war_began.get(frozenset((actor, inject.target or "")))
    return gs.turn - began + 1 if began is not None else 0


_Chance = Callable[[GameState, Inject, World], float]
_BY_FAMILY: Mapping[str, _Chance] = {
    "attack": attack_chance, "deployment": _deployment_chance, "ceasefire": _ceasefire_chance,
    "treaty-signed": _signed_chance, "treaty-withdrawal": _withdrawal_chance}
# By the option's kind: the one look-up a batch run's option makes to find its reading (a kind the
# doctrine does not weigh is read through its case, as an explained option is).
_FLAT: Mapping[InjectKind, _Chance] = {
    kind: flat for kind in InjectKind if (flat := _BY_FAMILY.get(family(kind) or "")) is not None}


# --- the end of wars ------------------------------------------------------------------------------

def _at_war(gs: GameState, a: str, b: str) -> bool:
    pair = frozenset((a, b))
    return any(w.pair == pair for w in gs.wars)


def war_reasons(gs: GameState, pair: frozenset[str]) -> frozenset[str]:
    """The attacks (by their origin) over which the two states of `pair` are at war: an attack of
    one on the other that began a war, or an answer of one in arms against the other
    (`engine.numeric.war_reasons`)."""
    states: dict[str, int] = {}
    origins: dict[str, int] = {}
    table, attackers, armed = _laid_out(gs.attacks, in_arms(gs.decisions), states, origins)
    members = sorted(pair)
    reasons = [0] * _room(table, attackers, armed)
    n = numeric.war_reasons(_number(states, members[0]), _number(states, members[-1]), range(len(table)), table,
                            attackers, armed, (), reasons)
    name = {k: origin for origin, k in origins.items()}
    return frozenset(name[table[r][numeric.ORIGIN]] for r in reasons[:n])


def answers_in_arms(d: Decision) -> bool:
    """Whether an answer is in arms: the answers a state is at war over (beside the attacks that
    began a war), the only ones the end of wars reads."""
    return d.response is _FULL_ANSWER


def in_arms(decisions: Mapping[tuple[str, str], Decision]) -> list[tuple[tuple[str, str], Decision]]:
    """The answers in arms, with their (attack, state), in the order a game holds them."""
    return [(key, d) for key, d in decisions.items() if answers_in_arms(d)]


def _number(numbers: dict[str, int], name: str) -> int:
    found = numbers.get(name)
    if found is None:
        found = numbers[name] = len(numbers)
    return found


def _laid_out(attacks: Mapping[str, Attack], armed: Iterable[tuple[tuple[str, str], Decision]],
              states: dict[str, int], origins: dict[str, int]
              ) -> tuple[list[list[int]], list[int], list[list[int]]]:
    """The attacks made and the answers in arms as `engine.numeric`'s end of wars reads them: per
    attack its row (`ATTACK_COLUMNS`), the attackers, per answer in arms on an attack made (attack,
    state, side); the states and the origins numbered into `states` and `origins` as they come."""
    table: list[list[int]] = []
    attackers: list[int] = []
    place: dict[str, int] = {}
    for aid, attack in attacks.items():
        place[aid] = len(table)
        start = len(attackers)
        attackers.extend(_number(states, x) for x in attack.attackers)
        origin = attack.origin or attack.id
        table.append([attack.starts_war, attack.threat, _number(states, attack.target), _number(origins, origin),
                      attack.id == origin, start, len(attackers)])
    rows = [[place[aid], _number(states, state), -1 if d.side is None else _number(states, d.side)]
            for (aid, state), d in armed if aid in place]
    return table, attackers, rows


def _room(table: list[list[int]], attackers: list[int], armed: list[list[int]]) -> int:
    """Room for the reasons of one pair: at most one per attacker of each attack, and of each answer's."""
    f, t = numeric.ATTACKERS_FROM, numeric.ATTACKERS_TO
    return len(attackers) + sum(max(1, table[x][t] - table[x][f]) for x, _, _ in armed) + 1


_FULL_ANSWER = Response.FULL


def wars_ended(gs: GameState, inject: Inject) -> tuple[War, tuple[str, ...], list[War]] | None:
    """The wars a ceasefire ends (`wars_ended_of`), in the game `gs`."""
    return wars_ended_of(gs.wars, gs.attacks, gs.ceased, in_arms(gs.decisions), inject)


def wars_ended_of(wars: Sequence[War], attacks: Mapping[str, Attack], ceased: Iterable[str],
                  armed: Iterable[tuple[tuple[str, str], Decision]], inject: Inject
                  ) -> tuple[War, tuple[str, ...], list[War]] | None:
    """The wars a ceasefire ends, among `wars` (in the order they began), given the attacks made, the
    attacks whose wars ended before (`ceased`) and the answers in arms (`armed`, as `in_arms` gives
    them): its parties' war, with the attacks that began it (None: they are not at war), then each
    other war fought only over attacks whose wars have ended (this ceasefire's, or an earlier one's),
    in the order of the wars. The rule is `engine.numeric.wars_ended`, which the kernel compiles;
    here the states, attacks and origins are numbered for it."""
    states: dict[str, int] = {}
    origins: dict[str, int] = {}
    party, other = _number(states, first(inject.actors) or ""), _number(states, inject.target or "")
    pairs = [[_number(states, w.aggressor), _number(states, w.defender)] for w in wars]
    table, attackers, rows = _laid_out(attacks, armed, states, origins)
    before = [_number(origins, x) for x in ceased]
    ended = [False] * len(origins)
    for k in before:
        ended[k] = True
    made, room = range(len(table)), _room(table, attackers, rows)
    reasons, found_origins, others = [0] * room, [0] * len(table), [0] * len(pairs)
    found, n_origins, n_others = numeric.wars_ended(party, other, pairs, made, table, attackers, rows, ended,
                                                    reasons, found_origins, others)
    if found < 0:
        return None
    ids = [a.id for a in attacks.values()]
    return (wars[found], tuple(sorted({ids[r] for r in found_origins[:n_origins]})),
            [wars[w] for w in others[:n_others]])


def ceasefire(gs: GameState, inject: Inject) -> Iterator[WarEnded]:
    """The events of the wars a ceasefire ends (`wars_ended`)."""
    found = wars_ended(gs, inject)
    if found is None:
        return
    war, origins, others = found
    a, b = first(inject.actors) or "", inject.target or ""
    name = facts(gs.scenario).name
    yield WarEnded(turn=gs.turn, aggressor=war.aggressor, defender=war.defender, ceasefire=inject.id,
                   origins=origins, actor=a, reason=f"{inject.id}: {name(a)} and {name(b)} are no longer at war")
    for other in others:
        yield WarEnded(turn=gs.turn, aggressor=other.aggressor, defender=other.defender, ceasefire=inject.id,
                       actor=other.aggressor,
                       reason=f"{inject.id}: {name(other.aggressor)} and {name(other.defender)} were at war "
                              f"only over wars now ended")
