"""What the casus foederis reads of a scenario, indexed once: treaties, articles, members.

Who is a member of what, who is protected by what, when each treaty and each
member's part comes into force or ends (from the scenario's `treaty-signed` and
`treaty-withdrawal` injects), and each article's title in words. A scenario is
frozen, so its index is built on first use and shared by every world, turn,
cascade round and Monte Carlo run of it; it goes with the scenario.

The index also keeps, per scenario, what the alliance graph found to bind (see
`engine.alliance_graph.AllianceGraph.binding`): the same attack meets the same
alliance state again and again.
"""
from __future__ import annotations

from dataclasses import dataclass

from .alliance_conflicts import Conflict
from .attack import Attack, Trigger
from .model import Inject, InjectKind, Obligation, ObligationType, Scenario, Treaty
from .world import IdentityMemo, World


@dataclass(frozen=True, slots=True)
class Article:
    """One obligation of a treaty, with its conditions as sets and its names in words."""
    index: int
    obligation: Obligation
    adversaries: frozenset[str] | None
    regions: frozenset[str] | None
    title: str          # "Article 5 of the North Atlantic Treaty"
    short: str          # "Article 5", or "the defense clause" for an unnumbered one


@dataclass(frozen=True, slots=True)
class TreatyEntry:
    """A treaty as the casus foederis reads it."""
    position: int                       # its place in the scenario: the order of triggers
    treaty: Treaty
    members: frozenset[str]
    protected: frozenset[str]           # members and beneficiaries
    articles: tuple[Article, ...]
    signing: str | None                 # inject that brings the whole treaty into force
    accessions: dict[str, str]          # member -> inject of its accession
    withdrawals: dict[str, Inject]      # member -> inject of its withdrawal
    counts_wars: bool                   # an article needs more than one adversary
    consultation: Article | None        # its first consultation article, if any

    @property
    def phrase(self) -> str:
        return treaty_phrase(self.treaty)


class Remembered:
    """Binding triggers kept for reuse, with their attack and, once asked for, their conflicts."""
    __slots__ = ("attack", "conflicts", "triggers")

    def __init__(self, triggers: tuple[Trigger, ...], attack: Attack) -> None:
        self.triggers, self.attack = triggers, attack
        self.conflicts: tuple[Conflict, ...] | None = None


class ScenarioIndex:
    """What the casus foederis reads of a scenario, built once for all its worlds and games."""
    __slots__ = ("binding", "by_id", "protecting", "relevant_memo", "remembered", "treaties")
    # How many sets of binding triggers are kept before the memo starts afresh. Measured:
    # 100 stochastic runs keep 286 of them for the teaching scenario, 238 for 1914 (the
    # attacks times the alliance states they meet); the bound, a round power of two well
    # above, only keeps the memory of a large generated system flat.
    BINDING_LIMIT = 4096

    def __init__(self, scenario: Scenario) -> None:
        self.treaties, self.protecting = _index_treaties(scenario)
        self.by_id = {e.treaty.id: e for e in self.treaties}
        self.relevant_memo: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}
        self.binding: dict[tuple[object, ...], tuple[Trigger, ...]] = {}
        # id(remembered triggers) -> what was remembered with them; the entry holds the
        # triggers, so their id cannot be another's while it stands
        self.remembered: dict[int, Remembered] = {}

    def relevant(self, attack: Attack) -> tuple[int, ...]:
        """The positions of the treaties protecting the target or an attacker, in scenario order."""
        key = (attack.target, attack.attackers)
        found = self.relevant_memo.get(key)
        if found is None:
            positions = set(self.protecting.get(attack.target, ()))
            for x in attack.attackers:
                positions.update(self.protecting.get(x, ()))
            found = self.relevant_memo[key] = tuple(sorted(positions))
        return found

    def remember(self, key: tuple[object, ...], attack: Attack, triggers: tuple[Trigger, ...]) -> None:
        if len(self.binding) >= self.BINDING_LIMIT:
            self.binding.clear()
            self.remembered.clear()
        self.binding[key] = triggers
        self.remembered[id(triggers)] = Remembered(triggers, attack)

    def title(self, trigger: Trigger) -> str:
        """The title of the article a trigger examined: "Article 5 of the North Atlantic Treaty"."""
        return self.by_id[trigger.treaty].articles[trigger.article].title


