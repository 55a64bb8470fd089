"""The value types of a scenario and of play.

Every type here is a frozen dataclass: a loaded scenario cannot drift during a
game, and two runs that share a scenario cannot disturb each other. Names follow
the alliance literature (ATOP, COW) and SCENARIO_FORMAT.md so that a historian
reading the code meets the words of the field.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, TypeVar

from .frozen import quick

_T = TypeVar("_T")


class Regime(StrEnum):
    DEMOCRACY = "democracy"
    HYBRID = "hybrid"
    AUTOCRACY = "autocracy"


class Mode(StrEnum):
    """How a game gets its answers."""
    PLAY = "play"          # the doctrine plays every state, cells included
    REPLAY = "replay"      # the script answers where it can, the doctrine elsewhere
    EXERCISE = "exercise"  # player cells answer for their states; the doctrine for the rest


class Control(StrEnum):
    NPC = "npc"        # the engine's doctrine decides
    PLAYER = "player"  # a cell decides
    RECORD = "record"  # an exercise replaying a past crisis: the record decides, the doctrine where it is silent


class ForceSize(StrEnum):
    TOKEN = "token"
    BATTALION = "battalion"
    BRIGADE = "brigade"
    DIVISION = "division"
    CORPS = "corps"

    @property
    def weight(self) -> float:
        """Skin in the game, 0..1: a corps is a commitment, a token a flag."""
        return _FORCE_WEIGHT[self]


_FORCE_WEIGHT = {
    ForceSize.TOKEN: 0.2, ForceSize.BATTALION: 0.4, ForceSize.BRIGADE: 0.6,
    ForceSize.DIVISION: 0.8, ForceSize.CORPS: 1.0,
}


class Formality(StrEnum):
    TREATY = "treaty"
    EXECUTIVE_AGREEMENT = "executive-agreement"
    DECLARATION = "declaration"
    VERBAL = "verbal"


class Openness(StrEnum):
    OPEN = "open"
    PARTIALLY_SECRET = "partially-secret"
    SECRET = "secret"


class Governance(StrEnum):
    LIBERAL = "liberal"
    COERCIVE = "coercive"


class Invocation(StrEnum):
    MEMBER = "member"          # the attacked member alone declares it
    CONSENSUS = "consensus"    # every member agrees (NATO's council)
    TWO_THIRDS = "two-thirds"  # Rio Treaty
    MAJORITY = "majority"


class ObligationType(StrEnum):
    DEFENSE = "defense"
    OFFENSE = "offense"
    NEUTRALITY = "neutrality"
    NONAGGRESSION = "nonaggression"
    CONSULTATION = "consultation"


# From the weightiest obligation to the lightest: which one a state's answer is
# judged by when one attack brings several of its obligations into play.
OBLIGATION_ORDER: tuple[ObligationType, ...] = (
    ObligationType.DEFENSE, ObligationType.OFFENSE, ObligationType.NEUTRALITY,
    ObligationType.CONSULTATION, ObligationType.NONAGGRESSION)


class Commitment(StrEnum):
    AUTOMATIC = "automatic"
    DISCRETIONARY = "discretionary"


class InjectKind(StrEnum):
    ARMED_ATTACK = "armed-attack"
    CYBER_ATTACK = "cyber-attack"
    HYBRID_ATTACK = "hybrid-attack"
    TERRORIST_ATTACK = "terrorist-attack"
    BORDER_INCIDENT = "border-incident"
    MOBILIZATION = "mobilization"
    DEPLOYMENT = "deployment"
    WITHDRAWAL = "withdrawal"
    REGIME_CHANGE = "regime-change"
    ELECTION = "election"
    SANCTIONS = "sanctions"
    TREATY_SIGNED = "treaty-signed"
    TREATY_WITHDRAWAL = "treaty-withdrawal"
    DISCLOSURE = "disclosure"
    STATEMENT = "statement"
    INTELLIGENCE = "intelligence"
    CEASEFIRE = "ceasefire"

    @property
    def traits(self) -> KindTraits:
        return KIND_TRAITS[self]

    @property
    def is_attack(self) -> bool:
        return KIND_TRAITS[self].attack


@dataclass(frozen=True, slots=True)
class KindTraits:
    """What an inject of one kind means to the rules. The one table every reader consults
    (the loader, the turn, the doctrine, the console): a new kind without its row fails at
    import, never silently."""
    attack: bool = False          # an act against `target` by `actor`s: it may trigger obligations
    starts_war: bool = False      # makes attacker and target belligerents by itself
    # Reaches the armed-attack threshold of the UN Charter's art. 51 (ICJ, Nicaragua 1986):
    # an attack short of it calls for consultation and no combat forces (DOCTRINE.md).
    armed_attack: bool = False
    needs_actor: bool = False     # the act has an author to name (a terrorist attack may not)
    treaty: bool = False          # changes or reveals a treaty (`treaty` names it)
    # With an `actor` and a `target`, a threat short of an attack: it triggers consultation
    # obligations owed to the target (NATO art. 4) and nothing else (SCENARIO_FORMAT.md).
    threat: bool = False
    ends_war: bool = False        # ends belligerency between `actor` and `target` (a ceasefire)
    label: str = ""               # in words, for the console and the report


KIND_TRAITS: Mapping[InjectKind, KindTraits] = {
    InjectKind.ARMED_ATTACK: KindTraits(attack=True, starts_war=True, armed_attack=True, needs_actor=True,
                                        label="armed attack"),
    # A terrorist attack can reach the threshold (11 September 2001) but starts no war with a
    # state by itself.
    InjectKind.TERRORIST_ATTACK: KindTraits(attack=True, armed_attack=True, label="terrorist attack"),
    InjectKind.CYBER_ATTACK: KindTraits(attack=True, needs_actor=True, label="cyber attack"),
    InjectKind.HYBRID_ATTACK: KindTraits(attack=True, needs_actor=True, label="hybrid campaign"),
    InjectKind.BORDER_INCIDENT: KindTraits(attack=True, needs_actor=True, label="border incident"),
    InjectKind.MOBILIZATION: KindTraits(threat=True, label="mobilization"),
    InjectKind.DEPLOYMENT: KindTraits(threat=True, label="deployment"),
    InjectKind.WITHDRAWAL: KindTraits(label="withdrawal of forces"),
    InjectKind.REGIME_CHANGE: KindTraits(label="change of regime"),
    InjectKind.ELECTION: KindTraits(label="election"),
    InjectKind.SANCTIONS: KindTraits(label="sanctions"),
    InjectKind.TREATY_SIGNED: KindTraits(treaty=True, label="treaty signed"),
    InjectKind.TREATY_WITHDRAWAL: KindTraits(treaty=True, label="withdrawal from a treaty"),
    InjectKind.DISCLOSURE: KindTraits(treaty=True, label="disclosure of a treaty"),
    InjectKind.STATEMENT: KindTraits(threat=True, label="statement"),
    InjectKind.INTELLIGENCE: KindTraits(threat=True, label="intelligence report"),
    InjectKind.CEASEFIRE: KindTraits(needs_actor=True, ends_war=True, label="ceasefire"),
}
if set(KIND_TRAITS) != set(InjectKind):  # pragma: no cover - fails at import, by design
    raise ImportError("engine.model.KIND_TRAITS lacks a row for: "
                      + ", ".join(sorted(set(InjectKind) - set(KIND_TRAITS))))

ATTACK_KINDS = frozenset(k for k, t in KIND_TRAITS.items() if t.attack)
TREATY_KINDS = frozenset(k for k, t in KIND_TRAITS.items() if t.treaty)
THREAT_KINDS = frozenset(k for k, t in KIND_TRAITS.items() if t.threat)


class ObligationTrigger(StrEnum):
    """What else than an attack triggers an obligation (`trigger:` on an obligation)."""
    MOBILIZATION = "mobilization"


def weightiest(items: Iterable[_T], type_of: Callable[[_T], ObligationType]) -> _T | None:
    """Of several obligations in play, the one a state's answer is judged by (OBLIGATION_ORDER:
    defense before offense, neutrality, consultation and non-aggression); None if there are none.
    `type_of` reads the obligation type of an item (a trigger, a request, a type itself)."""
    if type(items) is list and len(items) == 1:
        only: _T = items[0]
        return only  # the common case, asked for every state bound in every attack
    weight = _WEIGHT
    return min(items, key=lambda item: weight[type_of(item)], default=None)


_WEIGHT = {t: i for i, t in enumerate(OBLIGATION_ORDER)}


class Response(StrEnum):
    """The response scale, an ordinal variable: hostile < neutral < ... < full."""
    HOSTILE = "hostile"
    NEUTRAL = "neutral"
    DIPLOMATIC = "diplomatic"
    LIMITED = "limited"
    FULL = "full"

    @property
    def rank(self) -> int:
        return RESPONSES.index(self)

    @classmethod
    def from_rank(cls, rank: int) -> Response:
        return RESPONSES[rank]

    @property
    def meaning(self) -> str:
        """What the level means, in the words of SCENARIO_FORMAT.md (shown beside every choice)."""
        return RESPONSE_MEANING[self]


RESPONSES: tuple[Response, ...] = tuple(Response)
RESPONSE_MEANING: Mapping[Response, str] = {
    Response.HOSTILE: "sides with or aids the attacker",
    Response.NEUTRAL: "no action",
    Response.DIPLOMATIC: "consultation, statements, sanctions",
    Response.LIMITED: "non-combat military support: weapons, intelligence, basing, logistics, token forces",
    Response.FULL: "combat forces, belligerency",
}


def honours(obligation: ObligationType, response: Response) -> bool:
    """Whether a response honours an obligation of this type (SCENARIO_FORMAT.md).

    Defense and offense need military support; consultation needs at least
    diplomacy; neutrality and non-aggression are broken only by siding with the
    attacker against the co-signatory.
    """
    if obligation in (ObligationType.DEFENSE, ObligationType.OFFENSE):
        return response in (Response.LIMITED, Response.FULL)
    if obligation is ObligationType.CONSULTATION:
        return response.rank >= Response.DIPLOMATIC.rank
    return response is not Response.HOSTILE


# --- scenario ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Source:
    cite: str
    url: str | None = None


@quick
@dataclass(frozen=True, slots=True)
class State:
    id: str
    name: str
    power: float
    regime: Regime
    nuclear: bool = False
    region: str | None = None
    burden_sharing: float = 0.5
    control: Control = Control.NPC
    briefing: str = ""            # for this state's cell and the umpire only


@quick
@dataclass(frozen=True, slots=True)
class Relation:
    """How `source` sees `target` (directed)."""
    source: str
    target: str
    threat: float = 0.0
    affinity: float = 0.0
    trade: float = 0.0


@dataclass(frozen=True, slots=True)
class Deployment:
    state: str
    host: str
    size: ForceSize = ForceSize.BATTALION


@dataclass(frozen=True, slots=True)
class Obligation:
    type: ObligationType
    article: str | None = None
    commitment: Commitment = Commitment.DISCRETIONARY
    adversaries: tuple[str, ...] | None = None   # None: any adversary
    regions: tuple[str, ...] | None = None       # None: anywhere
    non_provocation: bool = False
    secret: bool = False
    asymmetric_to: tuple[str, ...] | None = None  # None: every member owes it
    min_adversaries: int = 1
    only_if_attacked: bool = False
    own_territory_only: bool = False
    # Owed only once these members have honoured their own obligation in the same war.
    conditional_on: tuple[str, ...] = ()
    owed_to: tuple[str, ...] | None = None        # None: every other member (with asymmetric_to)
    trigger: ObligationTrigger | None = None                # also triggered by a mobilization

    def binds(self, member: str) -> bool:
        """Whether `member` owes this obligation (one-sided obligations bind only some)."""
        return self.asymmetric_to is None or member in self.asymmetric_to

    def owed(self, partner: str) -> bool:
        """Whether the obligation is owed to `partner` (`owed_to` limits a one-sided one)."""
        return self.owed_to is None or partner in self.owed_to

    @property
    def label(self) -> str:
        return f"art. {self.article} ({self.type})" if self.article else str(self.type)


@dataclass(frozen=True, slots=True)
class Treaty:
    id: str
    name: str
    members: tuple[str, ...]
    obligations: tuple[Obligation, ...]
    signed: dt.date | None = None
    formality: Formality = Formality.TREATY
    openness: Openness = Openness.OPEN
    governance: Governance = Governance.LIBERAL
    leader: str | None = None
    institutionalization: float = 0.0
    beneficiaries: tuple[str, ...] = ()
    invocation: Invocation = Invocation.MEMBER
    # The members' power and regime when it was signed, for those the data cover
    # (SCENARIO_FORMAT.md, `at_signing`): what the obsolescence factor measures change against.
    power_at_signing: tuple[tuple[str, float], ...] = ()
    regime_at_signing: tuple[tuple[str, Regime], ...] = ()

    @property
    def secret(self) -> bool:
        """The treaty's very existence is hidden from non-members."""
        return self.openness is Openness.SECRET

    @property
    def protected(self) -> tuple[str, ...]:
        """Everyone the obligations protect: members and beneficiaries."""
        return self.members + tuple(b for b in self.beneficiaries if b not in self.members)


