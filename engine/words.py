"""Numbers said in words, for the console and the report: the indicators' definitions, levels,
the doctrine's advice, the openness of a treaty, why an answer honours one commitment and
abandons another, and attacks by the names of the states. Numbers stay beside the words.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .doctrine import Advice
from .model import Obligation, ObligationTrigger, ObligationType, Openness, Response, Scenario, honours
from .network import Attack

# One home for what each indicator means, shown wherever the indicator is.
DEFINITIONS: dict[str, str] = {
    "cohesion": "the share of the power of a treaty's members called on this turn that honoured "
                "their commitment (1: all stood by it, 0: none did; blank: nobody was called on)",
    "credibility": "how likely the treaty's adversary judges it that the members will fight, from "
                   "its institutions, tripwire forces, publicity, the leader's power, nuclear arms "
                   "and the members' record (0 to 1); it deters, it does not promise",
    "abandonment": "fear of abandonment: a member's fear that its allies will not come when it is "
                   "attacked (its own threat, its dependence on them, their record; 0 to 1)",
    "entrapment": "fear of entrapment: a member's fear of being dragged into its allies' wars "
                  "against adversaries it does not fear itself (0 to 1)",
}

OPENNESS: dict[str, str] = {
    Openness.OPEN: "public: every state knows the treaty and its terms",
    Openness.PARTIALLY_SECRET: "partly secret: the treaty is known, some articles only to its members",
    Openness.SECRET: "secret: only its members (and those told) know it exists",
}

_LEVELS = ((0.8, "very high"), (0.6, "high"), (0.4, "moderate"), (0.2, "low"), (0.0, "very low"))


def level(x: float | None) -> str:
    """A 0..1 measure in words ("high"), or "not measured"."""
    if x is None:
        return "not measured"
    return next(word for floor, word in _LEVELS if x >= floor)


def measure(x: float | None) -> str:
    """A 0..1 measure in words with its number beside: "high (0.62)"."""
    return level(x) if x is None else f"{level(x)} ({x:.2f})"


def chance(p: float) -> str:
    """A probability in words, with the number as a count out of 100."""
    word, n = _odds(p)
    return f"{word} ({n} in 100)"


def _odds(p: float) -> tuple[str, int]:
    word = ("almost certain" if p >= 0.9 else "likely" if p >= 0.6 else "about even" if p >= 0.4
            else "unlikely" if p >= 0.1 else "very unlikely")
    return word, round(p * 100)


def _weight(contribution: float) -> str:
    size = abs(contribution)
    return "strongly" if size >= 1.0 else "moderately" if size >= 0.4 else "slightly"


def advice(a: Advice, limit: int = 5) -> str:
    """The doctrine's advice in sentences: its answer (the band the score falls in, not always the
    likeliest level) and that answer's chance, then the reasons
    pushing each way and how strongly (the logit terms beside them, for the curious)."""
    top = [f for f in a.factors if f.contribution != 0.0][:max(limit, 0)]
    pro = [f"{f.text} ({_weight(f.contribution)}, {f.contribution:+.2f})" for f in top if f.contribution > 0]
    con = [f"{f.text} ({_weight(f.contribution)}, {f.contribution:+.2f})" for f in top if f.contribution < 0]
    best = a.response
    out = [f"The doctrine's answer is {best}: {chance(a.probabilities[best.rank])}."]
    out.append(f"For {a.toward}: {'; '.join(pro)}." if pro else f"Nothing weighs for {a.toward}.")
    out.append(f"Against: {'; '.join(con)}." if con else "Nothing weighs against.")
    if a.ceiling is not None:
        out.append(f"No combat forces: the attack is short of an armed attack, so {a.ceiling} support "
                   f"is the most it calls for.")
    return " ".join(out)


_NEEDS = {
    ObligationType.DEFENSE: "a defence commitment is kept only by military support (limited or full)",
    ObligationType.OFFENSE: "an offensive commitment is kept only by military support (limited or full)",
    ObligationType.CONSULTATION: "a consultation commitment is kept by diplomacy or more",
    ObligationType.NEUTRALITY: "a neutrality commitment is broken only by siding with the attacker",
    ObligationType.NONAGGRESSION: "a non-aggression pact is broken only by attacking the co-signatory",
}


def why_kept(obligation: ObligationType | str, response: Response | str | None) -> str:
    """Why an answer honours or abandons a commitment of this type, in words (the same
    `diplomatic` answer keeps a consultation article and abandons a defence article)."""
    kind = ObligationType(obligation)
    if response is None:  # the rule alone
        return _NEEDS[kind]
    r = Response(response)
    verdict = "honours" if honours(kind, r) else "abandons"
    return f"{r} {verdict} it: {_NEEDS[kind]}"


def name_of(sc: Scenario, state: str | None) -> str:
    """A state's name in a scenario, or its id for one the scenario does not know ("—" for none)."""
    s = sc.state_by_id.get(state) if state else None
    return s.name if s else (state or "—")


