"""The factors in plain words, to read out to the players and the facilitator.

Each factor has one sentence builder, given what the texts need about the
situation (`_Words`) and the factor's value. Written only when an advice's
reasons are read (advice.py), never on the hot path of a batch run.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..alliance_index import treaty_phrase
from ..model import ForceSize, Formality, Openness
from ..world import INITIAL_REPUTATION, World
from . import readings as rd
from .data import FACTOR_DATA, FACTORS
from .situation import Factor, Situation


def listed(names: Sequence[str]) -> str:
    """Names as a sentence lists them: "A", "A and B", "A, B and C" ("" for none)."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _names(world: World, ids: Sequence[str]) -> str:
    return listed([world.name(i) for i in ids]) or "an unknown attacker"


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
        self.A = world.name(s.ally)
        self.P = world.name(s.partner)
        self.opponents = rd.opponents(s.attack, s.partner)
        self.X = _names(world, self.opponents)
        self.treaty = world.scenario.treaty_by_id.get(s.treaty) if s.treaty is not None else None
        self.obligation = (rd.obligation(self.treaty, s.article, s.ally)
                           if self.treaty is not None else None)
        self.T = treaty_phrase(self.treaty) if self.treaty is not None else "no treaty"
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
    return f"{w.A} has {_ARTICLE[d.size]} in {w.world.name(host)}{more} (skin in the game)"


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
    memo = rd.scratch(w.world)
    majors, alignment = rd.majors(w.world, memo, t, s.ally, s.partner)
    feeling = "favour" if alignment >= 0 else "are cool towards"
    view = (f"the major allies ({_names(w.world, majors)}) {feeling} {w.P}" if majors
            else "no major ally has a view")
    leader = rd.leader_of(w.world, memo, t)
    if s.leader_response is not None and leader is not None and leader != s.ally:
        return (f"{w.world.name(leader)} (alliance leader) has answered "
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
    r = w.world.reputation.get(w.s.ally, INITIAL_REPUTATION)
    if v > 0:
        return f"{w.A} has a record of keeping its word (reputation {r:.2f})"
    if v < 0:
        return f"{w.A} has a record of abandoning allies (reputation {r:.2f})"
    return f"{w.A} has an unremarkable record (reputation {r:.2f})"


def _say_cost(w: _Words, v: float) -> str:
    s = w.s
    if not w.opponents:
        return "no known enemy to fight"
    memo = rd.scratch(w.world)
    core = rd.our_side(s, memo, w.treaty)
    ours, _ = rd.side_power(w.world, core)
    theirs, nuclear = rd.side_power(w.world, w.opponents)
    share = rd.share_of(theirs, ours)
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
    region = rd.war_region(w.world, s.attack)
    mine = w.world.states[s.ally].region
    if mine is not None and region is not None and region != mine:
        parts.append(f"the war in {region} lies outside {w.A}'s region")
    return " and ".join(parts) if parts else f"no risk of entrapment for {w.A}"


def _say_attribution(w: _Words, v: float) -> str:
    a = w.s.attack
    if rd.invited(w.world, rd.shared_scratch(w.world), a, w.s.ally, w.s.partner):
        return f"{w.P}'s request names who attacked it"
    if v <= 0:
        return f"the {a.kind} is unambiguous"
    return (f"the {a.kind} is open to doubt (attribution {a.attribution:.2f}, "
            f"severity {a.severity:.2f})")


def _say_obsolescence(w: _Words, v: float) -> str:
    if w.treaty is None:
        return "no treaty to grow obsolete"
    memo = rd.scratch(w.world)
    d, years = rd.survey(w.world, memo, w.treaty), rd.years(w.world, w.treaty)
    parts = []
    since = "since it was signed" if w.treaty.power_at_signing or w.treaty.regime_at_signing else ""
    if d.power_member is not None:
        parts.append(f"{w.world.name(d.power_member)}'s power has changed by "
                     f"{d.power_change:.0%}{' ' + since if since else ''}")
    if d.regime_member is not None:
        parts.append(f"{w.world.name(d.regime_member)} is now a "
                     f"{w.world.states[d.regime_member].regime}")
    if years > 0:
        parts.append(f"it was signed {years:.0f} years ago")
    return f"{w.T} fits reality less: {', '.join(parts)}" if parts else f"{w.T} still fits"


def _say_stakes(w: _Words, v: float) -> str:
    if v <= 0:
        return f"{w.A} has no stake of its own in {w.P}'s fate beyond its obligations"
    standing = rd.standing(w.world, rd.scratch(w.world), w.s.ally)
    return (f"{w.A}, bound by no obligation here, has interests of its own in {w.P} "
            f"(a power of {standing:.0%} of the strongest, leaning to {w.P})")


def _tied_to(w: _Words, *, coercive: bool) -> list[str]:
    """The treaties binding the deciding state to an opponent (`readings.binds_to_opponent`), or
    the coercive ones an opponent leads."""
    memo, found = rd.scratch(w.world), []
    for t in rd.shared_treaties(w.world, w.s.ally, w.opponents):
        if coercive and not (t.governance == rd.COERCIVE and rd.leader_of(w.world, memo, t) in w.opponents):
            continue
        if not coercive and not rd.binds_to_opponent(t, w.opponents, w.s.partner):
            continue
        found.append(treaty_phrase(t))
    return found


def _say_ties(w: _Words, v: float) -> str:
    if v > 0:
        return f"{w.A} is bound to {w.X} too, by {', '.join(_tied_to(w, coercive=False))}"
    shared = rd.shared_treaties(w.world, w.s.ally, w.opponents)
    if not shared:
        return f"{w.A} has no treaty with {w.X}"
    return (f"{w.A}'s treaties with {w.X} ({', '.join(treaty_phrase(t) for t in shared)}) guarantee a third "
            f"state or protect {w.P} too: they do not bind {w.A} to {w.X}")


def _say_bloc(w: _Words, v: float) -> str:
    if v <= 0:
        return f"{w.X} leads no bloc that {w.A} belongs to"
    return f"{w.X} leads {', '.join(_tied_to(w, coercive=True))}, the bloc {w.A} belongs to"


def _say_invitation(w: _Words, v: float) -> str:
    if v > 0:
        return f"{w.P} asked {w.A} to come to its help, naming who attacked it"
    if rd.invited(w.world, rd.shared_scratch(w.world), w.s.attack, w.s.ally, w.s.partner):
        # asked, yet the factor reads 0: an obligation in play binds the state (factors._invitation)
        return f"{w.P} asked {w.A} to come to its help; {w.T} already gives {w.A} that ground"
    return f"{w.P} has not asked {w.A} to come to its help"


def _say_lesser(w: _Words, v: float) -> str:
    if w.treaty is None:
        return f"{w.A} answers under no treaty"
    if v <= 0 or w.obligation is None:
        return f"{w.label} does not bind {w.A} only to consult or to stay out"
    asks = {"consultation": "only to consult", "neutrality": "only to stay out",
            "nonaggression": "only not to attack"}.get(str(w.obligation.type), "less than arms")
    return f"{w.label} asks {w.A} {asks}, not to fight for {w.P}"


def _say_leader_attacked(w: _Words, v: float) -> str:
    if w.treaty is None:
        return f"{w.A} answers under no treaty {w.P} could lead"
    if v <= 0:
        return f"{w.P} does not lead {w.T}"
    return f"{w.P}, attacked, leads {w.T}: its allies follow the leader"


_SAY: Mapping[str, Callable[[_Words, float], str]] = {
    "casus_foederis": _say_casus, "formality": _say_formality, "commitment": _say_commitment,
    "institutionalization": _say_institution, "tripwire": _say_tripwire,
    "threat": _say_threat, "affinity": _say_affinity, "leader": _say_leader,
    "burden_sharing": _say_burden, "regime": _say_regime, "reputation": _say_reputation,
    "cost_of_war": _say_cost, "interdependence": _say_trade, "entrapment": _say_entrapment,
    "attribution": _say_attribution, "obsolescence": _say_obsolescence,
    "stakes": _say_stakes, "ties_to_attacker": _say_ties, "bloc_leader": _say_bloc,
    "invitation": _say_invitation, "lesser_obligation": _say_lesser,
    "leader_attacked": _say_leader_attacked,
}
if tuple(_SAY) != FACTORS:  # pragma: no cover - fails at import, by design
    raise ImportError(f"engine.doctrine.explain words the factors {tuple(_SAY)}; "
                      f"the model computes {FACTORS}")


def _against_intuition(name: str, weight: float) -> str:
    """The note for a weight whose sign the evidence, not intuition, set."""
    data = FACTOR_DATA[name]
    if weight == 0 or (weight > 0) == (data["intuition"] > 0):
        return ""
    evidence = data.get("evidence", "the fitted weights")
    direction = "lowers" if weight < 0 else "raises"
    return f": counter-intuitively {direction} the odds of honouring once challenged ({evidence})"


def factors(s: Situation, values: Sequence[float], weights: Sequence[float]) -> tuple[Factor, ...]:
    """Each factor with its words, the largest contribution first (ties by name)."""
    words = _Words(s)
    found = []
    for name, value, weight in zip(FACTORS, values, weights):
        text = _SAY[name](words, value)
        if value != 0.0:
            text += _against_intuition(name, weight)
        found.append(Factor(name, value, weight, text))
    found.sort(key=lambda f: (-abs(f.contribution), f.name))
    return tuple(found)