@dataclass(frozen=True, slots=True)
class Effect:
    """`{set: PATH, value: V}`: PATH is relations.FROM.TO.field or states.ID.field."""
    path: str
    value: Any

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))


ALL = "all"
UMPIRE = "umpire"


@dataclass(frozen=True, slots=True)
class Inject:
    id: str
    turn: int
    kind: InjectKind
    actors: tuple[str, ...] = ()          # several for a joint attack
    target: str | None = None
    severity: float = 0.5
    attribution: float = 1.0
    region: str | None = None
    territory: str | None = None          # None: the target's own territory
    provoked: bool = False
    visibility: str | tuple[str, ...] = ALL  # "all" | "umpire" | state ids
    text: str = ""
    requires: tuple[str, ...] = ()
    manual: bool = False
    treaty: str | None = None
    effects: tuple[Effect, ...] = ()
    resisted: bool = True   # False: the target is occupied without a war (Luxembourg 1914)
    # An option is a choice of its actor from `turn` to `until`, not a certainty (SCENARIO_FORMAT.md).
    option: bool = False
    until: int | None = None  # None: the option's own turn
    resolve: float = 0.5      # how much the actor wants it, 0..1
    # The states the target's government asked to come to its help (an attack; SCENARIO_FORMAT.md).
    invites: tuple[str, ...] = ()

    @property
    def is_attack(self) -> bool:
        return self.kind.is_attack

    @property
    def is_threat(self) -> bool:
        """A threat by its actor to its target, short of an attack (NATO art. 4)."""
        return self.kind.traits.threat and bool(self.actors) and self.target is not None

    @property
    def territory_of(self) -> str | None:
        """Whose recognised territory the attack falls on."""
        return self.territory if self.territory is not None else self.target

    def visible_to(self, state_ids: frozenset[str] | set[str]) -> bool:
        """Whether a cell playing `state_ids` learns of this inject."""
        if self.visibility == ALL:
            return True
        if self.visibility == UMPIRE:
            return False
        return bool(set(self.visibility) & set(state_ids))