def attack_name(sc: Scenario, attack: Attack | None, fallback: str = "") -> str:
    """An attack by the names of the states ("Russia against Estonia"), never its internal id."""
    if attack is None:
        return fallback
    who = ", ".join(name_of(sc, x) for x in attack.attackers) or "unknown attackers"
    return f"{who} against {name_of(sc, attack.target)}"


@dataclass(frozen=True, slots=True)
class Fear:
    """A member's fears in one treaty, as measured when the turn closed."""
    state: str
    treaty: str
    abandonment: float
    entrapment: float

    @property
    def words(self) -> str:
        return (f"fear of abandonment {measure(self.abandonment)}, "
                f"fear of entrapment {measure(self.entrapment)}")


def fears(indicators: Mapping[str, Mapping[str, object]], states: frozenset[str] | None = None) -> list[Fear]:
    """The fears in the latest indicators a viewer sees (treaty id: IndicatorsMeasured.data()), of
    `states` only when given, the most fearful first."""
    out: list[Fear] = []
    for treaty, data in indicators.items():
        ab, en = data.get("abandonment"), data.get("entrapment")
        if not isinstance(ab, Mapping) or not isinstance(en, Mapping):
            continue
        for s, a in ab.items():
            if states is None or s in states:
                out.append(Fear(s, treaty, float(a), float(en.get(s, 0.0))))
    return sorted(out, key=lambda f: (-max(f.abandonment, f.entrapment), f.treaty, f.state))


_P = re.compile(r"\(p=(\d(?:\.\d+)?)\)")
_TERM = re.compile(r"\(([+-]\d+\.\d+)\)")


def reword(explanation: str) -> str:
    """An explanation the doctrine wrote in terms ("Answer: limited (p=0.38) ... (+1.14)"), as
    logged with a decision, said in words with the numbers beside them."""
    # "Most likely:" is how logs written before the banded answer open.
    text = explanation.replace("Most likely:", "The doctrine's likeliest answer:", 1)
    if text.startswith("Answer:"):
        text = "The doctrine's answer:" + text[len("Answer:"):]
    text = _P.sub(lambda m: "({}, {} in 100)".format(*_odds(float(m.group(1)))), text)
    return _TERM.sub(lambda m: f"({_weight(float(m.group(1)))}, {float(m.group(1)):+.2f})", text)


# --- what a decision answers: sides, threats and the historians' conditions ---------------------
# One home for these phrases: the narrative, the umpire's console and the cells' pages say them.

# A threat (a statement, intelligence report, mobilization or deployment with an actor and a target).
THREAT = "short of an attack: consultation is owed"


def occupied(target: str) -> str:
    """An attack its target does not resist (`resisted: false`), by the target's name."""
    return f"{target} does not resist: occupied without a war, its allies still bound"


def side(who: str, attacker: bool, response: Response | str | None = None) -> str:
    """Whose side an answer is on: "on Poland's side", or beside an attacking state, where a
    `full` answer is war on its victim."""
    if not attacker:
        return f"on {who}'s side"
    war = ": at war with its victim" if response is not None and str(response) == "full" else ""
    return f"beside {who}, the attacker{war}"


def conditions(ob: Obligation, name: Callable[[str], str]) -> list[str]:
    """The historians' conditions on an obligation, in words (none for a plain one)."""
    out = []
    if ob.conditional_on:
        who = ", ".join(name(s) for s in ob.conditional_on)
        one = len(ob.conditional_on) == 1
        out.append(f"conditional on {who}'s answer: owed only once {who} {'has' if one else 'have'} "
                   f"honoured {'its' if one else 'their'} own obligation")
    if ob.owed_to:
        out.append(f"owed to {', '.join(name(s) for s in ob.owed_to)} only (one-sided)")
    if ob.trigger is ObligationTrigger.MOBILIZATION:
        out.append("triggered by a mobilization as well as by an attack")
    return out


def attack_notes(attack: Attack, name: Callable[[str], str]) -> list[str]:
    """What sets an attack apart from an armed attack that starts a war: a threat, or an
    occupation the target does not resist."""
    if attack.threat:
        return [f"a threat ({attack.kind.traits.label}), {THREAT} (Article 4), and no war begins"]
    return [] if attack.resisted else [occupied(name(attack.target))]
