"""The decision model: how a state the engine plays answers an attack (DOCTRINE.md).

Sixteen factors from the alliance literature are read off the world, each
scaled to [0, 1] or [-1, 1]. Their weighted sum is a latent score, linear in
the weights so that a calibration can refit them; an ordered logit turns the
score into a probability for each level of the response scale:

    P(response <= level k) = logistic(cuts[k] - score)

The weights and cut points are data (`doctrine.json`, each with its source),
overridable per scenario. Every answer carries its reasons in plain words, so
a facilitator can read out why a state did what it did.

Two further outputs stay apart from the honouring decision, as the seed paper
asks: a treaty's credibility as an adversary sees it (what deters), and each
member's fears of abandonment and entrapment (Snyder's security dilemma).
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, Protocol

from .model import (
    RESPONSES,
    Commitment,
    ForceSize,
    Formality,
    Governance,
    Obligation,
    ObligationType,
    Openness,
    Regime,
    Response,
    Scenario,
    State,
    Treaty,
    honours,
)
from .network import Attack
from .world import IdentityMemo, World

# Documentation order: the order of DOCTRINE.md's table, of doctrine.json, and
# of every feature vector this module returns.
FACTORS: tuple[str, ...] = (
    "casus_foederis", "formality", "commitment", "institutionalization", "tripwire",
    "threat", "affinity", "leader", "burden_sharing", "regime", "reputation",
    "cost_of_war", "interdependence", "entrapment", "attribution", "obsolescence",
)
# Factors that describe the commitment itself: nothing to say without one.
TREATY_FACTORS = frozenset({"formality", "commitment", "institutionalization", "leader",
                            "regime", "obsolescence"})


def _load_data() -> Mapping[str, Any]:
    text = resources.files(__package__).joinpath("doctrine.json").read_text(encoding="utf-8")
    data = json.loads(text)
    names = tuple(f["name"] for f in data["factors"])
    if names != FACTORS:
        raise ValueError(f"doctrine.json lists the factors {names}; the model computes {FACTORS}")
    return data


DATA: Mapping[str, Any] = _load_data()
_FACTOR_DATA: Mapping[str, Mapping[str, Any]] = {f["name"]: f for f in DATA["factors"]}
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {name: float(_FACTOR_DATA[name]["weight"]) for name in FACTORS})
DEFAULT_CUTS: tuple[float, ...] = tuple(float(c) for c in DATA["cuts"]["values"])
# The literature's values, before calibration: what a refit is pulled toward (engine/calibrate.py).
PRIOR_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {name: float(_FACTOR_DATA[name].get("prior", _FACTOR_DATA[name]["weight"])) for name in FACTORS})
PRIOR_CUTS: tuple[float, ...] = tuple(float(c) for c in DATA["cuts"].get("prior", DATA["cuts"]["values"]))
DEFAULT_VOTE_THRESHOLD: float = float(DATA["vote"]["threshold"])
# "honour": declare only a duty one means to meet (P(honour) > threshold);
# "support": declare unless one would rather stay out (P(diplomatic or above) > threshold).
VOTE_RULES: tuple[str, ...] = ("honour", "support")
DEFAULT_VOTE_RULE: str = DATA["vote"]["rule"]


def _parts(name: str) -> Mapping[str, Any]:
    return _FACTOR_DATA[name].get("parts", {})


_LEADER = _parts("leader")
_COST = _parts("cost_of_war")
_ENTRAP = _parts("entrapment")
_ATTRIB = _parts("attribution")
_OBSOLETE = _parts("obsolescence")
_CREDIBILITY = DATA["credibility"]["parts"]
_ABANDON = DATA["fears"]["abandonment"]
_ENTRAPMENT_FEAR = DATA["fears"]["entrapment"]

# Read for every decision, so looked up once (and an enum member read through its class
# is slow on Python 3.11).
_COERCIVE, _LIMITED_RANK = Governance.COERCIVE, Response.LIMITED.rank
_RANK = {r: r.rank for r in RESPONSES}
_MAJOR_ALLIES = int(_LEADER["major_allies"])

_FORM = {Formality.TREATY: 1.0, Formality.EXECUTIVE_AGREEMENT: 2 / 3,
         Formality.DECLARATION: 1 / 3, Formality.VERBAL: 0.0}
_OPEN = {Openness.OPEN: 1.0, Openness.PARTIALLY_SECRET: 0.5, Openness.SECRET: 0.0}
_DEMOCRACY = {Regime.DEMOCRACY: 1.0, Regime.HYBRID: 0.5, Regime.AUTOCRACY: 0.0}
_CLARITY = {str(k): float(v) for k, v in _ATTRIB["kind_clarity"].items()}
_DAYS_PER_YEAR = 365.25


# --- value types ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Situation:
    """What the deciding state knows when it decides.

    `partner` is the state it may come to: the attacked victim, or for offense
    and neutrality owed to an attacker, that attacker. `article` indexes the
    treaty's obligations. `triggered` is the alliance graph's verdict on the
    casus foederis (False: a non-ally or a void obligation, which may still act).
    """
    world: World
    ally: str
    partner: str
    attack: Attack
    treaty: str | None = None
    article: int | None = None
    leader_response: Response | None = None
    triggered: bool = True


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason: the factor's value, its weight, and plain words to read out."""
    name: str
    value: float
    weight: float
    text: str

    @property
    def contribution(self) -> float:
        return self.value * self.weight


class Uniform(Protocol):
    """Where a sampled decision takes its one uniform draw: a `random.Random`, or the
    turn engine's per-decision hash (engine.turn._Draw)."""
    def random(self) -> float: ...


