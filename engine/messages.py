"""Messages of an exercise: who may write to whom, and who reads each message.

The umpire writes to one cell, several or all; a cell writes to the umpire and,
once the umpire has opened the diplomatic channel, to other cells. A message is
an event like any other: its visibility (the states of the cells it concerns)
decides who reads it, through `engine.view`, so pages, the API, the report and
the exports agree. The engine knows states, not cells: the caller names each
cell with the states it plays.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .errors import InvalidAction, NotPermitted
from .events import ChannelSet, Event, MessageSent
from .model import ALL, UMPIRE
from .state import GameState

MAX_MESSAGE = 4000  # characters: a signal, not a document


def compose(gs: GameState, *, sender: str, sender_states: frozenset[str] | None,
            to: Mapping[str, frozenset[str]] | str, text: str) -> MessageSent:
    """The message `sender` writes (`sender_states` None: the umpire) to the cells of `to`
    (cell name -> the states it plays), or to "all" or "umpire". Raises when the rules refuse it."""
    text = text.strip()
    if not text:
        raise InvalidAction("a message needs some text")
    if len(text) > MAX_MESSAGE:
        raise InvalidAction(f"a message is at most {MAX_MESSAGE} characters, not {len(text)}: shorten it")
    umpire = sender_states is None
    if to == UMPIRE:
        if umpire:
            raise InvalidAction("the umpire writes to cells: name them, or write to all")
        return _message(gs, sender, (UMPIRE,), text, _ordered(gs, sender_states or ()))
    if not umpire and not gs.channel_open:
        raise NotPermitted("the umpire has not opened the channel between cells: write to the umpire")
    if to == ALL:
        return _message(gs, sender, (ALL,), text, ALL)
    if isinstance(to, str):
        raise InvalidAction(f"a message goes to cells, to {ALL!r} or to {UMPIRE!r}, not {to!r}")
    cells = {name: states for name, states in to.items() if name != sender}
    if not cells:
        raise InvalidAction("name at least one cell to write to (other than your own)")
    readers = set(sender_states or ()).union(*cells.values())
    return _message(gs, sender, tuple(sorted(cells)), text, _ordered(gs, readers))


def _ordered(gs: GameState, states: Iterable[str]) -> tuple[str, ...]:
    order = list(gs.scenario.state_by_id)
    return tuple(sorted(set(states), key=order.index))


def _message(gs: GameState, sender: str, to: tuple[str, ...], text: str,
             visibility: str | tuple[str, ...]) -> MessageSent:
    return MessageSent(turn=gs.turn, actor=sender, visibility=visibility, sender=sender, to=to, text=text,
                       reason=f"from {sender} to {', '.join(to)}: {text}")


def channel(gs: GameState, open_: bool) -> ChannelSet:
    """The umpire opens or closes the channel between cells (every cell is told)."""
    if gs.channel_open == open_:
        raise InvalidAction(f"the channel between cells is already {'open' if open_ else 'closed'}")
    return ChannelSet(turn=gs.turn, actor=UMPIRE, visibility=ALL, open=open_,
                      reason=("the umpire opens" if open_ else "the umpire closes")
                      + " the channel between cells")


def messages(events: Sequence[Event]) -> list[MessageSent]:
    """The messages among events (already filtered for their reader)."""
    return [e for e in events if isinstance(e, MessageSent)]
