"""An attacker's expected coalition: who would come to the target, and at what weight, as
the attacker sees it (the attack option's reading, `engine.options.doctrine`).

Each state bound to the target counts with the credibility of its treaty in the
attacker's eyes (`engine.doctrine.standing`), raised by its own forces stationed in the
target. The coalition is laid out once per set of defences (every state, grouped by the
treaties and tripwires that bring it), so a reading works out a few chances and places them.
What it reads is kept by the versions of the setting and the wars the fold gives
(`GameState.setting`, `GameState.warfare`), so runs that reach the same world share it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter, call, is_, itemgetter
from typing import cast

from .. import numeric
from ..doctrine import readings as rd
from ..doctrine import standing
from ..floats import total
from ..model import ObligationType, Relation, State, Treaty
from ..world import INITIAL_REPUTATION, World
from .wars import Forces, forces_of, wars_of
from .weights import WEIGHTS

_DEFENSE = ObligationType.DEFENSE
_POWER, _NUCLEAR = attrgetter("power"), attrgetter("nuclear")


def expected_coalition(world: World, attackers: Sequence[str], target: str) -> dict[str, float]:
    """Each state the attackers expect to fight for `target`, with the chance they give it: the
    credibility of its strongest treaty with the target in their eyes, raised by its forces in the
    target (doctrine.json 'options.attack.tripwire_pull'); 1 for a state already at war with them."""
    if not attackers:
        return {}
    attackers = tuple(attackers)
    defences = _defences(world, attackers, target)
    layout = defences.layout
    return layout.expected(layout.chances(_means(world, defences), map(wars_of(world).of, attackers)))


def _means(world: World, defences: _Defences) -> tuple[float, ...]:
    """Each defending treaty's members' mean reputation (sorted, as standing.credibility sums them):
    with the defences and the attackers' enemies, all the coalition is read from."""
    reputation = world.reputation
    try:  # every member's reputation taken in C
        return tuple(map(_MEAN, map(call, defences.reputations, repeat(reputation))))
    except KeyError:  # a world without some member's reputation (built by hand): the initial one
        return tuple(_MEAN(tuple(map(reputation.get, ranked, repeat(INITIAL_REPUTATION))))
                     for ranked in (d.ranked for d in defences.treaties))


_MEAN = numeric.mean


_Group = tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class _Layout:
    """An attack's coalition laid out flat for one set of defences: every state of the scenario, in
    id order, in its group: the states that the same treaties bind with the same tripwires come with
    the same chance (most share one), worked out once a reading; the last group is the states no
    treaty brings, which come only when at war with the attackers already."""
    treaties: tuple[_Defence, ...]
    attackers: tuple[str, ...]
    target: str
    states: tuple[str, ...]           # every state of the scenario, sorted
    index: Mapping[str, int]          # each state's place in `states`
    groups: tuple[_Group, ...]        # per group: (its treaty's index, the tripwire) per treaty
    group_of: tuple[int, ...]         # per state: its group's index (len(groups): in none)
    flat: Flat                        # the groups laid out flat, as engine.numeric.group_chances reads them
    pull: float                       # doctrine.json 'options.attack.tripwire_pull'
    credibilities: tuple[standing.Credibility, ...]  # each treaty's, in order (read in C, a reading)
    place: Callable[[Sequence[float]], tuple[float, ...]]  # each group's chance, put in every state's place
    sides: frozenset[str]             # the attackers and the target: an enemy of theirs no state joins for
    sided: tuple[bool, ...]           # per state: whether it is one of `sides`

    def chances(self, means: tuple[float, ...], enemies: Iterable[frozenset[str]]) -> tuple[float, ...]:
        """Each state's chance of coming (0.0: it does not come), given each treaty's members' mean
        reputation and the attackers' enemies at war (each attacker's). A state comes at the
        greatest chance a treaty gives it: the treaty's credibility, raised by its forces in the
        target (by `pull` of the rest to certainty); a treaty that deters nobody (credibility 0)
        brings nobody; a state already at war with the attackers comes for sure."""
        enemies = tuple(enemies)  # read twice when an attacker is at war
        found = [0.0] * (len(self.groups) + 1)  # the last: the states no treaty brings
        starts, stops, treaties, skins = self.flat
        _GROUP_CHANCES(tuple(map(_GIVEN, self.credibilities, means)), starts, stops, treaties, skins, self.pull,
                       found)
        out = self.place(found)
        for of in enemies:
            if not of <= self.sides:  # an attacker at war with a state but the target
                return self._at_war(out, enemies)
        return out

    def _at_war(self, placed: tuple[float, ...], enemies: tuple[frozenset[str], ...]) -> tuple[float, ...]:
        """The chances placed, with every state at war with an attacker (but the target) coming."""
        out, index = list(placed), self.index
        _JOIN_WARS(out, [[index[e] for e in of] for of in enemies], self.sided)
        return tuple(out)

    def expected(self, chances: Iterable[float]) -> dict[str, float]:
        """The coalition as a mapping, by id: the states that come, with their chance."""
        return {s: p for s, p in zip(self.states, chances) if p > 0.0}