# Combat forces answer an armed attack. A cyber operation, a hybrid campaign or a border
# incident is no armed attack in law (UN Charter art. 51; ICJ, Nicaragua v. United States,
# 1986, paras 195, 211 and 249: acts short of an armed attack open no right of collective
# self-defence to third states), and in this engine it starts no war between attacker and
# victim (network.Attack.starts_war). So the doctrine sends no combat forces to one
# (network.Attack.short_of_armed_attack): what the ordered logit gives `full` goes to
# `limited`, the most a state does short of war (Crimea 2014: arms and training, no
# troops). A terrorist attack keeps `full` open, as NATO held on 12 September 2001 and
# UN Security Council resolution 1368 allowed.
def within_threshold(probabilities: Sequence[float]) -> tuple[float, ...]:
    """The distribution with the probability of `full` given to `limited`."""
    *lower, limited, full = probabilities
    return (*lower, limited + full, 0.0)


class _Pending:
    """The makings of an advice's factor list, kept until someone reads it.

    Monte Carlo draws thousands of decisions nobody reads; the words cost far
    more than the numbers, so they are written on first reading only.
    """
    __slots__ = ("situation", "values", "weights")

    def __init__(self, situation: Situation, values: tuple[float, ...],
                 weights: tuple[float, ...]) -> None:
        self.situation, self.values, self.weights = situation, values, weights

    def __reduce__(self):
        return (_Pending, (self.situation, self.values, self.weights))

    def build(self) -> tuple[Factor, ...]:
        return _factors(self.situation, self.values, self.weights)


@dataclass(frozen=True, slots=True, init=False, eq=False)
class Advice:
    """A distribution over the response scale and the reasons behind it.

    `probabilities` is aligned with RESPONSES (hostile ... full). `factors` are
    sorted by the size of their contribution, largest first (ties by name).
    `toward` names what a positive contribution pushes toward: honouring a
    commitment, or support for a partner a state owes nothing.
    """
    probabilities: tuple[float, ...]
    score: float
    toward: str
    ceiling: Response | None
    _factors: tuple[Factor, ...] | None = field(repr=False)
    _pending: _Pending | None = field(repr=False)

    def __init__(self, probabilities: Sequence[float], factors: Sequence[Factor] | _Pending,
                 score: float, toward: str = "honouring", *, ceiling: Response | None = None) -> None:
        put = object.__setattr__
        put(self, "probabilities", tuple(probabilities))
        put(self, "score", score)
        put(self, "toward", toward)
        put(self, "ceiling", ceiling)
        lazy = isinstance(factors, _Pending)
        put(self, "_factors", None if lazy else tuple(factors))
        put(self, "_pending", factors if lazy else None)

    @property
    def factors(self) -> tuple[Factor, ...]:
        if self._factors is None:
            object.__setattr__(self, "_factors", self._pending.build())
            object.__setattr__(self, "_pending", None)
        return self._factors

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Advice):
            return NotImplemented
        return ((self.probabilities, self.score, self.toward, self.ceiling, self.factors)
                == (other.probabilities, other.score, other.toward, other.ceiling, other.factors))

    def __hash__(self) -> int:
        return hash((self.probabilities, self.score, self.toward))

    @property
    def response(self) -> Response:
        """The most probable level; a tie goes to the lower level."""
        probs = self.probabilities
        best = 0
        for k in range(1, len(probs)):
            if probs[k] > probs[best]:
                best = k
        return RESPONSES[best]

    @property
    def expected_rank(self) -> float:
        return sum(k * p for k, p in enumerate(self.probabilities))

    def p_honour(self, obligation_type: ObligationType | str) -> float:
        """Probability that the answer honours an obligation of this type."""
        kind = ObligationType(obligation_type)
        return sum(p for r, p in zip(RESPONSES, self.probabilities) if honours(kind, r))

    def explain(self, limit: int = 5) -> str:
        """The answer and its largest reasons, in words that can be read aloud."""
        top = [f for f in self.factors if f.contribution != 0.0][:max(limit, 0)]
        pro = [f"{f.text} ({f.contribution:+.2f})" for f in top if f.contribution > 0]
        con = [f"{f.text} ({f.contribution:+.2f})" for f in top if f.contribution < 0]
        best = self.response
        ceiling = (f" No combat forces: the attack is short of an armed attack, so {self.ceiling} "
                   f"support is the most it calls for." if self.ceiling is not None else "")
        return (f"Most likely: {best} (p={self.probabilities[best.rank]:.2f}). "
                f"Pushing toward {self.toward}: {'; '.join(pro) or 'nothing'}; "
                f"against: {'; '.join(con) or 'nothing'}.{ceiling}")


# --- per-world scratch ------------------------------------------------------------

# What is derived from one world (its wars, its members in force) is kept in that
# world's scratch; what the scenario alone decides, in the scenario's, for all its worlds.
_MEMO = IdentityMemo()


def _coalition(world: World, memo: dict, state: str) -> frozenset[str]:
    key = ("coalition", state)
    found = memo.get(key)
    if found is None:
        found = memo[key] = world.coalition(state) if world.wars else frozenset((state,))
    return found


def _tripwire(world: World, shared: dict, ally: str, host: str) -> float:
    """`ally`'s skin in the game in `host`. Deployments are the scenario's and never change
    in play, so `shared` is the scenario's scratch: one answer for all its worlds."""
    key = ("tripwire", ally, host)
    found = shared.get(key)
    if found is None:
        found = shared[key] = min(1.0, sum(d.size.weight for d in world.deployments(ally, host)))
    return found