@dataclass(frozen=True, slots=True)
class ScriptEntry:
    """A recorded decision of a past crisis."""
    turn: int
    state: str
    response: Response
    inject: str | None = None
    treaty: str | None = None
    note: str | None = None
    source: str | None = None
    side: str | None = None   # whose side the answer is on; None: the default (SCENARIO_FORMAT.md)


class DecisionSource(StrEnum):
    PLAYER = "player"      # a cell decided
    DOCTRINE = "doctrine"  # the engine's decision model decided
    SCRIPT = "script"      # the historical record decided (replay)
    UMPIRE = "umpire"      # the umpire overrode


@quick
@dataclass(frozen=True, slots=True)
class Decision:
    """A state's answer to an attack, on the response scale, and who gave it.

    `side` is the state whose side the response is on (the attacked, or for
    offense and neutrality obligations the attacking partner); `treaty` the
    commitment in play, or None for a state with a stake but no obligation.
    """
    turn: int
    state: str
    attack: str
    response: Response
    source: DecisionSource
    side: str | None = None
    treaty: str | None = None
    rationale: str = ""
    statement: str = ""


_DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


@dataclass(frozen=True, slots=True)
class TurnLength:
    """An ISO 8601 duration (P1D, P1W, PT6H, P1M): the game time one turn covers."""
    iso: str = "P1D"
    months: int = 0
    delta: dt.timedelta = dt.timedelta(days=1)

    @classmethod
    def parse(cls, iso: str) -> TurnLength:
        m = _DURATION.match(iso)
        if not m:
            raise ValueError(f"{iso!r} is not an ISO 8601 duration such as P1D, P1W or PT12H")
        try:
            y, mo, w, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
            delta = dt.timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=s)
        except (OverflowError, ValueError):  # past timedelta's billion days, or thousands of digits
            raise ValueError(f"{_cut(iso)} is longer than the calendar (dates end at 9999-12-31)") from None
        return cls(iso, y * 12 + mo, delta)

    @property
    def empty(self) -> bool:
        """P0D, PT0S: a turn in which no time passes."""
        return not self.months and not self.delta


