"""Fog of war and who may act: what each viewer sees, and who may answer what, when.

The one home of both rules. A page, the API, the after-action report and the
exports ask `view_for(...)` what a cell (or the umpire, `viewer=None`) sees, and
the engine's own `submit` asks `may_submit(...)` before taking a cell's answer:
no template or view decides either.

A cell playing some states sees: the treaties that exist and that its states
know of (open ones, and the secret ones its states are party to or were told of),
with only the articles it may read; the events addressed to it; the answers
others made public once their turn closed (never another state's private
rationale, never the umpire's reasons); its own requests and answers.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .events import (
    DecisionTaken,
    Event,
    IndicatorsMeasured,
    MessageSent,
    Overridden,
    TurnClosed,
)
from .model import Control, Decision, Mode, Scenario, Treaty
from .play import facts
from .state import GameState, Key, Status
from .world import _members_at_start

Viewer = frozenset[str] | None  # the states a cell plays; None: the umpire (or an observer)

# Fields of a decision meant for the umpire and the deciding cell only.
PRIVATE_DECISION_FIELDS = frozenset({"rationale", "probabilities", "predicted", "source_ref"})


# --- who may act ----------------------------------------------------------------------------

def may_submit(gs: GameState, state: str, attack: str, viewer: Viewer = None) -> tuple[bool, str]:
    """Whether an answer for `state` on `attack` may be taken now (from a cell playing
    `viewer`, when given), and if not, why, in words a cell can act on."""
    name = facts(gs.scenario).name(state)
    if viewer is not None and state not in viewer:
        return False, f"your cell does not play {name}"
    if gs.status is not Status.OPEN:
        return False, "no turn is open: wait for the umpire to open the next turn"
    key = (attack, state)
    if key not in gs.requests:
        return False, f"{name} has no decision due on {attack!r} this turn"
    if key in gs.overrides:
        return False, f"the umpire has decided for {name} on this one; your answer is no longer needed"
    return True, ""


def may_choose(gs: GameState, state: str, inject: str, viewer: Viewer = None) -> tuple[bool, str]:
    """Whether a choice for `state` on the option `inject` may be taken now (from a cell playing
    `viewer`, when given), and if not, why. A cell may take an option it declined until the turn
    closes; an option carried out cannot be taken back."""
    name = facts(gs.scenario).name(state)
    if viewer is not None and state not in viewer:
        return False, f"your cell does not play {name}"
    if gs.status is not Status.OPEN:
        return False, "no turn is open: wait for the umpire to open the next turn"
    if gs.options_due.get(inject) != state:
        return False, f"{name} has no choice due on the option {inject!r} this turn"
    if gs.option_choices.get(inject):
        return False, f"{name} has carried out {inject!r} already: it cannot be undone"
    return True, ""


# --- what a viewer knows of the treaties ---------------------------------------------------------

def knows(gs: GameState, viewer: Viewer, treaty_id: str) -> bool:
    """Whether a cell playing `viewer` knows of the treaty's existence and text (the umpire knows all)."""
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


def exists(gs: GameState, treaty: Treaty) -> bool:
    """Whether the treaty exists yet: in force for some member now, or from the start.
    A treaty signed on turn 6 is nobody's business on turn 2 (the umpire sees it coming)."""
    return bool(gs.members_in_force.get(treaty.id)) or bool(_members_at_start(gs.scenario, treaty))


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
        if not knows(gs, viewer, t.id) or (viewer is not None and not exists(gs, t)):
            continue
        terms = knows_secret_terms(gs, viewer, t)
        arts = tuple(k for k, o in enumerate(t.obligations) if terms or not o.secret)
        members = tuple(m for m in t.members if m in gs.members_in_force.get(t.id, frozenset()))
        out.append(TreatyView(t, arts, members, len(arts) < len(t.obligations)))
    return out


# --- events --------------------------------------------------------------------------------------

def visible_events(gs: GameState, events: Iterable[Event], viewer: Viewer) -> list[Event]:
    """The events `viewer` may see: the engine's visibility, and no unknown secret treaty named."""
    out = []
    for e in events:
        if not e.visible_to(viewer):
            continue
        treaty = getattr(e, "treaty", None)
        if viewer is not None and isinstance(treaty, str) and not knows(gs, viewer, treaty):
            continue
        out.append(e)
    return out


