"""The seed paper's analytical framework, answered for a game as it stands.

For each treaty in force and each state, the framework's guiding questions
(alliance formation: threat, balancing/bandwagoning/tethering, credibility and
moral hazard; alliance cohesion: reliability and reputation, the security
dilemma, the strategic dilemma; economic interdependence with the adversary)
with the engine's answer, a plain-words verdict and the numbers behind it.

A pure reading of a `GameState`: every number is the engine's own (the
doctrine's credibility and fears, the reputations the fold keeps, the cohesion
measured at the close of a turn, the scenario's relations). What only this
module decides is how those numbers are sorted into a verdict; the thresholds
are named below, with the reason for each.

Fog of war: a cell's assessment (`viewer` = the states it plays) covers only the
treaties `engine.view` says it knows; a secret treaty it does not know is not
assessed for it, and plays no part in its states' answers. Reputations and this
turn's attackers are read, for a cell, off the events `engine.view` lets it see:
a breach under a secret treaty it does not know leaves no trace in its numbers.

JSON shape (`Assessment.data()`, format `casus-assess/1`):
    {"format": "casus-assess/1", "scenario": ID, "turn": N, "viewer": null | [STATE, ...],
     "treaties": [{"id", "name", "members": [...], "adversary": STATE | null,
                   "questions": [QUESTION, ...]}],
     "states": [{"id", "name", "questions": [QUESTION, ...]}]}
    QUESTION = {"id": "formation.threat", "theme": "formation" | "cohesion" | "interdependence",
                "question": TEXT, "verdict": CODE, "answer": TEXT,
                "indicators": {NAME: NUMBER | STRING | null, ...}}
    The verdict codes each question may give are `engine.assess_text.VERDICTS`; the indicators
    are named in each answer's function below. Treaties in scenario order, states likewise.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import assess_text as say
from .doctrine import Doctrine
from .doctrine import readings as rd
from .events import AttackMade, Event, ForcesDeployed, IndicatorsMeasured, ReputationChanged, TreatyDisclosed
from .floats import total
from .model import Commitment, Deployment, ObligationType, Scenario, Treaty
from .play import facts
from .resolve import main_adversary, threats_by_source
from .state import GameState
from .view import Viewer, treaties_seen, visible_events
from .world import INITIAL_REPUTATION, World

FORMAT = "casus-assess/1"
Value = float | str | None

# --- thresholds: how a number becomes a verdict ---------------------------------------------------
# Threat and affinity are the scenario's 0..1 judgements; a third of the scale is where the
# baltic scenario's authors put "a real but not a first concern" (Italy, Spain, Turkey toward
# Russia), two thirds the frontline's "existential" threat.
LOW, HIGH = 1 / 3, 2 / 3
# A partner at least this many times stronger than the state that fears it is one to
# bandwagon with, not to tether (Walt 1987: bandwagoning is the weak state's choice).
BANDWAGON_RATIO = 3.0
# Fears, credibility and cohesion: a difference below this is no difference worth a verdict.
MARGIN = 0.1
# A tenth of a state's trade with its adversary is a dependence (Farrell & Newman 2019 treat
# far smaller shares in chokepoint goods as leverage); three hundredths is still a tie.
TRADE_HIGH, TRADE_SOME = 0.10, 0.03
# Cohesion at or above this (the share of the tested power that honoured) is an alliance that
# held; Leeds et al.'s 74.5% honouring rate is the historical yardstick.
COHESIVE = 0.75


@dataclass(frozen=True, slots=True)
class Answer:
    """One guiding question with the engine's answer."""
    id: str
    verdict: str
    words: str
    indicators: tuple[tuple[str, Value], ...]

    @property
    def theme(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def question(self) -> str:
        return say.QUESTIONS[self.id]

    def indicator(self, name: str) -> Value:
        return dict(self.indicators).get(name)

    def data(self) -> dict[str, Any]:
        return {"id": self.id, "theme": self.theme, "question": self.question, "verdict": self.verdict,
                "answer": self.words, "indicators": dict(self.indicators)}


@dataclass(frozen=True, slots=True)
class Subject:
    """A treaty or a state, with its answers."""
    id: str
    name: str
    answers: tuple[Answer, ...]
    members: tuple[str, ...] = ()
    adversary: str | None = None

    def answer(self, question: str) -> Answer:
        return next(a for a in self.answers if a.id == question)


@dataclass(frozen=True, slots=True)
class Assessment:
    scenario: str
    turn: int
    viewer: tuple[str, ...] | None
    treaties: tuple[Subject, ...]
    states: tuple[Subject, ...]

    def treaty(self, treaty_id: str) -> Subject:
        return next(t for t in self.treaties if t.id == treaty_id)

    def state(self, state_id: str) -> Subject:
        return next(s for s in self.states if s.id == state_id)

    def data(self) -> dict[str, Any]:
        return {"format": FORMAT, "scenario": self.scenario, "turn": self.turn,
                "viewer": None if self.viewer is None else list(self.viewer),
                "treaties": [{"id": t.id, "name": t.name, "members": list(t.members),
                              "adversary": t.adversary, "questions": [a.data() for a in t.answers]}
                             for t in self.treaties],
                "states": [{"id": s.id, "name": s.name, "questions": [a.data() for a in s.answers]}
                           for s in self.states]}


def assess(gs: GameState, viewer: Viewer = None, events: Sequence[Event] = ()) -> Assessment:
    """The framework's questions answered for `gs`, as the umpire (None) sees it, or as a cell
    does that has seen what `engine.view` shows it of `events` (the game's log)."""
    world, sc = gs.world, gs.scenario
    attackers = _attackers(gs)
    if viewer is not None:
        seen = visible_events(gs, events, viewer)
        world = world.evolve(reputation=_reputations(world, seen), known_to=_known_to(world, seen),
                             forces=tuple(Deployment(e.state, e.host, e.size) for e in seen
                                          if isinstance(e, ForcesDeployed)))
        attackers = [x for e in seen if isinstance(e, AttackMade) and e.turn == gs.turn and e.round == 1
                     for x in e.attack.attackers]
    known = [tv.treaty for tv in treaties_seen(gs, viewer) if world.in_force(tv.treaty.id)]
    ctx = _Context(world, Doctrine.for_scenario(sc), known, attackers, gs.indicators, viewer)
    return Assessment(sc.id, gs.turn, None if viewer is None else tuple(sorted(viewer)),
                      tuple(_treaty(ctx, t) for t in known),
                      tuple(_state(ctx, s.id) for s in sc.states if viewer is None or s.id in viewer))


@dataclass(frozen=True)
class _Context:
    world: World
    doctrine: Doctrine
    known: Sequence[Treaty]      # the treaties in force the viewer knows, in scenario order
    attackers: list[str]         # this turn's attackers: whose eyes credibility is judged through
    indicators: Mapping[int, Mapping[str, IndicatorsMeasured]]  # per turn, per treaty
    viewer: Viewer = None        # a cell reads its own states' fears only (as engine.words.fears)
    # Asked of the same treaty and state by several questions: read once per assessment.
    _fears: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    _credibility: dict[tuple[str, str], float] = field(default_factory=dict)

    def fears(self, treaty: str, member: str) -> tuple[float, float]:
        found = self._fears.get((treaty, member))
        if found is None:
            found = self._fears[treaty, member] = self.doctrine.fears(self.world, treaty, member)
        return found

    def credibility(self, treaty: str, adversary: str) -> float:
        found = self._credibility.get((treaty, adversary))
        if found is None:
            found = self._credibility[treaty, adversary] = self.doctrine.credibility(self.world, treaty, adversary)
        return found

    @cached_property
    def threats_by_source(self) -> dict[str, list[tuple[str, float]]]:
        return threats_by_source(self.world)

    @property
    def sc(self) -> Scenario:
        return self.world.scenario

    def name(self, state: str | None) -> str:
        return facts(self.sc).name(state)

    def power(self, state: str) -> float:
        return self.world.states[state].power


def _reputations(world: World, seen: Sequence[Event]) -> dict[str, float]:
    """Each state's reputation as the last change a viewer saw left it (the start's, if none)."""
    found = dict.fromkeys(world.reputation, INITIAL_REPUTATION)
    for e in seen:
        if isinstance(e, ReputationChanged):
            found[e.state] = e.after
    return found


def _known_to(world: World, seen: Sequence[Event]) -> dict[str, frozenset[str]]:
    """Who knows each treaty as far as a viewer can tell: its members, and those a disclosure the
    viewer saw was made to (a leak it did not see stays unknown to it)."""
    found = {t.id: frozenset(t.members) for t in world.scenario.treaties}
    for e in seen:
        if isinstance(e, TreatyDisclosed):
            found[e.treaty] = found.get(e.treaty, frozenset()) | frozenset(e.to)
    return found


def _attackers(gs: GameState) -> list[str]:
    return [x for a in gs.turn_attacks if a in gs.attacks for x in gs.attacks[a].attackers]


def _r(x: float) -> float:
    return round(float(x), 4)


def _level(x: float, low: float = LOW, high: float = HIGH) -> str:
    return "high" if x >= high else ("moderate" if x >= low else "low")


# --- a treaty -----------------------------------------------------------------------------------

def _treaty(ctx: _Context, t: Treaty) -> Subject:
    world = ctx.world
    members = sorted(world.members_in_force.get(t.id, frozenset()), key=facts(ctx.sc).rank)
    adversary = main_adversary(members, ctx.attackers, ctx.threats_by_source)
    answers = (_threat(ctx, members, adversary), _alignment(ctx, members, adversary),
               _credibility(ctx, t, members, adversary), _moral_hazard(ctx, t, members),
               _reliability(ctx, t, members), _security_dilemma(ctx, t, members),
               _strategic_dilemma(ctx, t, members, adversary), _interdependence(ctx, members, adversary))
    return Subject(t.id, t.name, answers, tuple(members), adversary)


def _threat(ctx: _Context, members: list[str], adversary: str | None) -> Answer:
    if adversary is None:
        return Answer("formation.threat", "none", say.no_adversary(), (("adversary", None),))
    threats = {m: ctx.world.relation(m, adversary).threat for m in members}
    mean = total(threats.values()) / len(threats)
    most = max(members, key=lambda m: threats[m])
    share = rd.share_of(total(ctx.power(m) for m in members), ctx.power(adversary))
    verdict = _level(mean)
    return Answer("formation.threat", verdict,
                  say.threat(verdict, ctx.name(adversary), mean, ctx.name(most), threats[most], share),
                  (("adversary", adversary), ("mean_threat", _r(mean)), ("max_threat", _r(threats[most])),
                   ("most_threatened", most), ("members_power_share", _r(share))))


def _inner_threat(ctx: _Context, members: list[str]) -> tuple[float, str | None, str | None]:
    """The strongest fear one member holds of another: (threat, who fears, whom)."""
    best: tuple[float, str | None, str | None] = (0.0, None, None)
    for a in members:
        for b in members:
            if a != b and (th := ctx.world.relation(a, b).threat) > best[0]:
                best = (th, a, b)
    return best


def _alignment(ctx: _Context, members: list[str], adversary: str | None) -> Answer:
    """Balancing (against a shared outside threat), bandwagoning (with a much stronger member one
    fears) or tethering (with a rival one fears, to restrain it)."""
    inner, fearful, feared = _inner_threat(ctx, members)
    shared = (total(ctx.world.relation(m, adversary).threat for m in members) / len(members)
              if adversary else 0.0)
    ratio = ctx.power(feared) / max(ctx.power(fearful), 1e-9) if fearful and feared else 0.0
    if fearful and feared and inner >= LOW:
        verdict = "bandwagoning" if ratio >= BANDWAGON_RATIO else "tethering"
        words = say.inner_alignment(verdict, ctx.name(fearful), ctx.name(feared), inner, ratio)
    elif adversary and shared >= LOW:
        verdict, words = "balancing", say.balancing(ctx.name(adversary), shared)
    else:
        verdict, words = "association", say.association(shared)
    return Answer("formation.alignment", verdict, words,
                  (("shared_threat", _r(shared)), ("inner_threat", _r(inner)), ("fearful", fearful),
                   ("feared", feared), ("power_ratio", _r(ratio))))


def _credibility(ctx: _Context, t: Treaty, members: list[str], adversary: str | None) -> Answer:
    world = ctx.world
    if adversary is None:
        return Answer("formation.credibility", "untested", say.no_adversary(), (("credibility", None),))
    known = not t.secret or world.knows(adversary, t.id)
    value = ctx.credibility(t.id, adversary)
    rep = total(world.reputation.get(m, INITIAL_REPUTATION) for m in members) / len(members)
    tripwires = sorted({(d.state, d.host) for d in world.all_deployments()
                        if d.state in members and d.host in t.protected and d.host != d.state})
    verdict = "hidden" if not known else _level(value, 0.4, 0.6)
    words = say.credibility(verdict, ctx.name(adversary), value, t.institutionalization, len(tripwires),
                            any(world.states[m].nuclear for m in members))
    return Answer("formation.credibility", verdict, words,
                  (("credibility", _r(value)), ("known_to_adversary", 1.0 if known else 0.0),
                   ("institutionalization", _r(t.institutionalization)),
                   ("formality", _r(rd.formality(t, None))), ("tripwires", float(len(tripwires))),
                   ("nuclear_member", 1.0 if any(world.states[m].nuclear for m in members) else 0.0),
                   ("members_reputation", _r(rep))))


def _moral_hazard(ctx: _Context, t: Treaty, members: list[str]) -> Answer:
    """Snyder 1997, Lanoszka 2018: an unconditional pledge from a far stronger patron may embolden
    the protégé; non-provocation clauses, discretion and limits manage it."""
    pledges = [o for o in t.obligations if o.type in (ObligationType.DEFENSE, ObligationType.OFFENSE)]
    weakest = min(members, key=ctx.power)
    strongest = max(members, key=ctx.power)
    asymmetry = ctx.power(strongest) / max(ctx.power(weakest), 1e-9)
    if not pledges:
        return Answer("formation.moral_hazard", "no-pledge", say.no_pledge(),
                      (("pledges", 0.0), ("power_asymmetry", _r(asymmetry))))
    automatic = sum(o.commitment is Commitment.AUTOMATIC for o in pledges) / len(pledges)
    guarded = sum(o.non_provocation or bool(o.conditional_on) for o in pledges) / len(pledges)
    if guarded > 0:
        verdict = "managed"
    elif automatic > 0 and asymmetry >= BANDWAGON_RATIO:
        verdict = "exposed"
    else:
        verdict = "discretion"
    return Answer("formation.moral_hazard", verdict,
                  say.moral_hazard(verdict, ctx.name(weakest), ctx.name(strongest), asymmetry, automatic),
                  (("pledges", float(len(pledges))), ("automatic_share", _r(automatic)),
                   ("guarded_share", _r(guarded)), ("power_asymmetry", _r(asymmetry)),
                   ("protege", weakest), ("patron", strongest)))


def _reliability(ctx: _Context, t: Treaty, members: list[str]) -> Answer:
    world = ctx.world
    reps = {m: world.reputation.get(m, INITIAL_REPUTATION) for m in members}
    mean = total(reps.values()) / len(reps)
    worst = min(members, key=lambda m: reps[m])
    cohesion, tested = _last_cohesion(ctx, t.id)
    if cohesion is None:
        verdict = "untested" if mean >= INITIAL_REPUTATION - 1e-9 else "damaged"
    elif cohesion >= COHESIVE:
        verdict = "held"
    else:
        verdict = "shaken"
    return Answer("cohesion.reliability", verdict,
                  say.reliability(verdict, mean, ctx.name(worst), reps[worst], cohesion, tested),
                  (("members_reputation", _r(mean)), ("lowest_reputation", _r(reps[worst])),
                   ("least_reliable", worst), ("cohesion", None if cohesion is None else _r(cohesion)),
                   ("turn_tested", None if tested is None else float(tested))))


def _last_cohesion(ctx: _Context, treaty: str) -> tuple[float | None, int | None]:
    """The cohesion measured the last time the treaty was tested (IndicatorsMeasured), if ever."""
    found: tuple[float | None, int | None] = (None, None)
    indicators = ctx.indicators
    for turn in sorted(indicators):
        m = indicators[turn].get(treaty)
        if m is not None and m.triggered and m.cohesion is not None:
            found = (m.cohesion, turn)
    return found


def _security_dilemma(ctx: _Context, t: Treaty, members: list[str]) -> Answer:
    fears = {m: ctx.fears(t.id, m) for m in members}
    ab = total(f[0] for f in fears.values()) / len(fears)
    en = total(f[1] for f in fears.values()) / len(fears)
    verdict = _fear_verdict(ab, en)
    # A cell reads the alliance's mean fears, and names only its own states as the most fearful
    # (as engine.words.fears shows a cell its own states' fears alone).
    named = [m for m in members if ctx.viewer is None or m in ctx.viewer]
    if not named:
        return Answer("cohesion.security_dilemma", verdict, say.security_dilemma(verdict, ab, en),
                      (("abandonment", _r(ab)), ("entrapment", _r(en))))
    most_ab = max(named, key=lambda m: fears[m][0])
    most_en = max(named, key=lambda m: fears[m][1])
    return Answer("cohesion.security_dilemma", verdict,
                  say.security_dilemma(verdict, ab, en, (ctx.name(most_ab), fears[most_ab][0]),
                                       (ctx.name(most_en), fears[most_en][1])),
                  (("abandonment", _r(ab)), ("entrapment", _r(en)), ("most_fears_abandonment", most_ab),
                   ("max_abandonment", _r(fears[most_ab][0])), ("most_fears_entrapment", most_en),
                   ("max_entrapment", _r(fears[most_en][1]))))


def _fear_verdict(ab: float, en: float) -> str:
    """Snyder's dilemma read off the two fears: which one dominates, by more than MARGIN."""
    if max(ab, en) < LOW / 2:
        return "quiet"
    if ab - en > MARGIN:
        return "abandonment"
    if en - ab > MARGIN:
        return "entrapment"
    return "torn"


def _strategic_dilemma(ctx: _Context, t: Treaty, members: list[str], adversary: str | None) -> Answer:
    """Integration against autonomy: institutionalization, and how far the members diverge in what
    they fear (Schmitt 2025: the start of a measure, not the measure). Their mutual affinity is
    shown beside it; a dyad the scenario leaves out counts as none, so it is not a verdict's basis."""
    world = ctx.world
    threats = [world.relation(m, adversary).threat for m in members] if adversary else [0.0]
    spread = max(threats) - min(threats)
    pairs = [(a, b) for a in members for b in members if a != b]
    affinity = total(world.relation(a, b).affinity for a, b in pairs) / len(pairs) if pairs else 0.0
    integrated = t.institutionalization >= 0.5
    divergent = spread >= 0.4
    verdict = {(True, True): "sharp", (True, False): "integrated",
               (False, True): "autonomy", (False, False): "loose"}[integrated, divergent]
    return Answer("cohesion.strategic_dilemma", verdict,
                  say.strategic_dilemma(verdict, t.institutionalization, spread, affinity),
                  (("institutionalization", _r(t.institutionalization)), ("threat_spread", _r(spread)),
                   ("mutual_affinity", _r(affinity))))


def _interdependence(ctx: _Context, members: list[str], adversary: str | None) -> Answer:
    if adversary is None:
        return Answer("interdependence.adversary", "none", say.no_adversary(), (("max_trade", None),))
    trade = {m: ctx.world.relation(m, adversary).trade for m in members}
    most = max(members, key=lambda m: trade[m])
    mean = total(trade.values()) / len(trade)
    verdict = _level(trade[most], TRADE_SOME, TRADE_HIGH)
    return Answer("interdependence.adversary", verdict,
                  say.interdependence(verdict, ctx.name(adversary), ctx.name(most), trade[most], mean),
                  (("adversary", adversary), ("mean_trade", _r(mean)), ("max_trade", _r(trade[most])),
                   ("most_dependent", most)))


# --- a state --------------------------------------------------------------------------------------

def _state(ctx: _Context, state: str) -> Subject:
    world = ctx.world
    threats = {y: r.threat for (x, y), r in world.relations.items() if x == state and r.threat > 0}
    threats |= {y: 1.0 for y in world.enemies(state)}
    top = max(sorted(threats), key=lambda y: (threats[y], ctx.power(y)), default=None)  # ties: the stronger
    mine = [t for t in ctx.known if world.in_force(t.id, state)]
    answers = (_state_threat(ctx, state, threats, top), _state_alignment(ctx, state, mine, top),
               _state_credibility(ctx, state, top), _state_fears(ctx, state, mine),
               _state_reputation(ctx, state), _state_trade(ctx, state, threats, top))
    return Subject(state, ctx.name(state), answers, tuple(t.id for t in mine), top)


def _state_threat(ctx: _Context, state: str, threats: dict[str, float], top: str | None) -> Answer:
    if top is None:
        return Answer("formation.threat", "none", say.unthreatened(ctx.name(state)), (("top_threat", None),))
    share = rd.share_of(ctx.power(state), ctx.power(top))
    verdict = "war" if top in ctx.world.enemies(state) else _level(threats[top])
    return Answer("formation.threat", verdict,
                  say.state_threat(verdict, ctx.name(top), threats[top], share, len(threats)),
                  (("top_threat", top), ("threat", _r(threats[top])), ("threats", float(len(threats))),
                   ("own_power_share", _r(share))))


def _state_alignment(ctx: _Context, state: str, mine: list[Treaty], top: str | None) -> Answer:
    world = ctx.world
    allies = sorted({m for t in mine for m in world.members_in_force.get(t.id, ())} - {state})
    with_threat = [t for t in mine if top is not None and world.in_force(t.id, top)]
    alone = rd.share_of(ctx.power(state), ctx.power(top)) if top else 1.0
    allied = rd.share_of(ctx.power(state) + total(ctx.power(a) for a in allies if a != top),
                         ctx.power(top)) if top else 1.0
    if top is not None and with_threat:
        ratio = ctx.power(top) / max(ctx.power(state), 1e-9)
        verdict = "bandwagoning" if ratio >= BANDWAGON_RATIO else "tethering"
    elif top is None:
        verdict = "aligned" if mine else "unaligned"
    elif mine:
        verdict = "balancing"
    else:
        verdict = "alone"
    return Answer("formation.alignment", verdict,
                  say.state_alignment(verdict, ctx.name(state), ctx.name(top), [t.name for t in mine],
                                      alone, allied),
                  (("treaties", float(len(mine))), ("allies", float(len(allies))),
                   ("power_share_alone", _r(alone)), ("power_share_allied", _r(allied))))


def _state_credibility(ctx: _Context, state: str, top: str | None) -> Answer:
    """How credible its best protection looks to its top threat (the doctrine's credibility)."""
    shields = [t for t in ctx.known if state in t.protected and ctx.world.in_force(t.id)
               and (top is None or not ctx.world.in_force(t.id, top))]
    if top is None or not shields:
        verdict = "unprotected" if top is not None else "untested"
        return Answer("formation.credibility", verdict, say.unprotected(verdict, ctx.name(top)),
                      (("credibility", None),))
    scored = [(ctx.credibility(t.id, top), t) for t in shields]
    best, shield = max(scored, key=lambda x: x[0])
    verdict = _level(best, 0.4, 0.6)
    return Answer("formation.credibility", verdict,
                  say.state_credibility(verdict, shield.name, ctx.name(top), best),
                  (("credibility", _r(best)), ("treaty", shield.id), ("adversary", top)))


def _state_fears(ctx: _Context, state: str, mine: list[Treaty]) -> Answer:
    fears = {t.id: ctx.fears(t.id, state) for t in mine}
    if not fears:
        return Answer("cohesion.security_dilemma", "quiet", say.no_allies(ctx.name(state)),
                      (("abandonment", None), ("entrapment", None)))
    t_ab = max(sorted(fears), key=lambda k: fears[k][0])
    t_en = max(sorted(fears), key=lambda k: fears[k][1])
    ab, en = fears[t_ab][0], fears[t_en][1]
    verdict = _fear_verdict(ab, en)
    names = {t.id: t.name for t in mine}
    return Answer("cohesion.security_dilemma", verdict,
                  say.state_fears(verdict, ab, names[t_ab], en, names[t_en]),
                  (("abandonment", _r(ab)), ("abandonment_treaty", t_ab), ("entrapment", _r(en)),
                   ("entrapment_treaty", t_en)))


def _state_reputation(ctx: _Context, state: str) -> Answer:
    rep = ctx.world.reputation.get(state, INITIAL_REPUTATION)
    verdict = ("unremarkable" if abs(rep - INITIAL_REPUTATION) < 1e-9
               else "earned" if rep > INITIAL_REPUTATION else "lost")
    return Answer("cohesion.reliability", verdict, say.reputation(verdict, ctx.name(state), rep),
                  (("reputation", _r(rep)),))


def _state_trade(ctx: _Context, state: str, threats: dict[str, float], top: str | None) -> Answer:
    if top is None:
        return Answer("interdependence.adversary", "none", say.unthreatened(ctx.name(state)),
                      (("trade_with_threat", None),))
    trade = ctx.world.relation(state, top).trade
    feared = total(ctx.world.relation(state, y).trade for y in threats)
    verdict = _level(trade, TRADE_SOME, TRADE_HIGH)
    return Answer("interdependence.adversary", verdict,
                  say.state_trade(verdict, ctx.name(top), trade, feared),
                  (("trade_with_threat", _r(trade)), ("trade_with_feared", _r(feared))))
