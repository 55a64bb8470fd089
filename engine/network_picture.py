"""The alliance network as a picture: states round a circle, treaties as hubs, wars in red.

`network_picture` says what is drawn (nodes, edges, legend) from a game state
as one viewer may see it: a treaty the viewer does not know is left out, and
secret articles it may not read do not colour a treaty. `network_svg` draws it.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import svg
from .floats import total
from .model import OBLIGATION_ORDER, Openness, Scenario, Treaty
from .state import GameState
from .view import Viewer, knows, knows_secret_terms

__all__ = ["OBLIGATION_COLOURS", "WAR_COLOUR", "NetworkPicture", "network_picture", "network_svg", "treaty_picture",
           "treaty_svg"]

OBLIGATION_COLOURS: Mapping[str, str] = {
    "defense": "#0072B2", "offense": "#E69F00", "neutrality": "#009E73",
    "consultation": "#56B4E9", "nonaggression": "#CC79A7",
}
WAR_COLOUR = "#C62828"
TRUCE_COLOUR = "#2E7D32"
_STRENGTH = tuple(str(t) for t in OBLIGATION_ORDER)
_LEGEND_HEIGHT = 44
_MEMBER_OUT_OF_FORCE = "#BBBBBB"

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class NetworkPicture:
    """What the network drawing shows, in drawing terms."""
    nodes: tuple[svg.Node, ...]
    edges: tuple[svg.Edge, ...]
    legend: tuple[svg.LegendItem, ...]


# Past these, one picture of the whole network is a hairball that no one in the room can read
# (and megabytes of SVG): the console offers the treaty-by-treaty view instead.
MAX_DRAWN_STATES = 80
MAX_DRAWN_TREATIES = 150


def legible(gs: GameState) -> bool:
    """Whether the whole network can be drawn as one legible picture."""
    return len(gs.scenario.states) <= MAX_DRAWN_STATES and len(gs.scenario.treaties) <= MAX_DRAWN_TREATIES


def network_svg(gs: GameState, viewer: Viewer = None, *, width: int = 760, height: int = 620,
                highlight: frozenset[str] = frozenset()) -> str:
    """States round a circle, each treaty a hub joined to its members, wars in red."""
    picture = network_picture(gs, viewer, width=width, height=height, highlight=highlight)
    return svg.network(picture.nodes, picture.edges, width=width, height=height, title="Alliance network",
                       legend=picture.legend, css_class="network")


def network_picture(gs: GameState, viewer: Viewer = None, *, width: int = 760, height: int = 620,
                    highlight: frozenset[str] = frozenset()) -> NetworkPicture:
    """The nodes, edges and legend of the drawing (`highlight`: the states a cell plays)."""
    treaties = [t for t in gs.scenario.treaties if knows(gs, viewer, t.id)]
    cx, cy = width / 2, (height - _LEGEND_HEIGHT) / 2
    outer = min(width, height - _LEGEND_HEIGHT) / 2 - 50
    pos = svg.circle_layout(_ring_order(gs.scenario, treaties), cx, cy, outer)
    hubs = _hub_positions(treaties, pos, cx, cy, outer * 0.45)
    nodes = _state_nodes(gs, pos, highlight)
    edges: list[svg.Edge] = []
    for t in treaties:
        hub, spokes = _treaty_hub(gs, viewer, t, hubs[t.id])
        nodes.append(hub)
        edges += spokes
    edges += _war_edges(gs)
    edges += _truce_edges(gs)
    return NetworkPicture(tuple(nodes), tuple(edges), _legend(highlight, bool(gs.truces)))


def _ring_order(sc: Scenario, treaties: Sequence[Treaty]) -> list[str]:
    """States round the circle grouped by their first treaty, in file order within a group."""
    order = {s.id: k for k, s in enumerate(sc.states)}
    first = {s.id: next((k for k, t in enumerate(treaties) if s.id in t.members), len(treaties))
             for s in sc.states}
    return sorted(order, key=lambda s: (first[s], order[s]))


def _state_nodes(gs: GameState, pos: Mapping[str, Point], highlight: frozenset[str]) -> list[svg.Node]:
    world = gs.world
    belligerents = world.belligerents()
    nodes = []
    for s in gs.scenario.states:
        if s.id not in pos:  # a picture of one treaty: its states only
            continue
        x, y = pos[s.id]
        tip = f"{s.name} ({s.id}); reputation {gs.reputation.get(s.id, 0.5):.2f}"
        if s.id in belligerents:
            tip += "; at war with " + ", ".join(sorted(world.enemies(s.id)))
        nodes.append(svg.Node(s.id, s.id, x, y, radius=19, font_size=13,
                              fill="#FFF3C4" if s.id in highlight else "#FFFFFF",
                              stroke=WAR_COLOUR if s.id in belligerents else "#444444",
                              stroke_width=3.0 if s.id in belligerents else 1.5, tooltip=tip))
    return nodes


def _treaty_hub(gs: GameState, viewer: Viewer, t: Treaty, at: Point) -> tuple[svg.Node, list[svg.Edge]]:
    """A treaty's hub, coloured by its strongest article the viewer may read, and its spokes:
    dashed for a treaty not wholly open, dotted to a beneficiary or a member out of force."""
    sc = gs.scenario
    colour = OBLIGATION_COLOURS[_main_type(gs, viewer, t)]
    in_force = gs.members_in_force.get(t.id, frozenset())
    hub = svg.Node(f"treaty:{t.id}", t.id, at[0], at[1], radius=6, shape="square", fill=colour,
                   stroke=colour, tooltip=f"{t.name} ({t.openness}, {t.invocation})", label_inside=False)
    spokes = []
    for m in t.protected:
        member = m in t.members
        spokes.append(svg.Edge(f"treaty:{t.id}", m,
                               color=colour if m in in_force or not member else _MEMBER_OUT_OF_FORCE,
                               width=1.6, dashed=t.openness is not Openness.OPEN,
                               dotted=(member and m not in in_force) or not member,
                               tooltip=f"{t.name}: {sc.state(m).name}" + ("" if member else " (beneficiary)")))
    return hub, spokes


def _main_type(gs: GameState, viewer: Viewer, treaty: Treaty) -> str:
    terms = knows_secret_terms(gs, viewer, treaty)
    types = {str(o.type) for o in treaty.obligations if terms or not o.secret}
    return next((t for t in _STRENGTH if t in types), "consultation")


def _war_edges(gs: GameState) -> list[svg.Edge]:
    sc = gs.scenario
    return [svg.Edge(w.aggressor, w.defender, color=WAR_COLOUR, width=3.5,
                     tooltip=f"war: {sc.state(w.aggressor).name} against {sc.state(w.defender).name}")
            for w in gs.world.wars]


def _truce_edges(gs: GameState) -> list[svg.Edge]:
    """Wars a ceasefire ended, dashed in the colour of peace kept by an agreement."""
    sc = gs.scenario
    out = []
    for pair, ceasefire in gs.truces.items():
        a, b = sorted(pair, key=lambda s: sc.state_order.get(s, 0))
        out.append(svg.Edge(a, b, color=TRUCE_COLOUR, width=2.0, dashed=True,
                            tooltip=f"ceasefire ({ceasefire}): {sc.state(a).name} and {sc.state(b).name}"))
    return out


def _legend(highlight: frozenset[str], truces: bool = False) -> tuple[svg.LegendItem, ...]:
    legend = [svg.LegendItem(k, v) for k, v in OBLIGATION_COLOURS.items()]
    legend += [svg.LegendItem("secret or partly secret", "#555555", dashed=True),
               svg.LegendItem("not yet in force", "#555555", dotted=True),
               svg.LegendItem("at war", WAR_COLOUR)]
    if truces:
        legend.append(svg.LegendItem("ceasefire", TRUCE_COLOUR, dashed=True))
    if highlight:
        legend.append(svg.LegendItem("played by a cell", "#E0B000", marker="square"))
    return tuple(legend)


def _hub_positions(treaties: Sequence[Treaty], pos: Mapping[str, Point],
                   cx: float, cy: float, radius: float) -> dict[str, Point]:
    """Treaty hubs on an inner circle, in the order of the mean direction of their members."""
    angles = []
    for t in treaties:
        xs = [pos[m][0] - cx for m in t.members if m in pos]
        ys = [pos[m][1] - cy for m in t.members if m in pos]
        angles.append((math.atan2(total(ys), total(xs)) if xs else 0.0, t.id))
    angles.sort()
    n = max(len(angles), 1)
    start = angles[0][0] if angles else 0.0
    return {tid: (cx + radius * math.cos(start + 2 * math.pi * k / n),
                  cy + radius * math.sin(start + 2 * math.pi * k / n))
            for k, (_, tid) in enumerate(angles)}


# --- one treaty at a time ------------------------------------------------------------------------

def treaty_svg(gs: GameState, viewer: Viewer, treaty_id: str, *, width: int = 760, height: int = 600,
               highlight: frozenset[str] = frozenset()) -> str:
    """One treaty the viewer knows: its states by name round a circle, the treaty at the centre."""
    picture = treaty_picture(gs, viewer, treaty_id, width=width, height=height, highlight=highlight)
    return svg.network(picture.nodes, picture.edges, width=width, height=height,
                       title=gs.scenario.treaty(treaty_id).name, legend=picture.legend, css_class="network treaty")


def treaty_picture(gs: GameState, viewer: Viewer, treaty_id: str, *, width: int = 760, height: int = 600,
                   highlight: frozenset[str] = frozenset()) -> NetworkPicture:
    """The hairball's alternative: one treaty, large labels with the states' names. A treaty the
    viewer does not know is refused as unknown (KeyError), as if it did not exist."""
    if not knows(gs, viewer, treaty_id):
        raise KeyError(treaty_id)
    t = gs.scenario.treaty(treaty_id)
    cx, cy = width / 2, (height - _LEGEND_HEIGHT) / 2
    radius = min(width, height - _LEGEND_HEIGHT) / 2 - 90   # room for a name outside each circle
    pos = svg.circle_layout(list(t.protected), cx, cy, radius)
    hub, spokes = _treaty_hub(gs, viewer, t, (cx, cy))
    hub = svg.Node(hub.id, "", cx, cy, radius=10, shape="square", fill=hub.fill, stroke=hub.stroke,
                   tooltip=hub.tooltip, label_inside=False)
    nodes = _state_nodes(gs, pos, highlight)
    named = [svg.Node(n.id, gs.scenario.state(n.id).name, n.x, n.y, radius=12, fill=n.fill, stroke=n.stroke,
                      stroke_width=n.stroke_width, tooltip=n.tooltip, label_inside=False) for n in nodes]
    wars = [e for e in _war_edges(gs) if e.source in pos and e.target in pos]
    return NetworkPicture(tuple([*named, hub]), tuple(spokes + wars), _legend(highlight))
