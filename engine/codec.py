"""Event logs as JSON lines, read back into typed events.

The encoding is the events' own (`Event.to_dict`); this module reads it: each line's kind
picks its class, and each field is decoded by its annotated type (tuples, enums, mappings,
nested value types), so a class needs no code of its own to be read. A log of an older
format goes through `engine.migrate` first.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from enum import StrEnum
from typing import Any, Union, get_args, get_origin, get_type_hints

from . import events as _events
from .events import EVENT_TYPES, FORMAT_VERSION, AttackMade, Event, Kind, _own_fields
from .model import ALL, InjectKind
from .network import Attack


class EventFormatError(ValueError):
    """A line of a log that is not an event of this format."""


Decoder = Callable[[Any], Any]


def _decoder(hint: Any) -> Decoder:
    """A function that turns a JSON value into a value of the annotated type."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Union or (origin is not None and type(None) in args and len(args) >= 2):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            one = _decoder(inner[0])
            return lambda v: None if v is None else one(v)
        return lambda v: v  # float | str: as written
    if origin is tuple:
        item = _decoder(args[0])
        return lambda v: tuple(item(x) for x in v)
    if origin is Mapping or origin is dict:
        val = _decoder(args[1])
        return lambda v: {str(k): val(x) for k, x in v.items()}
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return hint
    if isinstance(hint, type) and is_dataclass(hint):
        inner_hints = get_type_hints(hint)
        decs = {f.name: _decoder(inner_hints[f.name]) for f in fields(hint)}
        return lambda v: hint(**{k: decs[k](x) for k, x in v.items()})
    if hint is float:
        return float
    if hint is int:
        return int
    if hint is bool:
        return bool
    return lambda v: v


_DECODERS: dict[type[Event], dict[str, Decoder]] = {}


def _decoders(cls: type[Event]) -> dict[str, Decoder]:
    decs = _DECODERS.get(cls)
    if decs is None:
        # An event class may live outside engine.events (engine.option_events): its own module's
        # names resolve its annotations, engine.events' the rest.
        module = sys.modules.get(cls.__module__)
        hints = get_type_hints(cls, globalns={**vars(_events), **(vars(module) if module else {})})
        decs = _DECODERS[cls] = {name: _decoder(hints[name]) for name in _own_fields(cls)}
    return decs


def from_dict(data: Mapping[str, Any]) -> Event:
    """An event from its JSON form (version 1). Raises EventFormatError saying what is wrong."""
    try:
        cls = EVENT_TYPES[Kind(data["kind"])]
        payload = dict(data.get("payload") or {})
        vis = data.get("visibility", ALL)
        common = {"turn": int(data["turn"]), "actor": data.get("actor"),
                  "visibility": vis if isinstance(vis, str) else tuple(vis), "reason": data.get("reason", "")}
        if cls is AttackMade:
            return AttackMade(**common, attack=attack_from_data(payload), round=int(payload.get("round", 1)),
                              reopened=bool(payload.get("reopened", False)))
        decs = _decoders(cls)
        unknown = set(payload) - set(decs)
        if unknown:
            raise EventFormatError(f"{data['kind']} has no field {', '.join(sorted(unknown))}")
        return cls(**common, **{k: decs[k](v) for k, v in payload.items()})
    except EventFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise EventFormatError(f"not an event of format {FORMAT_VERSION}: {exc!r}") from None


def attack_from_data(p: Mapping[str, Any]) -> Attack:
    return Attack(
        id=p["attack"], attackers=tuple(p["attackers"]), target=p["target"], kind=InjectKind(p["kind"]),
        region=p.get("region"), territory=p.get("territory"), provoked=bool(p.get("provoked")),
        attribution=float(p.get("attribution", 1.0)), severity=float(p.get("severity", 0.5)),
        origin=p.get("origin") or p["attack"], resisted=bool(p.get("resisted", True)))


def dumps(events: Iterable[Event]) -> str:
    """Events as JSON lines (one per line, final newline)."""
    return "".join(e.to_json() + "\n" for e in events)


def loads(text: str) -> list[Event]:
    """Events from JSON lines, of this format or migrated from an older one."""
    from .migrate import migrate  # the migration knows the old formats; it imports this module
    return migrate([json.loads(line) for line in text.splitlines() if line.strip()])