def public_fields(event: Event, viewer: Viewer, whole: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The fields of `event` as `viewer` may read them (None: the umpire reads all). `whole`:
    `event.data()` as a caller already encoded it (left unchanged: a new dict is returned)."""
    data = event.data() if whole is None else dict(whole)
    if viewer is None:
        return data
    if isinstance(event, Overridden):
        data.pop("rationale", None)  # the umpire's reason is for the debrief
    if isinstance(event, DecisionTaken | Overridden) and event.state not in viewer:
        for name in PRIVATE_DECISION_FIELDS:
            data.pop(name, None)
    return data


# --- decisions -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DueDecision:
    """A decision asked of a state this turn, and where it stands."""
    attack: str
    state: str
    treaty: str | None
    control: str                 # player | npc
    status: str                  # pending | decided | overridden
    response: str | None = None
    source: str | None = None
    rationale: str = ""
    statement: str = ""


def decisions_due(gs: GameState, viewer: Viewer = None) -> list[DueDecision]:
    """This turn's requests (a cell's own only), with the answer given so far. A cell reads its
    own rationale back, never the umpire's reason for overriding it."""
    out = []
    for (attack, state), req in gs.requests.items():
        if viewer is not None and state not in viewer:
            continue
        key = (attack, state)
        d = gs.overrides.get(key) or gs.turn_decisions.get(key)
        status = "overridden" if key in gs.overrides else ("decided" if d else "pending")
        rationale = d.rationale if d and (viewer is None or status != "overridden") else ""
        mine = gs.turn_decisions.get(key)
        out.append(DueDecision(attack, state, req.treaty, str(req.control), status,
                               str(d.response) if d else None, str(d.source) if d else None,
                               rationale, mine.statement if mine else ""))
    return out


@dataclass(frozen=True, slots=True)
class DueOption:
    """An option of a state open this turn, and where it stands (engine.options)."""
    inject: str
    state: str
    text: str
    until: int
    control: str                 # player | npc
    status: str                  # pending | taken | declined


def options_due(gs: GameState, viewer: Viewer = None) -> list[DueOption]:
    """This turn's options: a cell sees those offered to its states; the umpire sees every option
    offered or chosen this turn, to override."""
    if gs.status is not Status.OPEN:
        return []
    offered = dict(gs.options_due)
    names = offered if viewer is not None else {**offered, **{i: "" for i in gs.option_choices}}
    out = []
    for inject_id in names:
        inject = gs.scenario.inject_by_id.get(inject_id)
        if inject is None:
            continue
        state = inject.actors[0] if inject.actors else ""
        if viewer is not None and state not in viewer:
            continue
        choice = gs.option_choices.get(inject_id)
        status = "pending" if choice is None else ("taken" if choice else "declined")
        out.append(DueOption(inject_id, state, inject.text, inject.until if inject.until is not None else inject.turn,
                             "player" if inject_id in offered else "npc", status))
    return out


def waiting_on_cells(gs: GameState) -> list[Key]:
    """(attack, state) of player states that still owe an answer this turn."""
    if gs.mode is not Mode.EXERCISE:
        return []
    return [(a, s) for a, s in gs.pending() if gs.controller(s) is Control.PLAYER]


@dataclass(frozen=True, slots=True)
class PublicDecision:
    turn: int
    attack: str
    state: str
    response: str
    statement: str


def public_decisions(gs: GameState, events: Sequence[Event] = (), viewer: Viewer = None) -> list[PublicDecision]:
    """Answers of closed turns that every state learns of: the response and the public statement.

    A cell's decision stays with its cell while the turn is open (it may still revise
    it); once the turn closes, the answer that stands is public, as the doctrine's are,
    unless it was given under a secret treaty the viewer does not know. The private
    rationale never is. (`events` is not read: the fold keeps what this needs.)"""
    return list(_public(gs.scenario, gs.published, sorted(gs.published), _unknown_treaties(gs, viewer)))


def _unknown_treaties(gs: GameState, viewer: Viewer) -> frozenset[str]:
    """The secret treaties a viewer does not know of (the umpire knows all)."""
    if viewer is None:
        return frozenset()
    return frozenset(t.id for t in gs.scenario.treaties if t.secret and not knows(gs, viewer, t.id))


