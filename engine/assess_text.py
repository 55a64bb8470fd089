"""The framework's questions and the engine's answers in words (`engine.assess` has the numbers).

Each verdict is said with the numbers behind it, so that a facilitator can read
it out and a student can check it against the indicators.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .assess import Answer, Assessment, Subject

THEMES = {"formation": "Alliance formation", "cohesion": "Alliance cohesion",
          "interdependence": "Economic interdependence"}

QUESTIONS = {
    "formation.threat": "Threat perception: whom do they fear, and how much?",
    "formation.alignment": "Balancing, bandwagoning or tethering?",
    "formation.credibility": "Credibility: does the adversary believe the commitment?",
    "formation.moral_hazard": "Moral hazard: does the pledge embolden the protected, and is that managed?",
    "cohesion.reliability": "Reliability and reputation: have they kept their word?",
    "cohesion.security_dilemma": "The alliance security dilemma: fear of abandonment or of entrapment?",
    "cohesion.strategic_dilemma": "The alliance strategic dilemma: military integration or political autonomy?",
    "interdependence.adversary": "Economic interdependence with the adversary: does trade restrain them?",
}

# Every verdict each question may give (treaties' and states' together): the `verdict` codes of
# the JSON shape (engine.assess, casus-assess/1).
VERDICTS = {
    "formation.threat": ("none", "low", "moderate", "high", "war"),
    "formation.alignment": ("balancing", "bandwagoning", "tethering", "association", "aligned", "unaligned",
                            "alone"),
    "formation.credibility": ("hidden", "untested", "unprotected", "low", "moderate", "high"),
    "formation.moral_hazard": ("no-pledge", "managed", "exposed", "discretion"),
    "cohesion.reliability": ("untested", "damaged", "held", "shaken", "unremarkable", "earned", "lost"),
    "cohesion.security_dilemma": ("quiet", "abandonment", "entrapment", "torn"),
    "cohesion.strategic_dilemma": ("sharp", "integrated", "autonomy", "loose"),
    "interdependence.adversary": ("none", "low", "moderate", "high"),
}


def _n(x: float) -> str:
    return f"{x:.2f}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def no_adversary() -> str:
    return "No adversary: none of the members perceives an outside threat."


def threat(verdict: str, adversary: str, mean: float, most: str, most_value: float, share: float) -> str:
    return (f"{verdict.capitalize()} threat: the members fear {adversary} (mean threat {_n(mean)}; "
            f"{most} most, at {_n(most_value)}); together they hold {_pct(share)} of the power "
            f"between them and {adversary}.")


def inner_alignment(verdict: str, fearful: str, feared: str, inner: float, ratio: float) -> str:
    if verdict == "bandwagoning":
        return (f"Bandwagoning: {fearful} is allied with {feared}, which it fears (threat {_n(inner)}) "
                f"and which is {ratio:.1f} times stronger: joining the threat, not resisting it.")
    return (f"Tethering: {fearful} is allied with {feared}, a rival it fears (threat {_n(inner)}, "
            f"power ratio {ratio:.1f}): the alliance restrains a partner as much as it deters others.")


def balancing(adversary: str, shared: float) -> str:
    return (f"Balancing: the members combine against {adversary}, a threat they share "
            f"(mean threat {_n(shared)}), and fear none of their partners.")


def association(shared: float) -> str:
    return (f"Association: no threat the members share (mean {_n(shared)}) and none among them; "
            "an alignment of interests more than a pact against anyone.")


def credibility(verdict: str, adversary: str, value: float, inst: float, tripwires: int,
                nuclear: bool) -> str:
    if verdict == "hidden":
        return (f"Not credible to {adversary}, which does not know of the treaty: "
                "a secret alliance deters nobody (credibility 0).")
    parts = [f"institutionalization {_n(inst)}", f"{tripwires} deployment(s) in protected states",
             "a nuclear member" if nuclear else "no nuclear member"]
    return (f"{verdict.capitalize()} credibility in {adversary}'s eyes ({_n(value)}): "
            + ", ".join(parts) + ".")


def no_pledge() -> str:
    return ("No moral hazard: the treaty pledges no defence (consultation or restraint only), "
            "so there is no guarantee to exploit.")


def moral_hazard(verdict: str, protege: str, patron: str, asymmetry: float, automatic: float) -> str:
    if verdict == "managed":
        return ("Managed: the pledge is void if the protected provoke the war, or waits on other "
                f"allies, which restrains {protege}.")
    if verdict == "exposed":
        return (f"Exposed: {patron} is {asymmetry:.0f} times as strong as {protege} and "
                f"{_pct(automatic)} of the pledges are automatic and unconditional: "
                f"{protege} may take risks it would not take alone.")
    return (f"Held by discretion: each ally decides how to help ({_pct(1 - automatic)} of the pledges "
            "discretionary), which keeps the protected from counting on help.")


def reliability(verdict: str, mean: float, worst: str, worst_rep: float, cohesion: float | None,
                tested: int | None) -> str:
    record = f"members' mean reputation {_n(mean)} ({worst} lowest, {_n(worst_rep)})"
    if verdict == "untested":
        return f"Untested in this game: {record}."
    if verdict == "damaged":
        return f"Untested, but records are damaged elsewhere: {record}."
    assert cohesion is not None
    held = "held" if verdict == "held" else "was shaken"
    return (f"The alliance {held} when tested on turn {tested}: cohesion {_n(cohesion)} "
            f"(the share of the tested power that honoured); {record}.")


def security_dilemma(verdict: str, ab: float, en: float, most_ab: tuple[str, float] | None = None,
                     most_en: tuple[str, float] | None = None) -> str:
    """`most_ab`, `most_en`: (who, fear) of the member that fears most, when it may be named."""
    ab_who = f" ({most_ab[0]} most, {_n(most_ab[1])})" if most_ab else ""
    en_who = f" ({most_en[0]} most, {_n(most_en[1])})" if most_en else ""
    figures = f"mean fear of abandonment {_n(ab)}{ab_who}, of entrapment {_n(en)}{en_who}"
    lead = {"quiet": "Quiet: neither fear weighs",
            "abandonment": "Fear of abandonment dominates: members doubt their allies will come",
            "entrapment": "Fear of entrapment dominates: members fear being dragged into others' wars",
            "torn": "Torn between both fears: reassuring one ally alarms another"}[verdict]
    return f"{lead}; {figures}."


def strategic_dilemma(verdict: str, inst: float, spread: float, affinity: float) -> str:
    figures = (f"institutionalization {_n(inst)}, spread of the members' threat perception "
               f"{_n(spread)}, mutual affinity {_n(affinity)}")
    lead = {"sharp": "Sharp: integrated forces bind members whose interests diverge, at the cost of autonomy",
            "integrated": "Integration without strain: integrated, and the members see the threat alike",
            "autonomy": "Autonomy kept, cohesion at risk: little integration and divergent interests",
            "loose": "Loose but aligned: little integration, little divergence"}[verdict]
    return f"{lead} ({figures})."


def interdependence(verdict: str, adversary: str, most: str, top: float, mean: float) -> str:
    return (f"{verdict.capitalize()} interdependence with {adversary}: {most} trades most with it "
            f"({_pct(top)} of its trade; members' mean {_pct(mean)})"
            + (", a restraint on its resolve." if verdict == "high" else "."))


def unthreatened(name: str) -> str:
    return f"{name} perceives no threat."


def state_threat(verdict: str, top: str, value: float, share: float, count: int) -> str:
    lead = f"At war with {top}" if verdict == "war" else f"{verdict.capitalize()} threat from {top}"
    return (f"{lead} (threat {_n(value)}; {count} state(s) feared in all); alone it holds "
            f"{_pct(share)} of the power between them.")


def state_alignment(verdict: str, name: str, top: str, treaties: Sequence[str], alone: float,
                    allied: float) -> str:
    pacts = "; ".join(treaties) or "no alliance"
    if verdict == "balancing":
        return (f"Balancing against {top}: {pacts}. Its share of the power against {top} rises from "
                f"{_pct(alone)} alone to {_pct(allied)} with its allies.")
    if verdict in ("bandwagoning", "tethering"):
        how = "joins the stronger threat" if verdict == "bandwagoning" else "binds a rival it fears"
        return f"{verdict.capitalize()}: {name} {how}, {top}, through {pacts}."
    if verdict == "alone":
        return (f"Alone against {top}: no alliance in force; it holds {_pct(alone)} of the power "
                "between them. Balancing needs a partner; bandwagoning is the other way out.")
    return f"{'Aligned' if verdict == 'aligned' else 'Unaligned'} without a threat: {pacts}."


def unprotected(verdict: str, top: str) -> str:
    if verdict == "untested":
        return "No threat to deter."
    return f"No alliance in force protects it against {top}."


def state_credibility(verdict: str, treaty: str, top: str, value: float) -> str:
    return f"{verdict.capitalize()}: its strongest shield against {top} is {treaty} (credibility {_n(value)})."


def no_allies(name: str) -> str:
    return f"{name} has no ally in force: no alliance dilemma."


def state_fears(verdict: str, ab: float, t_ab: str, en: float, t_en: str) -> str:
    lead = {"quiet": "Quiet", "abandonment": "Fears abandonment most", "entrapment": "Fears entrapment most",
            "torn": "Torn between both fears"}[verdict]
    return f"{lead}: abandonment {_n(ab)} (in {t_ab}), entrapment {_n(en)} (in {t_en})."


def reputation(verdict: str, name: str, rep: float) -> str:
    lead = {"unremarkable": "An unremarkable record so far", "earned": "Reputation earned by honouring",
            "lost": "Reputation lost by abandoning"}[verdict]
    return f"{lead}: {name}'s reputation as an ally is {_n(rep)} (0.50 at the start)."


def state_trade(verdict: str, top: str, trade: float, feared: float) -> str:
    return (f"{verdict.capitalize()} interdependence: {_pct(trade)} of its trade is with {top}, "
            f"{_pct(feared)} with all the states it fears.")


# --- the whole assessment in text --------------------------------------------------------------------

def to_text(a: Assessment) -> str:
    """The assessment as the command line prints it: per treaty, then per state."""
    who = "the umpire" if a.viewer is None else ", ".join(a.viewer)
    when = f"at turn {a.turn}" if a.turn else "before turn 1"
    lines = [f"Assessment of {a.scenario} {when} (as {who} sees it)", ""]
    for t in a.treaties:
        against = f", facing {t.adversary}" if t.adversary else ""
        lines += [f"== {t.name} ({', '.join(t.members)}{against})", *_answers(t), ""]
    for s in a.states:
        lines += [f"== {s.name}", *_answers(s), ""]
    return "\n".join(lines).rstrip() + "\n"


def _answers(subject: Subject) -> list[str]:
    out: list[str] = []
    theme = ""
    for ans in subject.answers:
        if ans.theme != theme:
            theme = ans.theme
            out.append(f"  {THEMES[theme]}")
        out += [f"    {ans.question}", f"      [{ans.verdict}] {ans.words}", f"      {indicator_line(ans)}"]
    return out


def indicator_line(ans: Answer) -> str:
    """The numbers behind an answer: `name=value` pairs."""
    def fmt(v: object) -> str:
        return "n/a" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
    return ", ".join(f"{k}={fmt(v)}" for k, v in ans.indicators)


# --- side by side: one column per assessment (the console's panel, the report's turn 1 and last) ---

@dataclass(frozen=True, slots=True)
class Cell:
    verdict: str
    words: str
    numbers: str


@dataclass(frozen=True, slots=True)
class Row:
    question: str
    cells: tuple[Cell | None, ...]   # None: not assessed at that moment (a treaty not yet in force)

    @property
    def changed(self) -> bool:
        verdicts = {c.verdict if c else None for c in self.cells}
        return len(verdicts) > 1


@dataclass(frozen=True, slots=True)
class Group:
    kind: str                        # treaty | state
    id: str
    name: str
    rows: tuple[Row, ...]


def side_by_side(assessments: Sequence[Assessment]) -> tuple[Group, ...]:
    """Every treaty and state of any of the assessments, each question with one cell per assessment."""
    groups: list[Group] = []
    for kind in ("treaty", "state"):
        order: dict[str, str] = {}
        for a in assessments:
            for s in (a.treaties if kind == "treaty" else a.states):
                order.setdefault(s.id, s.name)
        for sid, name in order.items():
            found = [_subject(a, kind, sid) for a in assessments]
            questions = dict.fromkeys(q.id for s in found if s for q in s.answers)
            rows = tuple(Row(QUESTIONS[q], tuple(_cell(s, q) for s in found)) for q in questions)
            groups.append(Group(kind, sid, name, rows))
    return tuple(groups)


def _subject(a: Assessment, kind: str, sid: str) -> Subject | None:
    return next((s for s in (a.treaties if kind == "treaty" else a.states) if s.id == sid), None)


def _cell(subject: Subject | None, question: str) -> Cell | None:
    if subject is None:
        return None
    ans = next((x for x in subject.answers if x.id == question), None)
    return None if ans is None else Cell(ans.verdict, ans.words, indicator_line(ans))
