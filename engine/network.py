"""The alliance network: who owes what to whom, what an attack triggers, and the cascade.

One import for the rest of the engine and its tests; each part lives in its own module:

* `engine.attack` -- `Attack` and `Trigger`, the value types (and `GREY_ZONE`);
* `engine.alliance_index` -- what the casus foederis reads of a scenario, indexed once:
  treaties, articles, members, accessions and withdrawals;
* `engine.casus_foederis` -- the rules: which obligation an attack triggers for whom,
  under which ATOP conditions, with the reason in plain words;
* `engine.alliance_conflicts` -- `Conflict`: a state bound to both sides of an attack;
* `engine.alliance_graph` -- `AllianceGraph`: the rules read in one world, what binds
  remembered per scenario, and the networkx graph for readers;
* `engine.cascade` -- `cascade`: the wars that answers begin, round after round (1914).
"""
from __future__ import annotations

from .alliance_conflicts import Conflict
from .alliance_graph import AllianceGraph
from .attack import GREY_ZONE, Attack, Trigger
from .cascade import CascadeResult, Decide, Round, cascade

__all__ = ["GREY_ZONE", "AllianceGraph", "Attack", "CascadeResult", "Conflict", "Decide",
           "Round", "Trigger", "cascade"]