@dataclass(frozen=True, slots=True)
class _Survey:
    """A treaty's members in force now: their ranking, and what changed since the start."""
    ranked: tuple[str, ...]        # most powerful first (ties by id), the leader at the head
    power_change: float            # largest relative change in a member's power
    power_member: str | None
    regime_change: float           # largest change in a member's democracy (0, 1/2 or 1)
    regime_member: str | None


def _survey(world: World, memo: dict, treaty: Treaty) -> _Survey:
    key = ("survey", treaty.id)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _survey_members(world, treaty)
    return found


def _survey_members(world: World, treaty: Treaty) -> _Survey:
    # Members' states rarely change in play, so the last survey of this treaty is
    # reused while the members in force and their State objects are the very same.
    members = world.members_in_force.get(treaty.id, frozenset())
    states = world.states
    shared = _MEMO.scratch(world.scenario)
    key = ("survey", treaty.id)
    last = shared.get(key)
    if last is not None:
        basis, survey = last
        if basis[0] == members and all(states[m] is state for m, state in basis[1]):
            return survey
    ranked = tuple(sorted(members, key=lambda m: (m != treaty.leader, -states[m].power, m)))
    original = world.scenario.state_by_id
    power, power_member, regime, regime_member = 0.0, None, 0.0, None
    for m in sorted(members):
        now, then = states[m], original[m]
        if now is then:  # untouched by any effect: nothing has drifted
            continue
        top = max(now.power, then.power)
        change = abs(now.power - then.power) / top if top > 0 else 0.0
        if change > power:
            power, power_member = change, m
        shift = abs(_DEMOCRACY[now.regime] - _DEMOCRACY[then.regime])
        if shift > regime:
            regime, regime_member = shift, m
    survey = _Survey(ranked, power, power_member, regime, regime_member)
    shared[key] = ((members, tuple((m, states[m]) for m in ranked)), survey)
    return survey


def _ranked_members(world: World, memo: dict, treaty: Treaty) -> tuple[str, ...]:
    return _survey(world, memo, treaty).ranked


def _years(world: World, memo: dict, treaty: Treaty) -> float:
    """The treaty's age at the game's date, in years (0 when its signature is unknown)."""
    if treaty.signed is None:
        return 0.0
    # The date is the scenario's calendar at this turn: the same in every world of that turn.
    shared = _MEMO.scratch(world.scenario)
    key = ("years", treaty.id, world.turn)
    found = shared.get(key)
    if found is None:
        today = world.scenario.date_of(world.turn).date()
        found = shared[key] = max(0.0, (today - treaty.signed).days / _DAYS_PER_YEAR)
    return found


def _obsolescence(world: World, memo: dict, treaty: Treaty) -> float:
    key = ("obsolescence", treaty.id)
    found = memo.get(key)
    if found is None:
        survey = _survey(world, memo, treaty)
        age = min(1.0, _years(world, memo, treaty) / float(_OBSOLETE["age_years_full"]))
        found = memo[key] = (_OBSOLETE["power_change"] * survey.power_change
                             + _OBSOLETE["regime_change"] * survey.regime_change + _OBSOLETE["age"] * age)
    return found


def _terms(shared: dict, treaty: Treaty, article: int | None,
           ally: str) -> tuple[Obligation | None, float, float, float]:
    """The commitment in play and what its wording alone gives: (obligation, formality,
    commitment, publicity). A scenario's treaties never change, so `shared` is the
    scenario's scratch."""
    key = ("terms", treaty.id, article, ally)
    found = shared.get(key)
    if found is None:
        obligation = _obligation(treaty, article, ally)
        commitment = (1.0 if obligation is not None
                      and obligation.commitment == Commitment.AUTOMATIC else 0.0)
        found = shared[key] = (obligation, _formality(treaty, obligation), commitment,
                               _publicity(treaty, obligation))
    return found


def _obligation(treaty: Treaty, article: int | None, ally: str) -> Obligation | None:
    """The obligation in play: the article named, else the first defense one binding `ally`."""
    obligations = treaty.obligations
    if article is not None and 0 <= article < len(obligations):
        return obligations[article]
    binding = [o for o in obligations if o.binds(ally)]
    for o in binding:
        if o.type == ObligationType.DEFENSE:
            return o
    return binding[0] if binding else None


def _opponents(attack: Attack, partner: str) -> tuple[str, ...]:
    """The other side: the attackers, or the target when the partner is an attacker."""
    return (attack.target,) if partner in attack.attackers else attack.attackers


def _formality(treaty: Treaty, obligation: Obligation | None) -> float:
    openness = _OPEN[treaty.openness]
    if obligation is not None and obligation.secret:
        openness = min(openness, 0.5)
    return 0.5 * (_FORM[treaty.formality] + openness)


def _publicity(treaty: Treaty, obligation: Obligation | None) -> float:
    """How far the public knows the commitment (what makes abandoning it costly at home)."""
    if treaty.secret or (obligation is not None and obligation.secret):
        return 0.0
    return _OPEN[treaty.openness]


def _logistic(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-min(z, 700.0)))
    e = math.exp(max(z, -700.0))
    return e / (1.0 + e)


# --- the model ------------------------------------------------------------------

