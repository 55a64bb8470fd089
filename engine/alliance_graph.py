"""The alliance graph: who owes what to whom in a world, and what an attack sets in motion.

The graph itself is a networkx MultiDiGraph built on first use, for readers (the
console's picture of the alliances). The casus foederis runs on plain indexes
built once per scenario (`engine.alliance_index`), so finding the triggers of an
attack reads only the treaties of the states involved; the rules themselves are
`engine.casus_foederis`. What binds is a function of the attack and of the
members in force of those treaties (and, for articles that count adversaries,
of the parties' wars): it is remembered per scenario, for the next turn,
cascade round or Monte Carlo run that meets the same attack.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .alliance_conflicts import Conflict, find_conflicts
from .alliance_index import TreatyEntry, index_of
from .attack import Attack, Trigger
from .casus_foederis import AttackView, CasusFoederis
from .model import ObligationType
from .world import World

if TYPE_CHECKING:
    import networkx as nx

# An edge of the graph: ally, partner, (treaty id, article index), its data.
_Edge = tuple[str, str, tuple[str, int], dict[str, Any]]
# Owed among members only: offense joins a member's attack, non-aggression binds members.
_AMONG_MEMBERS = frozenset({ObligationType.OFFENSE, ObligationType.NONAGGRESSION})


class AllianceGraph:
    """Who owes what to whom in a world, and what an attack sets in motion."""

    def __init__(self, world: World) -> None:
        self._world = world
        self._index = index_of(world)

    def at(self, world: World) -> AllianceGraph:
        """The same alliance system read in a later world of the same scenario
        (wars, accessions and withdrawals as they stand there); the indexes are shared."""
        if world.scenario is not self._world.scenario:
            return AllianceGraph(world)
        # Made bare rather than copied: nothing derived from the other world may carry over.
        other = object.__new__(AllianceGraph)
        other._world, other._index = world, self._index
        return other

    @property
    def world(self) -> World:
        return self._world

    def name(self, state: str) -> str:
        return self._casus.name(state)

    @cached_property
    def _casus(self) -> CasusFoederis:
        return CasusFoederis(self._world, self._index)

    # --- the graph, for readers ---------------------------------------------------
    @cached_property
    def graph(self) -> nx.MultiDiGraph[str]:
        """Node per state; an edge ally -> partner per obligation owed, keyed
        (treaty id, article index), with the obligation, the treaty and whether
        the treaty and both parts are in force in this world."""
        import networkx as nx  # the casus foederis runs on plain indexes; the graph is for readers
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        g.add_nodes_from((sid, {"state": s}) for sid, s in self._world.states.items())
        for ally, partner, key, data in self._edges():
            g.add_edge(ally, partner, key, **data)
        return g

    def _edges(self) -> Iterator[_Edge]:
        for entry in self._index.treaties:
            yield from self._treaty_edges(entry)

    def _treaty_edges(self, entry: TreatyEntry) -> Iterator[_Edge]:
        world, treaty = self._world, entry.treaty
        live = world.in_force(treaty.id)
        for art in entry.articles:
            ob = art.obligation
            owed_to = treaty.members if ob.type in _AMONG_MEMBERS else treaty.protected
            for ally in treaty.members:
                if not ob.binds(ally):
                    continue
                ally_live = live and world.in_force(treaty.id, ally)
                for partner in owed_to:
                    if partner == ally or not ob.owed(partner):
                        continue
                    in_force = ally_live and (partner not in entry.members
                                              or world.in_force(treaty.id, partner))
                    yield ally, partner, (treaty.id, art.index), {
                        "obligation": ob, "treaty": treaty, "type": ob.type, "in_force": in_force}

    # --- casus foederis -----------------------------------------------------------
    def triggers(self, attack: Attack) -> tuple[Trigger, ...]:
        """Every obligation the attack brings into play, binding or not, in the
        scenario's treaty order, then article, then owing member in member order."""
        return self._find(attack, every=True)

    def binding(self, attack: Attack) -> tuple[Trigger, ...]:
        """The triggered obligations alone, in the same order (and cheaper:
        no trigger is made for what does not bind)."""
        if not self._scenario_words:
            return self._find(attack, every=False)
        # The same attack meets the same alliance state again and again (when it
        # fires and when the cascade answers it; in run after run of a Monte Carlo),
        # so what binds is kept per scenario, keyed by everything it depends on.
        key = self._binding_key(attack)
        memo = self._index.binding
        try:
            found = memo.get(key)
        except TypeError:  # a world built by hand with mutable members: nothing to key on
            return self._find(attack, every=False)
        if found is None:
            found = self._find(attack, every=False)
            self._index.remember(key, attack, found)
        return found

    def counts_wars(self, attack: Attack) -> bool:
        """Whether what binds in `attack` depends on the wars: an article of a treaty it brings into
        play counts adversaries (the wars of the parties, `min_adversaries`)."""
        index = self._index
        return any(index.treaties[position].counts_wars for position in index.relevant(attack))

    def _binding_key(self, attack: Attack) -> tuple[object, ...]:
        """What the binding triggers of `attack` depend on besides the scenario: the
        attack, the members in force of each treaty it brings into play and, where an
        article counts adversaries, the wars of the parties (the world's names and
        regions are the scenario's: see `_scenario_words`)."""
        live = self._world.members_in_force
        key: list[object] = [attack]
        wars = False
        for position in self._index.relevant(attack):
            entry = self._index.treaties[position]
            key.append(live.get(entry.treaty.id))
            wars = wars or entry.counts_wars
        if wars:
            key.extend(self._world.enemies(s) for s in (attack.target, *attack.attackers))
        return tuple(key)

    @cached_property
    def _scenario_words(self) -> bool:
        """Whether this world names and places its states as the scenario does, as every
        world of a game does (effects change neither): then the words of a trigger found
        in one world are those of any other with the same alliances in force."""
        original = self._world.scenario.state_by_id
        states = self._world.states
        if states == original:  # (compared in C: a game whose effects moved only relations, as most)
            return True
        if len(states) != len(original):
            return False
        for sid, s in states.items():
            o = original.get(sid)
            if o is None or (o is not s and (o.name != s.name or o.region != s.region)):
                return False
        return True

    def _find(self, attack: Attack, every: bool) -> tuple[Trigger, ...]:
        found: list[Trigger] = []
        casus, treaties = self._casus, self._index.treaties
        view = AttackView(casus, attack)
        for position in self._index.relevant(attack):
            entry = treaties[position]
            for art in entry.articles:
                casus.examine(entry, art, view, found, every)
        return tuple(found)

    def conflicts(self, attack: Attack, triggers: Iterable[Trigger] | None = None
                  ) -> tuple[Conflict, ...]:
        """States bound to both sides of the attack with no single answer on the
        response scale that honours all their binding obligations."""
        found = self.binding(attack) if triggers is None else tuple(triggers)
        if not found:
            return ()
        # Triggers remembered by `binding` meet their attack again and again: so do their conflicts.
        known = self._index.remembered.get(id(found)) if self._scenario_words else None
        if known is None or known.triggers is not found or known.attack != attack:
            return self._conflicts(attack, found)
        if known.conflicts is None:
            known.conflicts = self._conflicts(attack, found)
        return known.conflicts

    def _conflicts(self, attack: Attack, found: tuple[Trigger, ...]) -> tuple[Conflict, ...]:
        return find_conflicts(attack, found, self.name, self._index.title)