def _lay_out(world: World, attackers: tuple[str, ...], target: str, treaties: tuple[_Defence, ...]) -> _Layout:
    """The layout of the coalition against `target` that `treaties` bring."""
    signatures: dict[str, list[tuple[int, float]]] = {}
    for i, defence in enumerate(treaties):
        for member, skin in defence.members:
            signatures.setdefault(member, []).append((i, skin))
    states = _states(world)
    sides = frozenset((*attackers, target))
    groups: dict[_Group, int] = {}
    found = [groups.setdefault(tuple(signatures[s]), len(groups)) if s in signatures else -1 for s in states]
    group_of = tuple(len(groups) if g < 0 else g for g in found)
    return _Layout(treaties, attackers, target, states, {s: i for i, s in enumerate(states)}, tuple(groups),
                   group_of, _flat(tuple(groups)), WEIGHTS["attack"].settings["tripwire_pull"],
                   tuple(d.credibility for d in treaties), _places(group_of), sides,
                   tuple(s in sides for s in states))


# The groups of a layout, flat: per group the start and stop of its entries, and per entry its
# treaty's index and the tripwire.
Flat = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[float, ...]]


def _flat(groups: tuple[_Group, ...]) -> Flat:
    starts: list[int] = []
    stops: list[int] = []
    treaties: list[int] = []
    skins: list[float] = []
    for group in groups:
        starts.append(len(treaties))
        for i, skin in group:
            treaties.append(i)
            skins.append(skin)
        stops.append(len(treaties))
    return tuple(starts), tuple(stops), tuple(treaties), tuple(skins)


_GROUP_CHANCES, _JOIN_WARS = numeric.group_chances, numeric.join_wars


def _places(group_of: tuple[int, ...]) -> Callable[[Sequence[float]], tuple[float, ...]]:
    """Each state's group's chance, as a tuple in the states' order, taken in one C call (itemgetter
    gives one index's value bare)."""
    if len(group_of) == 1:
        only = group_of[0]
        return lambda found: (found[only],)
    return cast(Callable[[Sequence[float]], tuple[float, ...]], itemgetter(*group_of))


_GIVEN = standing.Credibility.given


def _states(world: World) -> tuple[str, ...]:
    """Every state of the scenario, sorted, as the scenario's own id strings."""
    return tuple(sorted(_ids(world)))


@dataclass(frozen=True, slots=True)
class _Defence:
    """A treaty in force that would defend the target: its credibility in the attacker's eyes but
    for its members' reputations, and the members that would come, sorted (the sums over them are
    the same in every process), each with its tripwire in the target."""
    credibility: standing.Credibility
    members: tuple[tuple[str, float], ...]
    ranked: tuple[str, ...]           # credibility.members, as the scenario's own id strings
    reputations: Callable[[Mapping[str, float]], tuple[float, ...]]  # the ranked members', in order


@dataclass(frozen=True, slots=True)
class _Defences:
    """The treaties that would defend the target, the coalition they bring laid out, and its chances
    met so far, by the members' mean reputations and the attackers' enemies at war (what else they
    are read from)."""
    treaties: tuple[_Defence, ...]
    layout: _Layout
    chances: dict[tuple[object, ...], tuple[float, ...]]
    reputations: tuple[Callable[[Mapping[str, float]], tuple[float, ...]], ...]  # each treaty's
    sizes: tuple[int, ...]            # each treaty's ranked members, counted


# The defences an attacker weighs, remembered per scenario by everything they are read from (see
# _defences): the world is new every turn, the defences rarely change, and a Monte Carlo run meets
# the same few again and again. Reputations move every turn, so they are left out of that key and
# added to each credibility as it is read (standing.Credibility).
_CACHE = "options: defences"
# How many entries each of the options' other memos keeps (engine.options.doctrine: the deployments'
# and the ceasefires' readings), then it starts afresh; nothing is kept inside their entries.
MEMO_LIMIT = 4096


