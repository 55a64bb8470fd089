"""An inject the umpire writes during play, read from the dashboard's form or the API's fields.
The engine checks it when it fires (`engine.turn.fire_adhoc`): the rules live there."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.game import Game
from engine.model import Inject, InjectKind

from .snapshot import ConsoleError


def _number(fields: Mapping[str, Any], name: str, default: float) -> float:
    raw = fields.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ConsoleError(f"{name} must be a number between 0 and 1, not {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ConsoleError(f"{name} must be between 0 and 1, not {value}")
    return value


def adhoc_inject(game: Game, fields: Mapping[str, Any]) -> Inject:
    """The inject the umpire's fields describe (numbers and the kind parsed here; the rest the engine checks)."""
    try:
        kind = InjectKind(str(fields.get("kind", "")))
    except ValueError:
        raise ConsoleError(f"unknown kind {fields.get('kind')!r}: one of "
                           f"{', '.join(str(k) for k in InjectKind)}") from None
    actors = tuple(a for a in str(fields.get("actor") or "").replace(",", " ").split() if a)
    target = str(fields.get("target") or "").strip() or None
    known = game.scenario.state_by_id
    visibility = str(fields.get("visibility") or "all")
    visibility_value: str | tuple[str, ...] = (
        visibility if visibility in ("all", "umpire") else tuple(s for s in visibility.replace(",", " ").split() if s))
    n = 1 + sum(1 for i in game.state.fired if i.startswith("adhoc-"))
    inject_id = f"adhoc-{game.state.turn}-{n}"
    while inject_id in game.scenario.inject_by_id or inject_id in game.state.fired:
        n += 1
        inject_id = f"adhoc-{game.state.turn}-{n}"
    return Inject(id=inject_id, turn=max(game.state.turn, 1), kind=kind, actors=actors, target=target,
                  severity=_number(fields, "severity", 0.5), attribution=_number(fields, "attribution", 1.0),
                  region=known[target].region if target is not None and target in known else None,
                  visibility=visibility_value,
                  text=str(fields.get("text") or "").strip()[:2000])


def for_cells(cells: Mapping[str, Sequence[str]], fields: Any) -> dict[str, Any]:
    """The form's fields, with the cells chosen to see the inject (`cells`, a list) turned into
    the states they play: the inject's visibility, which the engine checks and enforces."""
    chosen = list(fields.getlist("cells")) if hasattr(fields, "getlist") else list(fields.get("cells") or ())
    out = {key: fields.get(key) for key in fields if key != "cells"}
    if chosen:
        unknown = [n for n in chosen if n not in cells]
        if unknown:
            raise ConsoleError(f"no cell {', '.join(map(repr, unknown))} in this exercise")
        out["visibility"] = " ".join(s for n in chosen for s in cells[n])
    return out