class Doctrine:
    """Weights and cut points of the decision model, and the decisions they give."""

    def __init__(self, weights: Mapping[str, float] | None = None,
                 cuts: Sequence[float] | None = None, *,
                 vote_threshold: float = DEFAULT_VOTE_THRESHOLD,
                 vote_rule: str = DEFAULT_VOTE_RULE) -> None:
        merged = dict(DEFAULT_WEIGHTS)
        unknown = sorted(set(weights or {}) - set(FACTORS))
        if unknown:
            raise ValueError(f"unknown doctrine weight(s) {', '.join(unknown)}; "
                             f"the known weights are: {', '.join(FACTORS)}")
        for name, value in (weights or {}).items():
            merged[name] = _finite(value, f"doctrine weight {name}")
        self.weights: Mapping[str, float] = MappingProxyType(merged)
        self.cuts: tuple[float, ...] = _check_cuts(DEFAULT_CUTS if cuts is None else cuts)
        self.vote_threshold = _finite(vote_threshold, "vote threshold")
        if vote_rule not in VOTE_RULES:
            raise ValueError(f"unknown vote rule {vote_rule!r}; the rules are: "
                             f"{', '.join(VOTE_RULES)}")
        self.vote_rule = vote_rule
        self._vector = tuple(merged[name] for name in FACTORS)

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> Doctrine:
        """The defaults with the scenario's `doctrine.weights` applied."""
        return cls(weights=scenario.doctrine_weights)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.weights.items() if v != DEFAULT_WEIGHTS[k]}
        return f"Doctrine(weights={changed}, cuts={self.cuts})"

    # --- the ordered logit ---------------------------------------------------------
    def distribution(self, score: float) -> tuple[float, ...]:
        """P(response = level) for each level, from the latent score."""
        c0, c1, c2, c3 = self.cuts
        f0, f1, f2, f3 = (_logistic(c0 - score), _logistic(c1 - score),
                          _logistic(c2 - score), _logistic(c3 - score))
        # The logistic is monotone, so the differences are not negative; max()
        # only guards the last bit of rounding.
        return (f0, max(0.0, f1 - f0), max(0.0, f2 - f1), max(0.0, f3 - f2), 1.0 - f3)

    def score(self, values: Sequence[float]) -> float:
        total = 0.0
        for w, x in zip(self._vector, values):
            total += w * x
        return total

    # --- deciding --------------------------------------------------------------
    def features(self, situation: Situation) -> dict[str, float]:
        """The factor values before weighting, in documentation order (for calibration)."""
        return dict(zip(FACTORS, _values(situation)))

    def advise(self, situation: Situation) -> Advice:
        values = _values(situation)
        score = self.score(values)
        toward = "honouring" if situation.treaty is not None else "support"
        probabilities = self.distribution(score)
        capped = situation.attack.short_of_armed_attack
        if capped:
            probabilities = within_threshold(probabilities)
        return Advice(probabilities, _Pending(situation, values, self._vector), score, toward,
                      ceiling=Response.LIMITED if capped else None)

    def decide(self, situation: Situation, rng: Uniform | None = None) -> tuple[Response, Advice]:
        """The most probable level (rng None), or one drawn with a single rng.random()."""
        advice = self.advise(situation)
        if rng is None:
            return advice.response, advice
        u = rng.random()
        cumulative = 0.0
        for response, p in zip(RESPONSES, advice.probabilities):
            cumulative += p
            if u < cumulative:
                return response, advice
        return RESPONSES[-1], advice

    # --- invocation --------------------------------------------------------------
    def vote(self, world: World, member: str, treaty: str, attack: Attack,
             triggered: bool | None = None) -> tuple[bool, str]:
        """A member's vote to declare the casus foederis, and why (doctrine.json 'vote').

        `triggered` is the alliance graph's verdict for this member when known;
        otherwise the member reads the article against the attack itself.
        """
        t = world.treaty(treaty)
        name = _name(world, member)
        if member == attack.target:
            return True, f"{name} is the attacked member and invokes {_the(t)}."
        if member in attack.attackers:
            return False, f"{name} is itself the attacker."
        index = _defense_article(t, member)
        if index is None:
            return False, f"No article of {_the(t)} binds {name}."
        obligation = t.obligations[index]
        applies, why = (triggered, "") if triggered is not None else _applies(
            world, t, obligation, attack)
        if not applies:
            reason = why or f"the attack does not fall under {obligation.label}"
            return False, f"{name} votes no: {reason}."
        situation = Situation(world, member, attack.target, attack, treaty, index)
        attack_victim = _name(world, attack.target)
        advice = self.advise(situation)
        if self.vote_rule == "support":
            p, meaning = _p_at_least(advice, Response.DIPLOMATIC), f"to stand by {attack_victim}"
        else:
            p, meaning = advice.p_honour(obligation.type), f"to honour {obligation.label}"
        yes = p > self.vote_threshold
        top = next((f for f in advice.factors if (f.contribution > 0) == yes
                    and f.contribution != 0.0), None)
        because = f"; chiefly: {top.text}" if top is not None else ""
        if yes:
            return True, (f"{name} votes yes: it expects {meaning} "
                          f"(p={p:.2f} > {self.vote_threshold:.2f}){because}.")
        return False, (f"{name} votes no: it does not expect {meaning} "
                       f"(p={p:.2f} <= {self.vote_threshold:.2f}){because}.")

    # --- credibility and fears ---------------------------------------------------------
    def credibility(self, world: World, treaty: str, adversary: str) -> float:
        """The treaty's credibility in `adversary`'s eyes, 0..1 (doctrine.json 'credibility')."""
        t = world.treaty(treaty)
        if t.secret and not world.knows(adversary, t.id):
            return 0.0
        members = sorted(world.members_in_force.get(t.id, ()))
        if not members:
            return 0.0
        memo = _MEMO.scratch(world)
        leader = _ranked_members(world, memo, t)[0]
        lp, xp = world.states[leader].power, world.states[adversary].power
        parts = {
            "institutionalization": t.institutionalization,
            "tripwire": _coverage(world, memo, t, members, adversary),
            "publicity": _formality(t, None),
            "leader_power": lp / (lp + xp) if lp + xp > 0 else 0.5,
            "nuclear": 1.0 if any(world.states[m].nuclear for m in members) else 0.0,
            "reputation": sum(world.reputation.get(m, 0.5) for m in members) / len(members),
        }
        return _clip01(sum(_CREDIBILITY[k] * parts[k] for k in sorted(parts)))

    def fears(self, world: World, treaty: str, member: str) -> tuple[float, float]:
        """(fear of abandonment, fear of entrapment), 0..1 each (doctrine.json 'fears')."""
        t = world.treaty(treaty)
        allies = sorted(world.members_in_force.get(t.id, frozenset()) - {member})
        if not allies:
            return 0.0, 0.0
        threats, insiders = _threats(world, _MEMO.scratch(world)), frozenset(t.members)
        own_threat = max((v for y, v in threats.get(member, {}).items() if y not in insiders),
                         default=0.0)
        own = world.states[member].power
        allied = sum(world.states[a].power for a in allies)
        dependence = allied / (own + allied) if own + allied > 0 else 0.0
        allies_rep = sum(world.reputation.get(a, 0.5) for a in allies) / len(allies)
        abandonment = (_ABANDON["threat"] * own_threat + _ABANDON["dependence"] * dependence
                       + _ABANDON["allies_reputation"] * (1.0 - allies_rep))
        divergent = sum(_divergence(threats, a, member, insiders) for a in allies) / len(allies)
        aggressors = {w.aggressor for w in world.wars}
        aggression = sum(1 for a in allies if a in aggressors) / len(allies)
        entrapment = (_ENTRAPMENT_FEAR["divergent_adversaries"] * divergent
                      + _ENTRAPMENT_FEAR["allies_aggression"] * aggression)
        return _clip01(abandonment), _clip01(entrapment)