def _defences(world: World, attackers: tuple[str, ...], target: str) -> _Defences:
    """The treaties that would defend `target`, remembered by what standing.credibility_terms and
    the plan read off the world: the members in force, whether the attacker knows each secret
    treaty, which protected states feel threatened by it (when an effect has changed a relation),
    and the forces deployed in play; read afresh when an effect has changed the attackers' or the
    members' states (their power or arms)."""
    shared = rd.shared_scratch(world)
    forces = forces_of(world, shared)
    plan = _plan(world, shared, attackers, target, forces)
    if not all(map(is_, map(world.states.__getitem__, plan.watched), plan.states)):
        return _defences_of(world, attackers, target, _read_defences(world, attackers, target, plan))
    seer, relations = attackers[0], world.relations
    found_relations = tuple(map(relations.get, plan.exposure))
    threatened = None if all(map(is_, found_relations, plan.relations)) else tuple(
        [r is not None and r.threat > 0 for r in found_relations])
    key = (attackers, target, forces, tuple(map(world.members_in_force.get, plan.ids)),
           tuple([world.knows(seer, t) for t in plan.secret]) if plan.secret else (), threatened)
    cache: dict[tuple[object, ...], _Defences] = shared.setdefault(_CACHE, {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = _defences_of(world, attackers, target, _read_defences(world, attackers, target, plan))
        _count_kept(shared)
    return found


# The coalition's memos nest: the defences by what they read, each with its chances, and the
# readings by setting, each with its weighings. Every entry put in any of them is counted, and at
# COALITION_KEPT the scenario's two memos start afresh, the nested ones with them: together they
# hold fewer entries than that (a few hundred bytes each) however many runs a batch plays. A bound
# per memo alone would let 4,096 settings keep 4,096 weighings each.
COALITION_KEPT = 1 << 15
_COUNT = "options: coalition entries"


def _count_kept(shared: rd.Memo) -> None:
    """Count an entry just put in one of the coalition's memos; at the bound, empty them all."""
    kept = shared[_COUNT] = shared.get(_COUNT, 0) + 1
    if kept >= COALITION_KEPT:
        shared[_COUNT] = 0
        for name in (_AT, _CACHE, ATTACKS):
            held: dict[object, object] | None = shared.get(name)
            if held is not None:
                held.clear()  # in place: a reading under way holds the dict, and puts in a fresh entry


def _defences_of(world: World, attackers: tuple[str, ...], target: str, treaties: tuple[_Defence, ...]) -> _Defences:
    return _Defences(treaties, _lay_out(world, attackers, target, treaties), {},
                     tuple(d.reputations for d in treaties), tuple(len(d.ranked) for d in treaties))


def _read_defences(world: World, attackers: tuple[str, ...], target: str, plan: _Plan) -> tuple[_Defence, ...]:
    out = []
    for treaty in plan.defenders:
        members = world.members_in_force.get(treaty.id, frozenset())
        if len(members) < 2 or (target in treaty.members and target not in members):
            continue
        terms = standing.credibility_terms(world, treaty.id, attackers[0])
        if terms is None:
            continue  # a hidden alliance deters nobody
        # The scenario's own id strings (a treaty's members are other string objects): the
        # coalition's and the reputations' look-ups then match by identity.
        ids = _ids(world)
        coming = tuple((ids.get(m, m), plan.skin.get(m, 0.0)) for m in sorted(members)
                       if m != target and m not in attackers)
        ranked = tuple(ids.get(m, m) for m in terms.members)
        out.append(_Defence(terms, coming, ranked, _values(ranked)))
    return tuple(out)


def _values(keys: tuple[str, ...]) -> Callable[[Mapping[str, float]], tuple[float, ...]]:
    """The values of `keys` in a mapping, as a tuple in their order (itemgetter gives one key's
    value bare)."""
    if len(keys) == 1:
        key = keys[0]
        return lambda found: (found[key],)
    return cast(Callable[[Mapping[str, float]], tuple[float, ...]], itemgetter(*keys))


def _ids(world: World) -> dict[str, str]:
    """Each state's id, as the scenario's own string object (made once per scenario)."""
    shared = rd.shared_scratch(world)
    found: dict[str, str] | None = shared.get("options: ids")
    if found is None:
        found = shared["options: ids"] = {s: s for s in world.scenario.state_by_id}
    return found


@dataclass(frozen=True, slots=True)
class _Plan:
    """What about an attack on `target` is fixed by the scenario: the treaties that would defend it,
    their members and protected states, and each member's forces in the target; and, to tell that
    no effect has changed them, the scenario's own states and relations that the defences read."""
    defenders: tuple[Treaty, ...]
    members: tuple[str, ...]          # every member of a defending treaty, sorted
    protected: tuple[str, ...]        # every state they protect, sorted
    skin: Mapping[str, float]         # each member's tripwire in the target
    ids: tuple[str, ...]              # the defenders' ids
    secret: tuple[str, ...]           # the secret defenders' ids
    watched: tuple[str, ...]          # the attackers and the members
    states: tuple[State, ...]         # their states in the scenario
    exposure: tuple[tuple[str, str], ...]  # (protected state, the first attacker): its threat
    relations: tuple[Relation | None, ...]  # those relations in the scenario


def _plan(world: World, shared: rd.Memo, attackers: tuple[str, ...], target: str, forces: Forces) -> _Plan:
    key = ("options: plan", target, attackers, forces)  # forces deployed in play add skin
    found: _Plan | None = shared.get(key)
    if found is None:
        scenario = world.scenario
        defenders = tuple(t for t in scenario.treaties if _defends(t, target, attackers))
        ids = _ids(world)
        members = tuple(sorted({ids.get(m, m) for t in defenders for m in t.members}))
        protected = tuple(sorted({p for t in defenders for p in t.protected}))
        skin = {m: rd.tripwire(world, shared, m, target) for m in members}
        watched = (*(ids.get(a, a) for a in attackers), *members)
        # The scenario's own key objects where it has them: a look-up then matches by identity
        # rather than comparing the strings.
        canonical = {k: k for k in scenario.relation_by_pair}
        exposure = tuple(canonical.get((p, attackers[0]), (p, attackers[0])) for p in protected)
        found = shared[key] = _Plan(
            defenders, members, protected, skin, tuple(t.id for t in defenders),
            tuple(t.id for t in defenders if t.secret), watched,
            tuple(scenario.state_by_id[s] for s in watched), exposure,
            tuple(scenario.relation_by_pair.get(k) for k in exposure))
    return found


def _defends(treaty: Treaty, target: str, attackers: Sequence[str]) -> bool:
    """Whether the treaty owes `target` defence against these attackers."""
    if target not in treaty.protected:
        return False
    return any(ob.type is _DEFENSE and (ob.adversaries is None or any(a in ob.adversaries for a in attackers))
               for ob in treaty.obligations)


def balance_and_nuclear(world: World, attackers: tuple[str, ...], target: str, expected: Mapping[str, float],
                        exposure: float) -> tuple[float, float]:
    """The balance of power once the expected coalition comes, and the weight of nuclear weapons on
    the defending side, each as the attack factor reads it."""
    return _weigh(_sides(world, attackers, target), expected.values(), *_arms(world, tuple(expected)), exposure)


def _arms(world: World, members: tuple[str, ...]) -> tuple[tuple[float, ...], tuple[bool, ...]]:
    """The powers and nuclear arms of an expected coalition's states, in its order (the sums over
    them run in C)."""
    allies = list(map(world.states.__getitem__, members))
    return tuple(map(_POWER, allies)), tuple(map(_NUCLEAR, allies))


_Sides = tuple[float, float, float, bool]


def _sides(world: World, attackers: tuple[str, ...], target: str) -> _Sides:
    """What the balance reads off the two sides themselves: the attackers' power, the target's, the
    target's nuclear weapons (1.0 or 0.0), and whether an attacker has them."""
    states = world.states
    return (total([states[a].power for a in attackers if a in states]),
            states[target].power if target in states else 0.0,
            1.0 if target in states and states[target].nuclear else 0.0,
            any([states[a].nuclear for a in attackers if a in states]))


def _weigh(sides: _Sides, chances: Iterable[float], powers: Sequence[float], nuclear: Sequence[bool],
           exposure: float) -> tuple[float, float]:
    """balance_and_nuclear from the two sides and the expected allies' chances, powers and arms, in
    the coalition's order."""
    ours, defending, target_nuclear, armed_nuclear = sides
    # Nuclear weapons deter an armed attack more than a grey-zone step, and a nuclear-armed
    # attacker counts on its own arsenal to keep a limited war limited (the stability-instability
    # paradox, Snyder 1965): it feels the defenders' at half their weight.
    return numeric.weigh_coalition(ours, defending, target_nuclear, armed_nuclear, exposure, tuple(chances), powers,
                                   nuclear)


# What an attack on a target reads at one version of the world's setting, by the attackers and the
# target, then by the version (the option's record, engine.options.attacks, holds the inner dict, so a
# batch reading finds it by one integer): its defences (with the
# coalition's layout), the two sides' powers and arms, every state's power and arms in the layout's
# order, and per (the members' mean reputations, the version of the wars, the exposure) the balance,
# the nuclear weight and the chances. All else those read (powers, arms, treaties in force, who
# knows them, relations, forces) is the setting's, so the version finds them without reading it;
# the members' reputations move every turn and are read each time.
_AT = "options: at setting"
# The attack options' records (engine.options.attacks), emptied with the memos above: a record holds
# its attack's readings by setting, which must go when they do.
ATTACKS = "options: attack records"


@dataclass(frozen=True, slots=True)
class AtSetting:
    defences: _Defences
    sides: _Sides
    powers: tuple[float, ...]          # every state's, in the layout's order
    nuclear: tuple[bool, ...]
    # by the members' mean reputations, the version of the wars and the exposure: the balance, the
    # nuclear weight, and each state's chance of coming in the layout's order
    weighed: dict[tuple[object, ...], _Weighed]


_Weighed = tuple[float, float, tuple[float, ...], _Layout]


def weigh_coalition(world: World, attackers: tuple[str, ...], target: str, exposure: float, setting: int,
                    warfare: int) -> tuple[dict[str, float], float, float]:
    """expected_coalition and balance_and_nuclear, read through what the versions of the setting and
    the wars keep."""
    balance, nuclear, chances, layout = weigh(world, attackers, target, exposure, setting, warfare)
    return layout.expected(chances), balance, nuclear


def weigh(world: World, attackers: tuple[str, ...], target: str, exposure: float, setting: int,
          warfare: int) -> _Weighed:
    """The balance, the nuclear weight, each state's chance of coming and the layout they were read
    from, kept by the versions of the setting and the wars and the members' mean reputations."""
    shared = rd.shared_scratch(world)
    return weigh_at(world, shared, settings_of(shared, attackers, target), attackers, target, exposure, setting,
                    warfare)


AtSettings = dict[int, AtSetting]


def settings_of(shared: rd.Memo, attackers: tuple[str, ...], target: str) -> AtSettings:
    """The readings of an attack by the attackers on the target, by the version of the setting."""
    memo: dict[tuple[tuple[str, ...], str], AtSettings] = shared.setdefault(_AT, {})
    found = memo.get((attackers, target))
    if found is None:
        found = memo[(attackers, target)] = {}
    return found


def reading_at(world: World, shared: rd.Memo, settings: AtSettings, attackers: tuple[str, ...], target: str,
               setting: int) -> AtSetting:
    """What an attack by `attackers` on `target` reads at this version of the setting (kept by it)."""
    at = settings.get(setting)
    if at is None:
        defences = _defences(world, attackers, target)
        at = settings[setting] = AtSetting(defences, _sides(world, attackers, target),
                                           *_arms(world, defences.layout.states), {})
        _count_kept(shared)
    return at


def weigh_at(world: World, shared: rd.Memo, settings: AtSettings, attackers: tuple[str, ...], target: str,
             exposure: float, setting: int, warfare: int) -> _Weighed:
    """weigh, with the scenario's memo and the attack's readings by setting (settings_of) in hand."""
    at = reading_at(world, shared, settings, attackers, target, setting)
    layout = at.defences.layout
    means = _means(world, at.defences)
    weighed = at.weighed
    found = weighed.get((means, warfare, exposure))
    if found is None:
        chances = _chances(shared, at.defences, means, tuple(map(wars_of(world, shared, warfare).of, attackers)))
        # Summed over every state: one that does not come adds 0.0 x its power = 0.0, so the sum is
        # the same float as over the coalition alone (the same products, in the same id order).
        found = weighed[(means, warfare, exposure)] = (
            *_weigh(at.sides, chances, at.powers, at.nuclear, exposure), chances, layout)
        _count_kept(shared)
    return found


def _chances(shared: rd.Memo, defences: _Defences, means: tuple[float, ...],
             enemies: tuple[frozenset[str], ...]) -> tuple[float, ...]:
    """The layout's chances, kept with the defences (which many settings share) by what they read."""
    found = defences.chances.get((means, enemies))
    if found is None:
        found = defences.chances[(means, enemies)] = defences.layout.chances(means, enemies)
        _count_kept(shared)
    return found