def _cut(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def add_months(day: dt.datetime, months: int) -> dt.datetime:
    """`months` calendar months after `day`, kept to the month's last day (31 Jan + 1 month
    is 28 or 29 Feb); ValueError past 9999-12-31."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"{months} months after {day.date().isoformat()} is past 9999-12-31")
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def turn_date(start: dt.date, length: TurnLength, turn: int) -> dt.datetime:
    """Game time at the start of `turn` (turn 1 is `start`); ValueError past 9999-12-31."""
    day = dt.datetime.combine(start, dt.time())
    n = turn - 1
    if length.months:
        day = add_months(day, length.months * n)
    try:
        return day + length.delta * n
    except OverflowError:
        raise ValueError(f"turn {turn} of {length.iso} from {start.isoformat()} is past 9999-12-31") from None


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    start: dt.date
    turns: int
    states: tuple[State, ...]
    format: str = "casus/1"
    description: str = ""
    turn_length: TurnLength = TurnLength()
    sources: tuple[Source, ...] = ()
    relations: tuple[Relation, ...] = ()
    deployments: tuple[Deployment, ...] = ()
    treaties: tuple[Treaty, ...] = ()
    injects: tuple[Inject, ...] = ()
    script: tuple[ScriptEntry, ...] = ()
    doctrine_weights: Mapping[str, float] = field(default_factory=dict)
    briefing: str = ""                         # what every cell reads before turn 1
    objectives: tuple[str, ...] = ()           # the learning objectives, heading the debrief
    extensions: Mapping[str, Any] = field(default_factory=dict)  # the file's x- keys
    origin: str | None = None  # the file it was loaded from, for messages

    # Lookups are cached: the scenario is frozen, so they cannot go stale.
    @cached_property
    def state_by_id(self) -> Mapping[str, State]:
        return {s.id: s for s in self.states}

    @cached_property
    def treaty_by_id(self) -> Mapping[str, Treaty]:
        return {t.id: t for t in self.treaties}

    @cached_property
    def inject_by_id(self) -> Mapping[str, Inject]:
        return {i.id: i for i in self.injects}

    @cached_property
    def relation_by_pair(self) -> Mapping[tuple[str, str], Relation]:
        return {(r.source, r.target): r for r in self.relations}

    @cached_property
    def state_order(self) -> Mapping[str, int]:
        """Each state's place in the file: the order in which lists are shown and states asked."""
        return {s.id: i for i, s in enumerate(self.states)}

    def state(self, state_id: str) -> State:
        return self.state_by_id[state_id]

    def treaty(self, treaty_id: str) -> Treaty:
        return self.treaty_by_id[treaty_id]

    def inject(self, inject_id: str) -> Inject:
        return self.inject_by_id[inject_id]

    def relation(self, source: str, target: str) -> Relation:
        """How `source` sees `target`; a missing dyad is all zeros."""
        return self.relation_by_pair.get((source, target)) or Relation(source, target)

    def threatens(self, inject: Inject) -> bool:
        """Whether an inject is a threat to its target (NATO art. 4): a statement, intelligence
        report, mobilization or deployment with an actor and a target, save a deployment by
        allies of the target (reassurance: the Patriots sent to Turkey in 2012)."""
        if not inject.is_threat:
            return False
        if inject.kind is InjectKind.DEPLOYMENT:
            return not all(self._allied(actor, inject.target or "") for actor in inject.actors)
        return True

    def _allied(self, a: str, b: str) -> bool:
        return any({a, b} <= set(t.protected) for t in self.treaties)

    def injects_at(self, turn: int) -> tuple[Inject, ...]:
        return tuple(i for i in self.injects if i.turn == turn)

    def date_of(self, turn: int) -> dt.datetime:
        """Game time at the start of `turn` (turn 1 is `start`); the loader has made sure
        that every turn of the scenario has one."""
        return turn_date(self.start, self.turn_length, turn)