# Indexes depend on the scenario alone, which is frozen: each turn's graph of
# the same scenario reuses them. Keyed by identity, dropped with the scenario.
_INDEXES = IdentityMemo()


def index_of(world: World) -> ScenarioIndex:
    """The index of the world's scenario, built on first use."""
    memo = _INDEXES.scratch(world.scenario)
    found: ScenarioIndex | None = memo.get("index")
    if found is None:
        found = memo["index"] = ScenarioIndex(world.scenario)
    return found


def treaty_phrase(treaty: Treaty) -> str:
    """The treaty's name as a sentence uses it: "the North Atlantic Treaty"."""
    name = treaty.name.strip() or treaty.id
    return name if name.lower().startswith("the ") else f"the {name}"


def _short_title(obligation: Obligation) -> str:
    if obligation.article:
        return f"Article {obligation.article}"
    return f"the {obligation.type} clause"


def _article(index: int, obligation: Obligation, phrase: str) -> Article:
    short = _short_title(obligation)
    title = f"{short} of {phrase}" if obligation.article else f"The {obligation.type} clause of {phrase}"
    return Article(index, obligation,
                   None if obligation.adversaries is None else frozenset(obligation.adversaries),
                   None if obligation.regions is None else frozenset(obligation.regions),
                   title, short)


def _treaty_injects(scenario: Scenario) -> dict[str, list[Inject]]:
    """The injects that bring a treaty, or a member's part in it, into force or end it."""
    by_treaty: dict[str, list[Inject]] = {}
    for inject in scenario.injects:
        if inject.treaty is not None and inject.kind in (InjectKind.TREATY_SIGNED,
                                                         InjectKind.TREATY_WITHDRAWAL):
            by_treaty.setdefault(inject.treaty, []).append(inject)
    return by_treaty


def _entry(position: int, treaty: Treaty, injects: list[Inject]) -> TreatyEntry:
    phrase = treaty_phrase(treaty)
    articles = tuple(_article(i, ob, phrase) for i, ob in enumerate(treaty.obligations))
    signing: str | None = None
    accessions: dict[str, str] = {}
    withdrawals: dict[str, Inject] = {}
    for inject in injects:
        if inject.kind is InjectKind.TREATY_SIGNED and not inject.actors:
            signing = signing or inject.id
        elif inject.kind is InjectKind.TREATY_SIGNED:
            for actor in inject.actors:
                accessions.setdefault(actor, inject.id)
        else:
            for actor in inject.actors:
                withdrawals.setdefault(actor, inject)
    consultation = next((a for a in articles if a.obligation.type is ObligationType.CONSULTATION), None)
    return TreatyEntry(position, treaty, frozenset(treaty.members), frozenset(treaty.protected),
                       articles, signing, accessions, withdrawals,
                       any(ob.min_adversaries > 1 for ob in treaty.obligations), consultation)


def _index_treaties(scenario: Scenario) -> tuple[tuple[TreatyEntry, ...], dict[str, tuple[int, ...]]]:
    """The treaties in scenario order, and for each state the positions of those protecting it."""
    by_treaty = _treaty_injects(scenario)
    entries = []
    protecting: dict[str, list[int]] = {}
    for position, treaty in enumerate(scenario.treaties):
        entries.append(_entry(position, treaty, by_treaty.get(treaty.id, [])))
        for state in treaty.protected:
            protecting.setdefault(state, []).append(position)
    return tuple(entries), {s: tuple(p) for s, p in protecting.items()}