def _finite(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _check_cuts(cuts: Sequence[float]) -> tuple[float, ...]:
    values = tuple(_finite(c, "cut point") for c in cuts)
    if len(values) != len(RESPONSES) - 1:
        raise ValueError(f"expected {len(RESPONSES) - 1} cut points (one between each pair of "
                         f"the levels {', '.join(RESPONSES)}), got {len(values)}")
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"cut points must increase strictly, got {list(values)}")
    return values


def _clip01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


# --- the factors' values (the hot path: one pass, no text) -------------------------------

def _values(s: Situation) -> tuple[float, ...]:
    world, attack, ally, partner = s.world, s.attack, s.ally, s.partner
    states, relations = world.states, world.relations
    memo = _MEMO.scratch(world)
    me, them = states[ally], states[partner]
    opponents = _opponents(attack, partner)

    threat = trade = 0.0
    affinity_x = -1.0 if opponents else 0.0  # the friendliest opponent; none: neutral
    for x in opponents:
        r = relations.get((ally, x))
        if r is not None:
            threat = max(threat, r.threat)
            affinity_x = max(affinity_x, r.affinity)
            trade = max(trade, r.trade)
        else:
            affinity_x = max(affinity_x, 0.0)
    to_partner = relations.get((ally, partner))
    affinity = 0.5 * ((to_partner.affinity if to_partner is not None else 0.0) - affinity_x)

    shared = _MEMO.scratch(world.scenario)
    tripwire = _tripwire(world, shared, ally, partner)
    territory = attack.territory_of
    if territory != partner and partner == attack.target and territory in states:
        tripwire = min(1.0, tripwire + _tripwire(world, shared, ally, territory))

    treaty = world.scenario.treaty_by_id.get(s.treaty) if s.treaty is not None else None
    if treaty is None:
        casus, formality, commitment, institution, leader, regime, obsolete = (
            -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    else:
        obligation, formality, commitment, publicity = _terms(shared, treaty, s.article, ally)
        casus = 1.0 if s.triggered and _holds(obligation, ally, partner, attack) else -1.0
        institution = treaty.institutionalization
        leader = _leader_value(s, world, memo, treaty)
        regime = _DEMOCRACY[me.regime] * publicity
        obsolete = _obsolescence(world, memo, treaty)

    cost = _cost_of_war(world, memo, _our_side(s, memo, treaty), opponents)
    entrapment = _entrapment_value(world, attack, me, partner)
    clarity = (attack.attribution * _CLARITY.get(attack.kind, 0.5)
               * (_ATTRIB["severity_floor"] + (1.0 - _ATTRIB["severity_floor"]) * attack.severity))
    return (
        casus, formality, commitment, institution, tripwire,
        threat, affinity, leader, 2.0 * them.burden_sharing - 1.0, regime,
        2.0 * world.reputation.get(ally, 0.5) - 1.0,
        cost, trade, entrapment, _clip01(1.0 - clarity), obsolete,
    )


def _holds(obligation: Obligation | None, ally: str, partner: str, attack: Attack) -> bool:
    """The obligation binds the ally and no non-provocation clause voids it."""
    if obligation is None or not obligation.binds(ally):
        return False
    return not (obligation.non_provocation and attack.provoked and partner == attack.target)


def _majors(world: World, memo: dict, treaty: Treaty, ally: str,
            partner: str) -> tuple[tuple[str, ...], float]:
    """The major allies other than `ally` and `partner`, and their mean affinity for `partner`."""
    key = ("majors", treaty.id, ally, partner)
    found = memo.get(key)
    if found is None:
        majors: list[str] = []
        for m in _survey(world, memo, treaty).ranked:
            if len(majors) == _MAJOR_ALLIES:
                break
            if m != ally and m != partner:
                majors.append(m)
        relations = world.relations
        alignment = 0.0
        for m in majors:
            r = relations.get((m, partner))
            alignment += r.affinity if r is not None else 0.0
        alignment = alignment / len(majors) if majors else 0.0
        found = memo[key] = (tuple(majors), alignment)
    return found


def _leader_of(world: World, memo: dict, treaty: Treaty) -> str | None:
    """The designated leader if in force, else the most powerful member in force."""
    ranked = _survey(world, memo, treaty).ranked
    return ranked[0] if ranked else None


def _leader_value(s: Situation, world: World, memo: dict, treaty: Treaty) -> float:
    _, alignment = _majors(world, memo, treaty, s.ally, s.partner)
    if s.leader_response is None or _leader_of(world, memo, treaty) == s.ally:
        return alignment
    share = _LEADER["answer_share_coercive" if treaty.governance == _COERCIVE
                   else "answer_share_liberal"]
    answer = (_RANK[s.leader_response] - 2) / 2.0
    return share * answer + (1.0 - share) * alignment


def _side_power(world: World, memo: dict, core: tuple[str, ...]) -> tuple[float, bool]:
    """Power of `core` and everyone fighting alongside any of them; whether any is nuclear."""
    key = ("side", core)
    found = memo.get(key)
    if found is None:
        side: set[str] = set(core)
        if world.wars:  # without wars everyone's coalition is itself
            for c in core:
                side |= _coalition(world, memo, c)
        states = world.states
        members = [states[x] for x in sorted(side)]
        found = memo[key] = (sum([m.power for m in members]), any(m.nuclear for m in members))
    return found


def _our_side(s: Situation, memo: dict, treaty: Treaty | None) -> tuple[str, ...]:
    """Who would fight beside the deciding state: the partner, and a leader that has come in."""
    leader = _leader_of(s.world, memo, treaty) if treaty is not None else None
    if (leader is not None and s.leader_response is not None
            and _RANK[s.leader_response] >= _LIMITED_RANK
            and leader != s.ally and leader != s.partner):
        return (s.ally, s.partner, leader)
    return (s.ally, s.partner)


def _cost_of_war(world: World, memo: dict, ours_core: tuple[str, ...],
                 opponents: tuple[str, ...]) -> float:
    if not opponents:
        return 0.0
    ours, _ = _side_power(world, memo, ours_core)
    theirs, nuclear = _side_power(world, memo, opponents)
    share = theirs / (theirs + ours) if theirs + ours > 0 else 0.5
    return _COST["power_share"] * share + _COST["nuclear"] * (1.0 if nuclear else 0.0)


def _war_region(world: World, attack: Attack) -> str | None:
    if attack.region is not None:
        return attack.region
    owner = world.states.get(attack.territory_of)
    return owner.region if owner is not None else None


def _entrapment_value(world: World, attack: Attack, me: State, partner: str) -> float:
    provoked = 1.0 if attack.provoked and partner == attack.target else 0.0
    region = _war_region(world, attack)
    outside = 1.0 if me.region is not None and region is not None and region != me.region else 0.0
    return _ENTRAP["provoked"] * provoked + _ENTRAP["outside_region"] * outside


# --- credibility, fears, votes: helpers ------------------------------------------------

def _hosted(world: World, memo: dict) -> Mapping[str, tuple[tuple[str, float], ...]]:
    """Per host, the foreign forces in it: (state, skin in the game), once per world."""
    found = memo.get("hosted")
    if found is None:
        pairs = sorted({(d.state, d.host) for d in world.scenario.deployments})
        hosted: dict[str, list[tuple[str, float]]] = {}
        for state, host in pairs:
            hosted.setdefault(host, []).append(
                (state, _tripwire(world, _MEMO.scratch(world.scenario), state, host)))
        found = memo["hosted"] = {h: tuple(v) for h, v in hosted.items()}
    return found


def _coverage(world: World, memo: dict, treaty: Treaty, members: list[str],
              adversary: str) -> float:
    """Mean tripwire cover of the protected states exposed to `adversary`."""
    relations = world.relations
    protected = sorted(p for p in treaty.protected if p != adversary and p in world.states)
    exposed = [p for p in protected
               if (r := relations.get((p, adversary))) is not None and r.threat > 0] or protected
    if not exposed:
        return 0.0
    hosted, bound = _hosted(world, memo), set(members)
    cover = [min(1.0, sum(w for m, w in hosted.get(p, ()) if m in bound and m != p))
             for p in exposed]
    return sum(cover) / len(cover)


def _threats(world: World, memo: dict) -> Mapping[str, Mapping[str, float]]:
    """Who each state fears, and how much (threat > 0, or 1 for a state it is at war with)."""
    found = memo.get("threats")
    if found is None:
        threats: dict[str, dict[str, float]] = {}
        # Only ever read through max(), so the order of iteration cannot matter.
        for (source, target), r in world.relations.items():
            if r.threat > 0:
                threats.setdefault(source, {})[target] = r.threat
        for w in world.wars:
            threats.setdefault(w.aggressor, {})[w.defender] = 1.0
            threats.setdefault(w.defender, {})[w.aggressor] = 1.0
        found = memo["threats"] = threats
    return found


def _divergence(threats: Mapping[str, Mapping[str, float]], ally: str, member: str,
                insiders: Sequence[str] | frozenset[str]) -> float:
    """How far `ally`'s adversaries (wars, threats) are not `member`'s own threats."""
    mine = threats.get(member, {})
    worst = 0.0
    for y, theirs in threats.get(ally, {}).items():
        if y != member and y not in insiders:
            worst = max(worst, theirs * (1.0 - min(1.0, mine.get(y, 0.0))))
    return worst


def _p_at_least(advice: Advice, level: Response) -> float:
    return sum(advice.probabilities[level.rank:])


def _defense_article(treaty: Treaty, member: str) -> int | None:
    binding = [i for i, o in enumerate(treaty.obligations) if o.binds(member)]
    for i in binding:
        if treaty.obligations[i].type == ObligationType.DEFENSE:
            return i
    return binding[0] if binding else None


def _applies(world: World, treaty: Treaty, obligation: Obligation,
             attack: Attack) -> tuple[bool, str]:
    """A member's own reading of whether the attack falls under the article."""
    victim = attack.target
    if victim not in treaty.protected:
        return False, f"{_name(world, victim)} is not protected by {_the(treaty)}"
    if obligation.adversaries is not None and not set(attack.attackers) & set(
            obligation.adversaries):
        return False, f"the attacker is not among the adversaries {obligation.label} names"
    region = _war_region(world, attack)
    if obligation.regions is not None and region not in obligation.regions:
        return False, f"the attack falls outside the regions of {obligation.label}"
    if len(attack.attackers) < obligation.min_adversaries:
        return False, (f"{obligation.label} needs at least {obligation.min_adversaries} "
                       f"attackers")
    if obligation.own_territory_only and attack.territory_of != victim:
        return False, f"the attack is not on {_name(world, victim)}'s own territory"
    if obligation.non_provocation and attack.provoked:
        return False, f"{_name(world, victim)} provoked the attack (non-provocation clause)"
    return True, ""


# --- the factors' words ----------------------------------------------------------------

def _name(world: World, state_id: str) -> str:
    state = world.states.get(state_id)
    return state.name if state is not None else state_id


def _the(treaty: Treaty) -> str:
    """'the North Atlantic Treaty', without doubling a name's own article."""
    return treaty.name if treaty.name.lower().startswith("the ") else f"the {treaty.name}"


def _names(world: World, ids: Sequence[str]) -> str:
    names = [_name(world, i) for i in ids]
    if not names:
        return "an unknown attacker"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


_ARTICLE = {ForceSize.TOKEN: "a token force", ForceSize.BATTALION: "a battalion",
            ForceSize.BRIGADE: "a brigade", ForceSize.DIVISION: "a division",
            ForceSize.CORPS: "a corps"}
_FORM_WORDS = {Formality.TREATY: "written treaty", Formality.EXECUTIVE_AGREEMENT:
               "executive agreement", Formality.DECLARATION: "declaration",
               Formality.VERBAL: "verbal commitment"}
_OPEN_WORDS = {Openness.OPEN: "public", Openness.PARTIALLY_SECRET: "partly secret",
               Openness.SECRET: "secret"}


class _Words:
    """What the texts need to know about one situation, looked up once."""

    def __init__(self, s: Situation) -> None:
        world = s.world
        self.s = s
        self.world = world
        self.A = _name(world, s.ally)
        self.P = _name(world, s.partner)
        self.opponents = _opponents(s.attack, s.partner)
        self.X = _names(world, self.opponents)
        self.treaty = world.scenario.treaty_by_id.get(s.treaty) if s.treaty is not None else None
        self.obligation = (_obligation(self.treaty, s.article, s.ally)
                           if self.treaty is not None else None)
        self.T = _the(self.treaty) if self.treaty is not None else "no treaty"
        self.label = (f"{self.T} {self.obligation.label}" if self.obligation is not None
                      else self.T)


def _say_casus(w: _Words, v: float) -> str:
    if w.treaty is None:
        return f"{w.A} has no obligation to {w.P}"
    if v > 0:
        return f"the attack falls under {w.label}, which binds {w.A}"
    ob = w.obligation
    if ob is not None and ob.non_provocation and w.s.attack.provoked:
        return f"{w.label} is void: {w.P} provoked the attack (non-provocation clause)"
    return f"the attack does not trigger {w.label} for {w.A}"


def _say_formality(w: _Words, v: float) -> str:
    t = w.treaty
    if t is None:
        return "no written commitment"
    return f"{w.T} is a {_OPEN_WORDS[t.openness]} {_FORM_WORDS[t.formality]}"


def _say_commitment(w: _Words, v: float) -> str:
    if w.obligation is None:
        return f"{w.A} has no commitment in play"
    if v > 0:
        return f"{w.label} obliges automatic assistance"
    return f"{w.label} leaves {w.A} to decide how to help (discretionary)"


def _say_institution(w: _Words, v: float) -> str:
    if v <= 0:
        return f"{w.T} has no integrated command, planning or bases"
    return f"{w.T} is institutionalized ({v:.2f}: integrated command, planning, bases)"


def _say_tripwire(w: _Words, v: float) -> str:
    s = w.s
    hosts = [s.partner]
    if s.attack.territory_of != s.partner and s.partner == s.attack.target:
        hosts.append(s.attack.territory_of)
    units = [(d, h) for h in hosts for d in w.world.deployments(s.ally, h)]
    if not units:
        return f"{w.A} has no forces in {w.P}"
    d, host = max(units, key=lambda u: u[0].size.weight)
    more = " among other forces" if len(units) > 1 else ""
    return f"{w.A} has {_ARTICLE[d.size]} in {_name(w.world, host)}{more} (skin in the game)"


def _say_threat(w: _Words, v: float) -> str:
    if v <= 0:
        return f"{w.A} does not see {w.X} as a threat"
    return f"{w.A} sees {w.X} as a threat ({v:.2f})"


def _say_affinity(w: _Words, v: float) -> str:
    if v > 0:
        return f"{w.A} is closer to {w.P} than to {w.X} (affinity {v:+.2f})"
    if v < 0:
        return f"{w.A} is closer to {w.X} than to {w.P} (affinity {v:+.2f})"
    return f"{w.A} is as close to {w.X} as to {w.P}"


def _say_leader(w: _Words, v: float) -> str:
    s, t = w.s, w.treaty
    if t is None:
        return "no alliance leader to follow"
    memo = _MEMO.scratch(w.world)
    majors, alignment = _majors(w.world, memo, t, s.ally, s.partner)
    feeling = "favour" if alignment >= 0 else "are cool towards"
    view = (f"the major allies ({_names(w.world, majors)}) {feeling} {w.P}" if majors
            else "no major ally has a view")
    leader = _leader_of(w.world, memo, t)
    if s.leader_response is not None and leader is not None and leader != s.ally:
        return (f"{_name(w.world, leader)} (alliance leader) has answered "
                f"{s.leader_response}, and {view}")
    return view


def _say_burden(w: _Words, v: float) -> str:
    share = w.world.states[w.s.partner].burden_sharing
    if v == 0:
        return f"{w.P} has carried an average share of allied objectives"
    if v > 0:
        return f"{w.P} has carried its share of allied objectives (burden sharing {share:.2f})"
    return f"{w.P} has not carried its share of allied objectives (burden sharing {share:.2f})"


def _say_regime(w: _Words, v: float) -> str:
    regime = w.world.states[w.s.ally].regime
    if v > 0:
        return f"{w.A} is a {regime} bound by a public commitment (audience costs of abandoning)"
    return f"no audience costs for {w.A} ({regime}, or the commitment is not public)"


def _say_reputation(w: _Words, v: float) -> str:
    r = w.world.reputation.get(w.s.ally, 0.5)
    if v > 0:
        return f"{w.A} has a record of keeping its word (reputation {r:.2f})"
    if v < 0:
        return f"{w.A} has a record of abandoning allies (reputation {r:.2f})"
    return f"{w.A} has an unremarkable record (reputation {r:.2f})"


def _say_cost(w: _Words, v: float) -> str:
    s = w.s
    if not w.opponents:
        return "no known enemy to fight"
    memo = _MEMO.scratch(w.world)
    core = _our_side(s, memo, w.treaty)
    ours, _ = _side_power(w.world, memo, core)
    theirs, nuclear = _side_power(w.world, memo, w.opponents)
    share = theirs / (theirs + ours) if theirs + ours > 0 else 0.5
    return (f"war with {w.X} would be costly: {w.X}'s side holds {share:.0%} of the power "
            f"against {_names(w.world, core)}{', with nuclear weapons' if nuclear else ''}")


def _say_trade(w: _Words, v: float) -> str:
    if v <= 0:
        return f"{w.A} does not trade with {w.X}"
    return f"{w.A} depends on trade with {w.X} ({v:.0%} of its trade)"


def _say_entrapment(w: _Words, v: float) -> str:
    s, parts = w.s, []
    if s.attack.provoked and s.partner == s.attack.target:
        parts.append(f"{w.P} provoked the attack")
    region = _war_region(w.world, s.attack)
    mine = w.world.states[s.ally].region
    if mine is not None and region is not None and region != mine:
        parts.append(f"the war in {region} lies outside {w.A}'s region")
    return " and ".join(parts) if parts else f"no risk of entrapment for {w.A}"


def _say_attribution(w: _Words, v: float) -> str:
    a = w.s.attack
    if v <= 0:
        return f"the {a.kind} is unambiguous"
    return (f"the {a.kind} is open to doubt (attribution {a.attribution:.2f}, "
            f"severity {a.severity:.2f})")


def _say_obsolescence(w: _Words, v: float) -> str:
    if w.treaty is None:
        return "no treaty to grow obsolete"
    memo = _MEMO.scratch(w.world)
    d, years = _survey(w.world, memo, w.treaty), _years(w.world, memo, w.treaty)
    parts = []
    if d.power_member is not None:
        parts.append(f"{_name(w.world, d.power_member)}'s power has changed by "
                     f"{d.power_change:.0%}")
    if d.regime_member is not None:
        parts.append(f"{_name(w.world, d.regime_member)} is now a "
                     f"{w.world.states[d.regime_member].regime}")
    if years > 0:
        parts.append(f"it was signed {years:.0f} years ago")
    return f"{w.T} fits reality less: {', '.join(parts)}" if parts else f"{w.T} still fits"


_SAY: Mapping[str, Callable[[_Words, float], str]] = {
    "casus_foederis": _say_casus, "formality": _say_formality, "commitment": _say_commitment,
    "institutionalization": _say_institution, "tripwire": _say_tripwire,
    "threat": _say_threat, "affinity": _say_affinity, "leader": _say_leader,
    "burden_sharing": _say_burden, "regime": _say_regime, "reputation": _say_reputation,
    "cost_of_war": _say_cost, "interdependence": _say_trade, "entrapment": _say_entrapment,
    "attribution": _say_attribution, "obsolescence": _say_obsolescence,
}


def _against_intuition(name: str, weight: float) -> str:
    """The note for a weight whose sign the evidence, not intuition, set."""
    data = _FACTOR_DATA[name]
    if weight == 0 or (weight > 0) == (data["intuition"] > 0):
        return ""
    evidence = data.get("evidence", "the fitted weights")
    direction = "lowers" if weight < 0 else "raises"
    return f": counter-intuitively {direction} the odds of honouring once challenged ({evidence})"


def _factors(s: Situation, values: Sequence[float], weights: Sequence[float]) -> tuple[Factor, ...]:
    words = _Words(s)
    factors = []
    for name, value, weight in zip(FACTORS, values, weights):
        text = _SAY[name](words, value)
        if value != 0.0:
            text += _against_intuition(name, weight)
        factors.append(Factor(name, value, weight, text))
    factors.sort(key=lambda f: (-abs(f.contribution), f.name))
    return tuple(factors)
