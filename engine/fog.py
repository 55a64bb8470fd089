"""Fog of war: which events, payload fields and treaty articles a player cell may read.

`Game.view` chooses the events a cell may see; `public_payload` then chooses
the fields of each: a decision event that a cell may see (a doctrine's answer
under an open treaty, say) still carries reasons meant for the umpire (the
doctrine's explanation, its probabilities, a cell's private rationale), and
those are removed for every viewer but the umpire and the deciding state's own
cell. `cell_events` adds one more guard: an event that names a secret treaty
the viewer does not know is withheld, whatever its visibility says.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import record
from .events import Event, Kind
from .model import Treaty
from .state import GameState

__all__ = ["Viewer", "PRIVATE_DECISION_FIELDS", "public_payload", "knows", "knows_secret_terms",
           "cell_events", "TreatyView", "treaties_seen"]

Viewer = frozenset[str] | None  # None: the umpire, who sees everything

# Fields of a decision payload meant for the umpire (and the deciding cell) only.
PRIVATE_DECISION_FIELDS = frozenset({"rationale", "probabilities", "predicted", "source_ref"})


def public_payload(event: Event, viewer: Viewer) -> dict[str, Any]:
    """The payload of `event` as `viewer` may read it (None: the umpire reads all of it)."""
    payload = dict(event.payload)
    if viewer is None:
        return payload
    if event.kind in (Kind.DECISION, Kind.OVERRIDE) and payload.get("state") not in viewer:
        for name in PRIVATE_DECISION_FIELDS:
            payload.pop(name, None)
    if event.kind is Kind.OVERRIDE:
        payload.pop("rationale", None)  # the umpire's reason is for the debrief
    return payload


def knows(gs: GameState, viewer: Viewer, treaty_id: str) -> bool:
    """Whether a cell playing `viewer` knows of the treaty (the umpire knows all)."""
    if viewer is None:
        return True
    treaty = gs.scenario.treaty_by_id.get(treaty_id)
    if treaty is None or not treaty.secret:
        return True
    return not viewer.isdisjoint(gs.known_to.get(treaty_id, frozenset(treaty.members)))


def knows_secret_terms(gs: GameState, viewer: Viewer, treaty: Treaty) -> bool:
    """Whether the viewer may read the treaty's secret obligations."""
    if viewer is None:
        return True
    return not viewer.isdisjoint(gs.known_to.get(treaty.id, frozenset(treaty.members)))


def cell_events(gs: GameState, events: Iterable[Event], viewer: Viewer) -> list[Event]:
    """The events `viewer` may see: the engine's visibility, and no unknown secret treaty named."""
    out = []
    for e in events:
        if not e.visible_to(viewer):
            continue
        treaty = record.named_treaty(e)
        if viewer is not None and treaty is not None and not knows(gs, viewer, treaty):
            continue
        out.append(e)
    return out


@dataclass(frozen=True, slots=True)
class TreatyView:
    treaty: Treaty
    obligations: tuple[int, ...]      # indexes of the articles the viewer may read
    members_in_force: tuple[str, ...]
    secret_terms_hidden: bool


def treaties_seen(gs: GameState, viewer: Viewer) -> list[TreatyView]:
    """The treaties a viewer knows of, each with the articles it may read."""
    out = []
    for t in gs.scenario.treaties:
        if not knows(gs, viewer, t.id):
            continue
        terms = knows_secret_terms(gs, viewer, t)
        arts = tuple(k for k, o in enumerate(t.obligations) if terms or not o.secret)
        members = tuple(m for m in t.members if m in gs.members_in_force.get(t.id, frozenset()))
        out.append(TreatyView(t, arts, members, len(arts) < len(t.obligations)))
    return out