def _public(scenario: Scenario, published: Mapping[int, tuple[tuple[Decision, str], ...]],
            turns: Iterable[int], unknown: frozenset[str]) -> Iterable[PublicDecision]:
    """The public answers of `turns`, in order: by turn, attack, then the scenario's order of states."""
    rank = facts(scenario).rank
    for turn in turns:
        group = [PublicDecision(turn, d.attack, d.state, str(d.response), statement)
                 for d, statement in published.get(turn, ()) if not (d.treaty and d.treaty in unknown)]
        yield from sorted(group, key=lambda p: (p.attack, rank(p.state)))


def latest_indicators(gs: GameState, viewer: Viewer = None) -> dict[str, tuple[int, IndicatorsMeasured]]:
    """The most recent indicators of each treaty the viewer knows, with the turn measured."""
    out: dict[str, tuple[int, IndicatorsMeasured]] = {}
    for turn in sorted(gs.indicators):
        for treaty, measured in gs.indicators[turn].items():
            if knows(gs, viewer, treaty):
                out[treaty] = (turn, measured)
    return out


# --- everything at once --------------------------------------------------------------------------

@dataclass(frozen=True)
class View:
    """What one viewer sees of a game at one moment.

    `public`, `public_since` and `messages` are worked out when first read, from values the
    view captured when it was made (the fold replaces them, never changes them), so a read that
    does not ask for them does not pay for them, and none of them can change afterwards."""
    viewer: Viewer
    events: tuple[Event, ...]
    treaties: tuple[TreatyView, ...]
    due: tuple[DueDecision, ...]
    indicators: Mapping[str, tuple[int, IndicatorsMeasured]]
    briefings: tuple[tuple[str, str], ...] = ()  # (whose, text): the scenario's, then each state's
    options: tuple[DueOption, ...] = ()      # this turn's options (engine.options): a cell's own
    closed_since: tuple[int, ...] = ()       # the turns that closed among `events`
    scenario: Scenario | None = field(default=None, repr=False, compare=False)
    published: Mapping[int, tuple[tuple[Decision, str], ...]] = field(default_factory=dict, repr=False)
    unknown: frozenset[str] = frozenset()    # the secret treaties the viewer does not know of
    sent: tuple[MessageSent, ...] = field(default=(), repr=False)

    @cached_property
    def public(self) -> tuple[PublicDecision, ...]:
        """Every answer of a closed turn the viewer learns of (see `public_decisions`)."""
        return self._public(sorted(self.published))

    @cached_property
    def public_since(self) -> tuple[PublicDecision, ...]:
        """The answers made public by the turns that closed among `events` (a client that
        polls learns those; with `since=0`, every one)."""
        return self._public(self.closed_since)

    @cached_property
    def messages(self) -> tuple[MessageSent, ...]:
        """The messages this viewer may read, oldest first."""
        return tuple(m for m in self.sent if m.visible_to(self.viewer))

    def _public(self, turns: Iterable[int]) -> tuple[PublicDecision, ...]:
        if self.scenario is None:
            return ()
        return tuple(_public(self.scenario, self.published, turns, self.unknown))


def briefings(scenario: Scenario, viewer: Viewer) -> tuple[tuple[str, str], ...]:
    """The briefings a viewer reads, from before turn 1: the scenario's for every cell, a
    state's for its own cell (the umpire reads them all)."""
    out = [("Everyone", scenario.briefing)] if scenario.briefing else []
    out += [(s.name, s.briefing) for s in scenario.states if s.briefing and (viewer is None or s.id in viewer)]
    return tuple(out)


def view_for(gs: GameState, events: Sequence[Event], viewer: Viewer, *, since: int = 0) -> View:
    """The one source of what a cell (or the umpire, `viewer=None`) sees. `since`: only the
    events from that place in the log on (a client that polls reads what is new); the rest of
    the view is always whole. Its cost does not grow with the log: it reads the new events and
    what the fold keeps (engine.state), never the whole log."""
    new = events[since:]
    closed = tuple(sorted({e.turn for e in new if isinstance(e, TurnClosed)} & gs.published.keys()))
    return View(viewer, tuple(visible_events(gs, new, viewer)), tuple(treaties_seen(gs, viewer)),
                tuple(decisions_due(gs, viewer)), latest_indicators(gs, viewer), briefings(gs.scenario, viewer),
                tuple(options_due(gs, viewer)), closed, gs.scenario, gs.published,
                _unknown_treaties(gs, viewer), gs.messages)
